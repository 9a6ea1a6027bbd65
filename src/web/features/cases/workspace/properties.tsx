import { useState } from 'react';
import { CRITICALITIES, PRIORITIES } from '../../../../shared/contracts/cases.ts';
import type { SearchResultDto } from '../../../../shared/contracts/search.ts';
import { CASE_TYPES } from '../../../../shared/vocabulary.ts';
import { api } from '../../../app/api.ts';
import { go } from '../../../app/router.ts';
import type { CaseDto } from '../../../app/types.ts';
import { useDepartments } from '../../../app/use-departments.ts';
import { nameOf, useCategories, useColleagues, useTeams } from '../../../app/use-directory.ts';
import { useSubmit } from '../../../app/use-submit.ts';
import { term, useT } from '../../../i18n/index.ts';
import { when, whenFull } from '../../../ui/format.ts';
import { ProblemText } from '../../../ui/problem.tsx';
import type { CaseView } from '../case-page.tsx';
import { CaseSla } from '../case-sla.tsx';
import { isConflict } from '../conflict.tsx';
import { ReferForm } from '../refer-form.tsx';

const OPEN = new Set(['new', 'open', 'pending_customer', 'pending_action_party']);
/** Roles that take cases: the people a case can be assigned to. */
const HANDLERS = new Set(['officer', 'trainee', 'team_leader', 'supervisor']);

/**
 * The case's properties, edited in place: each change is one PATCH naming the version shown, so a
 * change made meanwhile by someone else is reported, never overwritten.
 */
