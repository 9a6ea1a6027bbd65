import { useEffect, useState } from 'react';
import { api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import type { CaseDto, ContactDto, CustomerDto, Page } from '../../app/types.ts';
import { CustomerCard } from '../contact/customer-card.tsx';
import { FindCustomer } from '../contact/find-customer.tsx';

const OPEN = new Set(['new', 'open', 'pending_customer', 'pending_action_party']);

/** Find a customer, then everything about them on one page. */
export function CustomersPage({
  id,
  contactId,
}: {
  id?: string | undefined;
  contactId?: string | undefined;
}) {
  if (!id) {
    return (
      <section>
        <h1>Customers</h1>
        <FindCustomer onPick={(picked) => go(`/customers/${picked}`)} />
      </section>
    );
  }
  return <Customer360 id={id} contactId={contactId} />;
}

/** Particulars (masked per role and verification), needs and language first, accounts, history, open cases. */
function Customer360({ id, contactId }: { id: string; contactId?: string | undefined }) {
  const [customer, setCustomer] = useState<CustomerDto | null>(null);
  const [cases, setCases] = useState<CaseDto[]>([]);
  const [contacts, setContacts] = useState<ContactDto[]>([]);
  useEffect(() => {
    void api<CustomerDto>('GET', `/customers/${id}${contactId ? `?contactId=${contactId}` : ''}`).then(
      setCustomer,
    );
    void api<Page<CaseDto>>('GET', `/cases?customerId=${id}&limit=50`).then((p) => setCases(p.items));
    void api<Page<ContactDto>>('GET', `/contacts?customerId=${id}&limit=20`).then((p) =>
      setContacts(p.items),
    );
  }, [id, contactId]);
  if (!customer) return <p>Loading…</p>;
  const open = cases.filter((c) => OPEN.has(c.status));
  return (
    <section className="c360">
      <h1>{customer.displayName}</h1>
      {customer.masked && (
        <p className="hint" role="note">
          Particulars are masked: verify the customer on a contact to see them.
        </p>
      )}
      <div className="cols">
        <CustomerCard customer={customer} />
        <div>
          <h2>Open cases and commitments ({open.length})</h2>
          <ul>
            {open.map((c) => (
              <li key={c.id}>
                <a href={`#/cases/${c.id}`}>{c.reference}</a> {c.subject} — {c.status.replaceAll('_', ' ')}
                {c.criticality === 'highly_critical' ? ' · highly critical' : ''}
              </li>
            ))}
          </ul>
          <h2>Past cases</h2>
          <ul>
            {cases
              .filter((c) => !OPEN.has(c.status))
              .map((c) => (
                <li key={c.id}>
                  <a href={`#/cases/${c.id}`}>{c.reference}</a> {c.subject} — {c.status}
                </li>
              ))}
          </ul>
          <h2>Contacts</h2>
          <ul>
            {contacts.map((c) => (
              <li key={c.id}>
                {new Date(c.startedAt).toLocaleString()} · {c.channel.replaceAll('_', ' ')} {c.direction}
                {c.durationSeconds !== null ? ` · ${Math.round(c.durationSeconds / 60)} min` : ''}
                {c.verified ? ' · verified' : ''}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
