import { useState } from 'react';
import { CRITICALITIES, PRIORITIES } from '../../../../shared/contracts/cases.ts';
import { CASE_TYPES } from '../../../../shared/vocabulary.ts';
import { ApiError } from '../../../app/api.ts';
import { go } from '../../../app/router.ts';
import { useDepartments } from '../../../app/use-departments.ts';
import { nameOf, useCategories, useColleagues, useTeams } from '../../../app/use-directory.ts';
import { useSubmit } from '../../../app/use-submit.ts';
import { when, whenFull, words } from '../../../ui/format.ts';
import type { CaseView } from '../case-page.tsx';
import { CaseSla } from '../case-sla.tsx';
import { isConflict } from '../conflict.tsx';
import { ReferForm } from '../refer-form.tsx';

const ACTION_LABEL: Record<string, string> = {
  open: 'Open',
  await_customer: 'Wait for customer',
  await_action_party: 'Wait for action party',
  resume: 'Resume',
  resolve: 'Resolve',
  close: 'Close',
  reopen: 'Reopen',
};
const OPEN = new Set(['new', 'open', 'pending_customer', 'pending_action_party']);
/** Roles that take cases: the people a case can be assigned to. */
const HANDLERS = new Set(['officer', 'trainee', 'team_leader', 'supervisor']);

/**
 * The case's properties, edited in place: each change is one PATCH naming the version shown, so a
 * change made meanwhile by someone else is reported, never overwritten.
 */
