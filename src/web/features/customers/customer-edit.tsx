import { type FormEvent, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import type { ApiError } from '../../app/api.ts';
import type { CustomerDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { attempt, Field } from '../../ui/field.tsx';

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
    text: backOffice
      ? contactId && verified
        ? 'Verified on this contact.'
        : 'Your role may correct particulars without a verified contact; adding a service needs one.'
      : contactId && verified
        ? 'Verified on this contact: you may change particulars.'
        : 'Changes need a contact on which this customer passed verification: verify them on the call, then open this view from the contact.',
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
      <h2 id="edit-title">Correct particulars</h2>
      <div className="row">
        <Field label="Full name" name="displayName" error={error}>
          <input id="edit-name" required value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Mobile" name="phones" error={error}>
          <input id="edit-phone" value={phone} onChange={(e) => setPhone(e.target.value)} />
        </Field>
        <Field label="E-mail" name="emails" error={error}>
          <input id="edit-email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        </Field>
        <Field label="Address" name="address" error={error}>
          <input id="edit-address" value={address} onChange={(e) => setAddress(e.target.value)} />
        </Field>
      </div>
      {error && !error.problem.errors?.length && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      <p className="row">
        <button type="submit" disabled={busy} aria-busy={busy}>
          Save
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
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
  const title = accountId ? 'Add a service' : 'Add an account';
  return (
    <form className="card" aria-label={title} onSubmit={submit}>
      <h3>{title}</h3>
      <div className="row">
        {!accountId && (
          <Field label="Account number" name="accountNumber" error={error}>
            <input id="account-number" required value={number} onChange={(e) => setNumber(e.target.value)} />
          </Field>
        )}
        <label>
          Service
          <select value={kind} onChange={(e) => setKind(e.target.value as (typeof SERVICE_KINDS)[number])}>
            {SERVICE_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <Field label="Service number" name="number" error={error}>
          <input
            id="service-number"
            required={!!accountId}
            value={serviceNumber}
            onChange={(e) => setServiceNumber(e.target.value)}
          />
        </Field>
        <label>
          Plan
          <input value={plan} onChange={(e) => setPlan(e.target.value)} />
        </label>
      </div>
      {error && (
        <p role="alert" className="error">
          {error.problem.errors?.map((x) => `${x.field.split('/').pop()} ${x.message}`).join('; ') ||
            error.message}
        </p>
      )}
      <p className="row">
        <button type="submit" disabled={busy} aria-busy={busy}>
          {title}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </p>
    </form>
  );
}
