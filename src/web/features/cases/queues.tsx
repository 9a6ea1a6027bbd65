import { useEffect, useRef, useState } from 'react';
import { api } from '../../app/api.ts';
import { useInvalidation, useLive } from '../../app/live.tsx';
import type { CaseDto, Page, UserDto } from '../../app/types.ts';
import { DepartmentSelect } from '../directory/department-select.tsx';
import { SlaBadge } from './sla-badge.tsx';

const OPEN = 'new,open,pending_customer,pending_action_party';
type Scope = 'mine' | 'team' | 'department';
type Sort = 'queue' | 'due' | 'newest';
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
  // A change in my team's or my own cases (and a pushed breach or escalation) refreshes the queue.
  const { version } = useLive();
  // A department's queue holds cases of other teams too: follow its room while it is shown. A burst
  // of events (a referral is several) costs one reload.
  const [heard, setHeard] = useState(0);
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useInvalidation(scope === 'department' && departmentId ? `department:${departmentId}` : null, () => {
    pending.current ??= setTimeout(() => {
      pending.current = undefined;
      setHeard((n) => n + 1);
    }, 300);
  });
  useEffect(() => () => clearTimeout(pending.current), []);
  // "Loading…" only when another queue is chosen; a live refresh swaps the rows in place.
  const shownFilter = useRef('');

  // biome-ignore lint/correctness/useExhaustiveDependencies: version and heard (pushed changes) are the refresh triggers
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
    const chosen = `${filter}&sort=${sort}`;
    if (shownFilter.current !== chosen) setItems(null);
    shownFilter.current = chosen;
    // An answer overtaken by a newer fetch (another queue chosen, another push) is dropped.
    let current = true;
    void api<Page<CaseDto>>('GET', `/cases?${filter}&status=${OPEN}&sort=${sort}&limit=200`).then((p) => {
      if (current) setItems(p.items);
    });
    void api<Counts>('GET', `/cases/counts?${filter}`).then((c) => {
      if (current) setCounts(c);
    });
    return () => {
      current = false;
    };
  }, [scope, departmentId, sort, user.id, user.teamId, version, heard]);

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
              <th scope="col">Criticality</th>
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
