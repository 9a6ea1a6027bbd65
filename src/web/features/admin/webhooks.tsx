import { type ReactNode, useCallback, useEffect, useState } from 'react';
import type { WebhookDto } from '../../../shared/contracts/webhooks.ts';
import { api } from '../../app/api.ts';
import { useRoute } from '../../app/router.ts';
import { useT } from '../../i18n/index.ts';
import { focusSoon } from '../../ui/focus.ts';
import { when } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { type Revealed, WebhookEditor } from './webhook-editor.tsx';
import { StateBadge } from './webhook-state.tsx';
// The administration workspace's layout (panes that scroll on their own at 1280×720), the state
// badges the mailboxes use, then this screen's own.
import './sla-admin.css';
import './mailboxes.css';
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
  const path = `/admin/webhooks${id ? `/${id}` : ''}`;
  const [items, setItems] = useState<WebhookDto[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  // The names an endpoint may subscribe to, as this server lists them.
  const [events, setEvents] = useState<string[]>([]);
  const [notice, setNotice] = useState<{ path: string; text: string } | null>(null);
  // A signing secret just made, for its endpoint's page only: kept in memory, never in the address,
  // and forgotten once the administrator leaves that page.
  const [revealed, setRevealed] = useState<Revealed | null>(null);

  const load = useCallback(async () => {
    try {
      setItems((await api<{ items: WebhookDto[] }>('GET', '/webhooks')).items);
      setLoadError(null);
    } catch (e) {
      setLoadError(e);
    }
  }, []);
  useEffect(() => {
    void load();
    void api<{ items: string[] }>('GET', '/webhook-events').then(
      (r) => setEvents(r.items),
      (e: unknown) => setLoadError(e),
    );
    const timer = setInterval(() => void load(), STATE_REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);
  // Only when the page changes: the secret of an endpoint just created is set while still on 'new'.
  useEffect(() => {
    setRevealed((r) => (r && r.id !== id ? null : r));
  }, [id]);

  const say = (at: string, text: string) => {
    setNotice({ path: at, text });
    focusSoon('#webhook-notice');
  };
  const shown = notice?.path === path ? notice.text : null;

  let list: ReactNode = null;
  let editor: ReactNode;
  if (!items)
    editor = loadError ? (
      <p className="error" role="alert">
        <ProblemText error={loadError} />
      </p>
    ) : (
      <p className="loading">{t('webhooksAdmin.loading')}</p>
    );
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
          say={say}
        />
      ) : (
        <p className="hint">{t('webhooksAdmin.choose')}</p>
      );
  }

  return (
    <div className="sla-admin webhooks-admin">
      <header>
        <h1>{t('webhooksAdmin.title')}</h1>
      </header>
      <div className="panes">
        <div className="pane">{list}</div>
        <div className="pane editor">
          <p role="status" id="webhook-notice" tabIndex={-1} className="ok">
            {shown}
          </p>
          {editor}
        </div>
      </div>
    </div>
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
  const [refreshing, setRefreshing] = useState(false);
  return (
    <nav aria-label={t('webhooksAdmin.list')} className="sla-list mail-list webhook-list">
      <ul>
        {items.map((w) => (
          <li key={w.id} className={w.status === 'active' ? '' : 'inactive'} data-webhook={w.url}>
            <a href={`#/admin/webhooks/${w.id}`} aria-current={current === w.id ? 'true' : undefined}>
              <span data-i18n-skip>{w.url}</span>
            </a>
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
          </li>
        ))}
      </ul>
      {items.length === 0 && <p className="hint">{t('webhooksAdmin.none')}</p>}
      <div className="row">
        <a
          className="button-link"
          href="#/admin/webhooks/new"
          aria-current={current === 'new' ? 'true' : undefined}
        >
          {t('webhooksAdmin.new')}
        </a>
        <button
          type="button"
          className="secondary"
          disabled={refreshing}
          aria-busy={refreshing}
          onClick={async () => {
            setRefreshing(true);
            await onRefresh();
            setRefreshing(false);
          }}
        >
          {t('webhooksAdmin.refresh')}
        </button>
      </div>
    </nav>
  );
}
