import { type ReactNode, useCallback, useEffect, useState } from 'react';
import type { MailboxDto } from '../../../shared/contracts/mailboxes.ts';
import { api } from '../../app/api.ts';
import { useRoute } from '../../app/router.ts';
import { useDepartments } from '../../app/use-departments.ts';
import { useT } from '../../i18n/index.ts';
import { focusSoon } from '../../ui/focus.ts';
import { when, whenFull } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { MailProblems } from './mail-problems.tsx';
import type { Names, Team } from './mailbox-draft.ts';
import { MailboxEditor } from './mailbox-form.tsx';
import { SenderBlocks } from './sender-blocks.tsx';
import type { Category } from './sla-shared.tsx';
// The administration workspace's layout (panes that scroll on their own at 1280×720), then this screen's own.
import './sla-admin.css';
import './mailboxes.css';

const TABS = ['mailboxes', 'problems', 'blocked'] as const;
/** The list refreshes on its own this often, so a mailbox's health is current at a glance. */
const HEALTH_REFRESH_MS = 30_000;

/**
 * E-mail administration (`#/admin/mail/mailboxes/<id|new>`, `#/admin/mail/problems`,
 * `#/admin/mail/blocked`): the mailboxes with their health, each mailbox's settings, the mail that
 * went wrong, and the senders whose mail never becomes a case. Administrators only
 * (channels.manage); the list and the editor scroll on their own, the page does not.
 */
