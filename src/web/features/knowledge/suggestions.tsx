import { useState } from 'react';
import { useSubmit } from '../../app/use-submit.ts';
import { useT } from '../../i18n/index.ts';
import { Hit } from './hit.tsx';
import type { HitDto } from './types.ts';
import { useKbSearch } from './use-search.ts';

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
  const t = useT();
  const [own, setOwn] = useState('');
  const [used, setUsed] = useState<Record<string, number>>({});
  const result = useKbSearch(own || text, 5);
  // A double-click inserts the answer once and counts one use.
  const { busy, run } = useSubmit();

  const insert = (hit: HitDto, how: 'answered' | 'linked') =>
    run(async (send) => {
      const link = `${window.location.origin}/help/${hit.slug}`;
      onInsert(how === 'answered' ? hit.answer : `${hit.title}: ${link}`);
      const r = await send<{ usageCount: number }>('POST', `/kb/articles/${hit.articleId}/usage`, {
        action: how,
        ...(caseId ? { caseId } : {}),
        ...(contactId && !caseId ? { contactId } : {}),
      });
      setUsed((u) => ({ ...u, [hit.articleId]: r.usageCount }));
    }).catch(() => {
      // The answer is in the reply already; a use that could not be counted costs only the statistic.
    });

  const corrected = Object.entries(result?.corrected ?? {});
  return (
    <section className="kb-suggest" aria-label={t('knowledge.suggest.region')}>
      <label>
        {t('knowledge.suggest.search')}
        <input
          type="search"
          value={own}
          placeholder={text ? t('knowledge.suggest.searchingEnquiry') : t('knowledge.suggest.example')}
          onChange={(e) => setOwn(e.target.value)}
        />
      </label>
      {corrected.length > 0 && (
        <p className="hint">
          {t('knowledge.suggest.searchedFor', {
            terms: corrected
              .map(([typed, term]) => t('knowledge.suggest.corrected', { term, typed }))
              .join(t('knowledge.suggest.separator')),
          })}
        </p>
      )}
      {result && result.items.length === 0 && <p className="hint">{t('knowledge.suggest.none')}</p>}
      {result && result.items.length > 0 && (
        <ol className="kb-hits" aria-label={t('knowledge.suggest.list')}>
          {result.items.map((h) => (
            <li key={h.articleId}>
              <Hit hit={h} usageCount={used[h.articleId] ?? h.usageCount} newTab />
              <span className="row inline">
                <button type="button" disabled={busy} onClick={() => void insert(h, 'answered')}>
                  {t('knowledge.suggest.insertAnswer')}
                </button>
                {/* A link is for the customer: only public articles have a page they can open. */}
                {h.audience === 'public' && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={busy}
                    onClick={() => void insert(h, 'linked')}
                  >
                    {t('knowledge.suggest.insertLink')}
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
