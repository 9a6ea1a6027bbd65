import { useEffect, useState } from 'react';
import type { CustomerSiteAccountDto } from '../../../shared/contracts/chat.ts';
import { ApiError, api } from '../../app/api.ts';
import { nameOf, useColleagues } from '../../app/use-directory.ts';
import { useT } from '../../i18n/index.ts';
import { whenFull } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';

/**
 * The site accounts the chat widget linked to this record (issue 14, point 3), on the customer's
 * page: which site, its customer id, how it was linked and who confirmed it. A supervisor or an
 * administrator (who may merge records) may unlink one found after its chats not to be this
 * customer; while one of its chats is live, the officer handling it unlinks it there.
 */
export function SiteAccounts({ customerId, mayUnlink }: { customerId: string; mayUnlink: boolean }) {
  const t = useT();
  const people = useColleagues();
  const [items, setItems] = useState<CustomerSiteAccountDto[]>([]);
  const [asking, setAsking] = useState<CustomerSiteAccountDto | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const load = () =>
    void api<{ items: CustomerSiteAccountDto[] }>('GET', `/customers/${customerId}/site-accounts`).then((r) =>
      setItems(r.items),
    );
  useEffect(load, [customerId]);
  if (!items.length && !done) return null;
  const unlink = async (a: CustomerSiteAccountDto) => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await api(
        'DELETE',
        `/customers/${customerId}/site-accounts/${a.widgetId}/${encodeURIComponent(a.siteCustomerId)}`,
      );
      setAsking(null);
      setDone(t('customer360.siteAccounts.unlinked', { id: a.siteCustomerId, site: a.widgetName }));
      load();
    } catch (err) {
      if (err instanceof ApiError) setError(err);
      else throw err;
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="site-accounts" aria-labelledby="site-accounts-h">
      <h2 id="site-accounts-h">{t('customer360.siteAccounts.title')}</h2>
      {done && (
        <p role="status" className="ok">
          {done}
        </p>
      )}
      <ul>
        {items.map((a) => (
          <li key={`${a.widgetId}/${a.siteCustomerId}`}>
            <span data-i18n-skip>{a.widgetName}</span> ·{' '}
            {t('customer360.siteAccounts.id', { id: a.siteCustomerId })} ·{' '}
            {a.confirmedAt
              ? t('customer360.siteAccounts.confirmed', {
                  who: nameOf(people, a.confirmedBy),
                  when: whenFull(a.confirmedAt),
                })
              : t(`customer360.siteAccounts.linkedBy.${a.linkedBy}`)}
            {mayUnlink && asking !== a && (
              <>
                {' '}
                <button
                  type="button"
                  className="link"
                  onClick={() => {
                    setAsking(a);
                    setError(null);
                    setDone(null);
                  }}
                >
                  {t('customer360.siteAccounts.unlink')}
                </button>
              </>
            )}
            {asking === a && (
              <p className="row">
                <span>{t('customer360.siteAccounts.ask', { id: a.siteCustomerId, site: a.widgetName })}</span>
                <button type="button" className="danger" disabled={busy} onClick={() => void unlink(a)}>
                  {t('customer360.siteAccounts.yes')}
                </button>
                <button type="button" className="secondary" onClick={() => setAsking(null)}>
                  {t('customer360.siteAccounts.cancel')}
                </button>
              </p>
            )}
          </li>
        ))}
      </ul>
      {error ? (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      ) : null}
    </section>
  );
}
