import type { ReactNode } from 'react';
import { ProblemText } from '../../ui/problem.tsx';
import './admin-list.css';

/**
 * A table of records: its caption for screen readers, a header row, and a last column for a row's
 * button (`action`, named for screen readers only); the caller gives the body or bodies.
 */
export function RecordTable({
  caption,
  columns,
  action,
  children,
}: {
  caption: string;
  columns: string[];
  action?: string;
  children: ReactNode;
}) {
  return (
    <table>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th key={c} scope="col">
              {c}
            </th>
          ))}
          {action && (
            <th scope="col">
              <span className="sr-only">{action}</span>
            </th>
          )}
        </tr>
      </thead>
      {children}
    </table>
  );
}

/**
 * A log an administrator reads and acts on (mail that went wrong, a webhook's deliveries): its
 * heading and hint, what was just done, what went wrong, then loading, "none", or the table; its
 * buttons (refresh, older) under it.
 */
export function LogSection({
  id,
  level = 2,
  title,
  hint,
  notice,
  noticeId,
  above,
  error,
  count,
  loading,
  none,
  className,
  footer,
  children,
}: {
  /** The heading's id, which names the section. */
  id: string;
  level?: 2 | 3;
  title: string;
  hint: string;
  /** Said after an action on a row; absent for a log without actions. */
  notice?: string;
  /** The notice's id, for a screen that focuses it (so that a screen reader says it). */
  noticeId?: string;
  /** What stands between the notice and the table (a form to add a row). */
  above?: ReactNode;
  error: unknown;
  /** How many rows, null while loading. */
  count: number | null;
  loading: string;
  none: string;
  className?: string;
  footer: ReactNode;
  /** The table (RecordTable), shown when there are rows. */
  children: ReactNode;
}) {
  const Heading = level === 2 ? 'h2' : 'h3';
  return (
    <section aria-labelledby={id} className={`log-table ${className ?? ''}`}>
      <Heading id={id}>{title}</Heading>
      <p className="hint">{hint}</p>
      {notice !== undefined && (
        <p role="status" className="ok" {...(noticeId ? { id: noticeId, tabIndex: -1 } : {})}>
          {notice}
        </p>
      )}
      {above}
      {error ? (
        <p className="error" role="alert">
          <ProblemText error={error} />
        </p>
      ) : null}
      {count === null ? (
        !error && <p className="loading">{loading}</p>
      ) : count === 0 ? (
        <p>{none}</p>
      ) : (
        children
      )}
      {footer}
    </section>
  );
}
