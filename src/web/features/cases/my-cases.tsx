import { useEffect, useState } from 'react';
import { api } from '../../app/api.ts';
import type { CaseDto, Page, UserDto } from '../../app/types.ts';

const OPEN = 'new,open,pending_customer,pending_action_party';

/** The officer's open cases (all cases for a read-only role), newest first. */
export function MyCases({ user }: { user: UserDto }) {
  const [items, setItems] = useState<CaseDto[] | null>(null);
  const mine = user.role !== 'trainer';
  useEffect(() => {
    const q = mine ? `?assigneeId=${user.id}&status=${OPEN}&limit=100` : '?limit=100';
    void api<Page<CaseDto>>('GET', `/cases${q}`).then((p) => setItems(p.items));
  }, [user.id, mine]);
  return (
    <section>
      <h1>{mine ? 'My open cases' : 'Cases'}</h1>
      {items === null ? (
        <p>Loading…</p>
      ) : (
        <table>
          <caption className="sr-only">{items.length} cases</caption>
          <thead>
            <tr>
              <th scope="col">Reference</th>
              <th scope="col">Subject</th>
              <th scope="col">Status</th>
              <th scope="col">Criticality</th>
              <th scope="col">Priority</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id}>
                <td>
                  <a href={`#/cases/${c.id}`}>{c.reference}</a>
                </td>
                <td>{c.subject}</td>
                <td>{c.status.replaceAll('_', ' ')}</td>
                <td>{c.criticality === 'highly_critical' ? 'Highly critical' : '—'}</td>
                <td>{c.priority}</td>
                <td>{new Date(c.createdAt).toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
