import { useEffect, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import { api } from '../../app/api.ts';
import { go, useRoute } from '../../app/router.ts';
import type { UserDto } from '../../app/types.ts';
import { ArticleEditor, ArticleView } from './article.tsx';
import { Hit } from './hit.tsx';
import { PolicyFlagsList } from './policy-flags.tsx';
import { ProposeSolution, ReadingList, SentList, SolutionsList, SolutionView } from './solutions.tsx';
import { SynonymsEditor } from './synonyms.tsx';
import { type ArticleSummaryDto, KIND_LABELS } from './types.ts';
import { useKbSearch } from './use-search.ts';

const TABS = new Set(['review', 'solutions', 'reading', 'sent', 'flags', 'synonyms', 'new']);

/**
 * The knowledge base for staff: search, articles and their review, agreed solutions, what I must
 * read, what I sent (leaders), policy questions, and synonyms (supervisors, administrators).
 * `#/kb/<tab>` or `#/kb/<article id>`.
 */
export function KnowledgePage({ user }: { user: UserDto }) {
  const [, sub, id] = useRoute();
  const [toRead, setToRead] = useState(0);
  const countReading = () =>
    void api<{ items: unknown[] }>('GET', '/readings').then((r) => setToRead(r.items.length));
  // biome-ignore lint/correctness/useExhaustiveDependencies: counted once per screen change
  useEffect(countReading, [sub]);
  const tab = !sub ? 'search' : TABS.has(sub) ? sub : 'article';
  const link = (to: string, label: string, current: boolean) => (
    <a href={`#/kb${to ? `/${to}` : ''}`} aria-current={current ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <div className="kb">
      <nav aria-label="Knowledge" className="tabs">
        {link('', 'Search', tab === 'search')}
        {can(user.role, 'kb.write') && link('review', 'Review queue', tab === 'review')}
        {link('solutions', 'Solutions', tab === 'solutions')}
        {link('reading', toRead ? `To read (${toRead})` : 'To read', tab === 'reading')}
        {can(user.role, 'kb.publish') && link('sent', 'Sent for reading', tab === 'sent')}
        {link('flags', 'Policy questions', tab === 'flags')}
        {can(user.role, 'kb.manage') && link('synonyms', 'Synonyms', tab === 'synonyms')}
      </nav>
      {tab === 'search' && <Search user={user} />}
      {tab === 'review' && <ArticleList status="in_review" title="Waiting for review" />}
      {/* A typed-in address shows no form the role may not use. */}
      {tab === 'new' && can(user.role, 'kb.write') && <ArticleEditor />}
      {tab === 'article' && id === 'edit' && can(user.role, 'kb.write') && <ArticleEditor id={sub} />}
      {tab === 'article' && id !== 'edit' && sub && <ArticleView id={sub} user={user} />}
      {tab === 'solutions' && !id && <SolutionsList user={user} />}
      {tab === 'solutions' && id === 'new' && can(user.role, 'kb.write') && <ProposeSolution />}
      {tab === 'solutions' && id && id !== 'new' && <SolutionView id={id} user={user} />}
      {tab === 'reading' && <ReadingList onChange={countReading} />}
      {tab === 'sent' && can(user.role, 'kb.publish') && <SentList />}
      {tab === 'flags' && <PolicyFlagsList userId={user.id} />}
      {tab === 'synonyms' && can(user.role, 'kb.manage') && <SynonymsEditor />}
    </div>
  );
}

function Search({ user }: { user: UserDto }) {
  const [q, setQ] = useState('');
  const result = useKbSearch(q, 20);
  return (
    <section aria-label="Knowledge search">
      <div className="row">
        <label className="grow">
          Search articles
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="e.g. roaming charges"
          />
        </label>
        {can(user.role, 'kb.write') && (
          <button type="button" onClick={() => go('/kb/new')}>
            New article
          </button>
        )}
      </div>
      {result && (
        <ol className="kb-hits" aria-label="Search results">
          {result.items.map((h) => (
            <li key={h.articleId}>
              <Hit hit={h} usageCount={h.usageCount} />
            </li>
          ))}
          {result.items.length === 0 && <li>No article matches.</li>}
        </ol>
      )}
      {!result && <ArticleList title="Recently changed" />}
    </section>
  );
}

function ArticleList({ status, title }: { status?: string; title: string }) {
  const [items, setItems] = useState<ArticleSummaryDto[] | null>(null);
  useEffect(() => {
    void api<{ items: ArticleSummaryDto[] }>(
      'GET',
      `/kb/articles?limit=50${status ? `&status=${status}` : ''}`,
    ).then((r) => setItems(r.items));
  }, [status]);
  return (
    <section aria-label={title}>
      <h2>{title}</h2>
      {items?.length === 0 && <p>None.</p>}
      <table>
        <tbody>
          {items?.map((a) => (
            <tr key={a.id}>
              <td>
                <a href={`#/kb/${a.id}`}>{a.title}</a>
              </td>
              <td>{KIND_LABELS[a.kind] ?? a.kind}</td>
              <td>{a.audience}</td>
              <td>
                <span className="badge">{a.status.replaceAll('_', ' ')}</span>
              </td>
              <td>{a.reviewAt ? `review by ${a.reviewAt}` : ''}</td>
              <td>used {a.usageCount}×</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
