import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { api } from '../../app/api.ts';
import { focusSoon } from '../../ui/focus.ts';
import { ProblemText } from '../../ui/problem.tsx';
// The administration workspace's layout (panes that scroll on their own at 1280×720), then the list's own.
import './sla-admin.css';
import './admin-list.css';

/**
 * The records of a list-and-editor screen (`GET path` → `{ items }`), loaded again every
 * `refreshMs` when given, so that a health or a state shown in the list is current at a glance.
 */
export function useAdminItems<T>(path: string, refreshMs?: number) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async () => {
    try {
      setItems((await api<{ items: T[] }>('GET', path)).items);
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [path]);
  useEffect(() => {
    void load();
    if (!refreshMs) return;
    const timer = setInterval(() => void load(), refreshMs);
    return () => clearInterval(timer);
  }, [load, refreshMs]);
  return { items, error, setError, load };
}

/**
 * What was just done, said on the page it was done for (`path`) and gone once the administrator
 * moves on; focused so that a screen reader says it.
 */
export function useNotice(path: string, id: string) {
  const [notice, setNotice] = useState<{ path: string; text: string } | null>(null);
  const say = useCallback(
    (at: string, text: string) => {
      setNotice({ path: at, text });
      focusSoon(`#${id}`);
    },
    [id],
  );
  return { say, shown: notice?.path === path ? notice.text : null, id };
}

/**
 * A list-and-editor administration screen: its title (and tabs), the list in a pane of its own and
 * the editor beside it, each scrolling on its own while the page does not; the notice line heads the editor.
 */
export function AdminPanes({
  className,
  title,
  tabs,
  list,
  notice,
  children,
}: {
  className: string;
  title: string;
  tabs?: ReactNode;
  /** Null while loading, or for a tab with no list: the editor pane then takes the width. */
  list: ReactNode;
  notice: { id: string; shown: string | null };
  children: ReactNode;
}) {
  return (
    <div className={`sla-admin ${className}`}>
      <header>
        <h1>{title}</h1>
        {tabs}
      </header>
      <div className={list ? 'panes' : 'panes single'}>
        {list && <div className="pane">{list}</div>}
        <div className="pane editor">
          <p role="status" id={notice.id} tabIndex={-1} className="ok">
            {notice.shown}
          </p>
          {children}
        </div>
      </div>
    </div>
  );
}

/** Loading, or the reason it could not load. */
export function Loading({ error, text }: { error: unknown; text: string }) {
  return error ? (
    <p className="error" role="alert">
      <ProblemText error={error} />
    </p>
  ) : (
    <p className="loading">{text}</p>
  );
}

/**
 * The list pane: one item a record (AdminListItem), what to say when there is none, and under it
 * the way to a new record and a refresh.
 */
export function AdminList({
  label,
  className,
  count,
  none,
  newHref,
  newLabel,
  current,
  refreshLabel,
  onRefresh,
  children,
}: {
  label: string;
  className?: string;
  count: number;
  none: string;
  newHref: string;
  newLabel: string;
  /** The record open in the editor ('new' for the new one's form). */
  current: string | undefined;
  refreshLabel: string;
  onRefresh(): Promise<void>;
  children: ReactNode;
}) {
  const [refreshing, setRefreshing] = useState(false);
  return (
    <nav aria-label={label} className={`sla-list admin-list ${className ?? ''}`}>
      <ul>{children}</ul>
      {count === 0 && <p className="hint">{none}</p>}
      <div className="row">
        <a className="button-link" href={newHref} aria-current={current === 'new' ? 'true' : undefined}>
          {newLabel}
        </a>
        <button
          type="button"
          className="secondary"
          disabled={refreshing}
          aria-busy={refreshing}
          onClick={async () => {
            setRefreshing(true);
            await onRefresh();
            setRefreshing(false);
          }}
        >
          {refreshLabel}
        </button>
      </div>
    </nav>
  );
}

/** One record in the list: its name a link to its editor, then its badge and lines (data). */
export function AdminListItem({
  href,
  current,
  active,
  title,
  data,
  children,
}: {
  href: string;
  current: boolean;
  /** A record switched off is shown muted. */
  active: boolean;
  title: string;
  /** The item's data-* attributes, by which tests and styles find it. */
  data: Record<`data-${string}`, string>;
  children: ReactNode;
}) {
  return (
    <li className={active ? '' : 'inactive'} {...data}>
      <a href={href} aria-current={current ? 'true' : undefined}>
        <span data-i18n-skip>{title}</span>
      </a>
      {children}
    </li>
  );
}

/** The looks a badge has (admin-list.css), the channels' health classes. */
export type BadgeLook = 'ok' | 'unknown' | 'retryable' | 'authentication' | 'permanent';
const SIGN: Record<BadgeLook, string> = {
  ok: '✓',
  unknown: '?',
  retryable: '↻',
  authentication: '✕',
  permanent: '✕',
};

/**
 * A health or a state in words with a sign, then colour: readable without the colour. `of` is what
 * a screen reader hears first ("Health:").
 */
export function HealthBadge({
  look,
  sign,
  of,
  words,
  data,
}: {
  look: BadgeLook;
  sign?: string;
  of: string;
  words: string;
  data?: Record<`data-${string}`, string>;
}) {
  return (
    <span className={`health health-${look}`} {...data}>
      <span className="sr-only">{of} </span>
      <span aria-hidden="true">{sign ?? SIGN[look]}</span> {words}
    </span>
  );
}
