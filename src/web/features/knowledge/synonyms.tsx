import { useEffect, useId, useState } from 'react';
import { ApiError, api } from '../../app/api.ts';
import { t as translate, useT } from '../../i18n/index.ts';
import { FieldWords, ProblemText } from '../../ui/problem.tsx';
import type { SynonymsDto } from './types.ts';

const toText = (s: SynonymsDto) => s.groups.map((g) => g.join(', ')).join('\n');

/** The groups typed, one a line, and the line each came from (blank lines are skipped). */
function parse(text: string): { groups: string[][]; lines: number[] } {
  const groups: string[][] = [];
  const lines: number[] = [];
  text.split('\n').forEach((line, i) => {
    const terms = line
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    if (!terms.length) return;
    groups.push(terms);
    lines.push(i + 1);
  });
  return { groups, lines };
}

/**
 * The synonym groups that widen every knowledge search (instalment ~ installment ~ payment plan):
 * one group a line, its words or phrases separated by commas; saving replaces them all.
 */
export function SynonymsEditor() {
  const t = useT();
  const [text, setText] = useState<string | null>(null);
  const [sent, setSent] = useState<{ groups: string[][]; lines: number[] } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const hintId = useId();
  useEffect(() => {
    void api<SynonymsDto>('GET', '/kb/synonyms').then((s) => setText(toText(s)));
  }, []);
  if (text === null) return <p>{t('common.loading')}</p>;

  const save = async () => {
    const parsed = parse(text);
    setError(null);
    setSaved(false);
    setSent(parsed);
    try {
      const result = await api<SynonymsDto>('PUT', '/kb/synonyms', { groups: parsed.groups });
      setText(toText(result));
      setSaved(true);
    } catch (e) {
      if (e instanceof ApiError) setError(e);
      else throw e;
    }
  };
  // A field pointer (/body/groups/<group>[/<term>]) told as the line the administrator typed.
  const where = (field: string) => {
    const m = /^\/body\/groups\/(\d+)(?:\/(\d+))?/.exec(field);
    if (!m || !sent) return field;
    const g = Number(m[1]);
    const line = sent.lines[g] ?? g + 1;
    const term = m[2] === undefined ? undefined : sent.groups[g]?.[Number(m[2])];
    return term === undefined
      ? translate('kbSynonyms.line', { line })
      : translate('kbSynonyms.lineTerm', { line, term });
  };

  return (
    <section aria-label={t('kbSynonyms.title')} className="kb-synonyms">
      <h2>{t('kbSynonyms.title')}</h2>
      <p className="hint" id={hintId}>
        {t('kbSynonyms.hintBefore')}
        <q>{t('kbSynonyms.example')}</q>
        {t('kbSynonyms.hintAfter')}
      </p>
      <label>
        {t('kbSynonyms.groups')}
        <textarea
          data-i18n-skip
          rows={12}
          value={text}
          aria-describedby={hintId}
          onChange={(e) => {
            setText(e.target.value);
            setSaved(false);
          }}
        />
      </label>
      {error && (
        <div role="alert" className="error">
          {error.problem.errors?.length ? (
            <ul>
              {error.problem.errors.map((f) => (
                <li key={`${f.field} ${f.rule}`}>
                  {where(f.field)}: <FieldWords error={f} />
                </li>
              ))}
            </ul>
          ) : (
            <p>
              <ProblemText error={error} />
            </p>
          )}
        </div>
      )}
      <div className="row">
        <button type="button" onClick={() => void save()}>
          {t('kbSynonyms.save')}
        </button>
        {saved && (
          <span role="status" className="ok">
            {t('kbSynonyms.saved')}
          </span>
        )}
      </div>
    </section>
  );
}
