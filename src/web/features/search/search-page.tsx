import { type FormEvent, type KeyboardEvent, useEffect, useState } from 'react';
import { CASE_STATUSES, CASE_TYPES } from '../../../shared/contracts/cases.ts';
import type { SearchResultDto } from '../../../shared/contracts/search.ts';
import { api } from '../../app/api.ts';
import { go, useRoute } from '../../app/router.ts';
import { useSession } from '../../app/session.tsx';
import { term, useT } from '../../i18n/index.ts';
import { date } from '../../ui/format.ts';
import { usePhoneWords } from '../../ui/phone.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { apiQuery, readSearch, type SearchParams, searchHash } from './search-url.ts';

const LIMIT = 20;
/** The forms of a case reference the server understands (CS-000123, 000123, 123). */
const REFERENCE = /^\s*(?:cs\s*-?\s*)?\d{1,9}\s*$/i;

/** Move between results with the arrow keys (Enter opens: they are links). */
function onArrows(e: KeyboardEvent<HTMLElement>) {
  if (!['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) return;
  const all = [...e.currentTarget.querySelectorAll<HTMLElement>('[data-result]')];
  if (!all.length) return;
  const at = all.indexOf(document.activeElement as HTMLElement);
  const next =
    e.key === 'Home'
      ? 0
      : e.key === 'End'
        ? all.length - 1
        : e.key === 'ArrowDown'
          ? Math.min(all.length - 1, at + 1)
          : Math.max(0, at - 1);
  e.preventDefault();
  all[next]?.focus();
}

/** Results of the one search box, grouped (cases, customers, articles) with counts, and the case filters. */
export function SearchPage() {
  const t = useT();
  const phone = usePhoneWords();
  useRoute(); // re-render when the hash (the query) changes
  const { user } = useSession();
  const params = readSearch();
  const key = apiQuery(params, LIMIT);
  const q = params.q;
  const [data, setData] = useState<SearchResultDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (!q.trim()) return;
    let live = true;
    setError(null);
    api<SearchResultDto>('GET', `/search?${key}`)
      .then((r) => {
        if (!live) return;
        // A reference opens its case straight away (replace: Back does not bounce here again).
        if (r.reference && REFERENCE.test(q)) window.location.replace(`#/cases/${r.reference}`);
        else setData(r);
      })
      .catch((e: unknown) => live && setError(e));
    return () => {
      live = false;
    };
  }, [key, q]);

  const change = (p: Partial<SearchParams>) => go(searchHash({ ...params, ...p }));
  const onQuery = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const q = String(new FormData(e.currentTarget).get('q') ?? '').trim();
    if (q) change({ q });
  };
  const shown = data && data.q === params.q ? data : null;
  const caseCount = shown ? `${shown.cases.total.toLocaleString()}${shown.cases.exact ? '' : '+'}` : '…';
  const customerCount = shown ? `${shown.customers.items.length}${shown.customers.more ? '+' : ''}` : '';
  const articleCount = shown ? `${shown.articles.items.length}${shown.articles.more ? '+' : ''}` : '';
  // "1" is one, anything else (2, 20+, …) many: the count is a string because of the "+".
  const n = (s: string) => (s === '1' ? 1 : 2);
  return (
    <div className="search-page">
      <form className="search-filters" onSubmit={onQuery} aria-label={t('search.page.filters')}>
        <h1>{t('search.page.title')}</h1>
        <fieldset>
          <legend>{t('search.page.words')}</legend>
          <label>
            {t('search.page.searchFor')}
            <input name="q" type="search" defaultValue={params.q} key={params.q} maxLength={200} />
          </label>
          <button type="submit">{t('search.page.search')}</button>
        </fieldset>
        <fieldset>
          <legend>{t('search.page.cases')}</legend>
          <label>
            {t('search.page.status')}
            <select value={params.status ?? ''} onChange={(e) => change({ status: e.target.value })}>
              <option value="">{t('search.page.anyStatus')}</option>
              <option value="new,open,pending_customer,pending_action_party">
                {t('search.page.notResolved')}
              </option>
              {CASE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {term('status', s)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('search.page.type')}
            <select value={params.type ?? ''} onChange={(e) => change({ type: e.target.value })}>
              <option value="">{t('search.page.anyType')}</option>
              {CASE_TYPES.map((s) => (
                <option key={s} value={s}>
                  {term('type', s)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('search.page.owner')}
            <select value={params.assigneeId ?? ''} onChange={(e) => change({ assigneeId: e.target.value })}>
              <option value="">{t('search.page.anyone')}</option>
              {user && <option value={user.id}>{t('search.page.me')}</option>}
            </select>
          </label>
          <label>
            {t('search.page.from')}
            <input type="date" value={params.from ?? ''} onChange={(e) => change({ from: e.target.value })} />
          </label>
          <label>
            {t('search.page.to')}
            <input type="date" value={params.to ?? ''} onChange={(e) => change({ to: e.target.value })} />
          </label>
        </fieldset>
      </form>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys move between the links inside */}
      <div className="search-results" onKeyDown={onArrows}>
        <p role="status" className="muted">
          {!params.q.trim() ? (
            t('search.page.prompt')
          ) : error ? (
            <ProblemText error={error} />
          ) : shown ? (
            t('search.page.found', {
              cases: t('search.page.nCases', { count: n(caseCount), n: caseCount }),
              customers: t('search.page.nCustomers', { count: n(customerCount), n: customerCount }),
              articles: t('search.page.nArticles', { count: n(articleCount), n: articleCount }),
              q: shown.q,
            })
          ) : (
            t('search.page.searching')
          )}
        </p>
        {shown && (
          <>
            <section aria-labelledby="found-cases">
              <h2 id="found-cases">{t('search.page.casesH', { n: caseCount })}</h2>
              {shown.cases.window !== null && (
                <p className="muted">{t('search.page.window', { n: shown.cases.window.toLocaleString() })}</p>
              )}
              {!shown.cases.exact && shown.cases.window === null && (
                <p className="muted">
                  {t('search.page.moreThan', { n: shown.cases.total.toLocaleString() })}
                </p>
              )}
              <ol>
                {shown.cases.items.map((c) => (
                  <li key={c.caseId}>
                    <a href={`#/cases/${c.caseId}`} data-result="">
                      <span className="title">
                        {c.reference} ·{' '}
                        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by the server; only <mark> is markup */}
                        <span data-i18n-skip dangerouslySetInnerHTML={{ __html: c.subjectHtml }} />
                      </span>{' '}
                      <span className="badge">{term('status', c.status)}</span>{' '}
                      <span className="muted">
                        {t('search.page.caseLine', {
                          type: term('type', c.type),
                          where: term('matchedIn', c.matchedIn),
                          date: date(c.createdAt),
                        })}
                      </span>
                      {c.snippetHtml && (
                        <div data-i18n-skip>
                          {/* biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by the server; only <mark> is markup */}
                          <p className="snippet" dangerouslySetInnerHTML={{ __html: c.snippetHtml }} />
                        </div>
                      )}
                    </a>
                  </li>
                ))}
              </ol>
              {shown.cases.exact && shown.cases.more && (
                <p className="muted">
                  {t('search.page.showing', {
                    shown: shown.cases.items.length,
                    total: shown.cases.total.toLocaleString(),
                  })}
                </p>
              )}
            </section>
            <section aria-labelledby="found-customers">
              <h2 id="found-customers">{t('search.page.customersH', { n: customerCount })}</h2>
              <ol>
                {shown.customers.items.map((c) => (
                  <li key={c.id}>
                    <a href={`#/customers/${c.id}`} data-result="">
                      <span className="title" data-i18n-skip>
                        {c.displayName}
                      </span>{' '}
                      <span className="muted">
                        <span data-i18n-skip>
                          {[c.idNumber, c.phone && phone(c.phone)].filter(Boolean).join(' · ')}
                        </span>
                        {c.matchedOn
                          ? t('search.page.matchedOn', { what: term('matchKind', c.matchedOn) })
                          : ''}
                      </span>
                    </a>
                  </li>
                ))}
              </ol>
            </section>
            <section aria-labelledby="found-articles">
              <h2 id="found-articles">{t('search.page.articlesH', { n: articleCount })}</h2>
              <ol>
                {shown.articles.items.map((a) => (
                  <li key={a.articleId}>
                    <a href={`#/kb/${a.articleId}`} data-result="" data-i18n-skip>
                      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by the server; only <mark> is markup */}
                      <span className="title" dangerouslySetInnerHTML={{ __html: a.titleHtml }} />
                      {/* biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by the server; only <mark> is markup */}
                      <p className="snippet" dangerouslySetInnerHTML={{ __html: a.snippetHtml }} />
                    </a>
                  </li>
                ))}
              </ol>
            </section>
          </>
        )}
      </div>
    </div>
  );
}
