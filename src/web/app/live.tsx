import { createContext, type ReactNode, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { NotificationListDto } from '../../shared/contracts/notifications.ts';
import { api } from './api.ts';
import type { NotificationDto } from './types.ts';

/** A message from `/api/v1/stream`: "re-fetch if your copy is older" (never the state itself). */
export interface Invalidation {
  /** The event (`case.status_changed`, `notification.created`…), or `resync` after a reconnect. */
  type: string;
  id?: string;
  version?: number;
  room?: string;
}

type Listener = (inv: Invalidation) => void;

interface Live {
  /**
   * My unread notifications (at most PAGE): urgent escalations awaiting my acknowledgement first,
   * the longest waiting first, then the rest newest first — the server's order, kept.
   */
  notifications: NotificationDto[];
  /** False until the first fetch answered. */
  loaded: boolean;
  /** All my unread, and of those the urgent (the page may hold fewer). */
  unread: number;
  urgent: number;
  /** Bumped (at most every 300 ms) when my team or I hear of a change: list views reload on it. */
  version: number;
  connected: boolean;
  markRead(id: string): Promise<void>;
  markAllRead(): Promise<void>;
  /** Follow a room (`case:<id>`): returns the unsubscribe. */
  listen(room: string, fn: Listener): () => void;
}

const PAGE = 50;
const noop = () => {};

const LiveContext = createContext<Live>({
  notifications: [],
  loaded: false,
  unread: 0,
  urgent: 0,
  version: 0,
  connected: false,
  markRead: async () => {},
  markAllRead: async () => {},
  listen: () => noop,
});

/**
 * The desktop's WebSocket to `/api/v1/stream`. The server sends invalidations to rooms; this
 * provider re-fetches my notifications when my `user:` room hears of them, bumps `version` for
 * list views, and routes every message to `useInvalidation` listeners. On (re)connecting it
 * re-subscribes the rooms in use and tells every listener to re-fetch: messages sent while the
 * socket was down are not replayed.
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [list, setList] = useState<NotificationListDto>({ items: [], unread: 0, urgent: 0 });
  const [loaded, setLoaded] = useState(false);
  const [version, setVersion] = useState(0);
  const [connected, setConnected] = useState(false);
  const listeners = useRef(new Map<string, Set<Listener>>());
  const socket = useRef<WebSocket | undefined>(undefined);
  const homeRooms = useRef(new Set<string>());

  const refresh = useCallback(async () => {
    try {
      setList(await api<NotificationListDto>('GET', `/notifications?unread=true&limit=${PAGE}`));
      setLoaded(true);
    } catch {
      // Signed out or offline: the next message or reconnect tries again.
    }
  }, []);

  useEffect(() => {
    let ws: WebSocket | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let bump: ReturnType<typeof setTimeout> | undefined;
    let refetch: ReturnType<typeof setTimeout> | undefined;
    let delay = 1000;
    let stopped = false;
    const tell = (room: string, inv: Invalidation) => {
      for (const fn of listeners.current.get(room) ?? []) fn(inv);
    };
    const bumpVersion = () => {
      bump ??= setTimeout(() => {
        bump = undefined;
        setVersion((v) => v + 1);
      }, 300);
    };
    // A burst (a breach storm) costs one fetch.
    const refetchSoon = () => {
      refetch ??= setTimeout(() => {
        refetch = undefined;
        void refresh();
      }, 100);
    };
    const connect = () => {
      const proto = window.location.protocol === 'https:' ? 'wss' : 'ws';
      ws = new WebSocket(`${proto}://${window.location.host}/api/v1/stream`);
      socket.current = ws;
      ws.onmessage = (m) => {
        const msg = JSON.parse(String(m.data)) as Invalidation & { rooms?: string[] };
        if (msg.type === 'hello' || msg.type === 'resync') {
          if (msg.type === 'hello') {
            setConnected(true);
            delay = 1000;
            homeRooms.current = new Set(msg.rooms ?? []);
            for (const room of listeners.current.keys())
              if (!homeRooms.current.has(room)) ws?.send(JSON.stringify({ type: 'subscribe', room }));
          }
          void refresh();
          bumpVersion();
          for (const room of listeners.current.keys()) tell(room, { type: 'resync', room });
          return;
        }
        if (!msg.room) return;
        if (msg.type.startsWith('notification.')) refetchSoon();
        // Presence changes are for the presence views alone: case lists need not reload for them.
        else if (homeRooms.current.has(msg.room) && !msg.type.startsWith('presence')) bumpVersion();
        tell(msg.room, msg);
      };
      ws.onclose = () => {
        setConnected(false);
        if (stopped) return;
        retry = setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30_000);
      };
    };
    connect();
    return () => {
      stopped = true;
      for (const t of [retry, bump, refetch]) if (t) clearTimeout(t);
      ws?.close();
    };
  }, [refresh]);

  const listen = useCallback((room: string, fn: Listener) => {
    let set = listeners.current.get(room);
    if (!set) {
      set = new Set();
      listeners.current.set(room, set);
      const ws = socket.current;
      if (ws?.readyState === WebSocket.OPEN && !homeRooms.current.has(room))
        ws.send(JSON.stringify({ type: 'subscribe', room }));
    }
    set.add(fn);
    return () => {
      set.delete(fn);
      if (set.size) return;
      listeners.current.delete(room);
      const ws = socket.current;
      if (ws?.readyState === WebSocket.OPEN && !homeRooms.current.has(room))
        ws.send(JSON.stringify({ type: 'unsubscribe', room }));
    };
  }, []);

  const markRead = useCallback(async (id: string) => {
    await api('POST', `/notifications/${id}/read`);
    setList((l) => {
      const n = l.items.find((x) => x.id === id);
      if (!n) return l;
      return {
        items: l.items.filter((x) => x.id !== id),
        unread: Math.max(l.unread - 1, 0),
        urgent: Math.max(l.urgent - (n.urgent ? 1 : 0), 0),
      };
    });
  }, []);

  // What stays (urgent escalations awaiting acknowledgement) is the server's to say: re-fetch.
  const markAllRead = useCallback(async () => {
    await api('POST', '/notifications/read-all');
    await refresh();
  }, [refresh]);

  return (
    <LiveContext.Provider
      value={{
        notifications: list.items,
        loaded,
        unread: list.unread,
        urgent: list.urgent,
        version,
        connected,
        markRead,
        markAllRead,
        listen,
      }}
    >
      {children}
    </LiveContext.Provider>
  );
}

export const useLive = () => useContext(LiveContext);

/**
 * Call `onChange` when something in `room` changes (`case:<id>`, `team:<id>`, `user:<id>`), and
 * with `{type: 'resync'}` after a reconnect; re-fetch what the screen shows from there. The room
 * is subscribed while a component uses it; pass null to follow nothing.
 *
 *   useInvalidation(`case:${id}`, (inv) => { if ((inv.version ?? Infinity) > shown.version) reload(); });
 */
export function useInvalidation(room: string | null, onChange: (inv: Invalidation) => void): void {
  const { listen } = useLive();
  const latest = useRef(onChange);
  latest.current = onChange;
  useEffect(() => {
    if (!room) return;
    return listen(room, (inv) => latest.current(inv));
  }, [room, listen]);
}
