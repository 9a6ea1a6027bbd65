import { useState } from 'react';
import { ApiError, api } from '../../app/api.ts';
import { useLive } from '../../app/live.tsx';

const ACKNOWLEDGERS = new Set(['team_leader', 'supervisor', 'administrator']);

/** Unread notifications in the top bar; an urgent escalation is acknowledged from here. */
export function NotificationBell({ role }: { role: string }) {
  const { notifications, markRead, connected } = useLive();
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const urgent = notifications.filter((n) => n.urgent).length;
  const acknowledge = async (escalationId: string, id: string) => {
    setError(null);
    try {
      await api('POST', `/escalations/${escalationId}/acknowledge`);
      await markRead(id);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <div className="bell">
      <button
        type="button"
        className={urgent ? 'urgent' : 'secondary'}
        aria-expanded={open}
        aria-controls="notification-list"
        onClick={() => setOpen(!open)}
        title={connected ? 'Live' : 'Reconnecting…'}
      >
        Notifications ({notifications.length}){urgent ? ` · ${urgent} urgent` : ''}
      </button>
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
            <ul>
              {notifications.map((n) => (
                <li key={n.id} className={n.urgent ? 'urgent' : undefined}>
                  <strong>{n.title}</strong>
                  <p>{n.body}</p>
                  <div className="row">
                    {n.caseId && (
                      <a href={`#/cases/${n.caseId}`} onClick={() => setOpen(false)}>
                        Open case
                      </a>
                    )}
                    {n.kind === 'escalation.urgent' && n.escalationId && ACKNOWLEDGERS.has(role) ? (
                      <button type="button" onClick={() => void acknowledge(n.escalationId!, n.id)}>
                        Acknowledge
                      </button>
                    ) : (
                      <button type="button" className="secondary" onClick={() => void markRead(n.id)}>
                        Mark read
                      </button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
