import type { CustomerDto } from '../../app/types.ts';

/** Particulars as the caller may see them: particular needs and language first, always. */
export function CustomerCard({ customer }: { customer: CustomerDto }) {
  return (
    <section className="card customer-card" aria-label="Customer">
      <h3>{customer.displayName}</h3>
      {customer.particularNeeds.length > 0 && (
        <p className="needs" role="note">
          {customer.particularNeeds.map((n) => `${n.kind.replaceAll('_', ' ')}: ${n.detail}`).join(' · ')}
        </p>
      )}
      <dl>
        <dt>Language</dt>
        <dd>{customer.preferredLanguage ?? '—'}</dd>
        <dt>ID number</dt>
        <dd data-testid="id-number">{customer.idNumber ?? '—'}</dd>
        <dt>Mobile</dt>
        <dd>{customer.phones[0]?.number ?? '—'}</dd>
      </dl>
      <h4>Accounts {customer.masked && <span className="badge">masked until verified</span>}</h4>
      <ul>
        {customer.accounts.map((a) => (
          <li key={a.id} data-testid="account">
            {a.accountNumber} · {a.status}
            {a.balanceMinor !== null && ` · balance ${(a.balanceMinor / 100).toFixed(2)} ${a.currency}`}
            <ul>
              {a.services.map((s) => (
                <li key={s.id}>
                  {s.kind} {s.number} {s.plan ? `(${s.plan})` : ''}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </section>
  );
}
