import type { CustomerDto } from '../../app/types.ts';
import { t, term } from '../../i18n/index.ts';
import { languageName } from '../../ui/format.ts';
import { usePhoneWords } from '../../ui/phone.ts';

/** Particulars as the caller may see them: particular needs and language first, always. */
export function CustomerCard({ customer }: { customer: CustomerDto }) {
  const phone = usePhoneWords();
  return (
    <section className="card customer-card" aria-label={t('contact.card.region')}>
      <h3 data-i18n-skip>{customer.displayName}</h3>
      {customer.particularNeeds.length > 0 && (
        <p className="needs" role="note">
          {customer.particularNeeds.map((n, i) => (
            <span key={`${n.kind}:${n.detail}`}>
              {i > 0 && ' · '}
              {term('need', n.kind)}
              <span data-i18n-skip>: {n.detail}</span>
            </span>
          ))}
        </p>
      )}
      <dl>
        <dt>{t('contact.card.language')}</dt>
        {/* The language's name in the reader's locale (Intl), not its BCP 47 tag. */}
        <dd data-i18n-skip>{languageName(customer.preferredLanguage)}</dd>
        <dt>{t('contact.card.idNumber')}</dt>
        <dd data-testid="id-number" data-i18n-skip>
          {customer.idNumber ?? '—'}
        </dd>
        <dt>{t('contact.card.mobile')}</dt>
        <dd data-i18n-skip>{customer.phones[0] ? phone(customer.phones[0].number) : '—'}</dd>
      </dl>
      <h4>
        {t('contact.card.accounts')}{' '}
        {customer.masked && <span className="badge">{t('contact.card.masked')}</span>}
      </h4>
      <ul>
        {customer.accounts.map((a) => (
          <li key={a.id} data-testid="account">
            <span data-i18n-skip>{a.accountNumber}</span> · {term('accountStatus', a.status)}
            {a.balanceMinor !== null &&
              t('contact.card.balance', { amount: (a.balanceMinor / 100).toFixed(2), currency: a.currency })}
            <ul>
              {a.services.map((s) => (
                <li key={s.id}>
                  {term('service', s.kind)}{' '}
                  <span data-i18n-skip>
                    {s.number} {s.plan ? `(${s.plan})` : ''}
                  </span>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