export function Properties({ view }: { view: CaseView }) {
  const { ws, userId, writer, ifMatch, reload, onConflict, blocked } = view;
  const c = ws.case;
  const people = useColleagues();
  const teams = useTeams();
  const categories = useCategories();
  const departments = useDepartments(true);
  const saving = useSubmit();
  const moving = useSubmit();
  const [error, setError] = useState<string | null>(null);
  const [resolving, setResolving] = useState(false);
  const [summary, setSummary] = useState('');

  const fail = (e: unknown) => {
    if (isConflict(e)) onConflict(e.problem);
    else setError(e instanceof ApiError ? e.message : String(e));
  };
  const patch = async (body: Record<string, unknown>) => {
    setError(null);
    try {
      await saving.run(async (send) => {
        await send('PATCH', `/cases/${c.id}`, body, ifMatch);
        await reload();
      });
    } catch (e) {
      fail(e);
    }
  };
  const act = async (action: string) => {
    if (action === 'resolve' && !summary.trim()) {
      setResolving(true);
      return;
    }
    setError(null);
    try {
      await moving.run(async (send) => {
        await send(
          'POST',
          `/cases/${c.id}/transitions`,
          { action, ...(action === 'resolve' ? { resolutionSummary: summary.trim() } : {}) },
          ifMatch,
        );
        setResolving(false);
        setSummary('');
        await reload();
      });
    } catch (e) {
      fail(e);
    }
  };
  const me = people.find((p) => p.id === userId);
  const assignable = people
    .filter((p) => p.active && HANDLERS.has(p.role))
    // The case's team first, then mine, then everyone else, by name.
    .sort(
      (a, b) =>
        Number(b.teamId === c.teamId) - Number(a.teamId === c.teamId) ||
        Number(b.teamId === me?.teamId) - Number(a.teamId === me?.teamId) ||
        a.displayName.localeCompare(b.displayName),
    );
  const disabled = !writer || blocked || saving.busy;
  const owner =
    c.assigneeId === null ? 'unassigned' : c.assigneeId === userId ? 'you' : nameOf(people, c.assigneeId);
  const queue = departments.find((d) => d.id === c.departmentId)?.name;

  return (
    <aside className="ws-props" aria-label="Case properties">
      <dl className="props">
        <dt>Customer</dt>
        <dd data-testid="case-customer">
          {ws.customer ? (
            <a href={`#/customers/${ws.customer.id}`}>{ws.customer.displayName}</a>
          ) : (
            <span className="muted">No customer on record</span>
          )}
        </dd>
        <dt>Status</dt>
        <dd>
          <span className={`badge status-${c.status}`} data-testid="case-status">
            {words(c.status)}
          </span>
        </dd>
      </dl>
      {writer && c.allowedActions.length > 0 && (
        <div className="moves">
          {c.allowedActions.map((a) => (
            <button
              key={a}
              type="button"
              className="secondary small"
              disabled={blocked || moving.busy}
              aria-busy={moving.busy}
              onClick={() => void act(a)}
            >
              {ACTION_LABEL[a] ?? a}
            </button>
          ))}
        </div>
      )}
      {writer && resolving && (
        <div className="resolve">
          <label>
            Resolution summary (for Resolve)
            <textarea rows={2} value={summary} onChange={(e) => setSummary(e.target.value)} />
          </label>
          <button type="button" disabled={!summary.trim() || moving.busy} onClick={() => void act('resolve')}>
            Resolve with this summary
          </button>
        </div>
      )}
      {c.resolutionSummary && (
        <p className="resolution">
          Resolution: {c.resolutionSummary}
          {c.customerConfirmed ? ' (confirmed by the customer)' : ''}
        </p>
      )}
      <div className="props-grid">
        <label>
          Type
          <select value={c.type} disabled={disabled} onChange={(e) => void patch({ type: e.target.value })}>
            {CASE_TYPES.map((t) => (
              <option key={t} value={t}>
                {words(t)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Category
          <select
            value={c.categoryId ?? ''}
            disabled={disabled}
            onChange={(e) => void patch({ categoryId: e.target.value || null })}
          >
            <option value="">— none —</option>
            {categories
              .filter((x) => x.active || x.id === c.categoryId)
              .map((x) => (
                <option key={x.id} value={x.id}>
                  {x.path}
                </option>
              ))}
          </select>
        </label>
        <label>
          Criticality
          <select
            value={c.criticality}
            disabled={disabled}
            onChange={(e) => void patch({ criticality: e.target.value })}
          >
            {CRITICALITIES.map((x) => (
              <option key={x} value={x}>
                {words(x)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Priority
          <select
            value={c.priority}
            disabled={disabled}
            onChange={(e) => void patch({ priority: e.target.value })}
          >
            {[...PRIORITIES].reverse().map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
          </select>
        </label>
      </div>
      <dl className="props">
        <dt>Owner</dt>
        <dd data-testid="case-owner">
          Owner: {owner}
          {queue && ` · queue: ${queue}`}
        </dd>
      </dl>
      {writer && (
        <div className="assign">
          {c.assigneeId !== userId && OPEN.has(c.status) && (
            <button
              type="button"
              className="small"
              disabled={disabled}
              // Taking a case makes it mine and my team's.
              onClick={() => void patch({ assigneeId: userId, ...(me?.teamId ? { teamId: me.teamId } : {}) })}
            >
              Take
            </button>
          )}
          <label>
            Assign to
            <select
              value={c.assigneeId ?? ''}
              disabled={disabled}
              onChange={(e) => {
                const p = people.find((x) => x.id === e.target.value);
                void patch({
                  assigneeId: e.target.value || null,
                  ...(p?.teamId ? { teamId: p.teamId } : {}),
                });
              }}
            >
              <option value="">— nobody (queue) —</option>
              {assignable.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.displayName}
                  {p.id === userId ? ' (you)' : ''}
                </option>
              ))}
            </select>
          </label>
          <label>
            Team
            <select
              value={c.teamId ?? ''}
              disabled={disabled}
              onChange={(e) => void patch({ teamId: e.target.value || null })}
            >
              <option value="">— none —</option>
              {teams.map((t) => (
                <option key={t.id} value={t.id}>
                  {t.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {!writer && <p className="muted">Team: {teams.find((t) => t.id === c.teamId)?.name ?? '—'}</p>}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p className="muted small" title={whenFull(c.createdAt)}>
        Opened {when(c.createdAt)} by {nameOf(people, c.createdBy)} · changed {when(c.updatedAt)}
      </p>
      {/* The case's stamp changes with every write (a reply included), so the clocks reload with it. */}
      <CaseSla caseId={c.id} stamp={c.updatedAt} canWrite={writer} onChange={() => void reload()} />
      {OPEN.has(c.status) && writer && (
        <details className="refer">
          <summary>Refer to a department…</summary>
          <ReferForm caseId={c.id} version={c.version} onDone={reload} onConflict={onConflict} />
        </details>
      )}
      {c.mergedIntoId && (
        <p className="notice" data-testid="merged-into">
          Merged into <a href={`#/cases/${c.mergedIntoId}`}>the case kept</a>
        </p>
      )}
      {ws.mergedFrom.length > 0 && (
        <p className="muted small" data-testid="merged-from">
          Duplicates merged here:{' '}
          {ws.mergedFrom.map((m, i) => (
            <span key={m.id}>
              {i > 0 && ', '}
              <a href={`#/cases/${m.id}`} title={m.subject}>
                {m.reference}
              </a>
            </span>
          ))}
        </p>
      )}
      {writer && !c.mergedIntoId && c.status !== 'closed' && ws.openCases.length > 0 && (
        <MergeForm view={view} />
      )}
    </aside>
  );
}

/**
 * Merge this case into another of the customer's open cases as its duplicate: this one closes,
 * everything on it moves to the case kept, which then opens.
 */
function MergeForm({ view }: { view: CaseView }) {
  const { ws, ifMatch, onConflict } = view;
  const [into, setInto] = useState('');
  const [error, setError] = useState<string | null>(null);
  const merging = useSubmit();
  const merge = async () => {
    setError(null);
    try {
      await merging.run(async (send) => {
        await send('POST', `/cases/${ws.case.id}/merge`, { intoId: into }, ifMatch);
        go(`/cases/${into}`);
      });
    } catch (e) {
      if (isConflict(e)) onConflict(e.problem);
      else setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <details className="refer">
      <summary>Merge as a duplicate…</summary>
      <label>
        Keep this case instead
        <select value={into} onChange={(e) => setInto(e.target.value)}>
          <option value="">— choose —</option>
          {ws.openCases.map((o) => (
            <option key={o.id} value={o.id}>
              {o.reference} {o.subject}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">
        This case closes as merged; its notes, contacts, referrals, timeline and follow-ups move to the case
        kept.
      </p>
      <button type="button" className="small" disabled={!into || merging.busy} onClick={() => void merge()}>
        Merge into it
      </button>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
    </details>
  );
}
