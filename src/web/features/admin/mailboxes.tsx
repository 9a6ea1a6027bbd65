import { useEffect, useState } from 'react';
import type { MailboxDto } from '../../../shared/contracts/mailboxes.ts';
import { api } from '../../app/api.ts';
import { useRoute } from '../../app/router.ts';
import { useDepartments } from '../../app/use-departments.ts';
import { useT } from '../../i18n/index.ts';
import { At } from '../../ui/at.tsx';
import { HealthBadge } from './admin-list.tsx';
import { AdminScreen, useAdminScreen } from './admin-screen.tsx';
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
  const screen = useAdminScreen<MailboxDto>(
    '/admin/mail/mailboxes',
    '/mailboxes',
    'mail-notice',
    HEALTH_REFRESH_MS,
  );
  const [categories, setCategories] = useState<Category[]>([]);
  const departments = useDepartments(true);
  useEffect(() => {
    void api<{ items: Category[] }>('GET', '/case-categories?includeInactive=true').then((r) =>
      setCategories(r.items),
    );
  }, []);

  const names: Names = { teams, departments, categories };
  return (
    <AdminScreen
      screen={screen}
      className="mail-admin"
      words="mailboxes"
      tabs={
        <nav aria-label={t('mailboxes.title')} className="tabs">
          {TABS.map((x) => (
            <a key={x} href={`#/admin/mail/${x}`} aria-current={x === tab ? 'page' : undefined}>
              {t(`mailboxes.tab.${x}`)}
            </a>
          ))}
        </nav>
      }
      page={tab === 'problems' ? <MailProblems /> : tab === 'blocked' ? <SenderBlocks /> : undefined}
      entry={(m) => ({
        title: m.address,
        active: m.active,
        data: { 'data-mailbox': m.address },
        lines: <MailboxLines m={m} names={names} />,
      })}
      editor={(m) => (
        <MailboxEditor
          mailbox={m}
          names={names}
          health={m && <HealthPanel m={m} />}
          reload={screen.load}
          onSaved={screen.notice.say}
        />
      )}
    />
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

/** What the list says of a mailbox: its health, name, how mail comes in, where its cases go. */
function MailboxLines({ m, names }: { m: MailboxDto; names: Names }) {
  const t = useT();
  const routing = [
    names.teams.find((x) => x.id === m.teamId)?.name,
    names.departments.find((x) => x.id === m.departmentId)?.name,
  ].filter(Boolean);
  return (
    <>
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
    </>
  );
}
