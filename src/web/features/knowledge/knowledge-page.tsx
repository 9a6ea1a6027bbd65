import { useEffect, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import { api } from '../../app/api.ts';
import { go, useRoute } from '../../app/router.ts';
import type { UserDto } from '../../app/types.ts';
import { term, useT } from '../../i18n/index.ts';
import { ArticleEditor, ArticleView, reviewDay } from './article.tsx';
import { Hit } from './hit.tsx';
import { PolicyFlagsList } from './policy-flags.tsx';
import { ProposeSolution, ReadingList, SentList, SolutionsList, SolutionView } from './solutions.tsx';
import { SynonymsEditor } from './synonyms.tsx';
import type { ArticleSummaryDto } from './types.ts';
import { useKbSearch } from './use-search.ts';

const TABS = new Set(['review', 'solutions', 'reading', 'sent', 'flags', 'synonyms', 'new']);

/**
 * The knowledge base for staff: search, articles and their review, agreed solutions, what I must
 * read, what I sent (leaders), policy questions, and synonyms (supervisors, administrators).
 * `#/kb/<tab>` or `#/kb/<article id>`.
 */
export function KnowledgePage({ user }: { user: UserDto }) {
  const t = useT();
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
      <nav aria-label={t('kbPage.nav')} className="tabs">
        {link('', t('kbPage.tab.search'), tab === 'search')}
        {can(user.role, 'kb.write') && link('review', t('kbPage.tab.review'), tab === 'review')}
        {link('solutions', t('kbPage.tab.solutions'), tab === 'solutions')}
        {link(
          'reading',
          toRead ? t('kbPage.tab.readingCount', { count: toRead }) : t('kbPage.tab.reading'),
          tab === 'reading',
        )}
        {can(user.role, 'kb.publish') && link('sent', t('kbPage.tab.sent'), tab === 'sent')}
        {link('flags', t('kbPage.tab.flags'), tab === 'flags')}
        {can(user.role, 'kb.manage') && link('synonyms', t('kbPage.tab.synonyms'), tab === 'synonyms')}
      </nav>
      {tab === 'search' && <Search user={user} />}
      {tab === 'review' && <ArticleList status="in_review" title={t('kbPage.waitingForReview')} />}
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
  const t = useT();
  const [q, setQ] = useState('');
  const result = useKbSearch(q, 20);
  return (
    <section aria-label={t('kbPage.searchRegion')}>
      <div className="row">
        <label className="grow">
          {t('kbPage.searchArticles')}
          <input
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder={t('kbPage.searchExample')}
          />
        </label>
        {can(user.role, 'kb.write') && (
          <button type="button" onClick={() => go('/kb/new')}>
            {t('kbPage.newArticle')}
          </button>
        )}
      </div>
      {result && (
        <ol className="kb-hits" aria-label={t('kbPage.results')}>
          {result.items.map((h) => (
            <li key={h.articleId}>
              <Hit hit={h} usageCount={h.usageCount} />
            </li>
          ))}
          {result.items.length === 0 && <li>{t('kbPage.noMatch')}</li>}
        </ol>
      )}
      {!result && <ArticleList title={t('kbPage.recentlyChanged')} />}
    </section>
  );
}

function ArticleList({ status, title }: { status?: string; title: string }) {
  const t = useT();
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
      {items?.length === 0 && <p>{t('kbPage.none')}</p>}
      <table>
        <tbody>
          {items?.map((a) => (
            <tr key={a.id}>
              <td data-i18n-skip>
                <a href={`#/kb/${a.id}`}>{a.title}</a>
              </td>
              <td>{term('kbKind', a.kind)}</td>
              <td>{term('kbAudience', a.audience)}</td>
              <td>
                <span className="badge">{term('kbStatus', a.status)}</span>
              </td>
              <td>{a.reviewAt ? t('kbPage.reviewBy', { date: reviewDay(a.reviewAt) }) : ''}</td>
              <td>{t('knowledge.used', { count: a.usageCount })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
