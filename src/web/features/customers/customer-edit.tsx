import { type FormEvent, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import type { ApiError } from '../../app/api.ts';
import type { CustomerDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { term, t as translate, useT } from '../../i18n/index.ts';
import { attempt, Field } from '../../ui/field.tsx';
import { ProblemText } from '../../ui/problem.tsx';

/**
 * What the server's verification gate allows this person here, said before they try: back-office
 * roles with unmasked access correct records without a contact; everyone else needs the contact on
 * which this customer passed verification, and account changes always need one.
 */
export function gateFor(role: string, contactId: string | undefined, verified: boolean) {
  const backOffice = can(role, 'pii.unmasked');
  return {
    particulars: backOffice || (!!contactId && verified),
    accounts: can(role, 'accounts.write') && (backOffice || (!!contactId && verified)),
    services: can(role, 'accounts.write') && !!contactId && verified,
    text: translate(
      backOffice
        ? contactId && verified
          ? 'customerEdit.gate.verified'
          : 'customerEdit.gate.backOffice'
        : contactId && verified
          ? 'customerEdit.gate.mayChange'
          : 'customerEdit.gate.needContact',
    ),
  };
}

/** Correct the particulars: one form, sent with the verifying contact (the server checks it again). */
export function EditParticulars({
  customer,
  contactId,
  onSaved,
  onCancel,
}: {
  customer: CustomerDto;
  contactId: string | undefined;
  onSaved(c: CustomerDto): void;
  onCancel(): void;
}) {
  const t = useT();
  const [name, setName] = useState(customer.displayName);
  const [phone, setPhone] = useState(customer.masked ? '' : (customer.phones[0]?.number ?? ''));
  const [email, setEmail] = useState(customer.masked ? '' : (customer.emails[0] ?? ''));
  const [address, setAddress] = useState(customer.masked ? '' : (customer.address ?? ''));
  const [error, setError] = useState<ApiError | null>(null);
  const { busy, run } = useSubmit();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run((send) =>
      attempt(async () => {
        const c = await send<CustomerDto>('PATCH', `/customers/${customer.id}`, {
          displayName: name.trim(),
          ...(phone.trim()
            ? { phones: [{ kind: 'mobile', number: phone.trim() }, ...customer.phones.slice(1)] }
            : {}),
          ...(email.trim() ? { emails: [email.trim(), ...customer.emails.slice(1)] } : {}),
          ...(address.trim() ? { address: address.trim() } : {}),
          ...(contactId ? { contactId } : {}),
        });
        onSaved(c);
      }, setError),
    );
  };
  return (
    <form className="card" aria-labelledby="edit-title" onSubmit={submit}>
      <h2 id="edit-title">{t('customerEdit.title')}</h2>
      <div className="row">
        <Field label={t('customerEdit.fullName')} name="displayName" error={error}>
          <input id="edit-name" required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label={t('customerEdit.mobile')} name="phones" error={error}>
          <input id="edit-phone" value={phone} onChange={(e) => setPhone(e.target.value)} />
        </Field>
        <Field label={t('customerEdit.email')} name="emails" error={error}>
          <input id="edit-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label={t('customerEdit.address')} name="address" error={error}>
          <input id="edit-address" value={address} onChange={(e) => setAddress(e.target.value)} />
        </Field>
      </div>
      {error && !error.problem.errors?.length && (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      )}
      <p className="row">
        <button type="submit" disabled={busy} aria-busy={busy}>
          {t('customerEdit.save')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('customerEdit.cancel')}
        </button>
      </p>
    </form>
  );
}

const SERVICE_KINDS = ['mobile', 'line', 'broadband', 'tv', 'other'] as const;

/** Add an account (with a first service), or a service to an account. */
export function AddAccount({
  customerId,
  accountId,
  contactId,
  onSaved,
  onCancel,
}: {
  customerId: string;
  /** Set: add a service to this account instead of a new account. */
  accountId?: string | undefined;
  contactId: string | undefined;
  onSaved(): void;
  onCancel(): void;
}) {
  const t = useT();
  const [number, setNumber] = useState('');
  const [kind, setKind] = useState<(typeof SERVICE_KINDS)[number]>('mobile');
  const [serviceNumber, setServiceNumber] = useState('');
  const [plan, setPlan] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const { busy, run } = useSubmit();
  const service = serviceNumber.trim()
    ? [{ kind, number: serviceNumber.trim(), ...(plan.trim() ? { plan: plan.trim() } : {}) }]
    : [];
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run((send) =>
      attempt(async () => {
        if (accountId)
          await send('PATCH', `/accounts/${accountId}`, {
            addServices: service,
            ...(contactId ? { contactId } : {}),
          });
        else
          await send('POST', `/customers/${customerId}/accounts`, {
            accountNumber: number.trim(),
            services: service,
            ...(contactId ? { contactId } : {}),
          });
        onSaved();
      }, setError),
    );
  };
  const title = t(accountId ? 'customerEdit.addService' : 'customerEdit.addAccount');
  return (
    <form className="card" aria-label={title} onSubmit={submit}>
      <h3>{title}</h3>
      <div className="row">
        {!accountId && (
          <Field label={t('customerEdit.accountNumber')} name="accountNumber" error={error}>
            <input id="account-number" required value={number} onChange={(e) => setNumber(e.target.value)} />
          </Field>
        )}
        <label>
          {t('customerEdit.service')}
          <select value={kind} onChange={(e) => setKind(e.target.value as (typeof SERVICE_KINDS)[number])}>
            {SERVICE_KINDS.map((k) => (
              <option key={k} value={k}>
                {term('service', k)}
              </option>
            ))}
          </select>
        </label>
        <Field label={t('customerEdit.serviceNumber')} name="number" error={error}>
          <input
            id="service-number"
            required={!!accountId}
            value={serviceNumber}
            onChange={(e) => setServiceNumber(e.target.value)}
          />
        </Field>
        <label>
          {t('customerEdit.plan')}
          <input value={plan} onChange={(e) => setPlan(e.target.value)} />
        </label>
      </div>
      {error && (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      )}
      <p className="row">
        <button type="submit" disabled={busy} aria-busy={busy}>
          {title}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('customerEdit.cancel')}
        </button>
      </p>
    </form>
  );
}
