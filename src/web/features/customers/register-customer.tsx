import { type FormEvent, useState } from 'react';
import type { DuplicateHolderDto } from '../../../shared/contracts/customers.ts';
import type { ApiError } from '../../app/api.ts';
import type { CustomerDto } from '../../app/types.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { type Key, useT } from '../../i18n/index.ts';
import { attempt, Field } from '../../ui/field.tsx';
import { ProblemText } from '../../ui/problem.tsx';

const FIELD_LABEL: Record<DuplicateHolderDto['field'], Key> = {
  idNumber: 'customers.register.idNumber',
  phones: 'customers.register.mobile',
  emails: 'customers.register.email',
};

/**
 * Register a customer (an unknown caller, or from the Customers screen). Before saving, the ID
 * number, mobile and e-mail are checked against other records: a holder is named (masked as the
 * role requires) with a way to pick them instead. A shared mobile or e-mail is a warning
 * ("Register anyway"); an ID number held by someone is refused by the server, as always.
 */
export function RegisterCustomer({
  initialPhone,
  onRegistered,
  onPick,
  onCancel,
}: {
  initialPhone?: string | undefined;
  onRegistered(id: string): void;
  onPick?: ((id: string) => void) | undefined;
  onCancel(): void;
}) {
  const t = useT();
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [phone, setPhone] = useState(initialPhone ?? '');
  const [email, setEmail] = useState('');
  const [holders, setHolders] = useState<DuplicateHolderDto[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const { busy, run } = useSubmit();

  const particulars = () => ({
    ...(idNumber.trim() ? { idNumber: idNumber.trim() } : {}),
    ...(phone.trim() ? { phones: [phone.trim()] } : {}),
    ...(email.trim() ? { emails: [email.trim()] } : {}),
  });
  const edit = (set: (v: string) => void) => (v: string) => {
    set(v);
    // What was checked no longer matches the form: check again before saving.
    setHolders(null);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async (send) => {
      await attempt(async () => {
        const p = particulars();
        if (holders === null && Object.keys(p).length) {
          const found = await send<{ holders: DuplicateHolderDto[] }>('POST', '/customers/duplicates', p);
          if (found.holders.length) {
            setHolders(found.holders);
            return;
          }
        }
        const c = await send<CustomerDto>('POST', '/customers', {
          displayName: name.trim(),
          ...(idNumber.trim() ? { idType: 'nric', idNumber: idNumber.trim() } : {}),
          ...(phone.trim() ? { phones: [{ kind: 'mobile', number: phone.trim() }] } : {}),
          ...(email.trim() ? { emails: [email.trim()] } : {}),
        });
        onRegistered(c.id);
      }, setError);
    });
  };

  const idTaken = holders?.some((h) => h.field === 'idNumber');
  return (
    <form className="card register" aria-labelledby="register-title" onSubmit={submit}>
      <h2 id="register-title">{t('customers.register.title')}</h2>
      <div className="row">
        <Field label={t('customers.register.name')} name="displayName" error={error}>
          <input
            id="register-name"
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </Field>
        <Field label={t('customers.register.idNumber')} name="idNumber" error={error}>
          <input id="register-id" value={idNumber} onChange={(e) => edit(setIdNumber)(e.target.value)} />
        </Field>
        <Field label={t('customers.register.mobile')} name="phones" error={error}>
          <input
            id="register-phone"
            inputMode="tel"
            value={phone}
            onChange={(e) => edit(setPhone)(e.target.value)}
          />
        </Field>
        <Field label={t('customers.register.email')} name="emails" error={error}>
          <input
            id="register-email"
            type="email"
            value={email}
            onChange={(e) => edit(setEmail)(e.target.value)}
          />
        </Field>
      </div>
      {holders && holders.length > 0 && (
        <div role="alert" className="warn duplicates">
          <p>{t('customers.register.onRecord')}</p>
          <ul>
            {holders.map((h) => (
              <li key={`${h.field}-${h.customer.id}`}>
                {t(FIELD_LABEL[h.field])} <span data-i18n-skip>{h.value}</span>
                {t('customers.register.belongsTo')}
                <strong data-i18n-skip>{h.customer.displayName}</strong>
                {h.customer.idNumber ? t('customers.register.id', { id: h.customer.idNumber }) : ''}.{' '}
                {onPick && (
                  <button type="button" className="link" onClick={() => onPick(h.customer.id)}>
                    {t('customers.register.useCaller', { name: h.customer.displayName })}
                  </button>
                )}
              </li>
            ))}
          </ul>
          {idTaken && <p>{t('customers.register.idTaken')}</p>}
        </div>
      )}
      {error && !error.problem.errors?.length && (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      )}
      <p className="row">
        <button id="register-save" type="submit" disabled={busy} aria-busy={busy}>
          {holders?.length ? t('customers.register.anyway') : t('customers.register.register')}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {t('customers.register.cancel')}
        </button>
      </p>
    </form>
  );
}
