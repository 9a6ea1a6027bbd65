import { useCallback, useEffect, useState } from 'react';
import type { Static } from 'typebox';
import type { AuditEntry } from '../../../shared/contracts/audit.ts';
import { type ApiError, api } from '../../app/api.ts';
import type { Page } from '../../app/types.ts';
import { t, term, useT } from '../../i18n/index.ts';
import { whenFull, whenLong } from '../../ui/format.ts';
import './history.css';
import { usePhoneWords } from '../../ui/phone.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { changeWords, summaryPairs, valueWords, whoWords } from './record-words.ts';

export type AuditEntryDto = Static<typeof AuditEntry>;

/**
 * What each action means, in words (`terms.auditAction`, `case.created` is `case` → `created`);
 * an action the catalogue does not know yet is shown from its code.
 */
export const actionLabel = (action: string) => {
  const said = term('auditAction', action);
  return said !== action.replaceAll('_', ' ')
    ? said
    : action.replace(/[._]/g, ' ').replace(/^\w/, (c) => c.toUpperCase());
};

/** In the reader's own locale and time zone: day, month and time without seconds; in full on hover. */
export function When({ at }: { at: string }) {
  return (
    <time dateTime={at} title={whenLong(at)}>
      {whenFull(at)}
    </time>
  );
}

/** Why particulars were seen: on a verified contact, or by role (and where). */
function viewedHow(after: unknown): string {
  const a = (after ?? {}) as { by?: string; in?: string; contactId?: string | null };
  if (a.by === 'role') return a.in ? t('history.byRoleIn', { where: a.in }) : t('history.byRole');
  return a.contactId ? t('history.onVerified') : '';
}

/**
 * The change, in words (record-words.ts): field by field when both sides are stored ("Owner — →
 * Tom Lim"), else the record as stored; people, teams and cases by name, ids nobody can read left out.
 */
export function Change({ e }: { e: AuditEntryDto }) {
  const t = useT();
  if (e.action === 'customer.particulars_viewed') return <span className="muted">{viewedHow(e.after)}</span>;
  if (e.changes?.length) {
    const lines = changeWords(e);
    if (!lines.length) return null;
    return (
      <ul className="changes">
        {lines.map((c) => (
          <li key={c.field}>
            {/* A field the catalogue does not name yet is its code in plain words: data. */}
            <span className="field" data-i18n-skip={c.labelIsData || undefined}>
              {c.label}
            </span>{' '}
            <del data-i18n-skip>{c.before}</del>
            <span aria-hidden="true"> → </span>
            <span className="sr-only">{t('history.changedTo')}</span>
            <ins data-i18n-skip>{c.after}</ins>
          </li>
        ))}
      </ul>
    );
  }
  const stored = e.after ?? e.before;
  if (stored === null || stored === undefined) return null;
  const text =
    typeof stored === 'object' && !Array.isArray(stored)
      ? summaryPairs(stored as Record<string, unknown>, e.names)
          .map((p) => `${p.label}: ${p.value}`)
          .join('; ')
      : valueWords('', stored, e.names);
  if (!text) return null;
  // A creation stores the whole record: folded, so the table stays one line a change.
  return text.length > 80 ? (
    <details data-i18n-skip>
      <summary>{text.slice(0, 60)}…</summary>
      <p className="stored">{text}</p>
    </details>
  ) : (
    <span data-i18n-skip>{text}</span>
  );
}

/** The list of entries as a compact table: who, what, when, before → after. */
export function AuditTable({
  items,
  caption,
  showRecord,
}: {
  items: AuditEntryDto[];
  caption: string;
  showRecord?: boolean;
}) {
  const t = useT();
  usePhoneWords(); // shown again once numbers can be formatted
  return (
    <table className="history">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('history.col.when')}</th>
          <th scope="col">{t('history.col.who')}</th>
          <th scope="col">{t('history.col.what')}</th>
          {showRecord && <th scope="col">{t('history.col.record')}</th>}
          <th scope="col">{t('history.col.change')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => {
          const who = whoWords(e);
          return (
            <tr key={e.id}>
              <td>
                <When at={e.at} />
              </td>
              <td>
                {who ? (
                  <span data-i18n-skip={who.data || undefined}>{who.text}</span>
                ) : (
                  <span className="muted">{t('common.automatic')}</span>
                )}
              </td>
              <td>{actionLabel(e.action)}</td>
              {showRecord && (
                <td>
                  <Record type={e.entityType} id={e.entityId} name={e.names[e.entityId]} />
                </td>
              )}
              <td>
                <Change e={e} />
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Record({ type, id, name }: { type: string; id: string; name: string | undefined }) {
  // The kind in words, then the record by its name or reference; without one, the id's tail (in
  // full on hover).
  const which = (
    <span data-i18n-skip title={id}>
      {name ?? id.slice(-6)}
    </span>
  );
  const short = (
    <>
      {term('entityType', type)} {which}
    </>
  );
  if (type === 'case') return <a href={`#/cases/${id}`}>{short}</a>;
  if (type === 'customer') return <a href={`#/customers/${id}`}>{short}</a>;
  return <span>{short}</span>;
}

/** Pages of 50 from one URL, newest first; "Show older" appends the next page. */
export function usePages(url: string | null) {
  const [items, setItems] = useState<AuditEntryDto[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const load = useCallback(
    async (cursor: string | null) => {
      if (!url) return;
      setLoading(true);
      setError(null);
      try {
        const sep = url.includes('?') ? '&' : '?';
        const page = await api<Page<AuditEntryDto>>(
          'GET',
          cursor ? `${url}${sep}cursor=${encodeURIComponent(cursor)}` : url,
        );
        setItems((old) => (cursor ? [...old, ...page.items] : page.items));
        setNext(page.nextCursor);
      } catch (err) {
        setError(err as ApiError);
      } finally {
        setLoading(false);
      }
    },
    [url],
  );
  useEffect(() => {
    setItems([]);
    setNext(null);
    void load(null);
  }, [load]);
  return { items, next, loading, error, more: () => void load(next) };
}

/**
 * A record's history: who changed what and when, before and after, including who viewed the
 * customer's particulars unmasked. Particulars are masked by the server for roles that may not see
 * them. Mount it on the case page or the customer page: `<History entity="case" id=… />`.
 */
export function History({ entity, id }: { entity: 'case' | 'customer'; id: string }) {
  const t = useT();
  const { items, next, loading, error, more } = usePages(
    `/${entity === 'case' ? 'cases' : 'customers'}/${id}/history`,
  );
  const title = entity === 'case' ? t('history.caseTitle') : t('history.customerTitle');
  return (
    <section className="history-panel" aria-label={title}>
      {error && (
        <p className="error" role="alert">
          <ProblemText error={error} />
        </p>
      )}
      {!items.length && !loading && !error && <p className="muted">{t('history.none')}</p>}
      {items.length > 0 && <AuditTable items={items} caption={title} />}
      <p aria-live="polite" className="muted">
        {loading ? t('common.loading') : items.length ? t('history.shown', { count: items.length }) : ''}
      </p>
      {next && (
        <button type="button" onClick={more} disabled={loading}>
          {t('history.older')}
        </button>
      )}
    </section>
  );
}
