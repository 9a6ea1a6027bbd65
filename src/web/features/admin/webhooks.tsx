import { type ReactNode, useEffect, useState } from 'react';
import type { WebhookDto } from '../../../shared/contracts/webhooks.ts';
import { api } from '../../app/api.ts';
import { useRoute } from '../../app/router.ts';
import { useT } from '../../i18n/index.ts';
import { when } from '../../ui/format.ts';
import { AdminList, AdminListItem, AdminPanes, Loading, useAdminItems, useNotice } from './admin-list.tsx';
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
  const id = useRoute()[2];
  const { items, error, setError, load } = useAdminItems<WebhookDto>('/webhooks', STATE_REFRESH_MS);
  // The names an endpoint may subscribe to, as this server lists them.
  const [events, setEvents] = useState<string[]>([]);
  const notice = useNotice(`/admin/webhooks${id ? `/${id}` : ''}`, 'webhook-notice');
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

  let list: ReactNode = null;
  let editor: ReactNode;
  if (!items) editor = <Loading error={error} text={t('webhooksAdmin.loading')} />;
  else {
    const current = items.find((w) => w.id === id) ?? null;
    list = <WebhookList items={items} current={id} onRefresh={load} />;
    editor =
      id === 'new' || current ? (
        <WebhookEditor
          key={id}
          webhook={current}
          events={events}
          revealed={revealed?.id === id ? revealed : null}
          onReveal={setRevealed}
          reload={load}
          say={notice.say}
        />
      ) : (
        <p className="hint">{t('webhooksAdmin.choose')}</p>
      );
  }

  return (
    <AdminPanes className="webhooks-admin" title={t('webhooksAdmin.title')} list={list} notice={notice}>
      {editor}
    </AdminPanes>
  );
}

function WebhookList({
  items,
  current,
  onRefresh,
}: {
  items: WebhookDto[];
  current: string | undefined;
  onRefresh(): Promise<void>;
}) {
  const t = useT();
  return (
    <AdminList
      label={t('webhooksAdmin.list')}
      count={items.length}
      none={t('webhooksAdmin.none')}
      newHref="#/admin/webhooks/new"
      newLabel={t('webhooksAdmin.new')}
      current={current}
      refreshLabel={t('webhooksAdmin.refresh')}
      onRefresh={onRefresh}
    >
      {items.map((w) => (
        <AdminListItem
          key={w.id}
          href={`#/admin/webhooks/${w.id}`}
          current={current === w.id}
          active={w.status === 'active'}
          title={w.url}
          data={{ 'data-webhook': w.url }}
        >
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
        </AdminListItem>
      ))}
    </AdminList>
  );
}