export function MailAdmin({ teams }: { teams: Team[] }) {
  const t = useT();
  const route = useRoute();
  const tab: (typeof TABS)[number] = TABS.find((x) => x === route[2]) ?? 'mailboxes';
  const id = route[3];
  const path = `/admin/mail/${tab}${id ? `/${id}` : ''}`;
  const [items, setItems] = useState<MailboxDto[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [categories, setCategories] = useState<Category[]>([]);
  const departments = useDepartments(true);
  const [notice, setNotice] = useState<{ path: string; text: string } | null>(null);

  const load = useCallback(async () => {
    try {
      setItems((await api<{ items: MailboxDto[] }>('GET', '/mailboxes')).items);
      setLoadError(null);
    } catch (e) {
      setLoadError(e);
    }
  }, []);
  useEffect(() => {
    void load();
    void api<{ items: Category[] }>('GET', '/case-categories?includeInactive=true').then((r) =>
      setCategories(r.items),
    );
    const timer = setInterval(() => void load(), HEALTH_REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  const names: Names = { teams, departments, categories };
  const onSaved = (at: string, text: string) => {
    setNotice({ path: at, text });
    focusSoon('#mail-notice');
  };
  const shown = notice?.path === path ? notice.text : null;

  let list: ReactNode = null;
  let editor: ReactNode;
  if (tab === 'problems') editor = <MailProblems />;
  else if (tab === 'blocked') editor = <SenderBlocks />;
  else if (!items)
    editor = loadError ? (
      <p className="error" role="alert">
        <ProblemText error={loadError} />
      </p>
    ) : (
      <p className="loading">{t('mailboxes.loading')}</p>
    );
  else {
    const current = items.find((m) => m.id === id) ?? null;
    list = <MailboxList items={items} current={id} names={names} onRefresh={load} />;
    editor =
      id === 'new' || current ? (
        <MailboxEditor
          key={id}
          mailbox={current}
          names={names}
          health={current && <HealthPanel m={current} />}
          reload={load}
          onSaved={onSaved}
        />
      ) : (
        <p className="hint">{t('mailboxes.choose')}</p>
      );
  }

  return (
    <div className="sla-admin mail-admin">
      <header>
        <h1>{t('mailboxes.title')}</h1>
        <nav aria-label={t('mailboxes.title')} className="tabs">
          {TABS.map((x) => (
            <a key={x} href={`#/admin/mail/${x}`} aria-current={x === tab ? 'page' : undefined}>
              {t(`mailboxes.tab.${x}`)}
            </a>
          ))}
        </nav>
      </header>
      <div className={list ? 'panes' : 'panes single'}>
        {list && <div className="pane">{list}</div>}
        <div className="pane editor">
          <p role="status" id="mail-notice" tabIndex={-1} className="ok">
            {shown}
          </p>
          {editor}
        </div>
      </div>
    </div>
  );
}

/** A mailbox's health in words with a sign, then colour: readable without the colour. */
function HealthBadge({ health }: { health: MailboxDto['health'] }) {
  const t = useT();
  const sign = { ok: '✓', unknown: '?', retryable: '↻', authentication: '✕', permanent: '✕' }[health];
  return (
    <span className={`health health-${health}`} data-health={health}>
      <span className="sr-only">{t('mailboxes.healthOf')} </span>
      <span aria-hidden="true">{sign}</span> {t(`mailboxes.health.${health}`)}
    </span>
  );
}

/** An instant as the list says it ("14:05", "2 Dec, 14:05"), in full on hover. */
function At({ iso }: { iso: string }) {
  return (
    <time dateTime={iso} title={whenFull(iso)}>
      {when(iso)}
    </time>
  );
}

/** The editor's head: the health, what it means, and what it stands on. */
function HealthPanel({ m }: { m: MailboxDto }) {
  const t = useT();
  return (
    <div className="health-panel" data-testid="mailbox-health">
      <HealthBadge health={m.health} /> {t(`mailboxes.healthHint.${m.health}`)}
      <HealthDetail m={m} />
    </div>
  );
}

/** When it last fetched, and its last error with when: what the health badge stands on. */
function HealthDetail({ m }: { m: MailboxDto }) {
  const t = useT();
  return (
    <>
      {m.inbound === 'imap' && (
        <span className="muted">
          {m.lastFetchAt ? (
            <>
              {t('mailboxes.lastFetch')} <At iso={m.lastFetchAt} />
            </>
          ) : (
            t('mailboxes.neverFetched')
          )}
        </span>
      )}
      {m.lastError && (
        <span className="muted last-error">
          {t('mailboxes.lastError')} {m.lastErrorAt && <At iso={m.lastErrorAt} />}:{' '}
          <span data-i18n-skip>{m.lastError}</span>
        </span>
      )}
    </>
  );
}

function MailboxList({
  items,
  current,
  names,
  onRefresh,
}: {
  items: MailboxDto[];
  current: string | undefined;
  names: Names;
  onRefresh(): Promise<void>;
}) {
  const t = useT();
  const [refreshing, setRefreshing] = useState(false);
  return (
    <nav aria-label={t('mailboxes.list')} className="sla-list mail-list">
      <ul>
        {items.map((m) => {
          const routing = [
            names.teams.find((x) => x.id === m.teamId)?.name,
            names.departments.find((x) => x.id === m.departmentId)?.name,
          ].filter(Boolean);
          return (
            <li key={m.id} className={m.active ? '' : 'inactive'} data-mailbox={m.address}>
              <a href={`#/admin/mail/mailboxes/${m.id}`} aria-current={current === m.id ? 'true' : undefined}>
                <span data-i18n-skip>{m.address}</span>
              </a>
              <HealthBadge health={m.health} />
              <span className="muted">
                <span data-i18n-skip>{m.displayName}</span> · {t(`mailboxes.inboundShort.${m.inbound}`)}
                {m.inbound === 'imap' &&
                  ` (${m.imap?.hasPassword ? t('mailboxes.passwordSet') : t('mailboxes.noPassword')})`}{' '}
                · {m.active ? t('mailboxes.active') : t('mailboxes.off')}
              </span>
              <span className="muted">
                {routing.length ? (
                  <>
                    {t('mailboxes.casesTo')} <span data-i18n-skip>{routing.join(' / ')}</span>
                  </>
                ) : (
                  t('mailboxes.noRouting')
                )}
              </span>
              <HealthDetail m={m} />
            </li>
          );
        })}
      </ul>
      {items.length === 0 && <p className="hint">{t('mailboxes.none')}</p>}
      <div className="row">
        <a
          className="button-link"
          href="#/admin/mail/mailboxes/new"
          aria-current={current === 'new' ? 'true' : undefined}
        >
          {t('mailboxes.new')}
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
          {t('mailboxes.refresh')}
        </button>
      </div>
    </nav>
  );
}
