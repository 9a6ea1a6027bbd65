import { useEffect, useState } from 'react';
import type { CustomerMergeResultDto } from '../../../shared/contracts/customers.ts';
import type { ApiError } from '../../app/api.ts';
import { api } from '../../app/api.ts';
import type { CaseDto, ContactDto, CustomerDto, Page } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { attempt } from '../../ui/field.tsx';
import { date } from '../../ui/format.ts';
import { FieldsWords, ProblemText } from '../../ui/problem.tsx';
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
  const t = useT();
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
        <h2 id="merge-title">{t('customerMerge.title', { name: current.displayName })}</h2>
        <p className="hint">{t('customerMerge.findOther')}</p>
        <FindCustomer onPick={(id) => (id === current.id ? undefined : setOtherId(id))} />
        <p>
          <button type="button" className="secondary" onClick={onCancel}>
            {t('customerMerge.cancel')}
          </button>
        </p>
      </section>
    );
  if (!sides) return <p aria-busy="true">{t('customerMerge.loading')}</p>;
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
      <h2 id="merge-title">{t('customerMerge.twoRecords')}</h2>
      <fieldset>
        <legend>{t('customerMerge.keepWhich')}</legend>
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
              <span data-i18n-skip>{s.customer.displayName}</span>
              {t('customerMerge.idCreated', {
                id: s.customer.idNumber ?? '—',
                date: date(s.customer.createdAt),
              })}
            </label>
          );
        })}
      </fieldset>
      <h3>{t('customerMerge.whatMoves', { name: winner.customer.displayName })}</h3>
      <ul id="merge-preview">
        <li>{t('customerMerge.accounts', { count: loser.customer.accounts.length })}</li>
        <li>
          {loser.more
            ? t('customerMerge.casesMore', { count: loser.cases })
            : t('customerMerge.cases', { count: loser.cases })}
        </li>
        <li>
          {loser.more
            ? t('customerMerge.contactsMore', { count: loser.contacts })
            : t('customerMerge.contacts', { count: loser.contacts })}
        </li>
        {newPhones.length > 0 && (
          <li>{t('customerMerge.phones', { list: newPhones.map((p) => p.number).join(', ') })}</li>
        )}
        {newEmails.length > 0 && <li>{t('customerMerge.emails', { list: newEmails.join(', ') })}</li>}
      </ul>
      <p className="hint">
        {t('customerMerge.thenMarked', {
          loser: loser.customer.displayName,
          winner: winner.customer.displayName,
        })}
      </p>
      {error && (
        <p role="alert" className="error">
          {error.problem.errors?.length ? (
            <FieldsWords errors={error.problem.errors} />
          ) : (
            <ProblemText error={error} />
          )}
        </p>
      )}
      <p className="row">
        <button id="merge-confirm" type="button" disabled={busy} aria-busy={busy} onClick={confirm}>
          {t('customerMerge.into', { name: winner.customer.displayName })}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('customerMerge.cancel')}
        </button>
      </p>
    </section>
  );
}
