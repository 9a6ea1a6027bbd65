import { useEffect, useState } from 'react';
import type { CustomerMergeResultDto } from '../../../shared/contracts/customers.ts';
import type { ApiError } from '../../app/api.ts';
import { api } from '../../app/api.ts';
import type { CaseDto, ContactDto, CustomerDto, Page } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { attempt } from '../../ui/field.tsx';
import { FindCustomer } from '../contact/find-customer.tsx';

type Side = { customer: CustomerDto; cases: number; contacts: number; more: boolean };

async function load(id: string): Promise<Side> {
  const [customer, cases, contacts] = await Promise.all([
    api<CustomerDto>('GET', `/customers/${id}`),
    api<Page<CaseDto>>('GET', `/cases?customerId=${id}&limit=200`),
    api<Page<ContactDto>>('GET', `/contacts?customerId=${id}&limit=200`),
  ]);
  return {
    customer,
    cases: cases.items.length,
    contacts: contacts.items.length,
    more: !!(cases.nextCursor || contacts.nextCursor),
  };
}

const count = (n: number, one: string, many: string, more: boolean) =>
  `${n}${more ? '+' : ''} ${n === 1 && !more ? one : many}`;

/**
 * "Merge with…": pick the other record, choose which one is kept, see what moves, confirm. The
 * server moves accounts, contacts, cases and follow-ups, adds the other's phones and e-mails,
 * and points the merged record to the one kept.
 */
export function MergeCustomer({
  current,
  onMerged,
  onCancel,
}: {
  current: CustomerDto;
  onMerged(winnerId: string): void;
  onCancel(): void;
}) {
  const [otherId, setOtherId] = useState<string | null>(null);
  const [sides, setSides] = useState<{ self: Side; other: Side } | null>(null);
  const [keep, setKeep] = useState<'this' | 'other'>('this');
  const [error, setError] = useState<ApiError | null>(null);
  const { busy, run } = useSubmit();
  useEffect(() => {
    if (!otherId) return;
    void Promise.all([load(current.id), load(otherId)]).then(([self, other]) => setSides({ self, other }));
  }, [current.id, otherId]);

  if (!otherId)
    return (
      <section className="card" aria-labelledby="merge-title">
        <h2 id="merge-title">Merge {current.displayName} with…</h2>
        <p className="hint">Find the other record of the same person.</p>
        <FindCustomer onPick={(id) => (id === current.id ? undefined : setOtherId(id))} />
        <p>
          <button type="button" className="secondary" onClick={onCancel}>
            Cancel
          </button>
        </p>
      </section>
    );
  if (!sides) return <p aria-busy="true">Loading the other record…</p>;
  const winner = keep === 'this' ? sides.self : sides.other;
  const loser = keep === 'this' ? sides.other : sides.self;
  const newPhones = loser.customer.phones.filter(
    (p) => !winner.customer.phones.some((w) => w.number === p.number),
  );
  const newEmails = loser.customer.emails.filter((e) => !winner.customer.emails.includes(e));
  const confirm = () =>
    void run((send) =>
      attempt(async () => {
        const r = await send<CustomerMergeResultDto>('POST', `/customers/${current.id}/merge`, {
          otherCustomerId: sides.other.customer.id,
          winner: keep,
        });
        onMerged(r.winnerId);
      }, setError),
    );
  return (
    <section className="card merge" aria-labelledby="merge-title">
      <h2 id="merge-title">Merge two records</h2>
      <fieldset>
        <legend>Keep which record?</legend>
        {(['this', 'other'] as const).map((k) => {
          const s = k === 'this' ? sides.self : sides.other;
          return (
            <label key={k} className="check">
              <input
                type="radio"
                name="merge-keep"
                value={k}
                checked={keep === k}
                onChange={() => setKeep(k)}
              />{' '}
              {s.customer.displayName} (ID {s.customer.idNumber ?? '—'}, created{' '}
              {new Date(s.customer.createdAt).toLocaleDateString()})
            </label>
          );
        })}
      </fieldset>
      <h3>What moves to {winner.customer.displayName}</h3>
      <ul id="merge-preview">
        <li>{count(loser.customer.accounts.length, 'account', 'accounts', false)}</li>
        <li>{count(loser.cases, 'case', 'cases', loser.more)}</li>
        <li>{count(loser.contacts, 'contact', 'contacts', loser.more)}</li>
        {newPhones.length > 0 && <li>phones {newPhones.map((p) => p.number).join(', ')}</li>}
        {newEmails.length > 0 && <li>e-mails {newEmails.join(', ')}</li>}
      </ul>
      <p className="hint">
        {loser.customer.displayName}'s record is then marked merged and opens as {winner.customer.displayName}
        's. This cannot be undone from the screen.
      </p>
      {error && (
        <p role="alert" className="error">
          {error.problem.errors?.map((x) => x.message).join('; ') || error.message}
        </p>
      )}
      <p className="row">
        <button id="merge-confirm" type="button" disabled={busy} aria-busy={busy} onClick={confirm}>
          Merge into {winner.customer.displayName}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </p>
    </section>
  );
}
