import { useCallback, useEffect, useRef, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import { ApiError, api } from '../../app/api.ts';
import { useInvalidation } from '../../app/live.tsx';
import type { CaseDetailDto, ProblemDto } from '../../app/types.ts';
import { useDepartments } from '../../app/use-departments.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { DepartmentSelect } from '../directory/department-select.tsx';
import { CaseKnowledge } from '../knowledge/policy-flags.tsx';
import { KbSuggestions } from '../knowledge/suggestions.tsx';
import { AcknowledgeEscalation } from '../notifications/acknowledge-escalation.tsx';
import { TemplatePicker } from '../scripts/template-picker.tsx';
import { CaseSla } from './case-sla.tsx';
import { Conflict, isConflict } from './conflict.tsx';
import { Due } from './due.tsx';
import { eventDetail, eventLabel } from './event-labels.ts';

const OPEN = new Set(['new', 'open', 'pending_customer', 'pending_action_party']);

const ACTION_LABEL: Record<string, string> = {
  open: 'Open',
  await_customer: 'Wait for customer',
  await_action_party: 'Wait for action party',
  resume: 'Resume',
  resolve: 'Resolve',
  close: 'Close',
  reopen: 'Reopen',
};

/**
 * Header, timeline of every event, note composer, and only the legal moves as buttons — and only for
 * a role that may change cases. Every change names the version shown (`If-Match`); if someone else
 * changed the case meanwhile, the page says who and when instead of overwriting.
 */
export function CasePage({ id, userId, role = '' }: { id: string; userId: string; role?: string }) {
  const [c, setCase] = useState<CaseDetailDto | null>(null);
  const [conflict, setConflict] = useState<ProblemDto | null>(null);
  const writer = can(role, 'cases.write');
  // The note being written survives a failed request or a reload until it is saved.
  const draftKey = `frontline.note.${id}`;
  const [note, setNoteState] = useState(() => localStorage.getItem(draftKey) ?? '');
  const setNote = (v: string) => {
    setNoteState(v);
    if (v) localStorage.setItem(draftKey, v);
    else localStorage.removeItem(draftKey);
  };
  const [visibility, setVisibility] = useState<'internal' | 'public'>('internal');
  const [summary, setSummary] = useState('');
  const [error, setError] = useState<string | null>(null);
  const departments = useDepartments(true);
  // Moves and notes are separate intents: a note in flight does not hold up a Resolve.
  const moving = useSubmit();
  const noting = useSubmit();
  const shown = useRef(0);
  const load = useCallback(async () => {
    const next = await api<CaseDetailDto>('GET', `/cases/${id}`);
    shown.current = next.version;
    setCase(next);
  }, [id]);
  useEffect(() => {
    void load();
  }, [load]);
  // Someone else (or another tab) changed the case: show it now. Notes carry no version, so they
  // always reload; a change this page already shows does not.
  useInvalidation(`case:${id}`, (inv) => {
    if (inv.type === 'resync' || (inv.version ?? Number.POSITIVE_INFINITY) > shown.current) void load();
  });
  if (!c) return <p>Loading…</p>;
  const ifMatch = { headers: { 'if-match': `"${c.version}"` } };
  const reload = async () => {
    setConflict(null);
    setError(null);
    await load();
  };
  const act = async (action: string) => {
    setError(null);
    try {
      await moving.run(async (send) => {
        await send(
          'POST',
          `/cases/${id}/transitions`,
          {
            action,
            ...(action === 'resolve' && summary ? { resolutionSummary: summary } : {}),
          },
          ifMatch,
        );
        await load();
      });
    } catch (e) {
      if (isConflict(e)) setConflict(e.problem);
      else setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  // A note is an append: it cannot overwrite anyone's change, so it carries no version.
  const addNote = async () => {
    if (!note.trim()) return;
    setError(null);
    try {
      await noting.run(async (send) => {
        await send('POST', `/cases/${id}/notes`, { body: note, visibility });
        setNote('');
        await load();
      });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <article className="case">
      <header>
        <h1>
          {c.reference} · {c.subject}
        </h1>
        <p>
          <span className="badge" data-testid="case-status">
            {c.status.replaceAll('_', ' ')}
          </span>{' '}
          {c.type.replaceAll('_', ' ')} ·{' '}
          {c.criticality === 'highly_critical' ? 'highly critical' : 'not highly critical'} · priority{' '}
          {c.priority}
        </p>
        <p data-testid="case-owner">
          Owner: {c.assigneeId === null ? 'unassigned' : c.assigneeId === userId ? 'you' : 'another officer'}
          {c.departmentId &&
            ` · queue: ${departments.find((d) => d.id === c.departmentId)?.name ?? 'a department'}`}{' '}
          · opened {new Date(c.createdAt).toLocaleString()}
        </p>
        <p data-testid="case-due">
          <Due at={c.firstResponseDueAt} label="First response due" /> ·{' '}
          <Due at={c.resolutionDueAt} label="Resolution due" />
        </p>
        {c.resolutionSummary && (
          <p>
            Resolution: {c.resolutionSummary}
            {c.customerConfirmed ? ' (confirmed by the customer)' : ''}
          </p>
        )}
      </header>
      {conflict && <Conflict problem={conflict} onReload={() => void reload()} />}
      <AcknowledgeEscalation
        caseId={id}
        userId={userId}
        role={role}
        stamp={`${c.updatedAt}|${c.timeline.length}`}
        onDone={load}
      />
      {writer && (
        <div className="row">
          {c.allowedActions.map((a) => (
            <button
              key={a}
              type="button"
              className="secondary"
              disabled={conflict !== null || moving.busy}
              aria-busy={moving.busy}
              onClick={() => void act(a)}
            >
              {ACTION_LABEL[a] ?? a}
            </button>
          ))}
        </div>
      )}
      {writer && c.allowedActions.includes('resolve') && (
        <label>
          Resolution summary (for Resolve)
          <input value={summary} onChange={(e) => setSummary(e.target.value)} />
        </label>
      )}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {/* The case's stamp changes with every write (a reply included), so the clocks reload with it. */}
      <CaseSla caseId={id} stamp={c.updatedAt} canWrite={writer} onChange={() => void load()} />
      <h2>Timeline</h2>
      <ol className="timeline" aria-label="Timeline">
        {c.timeline.map((e) => (
          <li key={e.id}>
            <time dateTime={e.at}>{new Date(e.at).toLocaleString()}</time> {eventLabel(e.kind)}
            {eventDetail(e)}
          </li>
        ))}
      </ol>
      <h2>Notes</h2>
      <ul>
        {c.notes.map((n) => (
          <li key={n.id}>
            <strong>{n.visibility === 'public' ? 'Reply' : 'Note'}:</strong> {n.body}
          </li>
        ))}
      </ul>
      {writer && (
        <>
          <div role="radiogroup" aria-label="Kind of note" className="row">
            <label className="check">
              <input
                type="radio"
                name="visibility"
                checked={visibility === 'internal'}
                onChange={() => setVisibility('internal')}
              />{' '}
              Internal note
            </label>
            <label className="check">
              <input
                type="radio"
                name="visibility"
                checked={visibility === 'public'}
                onChange={() => setVisibility('public')}
              />{' '}
              Reply to the customer
            </label>
          </div>
          <TemplatePicker
            target={{ caseId: id }}
            onInsert={(text) => {
              // Phrases and templates speak to the customer: they go into a reply.
              setVisibility('public');
              setNote(note.trim() ? `${note.trimEnd()}\n\n${text}` : text);
            }}
          />
          <label>
            {visibility === 'internal' ? 'Note (staff only)' : 'Reply (the customer sees this)'}
            <textarea rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <button type="button" disabled={noting.busy} aria-busy={noting.busy} onClick={() => void addNote()}>
            {visibility === 'internal' ? 'Add note' : 'Add reply'}
          </button>
        </>
      )}
      {OPEN.has(c.status) && writer && can(role, 'kb.contribute') && (
        <KbSuggestions
          text={c.subject}
          caseId={id}
          onInsert={(text) => {
            // An answer from the knowledge base is for the customer: it goes into a reply.
            setVisibility('public');
            setNote(note.trim() ? `${note.trimEnd()}\n\n${text}` : text);
          }}
        />
      )}
      {OPEN.has(c.status) && writer && (
        <ReferForm caseId={id} version={c.version} onDone={load} onConflict={setConflict} />
      )}
      <CaseKnowledge
        caseId={id}
        subject={c.subject}
        userId={userId}
        canWrite={writer}
        canPropose={can(role, 'kb.write')}
      />
    </article>
  );
}

/** Refer the case to a department's queue (urgent escalates it). */
function ReferForm({
  caseId,
  version,
  onDone,
  onConflict,
}: {
  caseId: string;
  version: number;
  onDone(): Promise<void>;
  onConflict(p: ProblemDto): void;
}) {
  const [departmentId, setDepartmentId] = useState('');
  const [reason, setReason] = useState('');
  const [urgent, setUrgent] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const submit = useSubmit();
  const refer = async () => {
    setError(null);
    try {
      await submit.run(async (send) => {
        await send(
          'POST',
          `/cases/${caseId}/referrals`,
          { mode: 'transfer', departmentId: departmentId || null, reason, urgent },
          { headers: { 'if-match': `"${version}"` } },
        );
        setReason('');
        await onDone();
      });
    } catch (e) {
      if (isConflict(e)) onConflict(e.problem);
      else if (e instanceof ApiError) setError(e);
      else throw e;
    }
  };
  return (
    <fieldset>
      <legend>Refer to a department</legend>
      <div className="row">
        <div>
          <DepartmentSelect label="Department" value={departmentId} onChange={setDepartmentId} />
          {error?.fieldMessage('departmentId') && (
            <span className="error">Department {error.fieldMessage('departmentId')}</span>
          )}
        </div>
        <label className="grow">
          Reason
          <input value={reason} onChange={(e) => setReason(e.target.value)} />
          {error?.fieldMessage('reason') && (
            <span className="error">Reason {error.fieldMessage('reason')}</span>
          )}
        </label>
        <label className="check">
          <input type="checkbox" checked={urgent} onChange={(e) => setUrgent(e.target.checked)} /> Urgent
        </label>
        <button type="button" disabled={submit.busy} aria-busy={submit.busy} onClick={() => void refer()}>
          Refer
        </button>
      </div>
      {error && !error.problem.errors && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
    </fieldset>
  );
}
