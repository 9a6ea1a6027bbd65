import { type FormEvent, type KeyboardEvent, useEffect, useState } from 'react';
import { CASE_STATUSES, CASE_TYPES } from '../../../shared/contracts/cases.ts';
import type { SearchResultDto } from '../../../shared/contracts/search.ts';
import { api } from '../../app/api.ts';
import { go, useRoute } from '../../app/router.ts';
import { useSession } from '../../app/session.tsx';
import { apiQuery, readSearch, type SearchParams, searchHash } from './search-url.ts';

const LIMIT = 20;
/** The forms of a case reference the server understands (CS-000123, 000123, 123). */
const REFERENCE = /^\s*(?:cs\s*-?\s*)?\d{1,9}\s*$/i;
const words = (s: string) => s.replaceAll('_', ' ');
const counted = (n: string, noun: string) => `${n} ${noun}${n === '1' ? '' : 's'}`;

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
  useRoute(); // re-render when the hash (the query) changes
  const { user } = useSession();
  const params = readSearch();
  const key = apiQuery(params, LIMIT);
  const q = params.q;
  const [data, setData] = useState<SearchResultDto | null>(null);
  const [error, setError] = useState<string | null>(null);
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
      .catch((e: Error) => live && setError(e.message));
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
  return (
    <div className="search-page">
      <form className="search-filters" onSubmit={onQuery} aria-label="Search filters">
        <h1>Search</h1>
        <fieldset>
          <legend>Words or reference</legend>
          <label>
            Search for
            <input name="q" type="search" defaultValue={params.q} key={params.q} maxLength={200} />
          </label>
          <button type="submit">Search</button>
        </fieldset>
        <fieldset>
          <legend>Cases</legend>
          <label>
            Status
            <select value={params.status ?? ''} onChange={(e) => change({ status: e.target.value })}>
              <option value="">Any status</option>
              <option value="new,open,pending_customer,pending_action_party">Not resolved</option>
              {CASE_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {words(s)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Type
            <select value={params.type ?? ''} onChange={(e) => change({ type: e.target.value })}>
              <option value="">Any type</option>
              {CASE_TYPES.map((s) => (
                <option key={s} value={s}>
                  {words(s)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Owner
            <select value={params.assigneeId ?? ''} onChange={(e) => change({ assigneeId: e.target.value })}>
              <option value="">Anyone</option>
              {user && <option value={user.id}>Me</option>}
            </select>
          </label>
          <label>
            Created from
            <input type="date" value={params.from ?? ''} onChange={(e) => change({ from: e.target.value })} />
          </label>
          <label>
            Created to
            <input type="date" value={params.to ?? ''} onChange={(e) => change({ to: e.target.value })} />
          </label>
        </fieldset>
      </form>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys move between the links inside */}
      <div className="search-results" onKeyDown={onArrows}>
        <p role="status" className="muted">
          {!params.q.trim()
            ? 'Type words, a case reference, a phone number or a name, then press Enter.'
            : error
              ? error
              : shown
                ? `${counted(caseCount, 'case')}, ${counted(`${shown.customers.items.length}${shown.customers.more ? '+' : ''}`, 'customer')}, ${counted(`${shown.articles.items.length}${shown.articles.more ? '+' : ''}`, 'article')} for “${shown.q}”`
                : 'Searching…'}
        </p>
        {shown && (
          <>
            <section aria-labelledby="found-cases">
              <h2 id="found-cases">Cases ({caseCount})</h2>
              {shown.cases.window !== null && (
                <p className="muted">
                  These words are in more than {shown.cases.window.toLocaleString()} cases: the filters were
                  checked on the newest {shown.cases.window.toLocaleString()}. Add a word to search them all.
                </p>
              )}
              {!shown.cases.exact && shown.cases.window === null && (
                <p className="muted">
                  More than {shown.cases.total.toLocaleString()} cases have these words: the newest are
                  listed. Add a word or a filter to narrow them.
                </p>
              )}
              <ol>
                {shown.cases.items.map((c) => (
                  <li key={c.caseId}>
                    <a href={`#/cases/${c.caseId}`} data-result="">
                      <span className="title">
                        {c.reference} ·{' '}
                        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by the server; only <mark> is markup */}
                        <span dangerouslySetInnerHTML={{ __html: c.subjectHtml }} />
                      </span>{' '}
                      <span className="badge">{words(c.status)}</span>{' '}
                      <span className="muted">
                        {words(c.type)} · in the {c.matchedIn} · {new Date(c.createdAt).toLocaleDateString()}
                      </span>
                      {c.snippetHtml && (
                        // biome-ignore lint/security/noDangerouslySetInnerHtml: escaped by the server; only <mark> is markup
                        <p className="snippet" dangerouslySetInnerHTML={{ __html: c.snippetHtml }} />
                      )}
                    </a>
                  </li>
                ))}
              </ol>
              {shown.cases.exact && shown.cases.more && (
                <p className="muted">
                  Showing {shown.cases.items.length} of {shown.cases.total.toLocaleString()}: add a word or a
                  filter.
                </p>
              )}
            </section>
            <section aria-labelledby="found-customers">
              <h2 id="found-customers">
                Customers ({shown.customers.items.length}
                {shown.customers.more ? '+' : ''})
              </h2>
              <ol>
                {shown.customers.items.map((c) => (
                  <li key={c.id}>
                    <a href={`#/customers/${c.id}`} data-result="">
                      <span className="title">{c.displayName}</span>{' '}
                      <span className="muted">
                        {[c.idNumber, c.phone].filter(Boolean).join(' · ')}
                        {c.matchedOn ? ` · matched on ${words(c.matchedOn)}` : ''}
                      </span>
                    </a>
                  </li>
                ))}
              </ol>
            </section>
            <section aria-labelledby="found-articles">
              <h2 id="found-articles">
                Articles ({shown.articles.items.length}
                {shown.articles.more ? '+' : ''})
              </h2>
              <ol>
                {shown.articles.items.map((a) => (
                  <li key={a.articleId}>
                    <a href={`#/kb/${a.articleId}`} data-result="">
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
