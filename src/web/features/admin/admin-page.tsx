import { useCallback, useEffect, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import { api } from '../../app/api.ts';
import { useRoute } from '../../app/router.ts';
import type { UserDto } from '../../app/types.ts';
import { useT } from '../../i18n/index.ts';
import { AuditScreen } from '../history/audit-screen.tsx';
import { History } from '../history/history.tsx';
import { ChatWidgetsAdmin } from './chat-widgets.tsx';
import { DirectoryAdmin } from './directory.tsx';
import { MailAdmin } from './mailboxes.tsx';
import { PresenceAdmin } from './presence-admin.tsx';
import { CategoriesAdmin, PhrasesAdmin, PolicyAdmin, TeamsAdmin } from './reference.tsx';
import { SmsNumbersAdmin } from './sms-numbers.tsx';
import { UsersAdmin } from './users.tsx';
import { WebhooksAdmin } from './webhooks.tsx';

/** What the platform makes configurable; users only for administrators. */
export function AdminPage({ user }: { user: UserDto }) {
  const t = useT();
  const [, sub, kind, recordId] = useRoute();
  const [teams, setTeams] = useState<{ id: string; name: string; departmentId: string | null }[]>([]);
  const loadTeams = useCallback(
    async () => setTeams((await api<{ items: typeof teams }>('GET', '/teams')).items),
    [],
  );
  useEffect(() => {
    void loadTeams();
  }, [loadTeams]);
  if (sub === 'audit' && can(user.role, 'audit.read')) return <AuditScreen />;
  if (sub === 'mail' && can(user.role, 'channels.manage')) return <MailAdmin teams={teams} />;
  if (sub === 'webhooks' && can(user.role, 'channels.manage')) return <WebhooksAdmin />;
  if (sub === 'chat' && can(user.role, 'channels.manage')) return <ChatWidgetsAdmin teams={teams} />;
  if (sub === 'sms' && can(user.role, 'channels.manage')) return <SmsNumbersAdmin teams={teams} />;
  if (sub === 'presence' && can(user.role, 'presence.manage')) return <PresenceAdmin />;
  // A record's history on its own (#/admin/history/case/<id>), as the case and customer pages show it.
  if (sub === 'history' && (kind === 'case' || kind === 'customer') && recordId)
    return (
      <div className="admin">
        <h1>{t(kind === 'case' ? 'admin.caseHistory' : 'admin.customerHistory')}</h1>
        <History entity={kind} id={recordId} />
      </div>
    );
  return (
    <div className="admin">
      <h1>{t('admin.title')}</h1>
      {can(user.role, 'audit.read') && (
        <p>
          <a href="#/admin/audit">{t('admin.auditLink')}</a>
          {t('admin.auditRest')}
        </p>
      )}
      {can(user.role, 'sla.manage') && (
        <p>
          <a href="#/admin/sla">{t('admin.slaLink')}</a>
          {t('admin.slaRest')}
        </p>
      )}
      {can(user.role, 'channels.manage') && (
        <p>
          <a href="#/admin/mail">{t('mailboxes.adminLink')}</a>
          {t('mailboxes.adminRest')}
        </p>
      )}
      {can(user.role, 'channels.manage') && (
        <p>
          <a href="#/admin/webhooks">{t('webhooksAdmin.adminLink')}</a>
          {t('webhooksAdmin.adminRest')}
        </p>
      )}
      {can(user.role, 'channels.manage') && (
        <p>
          <a href="#/admin/chat">{t('chatAdmin.link')}</a>
          {t('chatAdmin.rest')}
        </p>
      )}
      {can(user.role, 'channels.manage') && (
        <p>
          <a href="#/admin/sms">{t('sms.admin.link')}</a>
          {t('sms.admin.rest')}
        </p>
      )}
      {can(user.role, 'presence.manage') && (
        <p>
          <a href="#/admin/presence">{t('presence.admin.link')}</a>
          {t('presence.admin.rest')}
        </p>
      )}
      {can(user.role, 'routing.manage') && (
        <p>
          <a href="#/admin/routing">{t('routing.admin.link')}</a>
          {t('routing.admin.rest')}
        </p>
      )}
      {user.role === 'administrator' && <UsersAdmin teams={teams} />}
      <TeamsAdmin teams={teams} reload={loadTeams} />
      <DirectoryAdmin />
      <CategoriesAdmin />
      <PolicyAdmin />
      <PhrasesAdmin />
      <p>
        {t('admin.scriptsBefore')}
        <a href="#/scripts">{t('admin.scriptsLink')}</a>
        {t('admin.scriptsAfter')}
      </p>
    </div>
  );
}
