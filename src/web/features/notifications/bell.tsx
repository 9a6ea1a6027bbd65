import { useEffect, useRef, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import { ApiError, api } from '../../app/api.ts';
import { useLive } from '../../app/live.tsx';
import type { NotificationDto } from '../../app/types.ts';

const MIN = 60_000;

/** What a notification's `at` is, said before the time; a due time by default. */
function atPrefix(n: NotificationDto, now: number): string {
  if (n.kind === 'verification.locked') return 'Call ';
  return Date.parse(n.at ?? '') < now ? 'Was due ' : 'Due ';
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
/** In the viewer's own zone (the browser's), never a raw ISO string. */
const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "just now", "5 minutes ago", "in 2 hours", "3 days ago"; past a week, the date. */
export function ago(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  if (abs < MIN) return 'just now';
  if (abs < 60 * MIN) return relative.format(Math.round(ms / MIN), 'minute');
  if (abs < 24 * 60 * MIN) return relative.format(Math.round(ms / (60 * MIN)), 'hour');
  if (abs < 7 * 24 * 60 * MIN) return relative.format(Math.round(ms / (24 * 60 * MIN)), 'day');
  return local.format(new Date(iso));
}

function When({ iso, now, prefix = '' }: { iso: string; now: number; prefix?: string }) {
  return (
    <time dateTime={iso} title={local.format(new Date(iso))}>
      {prefix}
      {ago(iso, now)}
    </time>
  );
}

/** Speaks each notification that arrives once — not again on a reconnect, a re-fetch or a reload. */
function useAnnouncements(items: NotificationDto[], loaded: boolean): string[] {
  const known = useRef<Set<string> | null>(null);
  const [said, setSaid] = useState<string[]>([]);
  useEffect(() => {
    // The first list after loading is what was already there: nothing to announce.
    if (!loaded) return;
    if (!known.current) {
      known.current = new Set(items.map((n) => n.id));
      return;
    }
    const fresh = items.filter((n) => !known.current!.has(n.id));
    if (!fresh.length) return;
    for (const n of fresh) known.current.add(n.id);
    setSaid((s) => [...s, ...fresh.map((n) => `${n.urgent ? 'Urgent: ' : ''}${n.title}`)].slice(-5));
  }, [items, loaded]);
  return said;
}

/** Unread notifications in the top bar; an urgent escalation is acknowledged from here. */
export function NotificationBell({ role }: { role: string }) {
  const { notifications, loaded, unread, urgent, markRead, markAllRead, connected } = useLive();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(() => Date.now());
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const said = useAnnouncements(notifications, loaded);

  // Relative times stay true while the list is open.
  useEffect(() => {
    if (!open) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, [open]);

  // Escape and a click (or tap) outside close it, as any popover does.
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onPointer = (e: PointerEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const acknowledge = (escalationId: string, id: string) =>
    run(async () => {
      await api('POST', `/escalations/${escalationId}/acknowledge`);
      await markRead(id);
    });

  return (
    <div className="bell" ref={root}>
      <button
        ref={button}
        type="button"
        className={urgent ? 'urgent' : 'secondary'}
        aria-expanded={open}
        aria-controls="notification-list"
        onClick={() => setOpen(!open)}
        title={connected ? 'Live' : 'Reconnecting…'}
      >
        Notifications ({unread}){urgent ? ` · ${urgent} urgent` : ''}
      </button>
      <div role="log" aria-label="New notifications" className="sr-only">
        {said.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an append-only log; the same words may recur
          <p key={i}>{s}</p>
        ))}
      </div>
      {open && (
        <section id="notification-list" className="popover" aria-label="Notifications">
          {error && (
            <p role="alert" className="error">
              {error}
            </p>
          )}
          {notifications.length === 0 ? (
            <p>Nothing new.</p>
          ) : (
            <>
              <div className="row">
                <button type="button" className="secondary" onClick={() => void run(markAllRead)}>
                  Mark all read
                </button>
                {unread > notifications.length && (
                  <span className="muted">
                    {notifications.length} of {unread}
                  </span>
                )}
                {notifications.some((n) => n.awaitsAcknowledgement) && (
                  <span className="muted">Urgent escalations stay until acknowledged.</span>
                )}
              </div>
              <ul>
                {notifications.map((n) => (
                  <li key={n.id} className={n.urgent ? 'urgent' : undefined}>
                    {n.awaitsAcknowledgement && (
                      <p>
                        <span className="badge">Awaiting acknowledgement</span>
                      </p>
                    )}
                    <strong>{n.title}</strong>
                    <p>{n.body}</p>
                    <p className="muted">
                      {n.at && (
                        <>
                          <When iso={n.at} now={now} prefix={atPrefix(n, now)} />
                          {' · '}
                        </>
                      )}
                      <When iso={n.createdAt} now={now} />
                    </p>
                    <div className="row">
                      {n.caseId && (
                        <a href={`#/cases/${n.caseId}`} onClick={() => setOpen(false)}>
                          Open case
                        </a>
                      )}
                      {n.customerId && !n.caseId && (
                        <a href={`#/customers/${n.customerId}`} onClick={() => setOpen(false)}>
                          Open customer
                        </a>
                      )}
                      {n.kind === 'escalation.urgent' &&
                      n.escalationId &&
                      can(role, 'escalations.acknowledge') ? (
                        <button type="button" onClick={() => void acknowledge(n.escalationId!, n.id)}>
                          Acknowledge
                        </button>
                      ) : (
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => void run(() => markRead(n.id))}
                        >
                          Mark read
                        </button>
                      )}
                    </div>
                  </li>
                ))}
              </ul>
            </>
          )}
        </section>
      )}
    </div>
  );
}