export function Properties({ view }: { view: CaseView }) {
  const t = useT();
  const { ws, userId, writer, ifMatch, reload, onConflict, blocked } = view;
  const c = ws.case;
  const people = useColleagues();
  const teams = useTeams();
  const categories = useCategories();
  const departments = useDepartments(true);
  const saving = useSubmit();
  const moving = useSubmit();
  const [error, setError] = useState<unknown>(null);
  const [resolving, setResolving] = useState(false);
  const [summary, setSummary] = useState('');

  const fail = (e: unknown) => {
    if (isConflict(e)) onConflict(e.problem);
    else setError(e);
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
    c.assigneeId === null
      ? t('common.unassigned')
      : c.assigneeId === userId
        ? t('common.you')
        : nameOf(people, c.assigneeId);
  const queue = departments.find((d) => d.id === c.departmentId)?.name;

  return (
    <aside className="ws-props" aria-label={t('props.region')}>
      <dl className="props">
        <dt>{t('props.customer')}</dt>
        <dd data-testid="case-customer">
          {ws.customer ? (
            <a href={`#/customers/${ws.customer.id}`} data-i18n-skip>
              {ws.customer.displayName}
            </a>
          ) : (
            <span className="muted">{t('props.noCustomer')}</span>
          )}
        </dd>
        <dt>{t('props.status')}</dt>
        <dd>
          <span className={`badge status-${c.status}`} data-testid="case-status">
            {term('status', c.status)}
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
              {term('action', a)}
            </button>
          ))}
        </div>
      )}
      {writer && resolving && (
        <div className="resolve">
          <label>
            {t('props.resolutionSummary')}
            <textarea rows={2} value={summary} onChange={(e) => setSummary(e.target.value)} />
          </label>
          <button type="button" disabled={!summary.trim() || moving.busy} onClick={() => void act('resolve')}>
            {t('props.resolveWith')}
          </button>
        </div>
      )}
      {c.resolutionSummary && (
        <p className="resolution">
          {t('props.resolution', { summary: c.resolutionSummary })}
          {c.customerConfirmed ? t('props.confirmed') : ''}
        </p>
      )}
      <div className="props-grid">
        <label>
          {t('props.type')}
          <select value={c.type} disabled={disabled} onChange={(e) => void patch({ type: e.target.value })}>
            {CASE_TYPES.map((x) => (
              <option key={x} value={x}>
                {term('type', x)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('props.category')}
          <select
            value={c.categoryId ?? ''}
            disabled={disabled}
            onChange={(e) => void patch({ categoryId: e.target.value || null })}
          >
            <option value="">{t('common.none')}</option>
            {categories
              .filter((x) => x.active || x.id === c.categoryId)
              .map((x) => (
                <option key={x.id} value={x.id} data-i18n-skip>
                  {x.path}
                </option>
              ))}
          </select>
        </label>
        <label>
          {t('props.criticality')}
          <select
            value={c.criticality}
            disabled={disabled}
            onChange={(e) => void patch({ criticality: e.target.value })}
          >
            {CRITICALITIES.map((x) => (
              <option key={x} value={x}>
                {term('criticality', x)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('props.priority')}
          <select
            value={c.priority}
            disabled={disabled}
            onChange={(e) => void patch({ priority: e.target.value })}
          >
            {[...PRIORITIES].reverse().map((x) => (
              <option key={x} value={x}>
                {term('priority', x)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <dl className="props">
        <dt>{t('props.owner')}</dt>
        <dd data-testid="case-owner">
          {t('props.ownerIs', { owner })}
          {queue && t('props.queueIs', { queue })}
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
              {t('props.take')}
            </button>
          )}
          <label>
            {t('props.assignTo')}
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
              <option value="">{t('props.nobodyQueue')}</option>
              {assignable.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.id === userId ? `${p.displayName}${t('props.youSuffix')}` : p.displayName}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('props.team')}
            <select
              value={c.teamId ?? ''}
              disabled={disabled}
              onChange={(e) => void patch({ teamId: e.target.value || null })}
            >
              <option value="">{t('common.none')}</option>
              {teams.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      {!writer && (
        <p className="muted">
          {t('props.teamIs', { team: teams.find((x) => x.id === c.teamId)?.name ?? '—' })}
        </p>
      )}
      {error ? (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      ) : null}
      <p className="muted small" title={whenFull(c.createdAt)}>
        {t('props.opened', {
          when: when(c.createdAt),
          who: nameOf(people, c.createdBy),
          changed: when(c.updatedAt),
        })}
      </p>
      {/* The case's stamp changes with every write (a reply included), so the clocks reload with it. */}
      <CaseSla caseId={c.id} stamp={c.updatedAt} canWrite={writer} onChange={() => void reload()} />
      {OPEN.has(c.status) && writer && (
        <details className="refer">
          <summary>{t('props.referSummary')}</summary>
          <ReferForm caseId={c.id} version={c.version} onDone={reload} onConflict={onConflict} />
        </details>
      )}
      {c.mergedIntoId && (
        <p className="notice" data-testid="merged-into">
          {t('props.mergedInto')} <a href={`#/cases/${c.mergedIntoId}`}>{t('props.caseKept')}</a>
        </p>
      )}
      {ws.mergedFrom.length > 0 && (
        <p className="muted small" data-testid="merged-from">
          {t('props.mergedFrom')}{' '}
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
      {writer && !c.mergedIntoId && c.status !== 'closed' && <MergeForm view={view} />}
    </aside>
  );
}

/**
 * Merge this case into another as its duplicate: one of the customer's open cases, or any case by
 * its reference (a duplicate logged on a second record of the same person): this one closes,
 * everything on it moves to the case kept, which then opens.
 */
function MergeForm({ view }: { view: CaseView }) {
  const t = useT();
  const { ws, ifMatch, onConflict } = view;
  const [into, setInto] = useState('');
  const [ref, setRef] = useState('');
  const [found, setFound] = useState<CaseDto | null>(null);
  const [error, setError] = useState<unknown>(null);
  const merging = useSubmit();
  const find = async () => {
    setError(null);
    setFound(null);
    setInto('');
    try {
      const r = await api<SearchResultDto>(
        'GET',
        `/search?q=${encodeURIComponent(ref.trim())}&kind=cases&limit=1`,
      );
      if (!r.reference || r.reference === ws.case.id) {
        setError(t('props.merge.noSuch', { ref: ref.trim() }));
        return;
      }
      const c = await api<CaseDto>('GET', `/cases/${r.reference}`);
      setFound(c);
      setInto(c.id);
    } catch (e) {
      setError(e);
    }
  };
  const merge = async () => {
    setError(null);
    try {
      await merging.run(async (send) => {
        await send('POST', `/cases/${ws.case.id}/merge`, { intoId: into }, ifMatch);
        go(`/cases/${into}`);
      });
    } catch (e) {
      if (isConflict(e)) onConflict(e.problem);
      else setError(e);
    }
  };
  return (
    <details className="refer">
      <summary>{t('props.merge.summary')}</summary>
      {ws.openCases.length > 0 && (
        <label>
          {t('props.merge.keep')}
          <select
            value={found ? '' : into}
            onChange={(e) => {
              setFound(null);
              setInto(e.target.value);
            }}
          >
            <option value="">{t('props.merge.choose')}</option>
            {ws.openCases.map((o) => (
              <option key={o.id} value={o.id} data-i18n-skip>
                {o.reference} {o.subject}
              </option>
            ))}
          </select>
        </label>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (ref.trim()) void find();
        }}
      >
        <label className="grow">
          {ws.openCases.length > 0 ? t('props.merge.orReference') : t('props.merge.reference')}
          <input value={ref} placeholder="CS-000123" onChange={(e) => setRef(e.target.value)} />
        </label>
        <button type="submit" className="secondary small" disabled={!ref.trim()}>
          {t('props.merge.find')}
        </button>
      </form>
      {found && (
        <p className="small" data-testid="merge-found">
          <span data-i18n-skip>
            {found.reference} {found.subject}
          </span>{' '}
          · {term('status', found.status)}
          {found.customerId !== ws.case.customerId && (
            <strong className="warn"> {t('props.merge.otherCustomer')}</strong>
          )}
        </p>
      )}
      <p className="muted small">{t('props.merge.explain')}</p>
      <button type="button" className="small" disabled={!into || merging.busy} onClick={() => void merge()}>
        {t('props.merge.button')}
      </button>
      {error ? (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      ) : null}
    </details>
  );
}
