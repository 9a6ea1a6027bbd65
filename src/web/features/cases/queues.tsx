import { useCallback, useEffect, useRef, useState } from 'react';
import {
  CASE_ACTIONS,
  CASE_STATUSES,
  type CaseViewDto,
  type CaseViewFiltersDto,
  CRITICALITIES,
  PRIORITIES,
} from '../../../shared/contracts/cases.ts';
import type { QueueCaseDto } from '../../../shared/contracts/workspace.ts';
import { can } from '../../../shared/permissions.ts';
import { CASE_TYPES } from '../../../shared/vocabulary.ts';
import { api, problemMessage } from '../../app/api.ts';
import { useInvalidation, useLive } from '../../app/live.tsx';
import { go } from '../../app/router.ts';
import type { UserDto } from '../../app/types.ts';
import { nameOf, useColleagues, useTeams } from '../../app/use-directory.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { type Key, problemWords, term, useT } from '../../i18n/index.ts';
import { when, whenFull } from '../../ui/format.ts';
import { useMyChats } from '../chat/use-my-chats.ts';
import { DepartmentSelect } from '../directory/department-select.tsx';
import { TeamPresence } from '../presence/team-presence.tsx';
import { SlaBadge } from './sla-badge.tsx';
import './cases.css';
import { ProblemText } from '../../ui/problem.tsx';

const OPEN = 'new,open,pending_customer,pending_action_party';
type Scope = 'mine' | 'team' | 'department' | 'view';
type Sort = 'queue' | 'due' | 'newest' | 'oldest' | 'updated';
type Counts = {
  byStatus: Record<string, number>;
  open: number;
  highlyCritical: number;
  dueSoon: number;
  breached: number;
};
type Row = QueueCaseDto & { gone?: boolean };
type Result = { ok: boolean; message?: string };
const LEADERS = new Set(['team_leader', 'supervisor', 'administrator']);

/** The filters as a query string (empty values left out). */
function query(f: CaseViewFiltersDto): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '' && v !== false) q.set(k, String(v));
  return q.toString();
}

/**
 * Queues and saved views: one line per case — reference, subject, customer, owner, status,
 * priority and criticality, SLA in words, last update — in pages of 50 on a cursor. Sort by the
 * columns whose order means work (priority, SLA, last update, reference); filter by status, type,
 * criticality, priority, owner, team, department and SLA state; select with x, move with j/k, open
 * with Enter; change owner, priority or status of many at once with a result per row. A live change
 * never moves the row under the cursor: once you have moved or selected, new cases wait behind a
 * "show" button and those that left stay greyed until you refresh.
 */
