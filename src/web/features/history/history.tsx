import { useCallback, useEffect, useState } from 'react';
import type { Static } from 'typebox';
import type { AuditEntry } from '../../../shared/contracts/audit.ts';
import { type ApiError, api } from '../../app/api.ts';
import type { Page } from '../../app/types.ts';
import './history.css';

export type AuditEntryDto = Static<typeof AuditEntry>;

/** What each action means, in words; others are shown from their code. */
const ACTIONS: Record<string, string> = {
  'case.created': 'Opened the case',
  'case.updated': 'Changed the case',
  'case.note_added': 'Added a note',
  'case.transitioned': 'Moved the case',
  'case.referred': 'Referred the case',
  'commitment.made': 'Promised a follow-up',
  'customer.created': 'Registered the customer',
  'customer.updated': 'Changed particulars',
  'customer.particulars_viewed': 'Viewed particulars unmasked',
  'customer.verification_recorded': 'Checked identity',
  'account.created': 'Opened an account',
  'account.updated': 'Changed an account',
};

export const actionLabel = (action: string) =>
  ACTIONS[action] ?? action.replace(/[._]/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

// In the reader's own locale and time zone: day, month and time without seconds.
const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const FULL = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });

export function When({ at }: { at: string }) {
  const d = new Date(at);
  return (
    <time dateTime={at} title={FULL.format(d)}>
      {WHEN.format(d)}
    </time>
  );
}

/** A stored value in a few words: phone lists by number, objects by their fields. */
export function show(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.length ? v.map(show).join(', ') : '—';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('number' in o) return String(o.number);
    return Object.entries(o)
      .map(([k, x]) => `${k}: ${show(x)}`)
      .join('; ');
  }
  return String(v);
}

/** Why particulars were seen: on a verified contact, or by role (and where). */
function viewedHow(after: unknown): string {
  const a = (after ?? {}) as { by?: string; in?: string; contactId?: string | null };
  if (a.by === 'role') return a.in ? `by role, in the ${a.in}` : 'by role';
  return a.contactId ? 'on a verified contact' : '';
}

const BOOKKEEPING = new Set(['id', 'version', 'createdAt', 'updatedAt', 'created_at', 'updated_at']);

/** The change: field by field when both sides are stored, else what was stored. */
export function Change({ e }: { e: AuditEntryDto }) {
  if (e.action === 'customer.particulars_viewed') return <span className="muted">{viewedHow(e.after)}</span>;
  if (e.changes?.length) {
    return (
      <ul className="changes">
        {e.changes.map((c) => (
          <li key={c.field}>
            <span className="field">{c.field}</span> <del>{show(c.before)}</del>
            <span aria-hidden="true"> → </span>
            <span className="sr-only"> changed to </span>
            <ins>{show(c.after)}</ins>
          </li>
        ))}
      </ul>
    );
  }
  const stored = e.after ?? e.before;
  if (stored === null || stored === undefined) return null;
  // A whole record: its own id and bookkeeping say nothing the row does not.
  const text = show(
    typeof stored === 'object' && !Array.isArray(stored)
      ? Object.fromEntries(Object.entries(stored).filter(([k]) => !BOOKKEEPING.has(k)))
      : stored,
  );
  // A creation stores the whole record: folded, so the table stays one line a change.
  return text.length > 80 ? (
    <details>
      <summary>{text.slice(0, 60)}…</summary>
      <p className="stored">{text}</p>
    </details>
  ) : (
    <span>{text}</span>
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
  return (
    <table className="history">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Who</th>
          <th scope="col">What</th>
          {showRecord && <th scope="col">Record</th>}
          <th scope="col">Change</th>
        </tr>
      </thead>
      <tbody>
        {items.map((e) => (
          <tr key={e.id}>
            <td>
              <When at={e.at} />
            </td>
            <td>{e.actor ? e.actor.displayName : <span className="muted">Automatic</span>}</td>
            <td>{actionLabel(e.action)}</td>
            {showRecord && (
              <td>
                <Record type={e.entityType} id={e.entityId} />
              </td>
            )}
            <td>
              <Change e={e} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Record({ type, id }: { type: string; id: string }) {
  const short = `${type.replace(/_/g, ' ')} ${id.slice(-6)}`;
  if (type === 'case') return <a href={`#/cases/${id}`}>{short}</a>;
  if (type === 'customer') return <a href={`#/customers/${id}`}>{short}</a>;
  return <span title={id}>{short}</span>;
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
  const { items, next, loading, error, more } = usePages(
    `/${entity === 'case' ? 'cases' : 'customers'}/${id}/history`,
  );
  const title = entity === 'case' ? 'Case history' : 'Customer history';
  return (
    <section className="history-panel" aria-label={title}>
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
      {!items.length && !loading && !error && <p className="muted">No history yet.</p>}
      {items.length > 0 && <AuditTable items={items} caption={title} />}
      <p aria-live="polite" className="muted">
        {loading ? 'Loading…' : items.length ? `${items.length} shown` : ''}
      </p>
      {next && (
        <button type="button" onClick={more} disabled={loading}>
          Show older
        </button>
      )}
    </section>
  );
}
