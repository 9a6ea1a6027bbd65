import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { api } from './api.ts';
import type { NotificationDto } from './types.ts';

interface Live {
  /** Unread notifications, newest first. */
  notifications: NotificationDto[];
  /** Bumped on every push: views that show SLA colours reload when it changes. */
  version: number;
  connected: boolean;
  markRead(id: string): Promise<void>;
}

const LiveContext = createContext<Live>({
  notifications: [],
  version: 0,
  connected: false,
  markRead: async () => {},
});

/** The desktop's WebSocket to `/api/v1/stream`: notifications in real time, reconnecting on loss. */
export function LiveProvider({ children }: { children: ReactNode }) {
  const [notifications, setNotifications] = useState<NotificationDto[]>([]);
  const [version, setVersion] = useState(0);
  const [connected, setConnected] = useState(false);

  useEffect(() => {
    let ws: WebSocket | undefined;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let delay = 1000;
    let stopped = false;
    const connect = () => {
      const proto = window.location.protocol === 'https:' ? 'wss' : 'ws';
      ws = new WebSocket(`${proto}://${window.location.host}/api/v1/stream`);
      ws.onopen = () => {
        setConnected(true);
        delay = 1000;
      };
      ws.onmessage = (m) => {
        const msg = JSON.parse(String(m.data)) as { type: string; notification?: NotificationDto };
        if (msg.type === 'notification' && msg.notification) {
          const n = msg.notification;
          setNotifications((xs) => (xs.some((x) => x.id === n.id) ? xs : [n, ...xs]));
          setVersion((v) => v + 1);
        }
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
      if (retry) clearTimeout(retry);
      ws?.close();
    };
  }, []);

  const markRead = useCallback(async (id: string) => {
    await api('POST', `/notifications/${id}/read`);
    setNotifications((xs) => xs.filter((x) => x.id !== id));
  }, []);

  return (
    <LiveContext.Provider value={{ notifications, version, connected, markRead }}>
      {children}
    </LiveContext.Provider>
  );
}

export const useLive = () => useContext(LiveContext);
