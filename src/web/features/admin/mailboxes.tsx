import { type ReactNode, useEffect, useState } from 'react';
import type { MailboxDto } from '../../../shared/contracts/mailboxes.ts';
import { api } from '../../app/api.ts';
import { useRoute } from '../../app/router.ts';
import { useDepartments } from '../../app/use-departments.ts';
import { useT } from '../../i18n/index.ts';
import { At } from '../../ui/at.tsx';
import {
  AdminList,
  AdminListItem,
  AdminPanes,
  HealthBadge,
  Loading,
  useAdminItems,
  useNotice,
} from './admin-list.tsx';
import { MailProblems } from './mail-problems.tsx';
import type { Names, Team } from './mailbox-draft.ts';
import { MailboxEditor } from './mailbox-form.tsx';
import { SenderBlocks } from './sender-blocks.tsx';
import type { Category } from './sla-shared.tsx';
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
  const { items, error, load } = useAdminItems<MailboxDto>('/mailboxes', HEALTH_REFRESH_MS);
  const [categories, setCategories] = useState<Category[]>([]);
  const departments = useDepartments(true);
  const notice = useNotice(`/admin/mail/${tab}${id ? `/${id}` : ''}`, 'mail-notice');
  useEffect(() => {
    void api<{ items: Category[] }>('GET', '/case-categories?includeInactive=true').then((r) =>
      setCategories(r.items),
    );
  }, []);

  const names: Names = { teams, departments, categories };
  let list: ReactNode = null;
  let editor: ReactNode;
  if (tab === 'problems') editor = <MailProblems />;
  else if (tab === 'blocked') editor = <SenderBlocks />;
  else if (!items) editor = <Loading error={error} text={t('mailboxes.loading')} />;
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
          onSaved={notice.say}
        />
      ) : (
        <p className="hint">{t('mailboxes.choose')}</p>
      );
  }

  return (
    <AdminPanes
      className="mail-admin"
      title={t('mailboxes.title')}
      tabs={
        <nav aria-label={t('mailboxes.title')} className="tabs">
          {TABS.map((x) => (
            <a key={x} href={`#/admin/mail/${x}`} aria-current={x === tab ? 'page' : undefined}>
              {t(`mailboxes.tab.${x}`)}
            </a>
          ))}
        </nav>
      }
      list={list}
      notice={notice}
    >
      {editor}
    </AdminPanes>
  );
}

/** A mailbox's health in words with a sign, then colour: readable without the colour. */
function MailboxHealth({ health }: { health: MailboxDto['health'] }) {
  const t = useT();
  return (
    <HealthBadge
      look={health}
      of={t('mailboxes.healthOf')}
      words={t(`mailboxes.health.${health}`)}
      data={{ 'data-health': health }}
    />
  );
}

/** The editor's head: the health, what it means, and what it stands on. */
function HealthPanel({ m }: { m: MailboxDto }) {
  const t = useT();
  return (
    <div className="health-panel" data-testid="mailbox-health">
      <MailboxHealth health={m.health} /> {t(`mailboxes.healthHint.${m.health}`)}
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
  return (
    <AdminList
      label={t('mailboxes.list')}
      count={items.length}
      none={t('mailboxes.none')}
      newHref="#/admin/mail/mailboxes/new"
      newLabel={t('mailboxes.new')}
      current={current}
      refreshLabel={t('mailboxes.refresh')}
      onRefresh={onRefresh}
    >
      {items.map((m) => {
        const routing = [
          names.teams.find((x) => x.id === m.teamId)?.name,
          names.departments.find((x) => x.id === m.departmentId)?.name,
        ].filter(Boolean);
        return (
          <AdminListItem
            key={m.id}
            href={`#/admin/mail/mailboxes/${m.id}`}
            current={current === m.id}
            active={m.active}
            title={m.address}
            data={{ 'data-mailbox': m.address }}
          >
            <MailboxHealth health={m.health} />
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
          </AdminListItem>
        );
      })}
    </AdminList>
  );
}
