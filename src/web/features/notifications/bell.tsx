import { useEffect, useRef, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import { api } from '../../app/api.ts';
import { useLive } from '../../app/live.tsx';
import type { NotificationDto } from '../../app/types.ts';
import { type Key, t, useT } from '../../i18n/index.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { useDismiss } from '../../ui/use-dismiss.ts';

const MIN = 60_000;

/** What a notification's `at` is, said around the time; a due time by default. */
function atKey(n: NotificationDto, now: number): Key {
  if (n.kind === 'verification.locked') return 'bell.call';
  return Date.parse(n.at ?? '') < now ? 'bell.wasDue' : 'bell.due';
}

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
/** In the viewer's own zone (the browser's), never a raw ISO string. */
const local = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "just now", "5 minutes ago", "in 2 hours", "3 days ago"; past a week, the date. */
export function ago(iso: string, now: number): string {
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  if (abs < MIN) return t('format.justNow');
  if (abs < 60 * MIN) return relative.format(Math.round(ms / MIN), 'minute');
  if (abs < 24 * 60 * MIN) return relative.format(Math.round(ms / (60 * MIN)), 'hour');
  if (abs < 7 * 24 * 60 * MIN) return relative.format(Math.round(ms / (24 * 60 * MIN)), 'day');
  return local.format(new Date(iso));
}

/** The time in words from Intl (data to the pseudo-locale check), inside the catalogue's words. */
function When({ iso, now, around }: { iso: string; now: number; around?: Key }) {
  const t = useT();
  const time = <span data-i18n-skip>{ago(iso, now)}</span>;
  if (!around) {
    return (
      <time dateTime={iso} title={local.format(new Date(iso))}>
        {time}
      </time>
    );
  }
  // The catalogue's words may put the time anywhere: split them at the placeholder.
  const [before, after = ''] = t(around, { when: '\u0000' }).split('\u0000');
  return (
    <time dateTime={iso} title={local.format(new Date(iso))}>
      {before}
      {time}
      {after}
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
    setSaid((s) =>
      [...s, ...fresh.map((n) => (n.urgent ? t('bell.urgentSaid', { title: n.title }) : n.title))].slice(-5),
    );
  }, [items, loaded]);
  return said;
}

/** Unread notifications in the top bar; an urgent escalation is acknowledged from here. */
export function NotificationBell({ role }: { role: string }) {
  const t = useT();
  const { notifications, loaded, unread, urgent, markRead, markAllRead, connected } = useLive();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
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

  useDismiss(open, setOpen, root, button);

  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
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
        title={connected ? t('bell.live') : t('bell.reconnecting')}
      >
        {t('bell.button', { unread })}
        {urgent ? t('bell.urgentCount', { urgent }) : ''}
      </button>
      <div role="log" aria-label={t('bell.log')} className="sr-only" data-i18n-skip>
        {said.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: an append-only log; the same words may recur
          <p key={i}>{s}</p>
        ))}
      </div>
      {open && (
        <section id="notification-list" className="popover" aria-label={t('bell.region')}>
          {error ? (
            <p role="alert" className="error">
              <ProblemText error={error} />
            </p>
          ) : null}
          {notifications.length === 0 ? (
            <p>{t('bell.nothing')}</p>
          ) : (
            <>
              <div className="row">
                <button type="button" className="secondary" onClick={() => void run(markAllRead)}>
                  {t('bell.markAllRead')}
                </button>
                {unread > notifications.length && (
                  <span className="muted">{t('bell.shown', { shown: notifications.length, unread })}</span>
                )}
                {notifications.some((n) => n.awaitsAcknowledgement) && (
                  <span className="muted">{t('bell.stay')}</span>
                )}
              </div>
              <ul>
                {notifications.map((n) => (
                  <li key={n.id} className={n.urgent ? 'urgent' : undefined}>
                    {n.awaitsAcknowledgement && (
                      <p>
                        <span className="badge">{t('bell.awaiting')}</span>
                      </p>
                    )}
                    <strong data-i18n-skip>{n.title}</strong>
                    <p data-i18n-skip>{n.body}</p>
                    <p className="muted">
                      {n.at && (
                        <>
                          <When iso={n.at} now={now} around={atKey(n, now)} />
                          {' · '}
                        </>
                      )}
                      <When iso={n.createdAt} now={now} />
                    </p>
                    <div className="row">
                      {n.caseId && (
                        <a href={`#/cases/${n.caseId}`} onClick={() => setOpen(false)}>
                          {t('bell.openCase')}
                        </a>
                      )}
                      {n.customerId && !n.caseId && (
                        <a href={`#/customers/${n.customerId}`} onClick={() => setOpen(false)}>
                          {t('bell.openCustomer')}
                        </a>
                      )}
                      {n.kind === 'escalation.urgent' &&
                      n.escalationId &&
                      can(role, 'escalations.acknowledge') ? (
                        <button type="button" onClick={() => void acknowledge(n.escalationId!, n.id)}>
                          {t('bell.acknowledge')}
                        </button>
                      ) : (
                        <button
                          type="button"
                          className="secondary"
                          onClick={() => void run(() => markRead(n.id))}
                        >
                          {t('bell.markRead')}
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
