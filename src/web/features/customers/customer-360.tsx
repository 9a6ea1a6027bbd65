import { useCallback, useEffect, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import { api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import { useSession } from '../../app/session.tsx';
import type { CaseDto, ContactDto, CustomerDto, Page } from '../../app/types.ts';
import { term, useT } from '../../i18n/index.ts';
import { when } from '../../ui/format.ts';
import { CustomerCard } from '../contact/customer-card.tsx';
import { FindCustomer } from '../contact/find-customer.tsx';
import { History } from '../history/history.tsx';
import { AddAccount, EditParticulars, gateFor } from './customer-edit.tsx';
import { MergeCustomer } from './merge-customer.tsx';
import { RegisterCustomer } from './register-customer.tsx';
import { SiteAccounts } from './site-accounts.tsx';

const OPEN = new Set(['new', 'open', 'pending_customer', 'pending_action_party']);

/** Find a customer, then everything about them on one page. */
export function CustomersPage({
  id,
  contactId,
}: {
  id?: string | undefined;
  contactId?: string | undefined;
}) {
  const t = useT();
  const [registering, setRegistering] = useState(false);
  if (!id) {
    return (
      <section>
        <h1>{t('customer360.title')}</h1>
        {registering ? (
          <RegisterCustomer
            onRegistered={(created) => go(`/customers/${created}`)}
            onPick={(picked) => go(`/customers/${picked}`)}
            onCancel={() => setRegistering(false)}
          />
        ) : (
          <>
            <FindCustomer onPick={(picked) => go(`/customers/${picked}`)} />
            <p>
              <button
                id="register-customer"
                type="button"
                className="secondary"
                onClick={() => setRegistering(true)}
              >
                {t('customer360.register')}
              </button>
            </p>
          </>
        )}
      </section>
    );
  }
  return <Customer360 id={id} contactId={contactId} />;
}

/** Particulars (masked per role and verification), needs and language first, accounts, history, open cases. */
function Customer360({ id, contactId }: { id: string; contactId?: string | undefined }) {
  const t = useT();
  const [customer, setCustomer] = useState<CustomerDto | null>(null);
  const [cases, setCases] = useState<CaseDto[]>([]);
  const [contacts, setContacts] = useState<ContactDto[]>([]);
  const [verified, setVerified] = useState(false);
  // Kept across the move to the record kept, so the note still says why the address changed.
  const [redirect, setRedirect] = useState<{ from: string; to: string } | null>(null);
  const [panel, setPanel] = useState<'edit' | 'account' | 'merge' | { service: string } | null>(null);
  const { user } = useSession();
  const role = user?.role ?? 'trainer';
  const load = useCallback(() => {
    void api<CustomerDto>('GET', `/customers/${id}${contactId ? `?contactId=${contactId}` : ''}`).then(
      (c) => {
        // A merged record answers with the one kept: show that one under its own address.
        if (c.mergedFromId && c.id !== id) {
          setRedirect({ from: id, to: c.id });
          go(`/customers/${c.id}${contactId ? `?contact=${contactId}` : ''}`);
        }
        setCustomer(c);
      },
    );
    void api<Page<CaseDto>>('GET', `/cases?customerId=${id}&limit=50`).then((p) => setCases(p.items));
    void api<Page<ContactDto>>('GET', `/contacts?customerId=${id}&limit=20`).then((p) =>
      setContacts(p.items),
    );
    if (contactId)
      void api<ContactDto>('GET', `/contacts/${contactId}`)
        .then((c) => setVerified(c.verified && c.customerId === id))
        .catch(() => setVerified(false));
  }, [id, contactId]);
  useEffect(load, [load]);
  if (!customer) return <p>{t('customer360.loading')}</p>;
  const gate = gateFor(role, contactId, verified);
  const done = () => {
    setPanel(null);
    load();
  };
  const open = cases.filter((c) => OPEN.has(c.status));
  return (
    <section className="c360">
      <h1 data-i18n-skip>{customer.displayName}</h1>
      {customer.masked && (
        <p className="hint" role="note">
          {t('customer360.masked')}
        </p>
      )}
      {(customer.mergedFromId || redirect?.to === id) && (
        <p className="hint" role="note">
          {t('customer360.merged')}
        </p>
      )}
      <p className="hint" id="change-rule">
        {gate.text}
      </p>
      <p className="row">
        {can(role, 'customers.write') && (
          <button
            type="button"
            className="secondary"
            disabled={!gate.particulars}
            onClick={() => setPanel('edit')}
          >
            {t('customer360.correct')}
          </button>
        )}
        {can(role, 'accounts.write') && (
          <button
            type="button"
            className="secondary"
            disabled={!gate.accounts}
            onClick={() => setPanel('account')}
          >
            {t('customer360.addAccount')}
          </button>
        )}
        {can(role, 'customers.merge') && (
          <button id="merge-with" type="button" className="secondary" onClick={() => setPanel('merge')}>
            {t('customer360.mergeWith')}
          </button>
        )}
      </p>
      {panel === 'edit' && (
        <EditParticulars
          customer={customer}
          contactId={contactId}
          onSaved={(c) => {
            setCustomer(c);
            setPanel(null);
          }}
          onCancel={() => setPanel(null)}
        />
      )}
      {panel === 'account' && (
        <AddAccount
          customerId={customer.id}
          contactId={contactId}
          onSaved={done}
          onCancel={() => setPanel(null)}
        />
      )}
      {panel !== null && typeof panel === 'object' && (
        <AddAccount
          customerId={customer.id}
          accountId={panel.service}
          contactId={contactId}
          onSaved={done}
          onCancel={() => setPanel(null)}
        />
      )}
      {panel === 'merge' && (
        <MergeCustomer
          current={customer}
          onMerged={(winnerId) => {
            setPanel(null);
            if (winnerId === id) load();
            else go(`/customers/${winnerId}`);
          }}
          onCancel={() => setPanel(null)}
        />
      )}
      <div className="cols">
        <div>
          <CustomerCard customer={customer} />
          <SiteAccounts customerId={customer.id} mayUnlink={can(role, 'customers.merge')} />
          {gate.services && customer.accounts.length > 0 && (
            <p className="row">
              {customer.accounts.map((a) => (
                <button key={a.id} type="button" className="link" onClick={() => setPanel({ service: a.id })}>
                  {t('customer360.addService', { account: a.accountNumber })}
                </button>
              ))}
            </p>
          )}
        </div>
        <div>
          <h2>{t('customer360.openCases', { n: open.length })}</h2>
          <ul>
            {open.map((c) => (
              <li key={c.id}>
                <a href={`#/cases/${c.id}`}>{c.reference}</a> <span data-i18n-skip>{c.subject}</span> —{' '}
                {term('status', c.status)}
                {c.criticality === 'highly_critical' ? t('customer360.highlyCritical') : ''}
              </li>
            ))}
          </ul>
          <h2>{t('customer360.pastCases')}</h2>
          <ul>
            {cases
              .filter((c) => !OPEN.has(c.status))
              .map((c) => (
                <li key={c.id}>
                  <a href={`#/cases/${c.id}`}>{c.reference}</a> <span data-i18n-skip>{c.subject}</span> —{' '}
                  {term('status', c.status)}
                </li>
              ))}
          </ul>
          <h2>{t('customer360.contacts')}</h2>
          <ul>
            {contacts.map((c) => (
              <li key={c.id}>
                {when(c.startedAt)} · {term('channel', c.channel)} {term('direction', c.direction)}
                {c.durationSeconds !== null
                  ? t('customer360.minutes', { n: Math.round(c.durationSeconds / 60) })
                  : ''}
                {c.verified ? t('customer360.verified') : ''}
              </li>
            ))}
          </ul>
          <details>
            <summary>{t('customer360.history')}</summary>
            <History entity="customer" id={customer.id} />
          </details>
        </div>
      </div>
    </section>
  );
}