export function Queues({ user }: { user: UserDto }) {
  const t = useT();
  // Unread chat messages per case (issue 14): a badge beside the reference.
  const chatUnread = new Map(useMyChats(user.id, user.teamId).map((c) => [c.caseId, c.unread]));
  const leader = LEADERS.has(user.role);
  const [scope, setScope] = useState<Scope>(
    leader && user.teamId ? 'team' : leader && user.departmentId ? 'department' : 'mine',
  );
  const [departmentId, setDepartmentId] = useState(user.departmentId ?? '');
  const [view, setView] = useState<CaseViewDto | null>(null);
  const [views, setViews] = useState<CaseViewDto[]>([]);
  const [sort, setSort] = useState<Sort>('queue');
  const [extra, setExtra] = useState<CaseViewFiltersDto>({ status: OPEN });
  const [items, setItems] = useState<Row[] | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [next, setNext] = useState<string | null>(null);
  const [counts, setCounts] = useState<Counts | null>(null);
  const [fresh, setFresh] = useState<Row[] | null>(null);
  const [cursor, setCursor] = useState(-1);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [results, setResults] = useState<Record<string, Result>>({});
  const [tick, setTick] = useState(0);
  const people = useColleagues();
  const teams = useTeams();
  const { version } = useLive();
  const writer = can(user.role, 'cases.write');
  const table = useRef<HTMLTableElement>(null);

  const scopeFilter: CaseViewFiltersDto | null =
    scope === 'mine'
      ? { assigneeId: user.id }
      : scope === 'team'
        ? user.teamId
          ? { teamId: user.teamId }
          : null
        : scope === 'department'
          ? departmentId
            ? { departmentId }
            : null
          : view
            ? view.filters
            : null;
  const filters: CaseViewFiltersDto | null =
    scopeFilter && (scope === 'view' ? scopeFilter : { ...extra, ...scopeFilter });
  const key = filters ? `${query(filters)}&sort=${sort}` : '';
  // Has the person started working the list? Then live changes must not move rows under them.
  const engaged = cursor >= 0 || selected.size > 0 || Object.keys(results).length > 0;

  const loadViews = useCallback(() => {
    void api<{ items: CaseViewDto[] }>('GET', '/views').then((r) => setViews(r.items));
  }, []);
  useEffect(loadViews, [loadViews]);

  /** Fetch the first `n` rows of the list in order (one page or several, up to 200). */
  const fetchTop = useCallback(
    async (n: number) => {
      const r = await api<{
        items: QueueCaseDto[];
        nextCursor: string | null;
        customerNames: Record<string, string>;
      }>('GET', `/queue?${key}&limit=${Math.min(200, Math.max(50, n))}`);
      return r;
    },
    [key],
  );

  // A new list asked for: start again at the top.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the key is the list
  useEffect(() => {
    setItems(null);
    setFresh(null);
    setCursor(-1);
    setSelected(new Set());
    setResults({});
    if (!filters) {
      setItems([]);
      setCounts(null);
      return;
    }
    let current = true;
    void fetchTop(50).then((r) => {
      if (!current) return;
      setItems(r.items);
      setNames(r.customerNames);
      setNext(r.nextCursor);
    });
    return () => {
      current = false;
    };
  }, [key]);

  // Counts for the queue's header (the built-in scopes; a saved view shows its own count).
  // biome-ignore lint/correctness/useExhaustiveDependencies: version and tick (pushed changes) refresh it
  useEffect(() => {
    if (!scopeFilter || scope === 'view') {
      setCounts(null);
      return;
    }
    let current = true;
    void api<Counts>('GET', `/cases/counts?${query(scopeFilter)}`).then((c) => current && setCounts(c));
    return () => {
      current = false;
    };
  }, [key, version, tick]);

  // A department's queue holds other teams' cases too: follow its room while it is shown. A burst
  // of events (a referral is several) costs one reload.
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useInvalidation(scope === 'department' && departmentId ? `department:${departmentId}` : null, () => {
    pending.current ??= setTimeout(() => {
      pending.current = undefined;
      setTick((n) => n + 1);
    }, 300);
  });
  useEffect(() => () => clearTimeout(pending.current), []);

  // A pushed change: refresh what is shown. Untouched, the list is simply replaced; once the
  // person is working it, rows keep their places — updated in place, greyed when they leave, and
  // new ones announced rather than inserted.
  const live = useRef({ items, engaged });
  live.current = { items, engaged };
  const follow = useCallback(
    async (keepPlaces: boolean) => {
      const shown = live.current.items;
      if (!shown) return;
      const r = await fetchTop(shown.length);
      setNames((n) => ({ ...n, ...r.customerNames }));
      if (!keepPlaces) {
        setItems(r.items);
        setNext(r.nextCursor);
        setFresh(null);
        return;
      }
      const byId = new Map(r.items.map((c) => [c.id, c]));
      const kept = (live.current.items ?? []).map((c): Row => byId.get(c.id) ?? { ...c, gone: true });
      const known = new Set(kept.map((c) => c.id));
      const added = r.items.filter((c) => !known.has(c.id));
      setItems(kept);
      setFresh(added.length ? added : null);
    },
    [fetchTop],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: version and tick are the triggers
  useEffect(() => {
    if (!filters || (version === 0 && tick === 0)) return;
    void follow(live.current.engaged);
  }, [version, tick]);

  const more = async () => {
    if (!next) return;
    const r = await api<{
      items: QueueCaseDto[];
      nextCursor: string | null;
      customerNames: Record<string, string>;
    }>('GET', `/queue?${key}&limit=50&cursor=${next}`);
    setItems((xs) => [...(xs ?? []), ...r.items]);
    setNames((n) => ({ ...n, ...r.customerNames }));
    setNext(r.nextCursor);
  };
  const refresh = async () => {
    const r = await fetchTop(50);
    setItems(r.items);
    setNames(r.customerNames);
    setNext(r.nextCursor);
    setFresh(null);
    setCursor(-1);
  };

  // Keyboard: j/k move, x selects, Enter opens — while no field has the focus.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (e.ctrlKey || e.metaKey || e.altKey || t.closest('input, select, textarea, [contenteditable]'))
        return;
      const rows = items ?? [];
      if (!rows.length) return;
      if (e.key === 'j' || e.key === 'k') {
        e.preventDefault();
        setCursor((c) => Math.max(0, Math.min(rows.length - 1, c + (e.key === 'j' ? 1 : -1))));
      } else if (e.key === 'x' && cursor >= 0 && writer) {
        const id = rows[cursor]!.id;
        setSelected((s) => {
          const n = new Set(s);
          if (n.has(id)) n.delete(id);
          else n.add(id);
          return n;
        });
      } else if (e.key === 'Enter' && cursor >= 0 && t === document.body) {
        go(`/cases/${rows[cursor]!.id}`);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [items, cursor, writer]);
  useEffect(() => {
    table.current
      ?.querySelector<HTMLElement>(`tbody tr:nth-child(${cursor + 1})`)
      ?.scrollIntoView({ block: 'nearest' });
  }, [cursor]);

  const sortHeader = (label: Key, s: Sort) => (
    <th
      scope="col"
      aria-sort={sort === s ? (s === 'newest' || s === 'updated' ? 'descending' : 'ascending') : undefined}
    >
      <button type="button" className="sort" onClick={() => setSort(s)}>
        {t(label)}
      </button>
    </th>
  );
  const rows = items ?? [];
  const allSelected = rows.length > 0 && rows.every((c) => selected.has(c.id));

  return (
    <div className="queues">
      <nav className="views" aria-label={t('queues.nav')}>
        <h1>{t('queues.title')}</h1>
        <div role="radiogroup" aria-label={t('queues.queue')}>
          {(['mine', 'team', 'department'] as const).map((v) => (
            <label key={v} className="check">
              <input
                type="radio"
                name="scope"
                checked={scope === v}
                onChange={() => {
                  setScope(v);
                  setView(null);
                }}
              />{' '}
              {t(`queues.scope.${v}`)}
              {scope === v && counts ? <span className="count"> {counts.open}</span> : null}
            </label>
          ))}
        </div>
        {scope === 'department' && (
          <DepartmentSelect label={t('queues.department')} value={departmentId} onChange={setDepartmentId} />
        )}
        <h2>{t('queues.savedViews')}</h2>
        {views.length === 0 && <p className="muted small">{t('queues.noViews')}</p>}
        <ul className="view-list">
          {views.map((v) => (
            <li key={v.id}>
              <button
                type="button"
                className={`link${view?.id === v.id && scope === 'view' ? ' current' : ''}`}
                aria-current={view?.id === v.id && scope === 'view' ? 'true' : undefined}
                onClick={() => {
                  setView(v);
                  setScope('view');
                  setSort(v.sort);
                }}
              >
                <span data-i18n-skip>{v.name}</span>
                {v.teamId && <span className="muted">{t('queues.teamView')}</span>}
              </button>{' '}
              <span className="count">{v.count >= v.countCap ? `${v.countCap}+` : v.count}</span>
            </li>
          ))}
        </ul>
        {can(user.role, 'presence.team') && <a href="#/routing">{t('routing.links.queue')}</a>}
        {can(user.role, 'presence.team') && user.teamId && <TeamPresence teamId={user.teamId} />}
      </nav>
      <section className="queue-main">
        {scope !== 'view' && (
          <Filters value={extra} onChange={setExtra} people={people} teams={teams} userId={user.id} />
        )}
        <div className="row">
          <label>
            {t('queues.order')}
            <select value={sort} onChange={(e) => setSort(e.target.value as Sort)}>
              {(['queue', 'due', 'updated', 'newest', 'oldest'] as const).map((s) => (
                <option key={s} value={s}>
                  {t(`queues.sort.${s}`)}
                </option>
              ))}
            </select>
          </label>
          {filters && (
            <SaveView
              filters={filters}
              sort={sort}
              leader={leader}
              onSaved={loadViews}
              view={scope === 'view' ? view : null}
              onDeleted={() => {
                setScope('mine');
                setView(null);
                loadViews();
              }}
            />
          )}
          <button type="button" className="secondary small" onClick={() => void refresh()}>
            {t('common.refresh')}
          </button>
        </div>
        {counts && (
          <p role="status" data-testid="queue-counts">
            {t('queues.counts', {
              open: counts.open,
              critical: counts.highlyCritical,
              pending: counts.byStatus.pending_action_party ?? 0,
              dueSoon: counts.dueSoon,
              breached: counts.breached,
            })}
          </p>
        )}
        {fresh && (
          <p className="notice" role="status">
            {t('queues.fresh', { count: fresh.length })}{' '}
            <button type="button" className="small" onClick={() => void refresh()}>
              {t('queues.show')}
            </button>
          </p>
        )}
        {writer && selected.size > 0 && (
          <Bulk
            ids={[...selected]}
            rows={rows}
            people={people}
            onDone={(r) => {
              // Each row keeps its place and says what happened to it; those that left the view
              // (assigned away, resolved) stay, greyed, until Refresh.
              setResults(r);
              setSelected(new Set());
              void follow(true);
            }}
          />
        )}
        {items === null ? (
          <p>{t('common.loading')}</p>
        ) : rows.length === 0 ? (
          <p>{t('queues.nothing')}</p>
        ) : (
          <div className="queue-scroll">
            <table ref={table} aria-label={t('queues.table')} className="queue-table">
              {/* Fixed widths (cases.css): the subject takes what is left, so every column is in sight. */}
              <colgroup>
                {writer && <col className="c-select" />}
                <col className="c-reference" />
                <col />
                <col className="c-customer" />
                <col className="c-owner" />
                <col className="c-status" />
                <col className="c-priority" />
                <col className="c-sla" />
                <col className="c-updated" />
                {Object.keys(results).length > 0 && <col className="c-result" />}
              </colgroup>
              <thead>
                <tr>
                  {writer && (
                    <th scope="col">
                      <input
                        type="checkbox"
                        aria-label={t('queues.selectAll')}
                        checked={allSelected}
                        onChange={() => setSelected(allSelected ? new Set() : new Set(rows.map((c) => c.id)))}
                      />
                    </th>
                  )}
                  {sortHeader('queues.col.reference', sort === 'oldest' ? 'newest' : 'oldest')}
                  <th scope="col">{t('queues.col.subject')}</th>
                  <th scope="col">{t('queues.col.customer')}</th>
                  <th scope="col">{t('queues.col.owner')}</th>
                  <th scope="col">{t('queues.col.status')}</th>
                  {sortHeader('queues.col.priority', 'queue')}
                  {sortHeader('queues.col.sla', 'due')}
                  {sortHeader('queues.col.updated', 'updated')}
                  {Object.keys(results).length > 0 && <th scope="col">{t('queues.col.result')}</th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((c, i) => (
                  <tr
                    key={c.id}
                    data-case={c.reference}
                    className={[
                      c.criticality === 'highly_critical' ? 'critical' : '',
                      i === cursor ? 'cursor' : '',
                      c.gone ? 'gone' : '',
                    ].join(' ')}
                    aria-selected={selected.has(c.id)}
                    onClick={() => setCursor(i)}
                  >
                    {writer && (
                      <td>
                        <input
                          type="checkbox"
                          aria-label={t('queues.select', { reference: c.reference })}
                          checked={selected.has(c.id)}
                          onChange={() =>
                            setSelected((s) => {
                              const n = new Set(s);
                              if (n.has(c.id)) n.delete(c.id);
                              else n.add(c.id);
                              return n;
                            })
                          }
                        />
                      </td>
                    )}
                    <td>
                      <a href={`#/cases/${c.id}`}>{c.reference}</a>
                      {(chatUnread.get(c.id) ?? 0) > 0 && (
                        <span className="badge unread">
                          {' '}
                          {t('chat.unread', { count: chatUnread.get(c.id) ?? 0 })}
                        </span>
                      )}
                    </td>
                    <td className="subject" title={c.subject}>
                      {c.gone && <span className="sr-only">{t('queues.left')}</span>}
                      <span data-i18n-skip>{c.subject}</span>
                    </td>
                    <td className="cut" data-i18n-skip title={c.customerId ? names[c.customerId] : undefined}>
                      {c.customerId ? (names[c.customerId] ?? '—') : '—'}
                    </td>
                    <td className="cut" title={c.assigneeId ? nameOf(people, c.assigneeId) : undefined}>
                      {c.assigneeId === user.id ? (
                        t('common.you')
                      ) : c.assigneeId ? (
                        <span data-i18n-skip>{nameOf(people, c.assigneeId)}</span>
                      ) : (
                        t('common.unassigned')
                      )}
                    </td>
                    <td>{term('status', c.status)}</td>
                    <td>
                      {term('priority', c.priority)}
                      {c.criticality === 'highly_critical' && <strong>{t('queues.highlyCritical')}</strong>}
                    </td>
                    <td>
                      <SlaBadge c={c} />
                    </td>
                    <td>
                      <time dateTime={c.updatedAt} title={whenFull(c.updatedAt)}>
                        {when(c.updatedAt)}
                      </time>
                    </td>
                    {Object.keys(results).length > 0 && (
                      <td data-testid="bulk-result">
                        {results[c.id]
                          ? results[c.id]!.ok
                            ? t('queues.done')
                            : t('queues.failed', { message: results[c.id]!.message ?? '' })
                          : ''}
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
            {next && (
              <button type="button" className="secondary" onClick={() => void more()}>
                {t('queues.more')}
              </button>
            )}
          </div>
        )}
        <p className="muted small">{t('queues.keys')}</p>
      </section>
    </div>
  );
}

function Filters({
  value,
  onChange,
  people,
  teams,
  userId,
}: {
  value: CaseViewFiltersDto;
  onChange(f: CaseViewFiltersDto): void;
  people: { id: string; displayName: string; active: boolean }[];
  teams: { id: string; name: string }[];
  userId: string;
}) {
  const t = useT();
  const set = (k: keyof CaseViewFiltersDto, v: string) => {
    const n: CaseViewFiltersDto = { ...value };
    if (v === '') delete n[k];
    else (n as Record<string, unknown>)[k] = v;
    onChange(n);
  };
  const owner = value.unassigned ? 'none' : (value.assigneeId ?? '');
  return (
    <fieldset className="filters">
      <legend className="sr-only">{t('queues.filters.legend')}</legend>
      <label>
        {t('queues.filters.status')}
        <select value={value.status ?? ''} onChange={(e) => set('status', e.target.value)}>
          <option value={OPEN}>{t('queues.filters.openAny')}</option>
          {CASE_STATUSES.map((s) => (
            <option key={s} value={s}>
              {term('status', s)}
            </option>
          ))}
          <option value="">{t('queues.filters.anyStatus')}</option>
        </select>
      </label>
      <Choice
        label={t('queues.filters.type')}
        value={value.type}
        onChange={(v) => set('type', v)}
        options={CASE_TYPES.map((s) => [s, term('type', s)])}
      />
      <Choice
        label={t('queues.filters.criticality')}
        value={value.criticality}
        onChange={(v) => set('criticality', v)}
        options={CRITICALITIES.map((s) => [s, term('criticality', s)])}
      />
      <Choice
        label={t('queues.filters.priority')}
        value={value.priority}
        onChange={(v) => set('priority', v)}
        options={PRIORITIES.map((s) => [s, term('priority', s)])}
      />
      <label>
        {t('queues.filters.owner')}
        <select
          value={owner}
          onChange={(e) => {
            const n: CaseViewFiltersDto = { ...value };
            delete n.assigneeId;
            delete n.unassigned;
            if (e.target.value === 'none') n.unassigned = true;
            else if (e.target.value) n.assigneeId = e.target.value;
            onChange(n);
          }}
        >
          <option value="">{t('queues.filters.anyone')}</option>
          <option value="none">{t('queues.filters.unassigned')}</option>
          <option value={userId}>{t('queues.filters.me')}</option>
          {people
            .filter((p) => p.active && p.id !== userId)
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName}
              </option>
            ))}
        </select>
      </label>
      <Choice
        label={t('queues.filters.team')}
        value={value.teamId}
        onChange={(v) => set('teamId', v)}
        options={teams.map((x) => [x.id, x.name])}
      />
      <label>
        {t('queues.filters.sla')}
        <select value={value.sla ?? ''} onChange={(e) => set('sla', e.target.value)}>
          <option value="">{t('common.any')}</option>
          <option value="on_track">{t('queues.filters.onTrack')}</option>
          <option value="due_soon">{t('queues.filters.dueSoon')}</option>
          <option value="breached">{t('queues.filters.breached')}</option>
          <option value="at_risk">{t('queues.filters.atRisk')}</option>
        </select>
      </label>
    </fieldset>
  );
}

/** One filter: "Any", then its choices as [value, words]. */
function Choice({
  label,
  value,
  onChange,
  options,
}: {
  label: string;
  value: string | undefined;
  onChange(v: string): void;
  options: [string, string][];
}) {
  const t = useT();
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('common.any')}</option>
        {options.map(([v, words]) => (
          <option key={v} value={v}>
            {words}
          </option>
        ))}
      </select>
    </label>
  );
}

/** Save the filters and order shown as a view of one's own or (a leader) the team's. */
function SaveView({
  filters,
  sort,
  leader,
  onSaved,
  view,
  onDeleted,
}: {
  filters: CaseViewFiltersDto;
  sort: Sort;
  leader: boolean;
  onSaved(): void;
  view: CaseViewDto | null;
  onDeleted(): void;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [shared, setShared] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = useSubmit();
  if (view)
    return (
      <button
        type="button"
        className="secondary small"
        onClick={() => void api('DELETE', `/views/${view.id}`).then(onDeleted, (e: unknown) => setError(e))}
      >
        {error ? t('queues.save.deleteError', { message: problemMessage(error) }) : t('queues.save.delete')}
      </button>
    );
  if (!open)
    return (
      <button type="button" className="secondary small" onClick={() => setOpen(true)}>
        {t('queues.save.saveAs')}
      </button>
    );
  const save = async () => {
    setError(null);
    try {
      await submit.run(async (send) => {
        await send('POST', '/views', { name, filters, sort, ...(shared ? { shared: true } : {}) });
        setOpen(false);
        setName('');
        onSaved();
      });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <span className="row save-view">
      <label>
        {t('queues.save.name')}
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      {leader && (
        <label className="check">
          <input type="checkbox" checked={shared} onChange={(e) => setShared(e.target.checked)} />{' '}
          {t('queues.save.share')}
        </label>
      )}
      <button
        type="button"
        className="small"
        disabled={!name.trim() || submit.busy}
        onClick={() => void save()}
      >
        {t('queues.save.save')}
      </button>
      {error ? (
        <span role="alert" className="error">
          <ProblemText error={error} />
        </span>
      ) : null}
    </span>
  );
}

/** One change to the selected cases: owner, priority or a status move; a result per row. */
function Bulk({
  ids,
  rows,
  people,
  onDone,
}: {
  ids: string[];
  rows: Row[];
  people: { id: string; displayName: string; active: boolean; role: string }[];
  onDone(r: Record<string, Result>): void;
}) {
  const t = useT();
  const [assignee, setAssignee] = useState('');
  const [priority, setPriority] = useState('');
  const [action, setAction] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = useSubmit();
  const apply = async (change: Record<string, unknown>) => {
    setError(null);
    try {
      await submit.run(async (send) => {
        const r = await send<{ results: { id: string; ok: boolean; code?: string; message?: string }[] }>(
          'POST',
          '/cases/bulk',
          {
            items: ids.map((id) => ({ id, version: rows.find((c) => c.id === id)?.version })),
            change,
          },
        );
        onDone(
          Object.fromEntries(
            r.results.map((x) => {
              // The reason in the reader's words when the catalogue knows its code.
              const message = (x.code && problemWords(x.code)) || x.message;
              return [x.id, { ok: x.ok, ...(message ? { message } : {}) }];
            }),
          ),
        );
      });
    } catch (e) {
      setError(e);
    }
  };
  return (
    <fieldset className="bulk">
      <legend>{t('queues.bulk.selected', { count: ids.length })}</legend>
      <label>
        {t('queues.bulk.assignTo')}
        <select value={assignee} onChange={(e) => setAssignee(e.target.value)}>
          <option value="">—</option>
          <option value="none">{t('queues.bulk.nobody')}</option>
          {people
            .filter((p) => p.active && p.role !== 'trainer' && p.role !== 'administrator')
            .map((p) => (
              <option key={p.id} value={p.id}>
                {p.displayName}
              </option>
            ))}
        </select>
      </label>
      <button
        type="button"
        className="small"
        disabled={!assignee || submit.busy}
        onClick={() => void apply({ assigneeId: assignee === 'none' ? null : assignee })}
      >
        {t('queues.bulk.assign')}
      </button>
      <label>
        {t('queues.bulk.priority')}
        <select value={priority} onChange={(e) => setPriority(e.target.value)}>
          <option value="">—</option>
          {PRIORITIES.map((p) => (
            <option key={p} value={p}>
              {term('priority', p)}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="small"
        disabled={!priority || submit.busy}
        onClick={() => void apply({ priority })}
      >
        {t('queues.bulk.setPriority')}
      </button>
      <label>
        {t('queues.bulk.status')}
        <select value={action} onChange={(e) => setAction(e.target.value)}>
          <option value="">—</option>
          {CASE_ACTIONS.filter((a) => a !== 'resolve').map((a) => (
            <option key={a} value={a}>
              {term('action', a)}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="small"
        disabled={!action || submit.busy}
        onClick={() => void apply({ action })}
      >
        {t('queues.bulk.move')}
      </button>
      {error ? (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      ) : null}
    </fieldset>
  );
}
