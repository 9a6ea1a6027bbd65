import { useEffect, useState } from 'react';
import { api } from '../../app/api.ts';
import { useLive } from '../../app/live.tsx';
import type { CaseDto, Page, UserDto } from '../../app/types.ts';
import { DepartmentSelect } from '../directory/department-select.tsx';
import { SlaBadge } from './sla-badge.tsx';

const OPEN = 'new,open,pending_customer,pending_action_party';
type Scope = 'mine' | 'team' | 'department';
type Sort = 'queue' | 'criticality' | 'due' | 'newest';
type Counts = {
  byStatus: Record<string, number>;
  open: number;
  highlyCritical: number;
  dueSoon: number;
  breached: number;
};

/** My cases, my team's, or a department's queue: most urgent first (or newest), with counts. */
export function Queues({ user }: { user: UserDto }) {
  const [scope, setScope] = useState<Scope>(
    user.role === 'team_leader' && user.departmentId ? 'department' : 'mine',
  );
  const [departmentId, setDepartmentId] = useState(user.departmentId ?? '');
  const [sort, setSort] = useState<Sort>('queue');
  const [items, setItems] = useState<CaseDto[] | null>(null);
  const [counts, setCounts] = useState<Counts | null>(null);
  // A pushed notification (a breach, an escalation) refreshes the queue's colours.
  const { version } = useLive();

  // biome-ignore lint/correctness/useExhaustiveDependencies: version (a pushed notification) is the refresh trigger
  useEffect(() => {
    const filter =
      scope === 'mine'
        ? `assigneeId=${user.id}`
        : scope === 'team'
          ? user.teamId
            ? `teamId=${user.teamId}`
            : null
          : departmentId
            ? `departmentId=${departmentId}`
            : null;
    if (!filter) {
      setItems([]);
      setCounts(null);
      return;
    }
    setItems(null);
    void api<Page<CaseDto>>('GET', `/cases?${filter}&status=${OPEN}&sort=${sort}&limit=200`).then((p) =>
      setItems(p.items),
    );
    void api<Counts>('GET', `/cases/counts?${filter}`).then(setCounts);
  }, [scope, departmentId, sort, user.id, user.teamId, version]);

  return (
    <section>
      <h1>Queues</h1>
      <div className="row">
        <div role="radiogroup" aria-label="Queue" className="row">
          {(
            [
              ['mine', 'My cases'],
              ['team', "My team's"],
              ['department', 'Department'],
            ] as const
          ).map(([v, l]) => (
            <label key={v} className="check">
              <input type="radio" name="scope" checked={scope === v} onChange={() => setScope(v)} /> {l}
            </label>
          ))}
        </div>
        {scope === 'department' && (
          <DepartmentSelect label="Department" value={departmentId} onChange={setDepartmentId} />
        )}
        <label>
          Order
          <select value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
            <option value="queue">Most urgent first</option>
            <option value="criticality">Highly critical first</option>
            <option value="due">Due soonest</option>
            <option value="newest">Newest first</option>
          </select>
        </label>
      </div>
      {counts && (
        <p role="status" data-testid="queue-counts">
          {counts.open} open · {counts.highlyCritical} highly critical ·{' '}
          {counts.byStatus.pending_action_party ?? 0} pending action party · {counts.dueSoon} due soon ·{' '}
          {counts.breached} breached
        </p>
      )}
      {items === null ? (
        <p>Loading…</p>
      ) : items.length === 0 ? (
        <p>Nothing waiting here.</p>
      ) : (
        <table aria-label="Cases in this queue">
          <thead>
            <tr>
              <th scope="col">Reference</th>
              <th scope="col">Subject</th>
              <th scope="col" aria-sort={sort === 'queue' ? 'ascending' : undefined}>
                <button type="button" className="sort" onClick={() => setSort('queue')}>
                  Priority
                </button>
              </th>
              <th scope="col" aria-sort={sort === 'criticality' ? 'ascending' : undefined}>
                <button type="button" className="sort" onClick={() => setSort('criticality')}>
                  Criticality
                </button>
              </th>
              <th scope="col">Status</th>
              <th scope="col" aria-sort={sort === 'due' ? 'ascending' : undefined}>
                <button type="button" className="sort" onClick={() => setSort('due')}>
                  SLA
                </button>
              </th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr
                key={c.id}
                className={c.criticality === 'highly_critical' ? 'critical' : ''}
                data-case={c.reference}
              >
                <td>
                  <a href={`#/cases/${c.id}`}>{c.reference}</a>
                </td>
                <td>{c.subject}</td>
                <td>{c.priority}</td>
                <td>{c.criticality === 'highly_critical' ? 'Highly critical' : '—'}</td>
                <td>{c.status.replaceAll('_', ' ')}</td>
                <td>
                  <SlaBadge c={c} />
                </td>
                <td>{new Date(c.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
