import { useEffect, useState } from 'react';
import { api } from '../../app/api.ts';
import { type HitDto, KIND_LABELS, type SearchResultDto } from './types.ts';

/** As-you-type wait before asking the server: fast typists should not send a query per key. */
const DEBOUNCE_MS = 250;

/**
 * The top articles for what the officer is typing (the enquiry, or a query of their own), each
 * with one click to insert its answer or a link into the reply; every insert counts as a use of
 * the article on this case or contact, so the centre learns which articles resolve queries.
 */
export function KbSuggestions({
  text,
  caseId,
  contactId,
  onInsert,
}: {
  /** What the customer said; searched unless the officer types a query of their own. */
  text: string;
  caseId?: string | undefined;
  contactId?: string | undefined;
  onInsert(text: string): void;
}) {
  const [own, setOwn] = useState('');
  const [result, setResult] = useState<SearchResultDto | null>(null);
  const [used, setUsed] = useState<Record<string, number>>({});
  const query = (own || text).trim().slice(0, 500);

  useEffect(() => {
    if (!query) {
      setResult(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      void api<SearchResultDto>('GET', `/kb/search?limit=5&q=${encodeURIComponent(query)}`).then((r) => {
        if (live) setResult(r);
      });
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [query]);

  const insert = async (hit: HitDto, how: 'answered' | 'linked') => {
    const link = `${window.location.origin}/help/${hit.slug}`;
    onInsert(how === 'answered' ? hit.answer : `${hit.title}: ${link}`);
    const r = await api<{ usageCount: number }>('POST', `/kb/articles/${hit.articleId}/usage`, {
      action: how,
      ...(caseId ? { caseId } : {}),
      ...(contactId && !caseId ? { contactId } : {}),
    });
    setUsed((u) => ({ ...u, [hit.articleId]: r.usageCount }));
  };

  const corrected = Object.entries(result?.corrected ?? {});
  return (
    <section className="kb-suggest" aria-label="Suggested articles">
      <label>
        Search the knowledge base
        <input
          type="search"
          value={own}
          placeholder={text ? 'Searching the enquiry — type to search something else' : 'e.g. payment plan'}
          onChange={(e) => setOwn(e.target.value)}
        />
      </label>
      {corrected.length > 0 && (
        <p className="hint">
          Searched for {corrected.map(([typed, term]) => `“${term}” (you typed “${typed}”)`).join(', ')}.
        </p>
      )}
      {result && result.items.length === 0 && <p className="hint">No article matches yet.</p>}
      {result && result.items.length > 0 && (
        <ol className="kb-hits" aria-label="Suggested articles list">
          {result.items.map((h) => (
            <li key={h.articleId}>
              <a href={`#/kb/${h.articleId}`} target="_blank" rel="noreferrer">
                {/* Escaped by the server; only <mark> is markup. */}
                {/* biome-ignore lint/security/noDangerouslySetInnerHtml: server-escaped snippet with <mark> only */}
                <strong dangerouslySetInnerHTML={{ __html: h.titleHtml }} />
              </a>{' '}
              <span className="badge">{KIND_LABELS[h.kind] ?? h.kind}</span>{' '}
              <span className="muted" data-testid="usage-count">
                used {used[h.articleId] ?? h.usageCount}×
              </span>
              {/* biome-ignore lint/security/noDangerouslySetInnerHtml: server-escaped snippet with <mark> only */}
              <p className="snippet" dangerouslySetInnerHTML={{ __html: h.snippetHtml }} />
              <span className="row inline">
                <button type="button" onClick={() => void insert(h, 'answered')}>
                  Insert answer
                </button>
                {/* A link is for the customer: only public articles have a page they can open. */}
                {h.audience === 'public' && (
                  <button type="button" className="secondary" onClick={() => void insert(h, 'linked')}>
                    Insert link
                  </button>
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
