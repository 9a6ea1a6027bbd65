import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatSummaryDto } from '../../../shared/contracts/chat.ts';
import { api } from '../../app/api.ts';
import { useInvalidation } from '../../app/live.tsx';

const CHAT_EVENTS = /^(chat\.|case\.message_received|case\.message_sent|case\.chat_)/;

/**
 * The signed-in officer's open chats and their team's waiting ones, with unread counts, kept fresh
 * by the invalidations of their user and team rooms (a coalesced re-fetch, never the state itself).
 */
export function useMyChats(userId: string, teamId: string | null): ChatSummaryDto[] {
  const [chats, setChats] = useState<ChatSummaryDto[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const load = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      api<{ items: ChatSummaryDto[] }>('GET', '/chats/mine').then(
        (r) => setChats(r.items),
        () => {},
      );
    }, 150);
  }, []);
  useEffect(() => {
    load();
    return () => clearTimeout(timer.current);
  }, [load]);
  const onInv = (inv: { type: string }) => {
    if (inv.type === 'resync' || CHAT_EVENTS.test(inv.type)) load();
  };
  useInvalidation(`user:${userId}`, onInv);
  useInvalidation(teamId ? `team:${teamId}` : null, onInv);
  return chats;
}
