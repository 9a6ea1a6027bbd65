import { useCallback, useEffect, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import { api } from '../../app/api.ts';
import { useRoute } from '../../app/router.ts';
import type { UserDto } from '../../app/types.ts';
import { AuditScreen } from '../history/audit-screen.tsx';
import { History } from '../history/history.tsx';
import { DirectoryAdmin } from './directory.tsx';
import { CategoriesAdmin, PhrasesAdmin, PolicyAdmin, TeamsAdmin } from './reference.tsx';
import { UsersAdmin } from './users.tsx';

/** What the platform makes configurable; users only for administrators. */
export function AdminPage({ user }: { user: UserDto }) {
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
  // A record's history on its own (#/admin/history/case/<id>), as the case and customer pages show it.
  if (sub === 'history' && (kind === 'case' || kind === 'customer') && recordId)
    return (
      <div className="admin">
        <h1>{kind === 'case' ? 'Case history' : 'Customer history'}</h1>
        <History entity={kind} id={recordId} />
      </div>
    );
  return (
    <div className="admin">
      <h1>Administration</h1>
      {can(user.role, 'audit.read') && (
        <p>
          <a href="#/admin/audit">Audit trail</a>: who changed what and when, and who viewed particulars
          unmasked.
        </p>
      )}
      {can(user.role, 'sla.manage') && (
        <p>
          <a href="#/admin/sla">Service levels</a>: business calendars, SLA policies, escalation rules and
          acknowledgement times, with a preview of the policy a case gets.
        </p>
      )}
      {user.role === 'administrator' && <UsersAdmin teams={teams} />}
      <TeamsAdmin teams={teams} reload={loadTeams} />
      <DirectoryAdmin />
      <CategoriesAdmin />
      <PolicyAdmin />
      <PhrasesAdmin />
      <p>
        Standard phrases, e-mail and SMS templates and call scripts are written under{' '}
        <a href="#/scripts">Templates &amp; scripts</a>, a screen team leaders have too.
      </p>
    </div>
  );
}
