import { useEffect, useState } from 'react';
import type { WebhookDto } from '../../../shared/contracts/webhooks.ts';
import { api } from '../../app/api.ts';
import { useT } from '../../i18n/index.ts';
import { when } from '../../ui/format.ts';
import { AdminScreen, useAdminScreen } from './admin-screen.tsx';
import { type Revealed, WebhookEditor } from './webhook-editor.tsx';
import { StateBadge } from './webhook-state.tsx';
import './webhooks.css';

/** The list refreshes on its own this often, so an endpoint's state is current at a glance. */
const STATE_REFRESH_MS = 30_000;

/**
 * Webhooks for integrators (`#/admin/webhooks/<id|new>`, issue 13 point 8): the endpoints with their
 * state, each one's settings, actions and delivery log. Administrators only (channels.manage); the
 * list and the editor scroll on their own, the page does not.
 */
export function WebhooksAdmin() {
  const t = useT();
  const screen = useAdminScreen<WebhookDto>(
    '/admin/webhooks',
    '/webhooks',
    'webhook-notice',
    STATE_REFRESH_MS,
  );
  const { id, setError } = screen;
  // The names an endpoint may subscribe to, as this server lists them.
  const [events, setEvents] = useState<string[]>([]);
  // A signing secret just made, for its endpoint's page only: kept in memory, never in the address,
  // and forgotten once the administrator leaves that page.
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  useEffect(() => {
    void api<{ items: string[] }>('GET', '/webhook-events').then(
      (r) => setEvents(r.items),
      (e: unknown) => setError(e),
    );
  }, [setError]);
  // Only when the page changes: the secret of an endpoint just created is set while still on 'new'.
  useEffect(() => {
    setRevealed((r) => (r && r.id !== id ? null : r));
  }, [id]);

  return (
    <AdminScreen
      screen={screen}
      className="webhooks-admin"
      words="webhooksAdmin"
      entry={(w) => ({
        title: w.url,
        active: w.status === 'active',
        data: { 'data-webhook': w.url },
        lines: (
          <>
            <StateBadge w={w} />
            {w.description && (
              <span className="muted" data-i18n-skip>
                {w.description}
              </span>
            )}
            <span className="muted">
              {w.events.includes('*')
                ? t('webhooksAdmin.allEvents')
                : t('webhooksAdmin.eventCount', { count: w.events.length })}{' '}
              ·{' '}
              {w.lastSuccessAt
                ? t('webhooksAdmin.lastSuccess', { when: when(w.lastSuccessAt) })
                : t('webhooksAdmin.neverDelivered')}
            </span>
          </>
        ),
      })}
      editor={(w) => (
        <WebhookEditor
          webhook={w}
          events={events}
          revealed={revealed?.id === id ? revealed : null}
          onReveal={setRevealed}
          reload={screen.load}
          say={screen.notice.say}
        />
      )}
    />
  );
}
