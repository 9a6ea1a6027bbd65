import { useCallback, useEffect, useState } from 'react';
import type { PresenceDto, PresenceReasonDto } from '../../../shared/contracts/presence.ts';
import { api } from '../../app/api.ts';
import { useInvalidation } from '../../app/live.tsx';

/** A clock for "for 3 min": re-renders every `ms`. */
export function useNow(ms = 15_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}

/** The break reasons (switched-off ones too: the history and others' states may name them). */
export function useReasons(): PresenceReasonDto[] {
  const [reasons, setReasons] = useState<PresenceReasonDto[]>([]);
  useEffect(() => {
    void api<{ items: PresenceReasonDto[] }>('GET', '/presence/reasons')
      .then((r) => setReasons(r.items))
      .catch(() => {});
  }, []);
  return reasons;
}

/** My state, re-fetched when my `user:` room hears `presence.changed` (a contact, the timer). */
export function useMyPresence(userId: string) {
  const [me, setMe] = useState<PresenceDto | null>(null);
  const load = useCallback(async () => {
    try {
      setMe(await api<PresenceDto>('GET', '/presence/me'));
    } catch {
      // Offline or signed out: the next message or reconnect tries again.
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  useInvalidation(`user:${userId}`, (inv) => {
    if (inv.type === 'resync' || inv.type === 'presence.changed') void load();
  });
  return { me, setMe, reload: load };
}
