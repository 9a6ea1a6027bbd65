import { useCallback, useEffect, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import { type ApiError, api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import type { UserDto } from '../../app/types.ts';
import { type Send, useSubmit } from '../../app/use-submit.ts';
import { attempt, FieldMessage } from '../../ui/field.tsx';
import { TeamPicker } from './teams.tsx';
import { type DisseminationDto, KIND_LABELS, type ReadingDto, type SolutionDto } from './types.ts';

const hashParam = (name: string) =>
  new URLSearchParams(window.location.hash.split('?')[1] ?? '').get(name) ?? undefined;

/** Proposed, agreed and declined solutions; a writer proposes one here or from a case. */
export function SolutionsList({ user }: { user: UserDto }) {
  const [status, setStatus] = useState('proposed');
  const [items, setItems] = useState<SolutionDto[] | null>(null);
  useEffect(() => {
    void api<{ items: SolutionDto[] }>('GET', `/solutions?status=${status}`).then((r) => setItems(r.items));
  }, [status]);
  return (
    <section aria-label="Agreed solutions">
      <div className="row">
        <label>
          Show
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="proposed">Proposed (to discuss)</option>
            <option value="agreed">Agreed</option>
            <option value="declined">Declined</option>
          </select>
        </label>
        {can(user.role, 'kb.write') && (
          <button type="button" onClick={() => go('/kb/solutions/new')}>
            Propose a solution
          </button>
        )}
      </div>
      {items?.length === 0 && <p>None.</p>}
      <ul className="kb-list">
        {items?.map((s) => (
          <li key={s.id}>
            <a href={`#/kb/solutions/${s.id}`}>{s.problem}</a>{' '}
            <span className="muted">
              by {s.proposedByName}
              {s.caseReference && ` · from ${s.caseReference}`} · {s.commentCount} comments
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ProposeSolution() {
  const caseId = hashParam('case');
  const [problem, setProblem] = useState(hashParam('problem') ?? '');
  const [solution, setSolution] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const proposing = useSubmit();
  const save = async () => {
    await attempt(
      () =>
        proposing.run(async (send) => {
          const s = await send<SolutionDto>('POST', '/solutions', {
            problem,
            solution,
            ...(caseId ? { caseId } : {}),
          });
          go(`/kb/solutions/${s.id}`);
        }),
      setError,
    );
  };
  return (
    <section aria-label="Propose a solution">
      <h2>Propose a solution for the team to agree</h2>
      <label>
        The problem, as customers meet it
        <textarea rows={3} value={problem} onChange={(e) => setProblem(e.target.value)} />
      </label>
      <FieldMessage error={error} name="problem" label="Problem" />
      <label>
        The solution and response to apply every time (Markdown)
        <textarea rows={6} value={solution} onChange={(e) => setSolution(e.target.value)} />
      </label>
      <FieldMessage error={error} name="solution" label="Solution" />
      <button type="button" disabled={proposing.busy} aria-busy={proposing.busy} onClick={() => void save()}>
        Propose
      </button>
    </section>
  );
}

/** The discussion, and for a team leader: agree (publish and send to teams) or decline. */
export function SolutionView({ id, user }: { id: string; user: UserDto }) {
  const [s, setS] = useState<SolutionDto | null>(null);
  const [comment, setComment] = useState('');
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState('faq');
  const [teamIds, setTeamIds] = useState<string[]>(user.teamId ? [user.teamId] : []);
  const [days, setDays] = useState(3);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const submit = useSubmit();
  const load = useCallback(async () => setS(await api<SolutionDto>('GET', `/solutions/${id}`)), [id]);
  useEffect(() => {
    void load();
  }, [load]);
  if (!s) return <p>Loading…</p>;
  const run = async (fn: (send: Send) => Promise<unknown>) => {
    await attempt(
      () =>
        submit.run(async (send) => {
          await fn(send);
          await load();
        }),
      setError,
    );
  };
  return (
    <article aria-label="Proposed solution">
      <p>
        <a href="#/kb/solutions">← Solutions</a>
      </p>
      <h2>{s.problem}</h2>
      <p>
        <span className="badge" data-testid="solution-status">
          {s.status}
        </span>{' '}
        proposed by {s.proposedByName}
        {s.caseId && (
          <>
            {' '}
            from <a href={`#/cases/${s.caseId}`}>{s.caseReference}</a>
          </>
        )}
        {s.decidedByName && ` · ${s.status} by ${s.decidedByName}`}
        {s.decisionNote && ` — “${s.decisionNote}”`}
      </p>
      <pre className="kb-solution">{s.solution}</pre>
      {s.articleId && (
        <p>
          Published as <a href={`#/kb/${s.articleId}`}>an article</a>.
        </p>
      )}
      <section aria-label="Discussion">
        <h3>Discussion</h3>
        <ol className="timeline">
          {s.comments.map((k) => (
            <li key={k.id}>
              <strong>{k.authorName}</strong>{' '}
              <time dateTime={k.createdAt}>{new Date(k.createdAt).toLocaleString()}</time>
              <p>{k.body}</p>
            </li>
          ))}
        </ol>
        {/* A trainer reads the discussion but takes no part in it (kb.contribute). */}
        {can(user.role, 'kb.contribute') && (
          <>
            <label>
              Comment
              <textarea rows={2} value={comment} onChange={(e) => setComment(e.target.value)} />
            </label>
            <button
              type="button"
              disabled={!comment.trim() || submit.busy}
              aria-busy={submit.busy}
              onClick={() =>
                void run(async (send) => {
                  await send('POST', `/solutions/${id}/comments`, { body: comment });
                  setComment('');
                })
              }
            >
              Add comment
            </button>
          </>
        )}
      </section>
      {s.status === 'proposed' && can(user.role, 'kb.publish') && (
        <section aria-label="Decide" className="card">
          <h3>Agree and disseminate</h3>
          <label>
            Article title
            <input value={title} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <FieldMessage error={error} name="title" label="Article title" />
          <label>
            Kind
            <select value={kind} onChange={(e) => setKind(e.target.value)}>
              {Object.entries(KIND_LABELS).map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </label>
          <TeamPicker value={teamIds} onChange={setTeamIds} />
          <FieldMessage error={error} name="teamIds" label="Teams" />
          <label>
            Acknowledge within (days)
            <input
              type="number"
              min={1}
              max={30}
              value={days}
              onChange={(e) => setDays(Number(e.target.value))}
            />
          </label>
          <button
            type="button"
            disabled={submit.busy}
            aria-busy={submit.busy}
            onClick={() =>
              void run((send) =>
                send('POST', `/solutions/${id}/agree`, { title, kind, teamIds, acknowledgeWithinDays: days }),
              )
            }
          >
            Agree, publish and send
          </button>
          <h3>Or decline</h3>
          <label>
            Reason
            <input value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <FieldMessage error={error} name="note" label="Reason" />
          <button
            type="button"
            className="secondary"
            disabled={submit.busy}
            onClick={() => void run((send) => send('POST', `/solutions/${id}/decline`, { note: reason }))}
          >
            Decline
          </button>
          {error && !error.problem.errors?.length && <p className="error">{error.message}</p>}
        </section>
      )}
    </article>
  );
}

/** What I have been asked to read, with the acknowledgement. */
export function ReadingList({ onChange }: { onChange?(): void }) {
  const [items, setItems] = useState<ReadingDto[] | null>(null);
  const load = useCallback(
    async () => setItems((await api<{ items: ReadingDto[] }>('GET', '/readings?all=true')).items),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const acking = useSubmit();
  const ack = (id: string) =>
    acking.run(async (send) => {
      await send('POST', `/disseminations/${id}/acknowledge`);
      await load();
      onChange?.();
    });
  if (!items) return <p>Loading…</p>;
  if (!items.length) return <p>Nothing has been sent to you to read.</p>;
  return (
    <ul className="kb-list" aria-label="To read">
      {items.map((r) => (
        <li key={r.disseminationId} className={r.overdue ? 'overdue' : undefined}>
          <a href={`#/kb/${r.articleId}`}>{r.title}</a>{' '}
          <span className="muted">
            from {r.sentByName ?? 'the centre'} · by {new Date(r.dueAt).toLocaleDateString()}
            {r.overdue && ' (overdue)'}
          </span>
          {r.note && <p>{r.note}</p>}
          {r.acknowledgedAt ? (
            <span className="badge">read {new Date(r.acknowledgedAt).toLocaleDateString()}</span>
          ) : (
            <button type="button" disabled={acking.busy} onClick={() => void ack(r.disseminationId)}>
              I have read it
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The team leader's view: for each article sent, who has not acknowledged yet. */
export function SentList() {
  const [items, setItems] = useState<DisseminationDto[] | null>(null);
  const [said, setSaid] = useState<Record<string, string>>({});
  const load = useCallback(
    async () => setItems((await api<{ items: DisseminationDto[] }>('GET', '/disseminations')).items),
    [],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const reminding = useSubmit();
  const remind = (id: string) =>
    reminding.run(async (send) => {
      const r = await send<{ reminded: number }>('POST', `/disseminations/${id}/remind`);
      setSaid((s) => ({ ...s, [id]: `${r.reminded} reminded` }));
      await load();
    });
  if (!items) return <p>Loading…</p>;
  if (!items.length) return <p>Nothing sent for reading yet.</p>;
  return (
    <table aria-label="Sent for reading">
      <thead>
        <tr>
          <th>Article</th>
          <th>Teams</th>
          <th>Due</th>
          <th>Read</th>
          <th>Not yet</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {items.map((d) => {
          const waiting = d.recipients.filter((r) => !r.acknowledgedAt);
          return (
            <tr key={d.id}>
              <td>
                <a href={`#/kb/${d.articleId}`}>{d.title}</a>
              </td>
              <td>{d.teams.map((t) => t.name).join(', ')}</td>
              <td>{new Date(d.dueAt).toLocaleDateString()}</td>
              <td data-testid="ack-count">
                {d.acknowledged} of {d.total}
              </td>
              <td>{waiting.map((r) => r.name).join(', ') || '—'}</td>
              <td>
                {waiting.length > 0 && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={reminding.busy}
                    onClick={() => void remind(d.id)}
                  >
                    Remind
                  </button>
                )}
                {said[d.id] && <span role="status"> {said[d.id]}</span>}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
