import { useCallback, useEffect, useState } from 'react';
import { can } from '../../../shared/permissions.ts';
import { type ApiError, api } from '../../app/api.ts';
import { go } from '../../app/router.ts';
import type { UserDto } from '../../app/types.ts';
import { type Send, useSubmit } from '../../app/use-submit.ts';
import { term, useT } from '../../i18n/index.ts';
import { attempt, FieldMessage } from '../../ui/field.tsx';
import { date, when, whenFull } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { TeamPicker } from './teams.tsx';
import { type DisseminationDto, KIND_LABELS, type ReadingDto, type SolutionDto } from './types.ts';

const hashParam = (name: string) =>
  new URLSearchParams(window.location.hash.split('?')[1] ?? '').get(name) ?? undefined;

/** Proposed, agreed and declined solutions; a writer proposes one here or from a case. */
export function SolutionsList({ user }: { user: UserDto }) {
  const t = useT();
  const [status, setStatus] = useState('proposed');
  const [items, setItems] = useState<SolutionDto[] | null>(null);
  useEffect(() => {
    void api<{ items: SolutionDto[] }>('GET', `/solutions?status=${status}`).then((r) => setItems(r.items));
  }, [status]);
  return (
    <section aria-label={t('kbSolutions.region')}>
      <div className="row">
        <label>
          {t('kbSolutions.show')}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="proposed">{t('kbSolutions.proposed')}</option>
            <option value="agreed">{t('kbSolutions.agreed')}</option>
            <option value="declined">{t('kbSolutions.declined')}</option>
          </select>
        </label>
        {can(user.role, 'kb.write') && (
          <button type="button" onClick={() => go('/kb/solutions/new')}>
            {t('kbSolutions.propose')}
          </button>
        )}
      </div>
      {items?.length === 0 && <p>{t('kbSolutions.none')}</p>}
      <ul className="kb-list">
        {items?.map((s) => (
          <li key={s.id}>
            <a href={`#/kb/solutions/${s.id}`} data-i18n-skip>
              {s.problem}
            </a>{' '}
            <span className="muted">
              {t('kbSolutions.by', { name: s.proposedByName })}
              {s.caseReference && t('kbSolutions.fromCase', { reference: s.caseReference })}
              {t('kbSolutions.comments', { count: s.commentCount })}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function ProposeSolution() {
  const t = useT();
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
    <section aria-label={t('kbSolutions.propose')}>
      <h2>{t('kbSolutions.proposeTitle')}</h2>
      <label>
        {t('kbSolutions.problem')}
        <textarea data-i18n-skip rows={3} value={problem} onChange={(e) => setProblem(e.target.value)} />
      </label>
      <FieldMessage error={error} name="problem" label={t('kbSolutions.problemField')} />
      <label>
        {t('kbSolutions.solution')}
        <textarea data-i18n-skip rows={6} value={solution} onChange={(e) => setSolution(e.target.value)} />
      </label>
      <FieldMessage error={error} name="solution" label={t('kbSolutions.solutionField')} />
      <button type="button" disabled={proposing.busy} aria-busy={proposing.busy} onClick={() => void save()}>
        {t('kbSolutions.proposeButton')}
      </button>
    </section>
  );
}

/** The discussion, and for a team leader: agree (publish and send to teams) or decline. */
export function SolutionView({ id, user }: { id: string; user: UserDto }) {
  const t = useT();
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
  if (!s) return <p>{t('common.loading')}</p>;
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
    <article aria-label={t('kbSolutions.view')}>
      <p>
        <a href="#/kb/solutions">{t('kbSolutions.back')}</a>
      </p>
      <h2 data-i18n-skip>{s.problem}</h2>
      <p>
        <span className="badge" data-testid="solution-status">
          {term('solutionStatus', s.status)}
        </span>{' '}
        {t('kbSolutions.proposedBy', { name: s.proposedByName })}
        {s.caseId && (
          <>
            {t('kbSolutions.from')}
            <a href={`#/cases/${s.caseId}`}>{s.caseReference}</a>
          </>
        )}
        {s.decidedByName &&
          t('kbSolutions.decidedBy', { status: term('solutionStatus', s.status), name: s.decidedByName })}
        {s.decisionNote && (
          <>
            {t('kbSolutions.noteOpen')}
            <span data-i18n-skip>{s.decisionNote}</span>
            {t('kbSolutions.noteClose')}
          </>
        )}
      </p>
      <pre className="kb-solution" data-i18n-skip>
        {s.solution}
      </pre>
      {s.articleId && (
        <p>
          {t('kbSolutions.publishedBefore')}
          <a href={`#/kb/${s.articleId}`}>{t('kbSolutions.publishedLink')}</a>
          {t('kbSolutions.publishedAfter')}
        </p>
      )}
      <section aria-label={t('kbSolutions.discussion')}>
        <h3>{t('kbSolutions.discussion')}</h3>
        <ol className="timeline">
          {s.comments.map((k) => (
            <li key={k.id}>
              <strong>{k.authorName}</strong>{' '}
              <time dateTime={k.createdAt} title={whenFull(k.createdAt)}>
                {when(k.createdAt)}
              </time>
              <p data-i18n-skip>{k.body}</p>
            </li>
          ))}
        </ol>
        {/* A trainer reads the discussion but takes no part in it (kb.contribute). */}
        {can(user.role, 'kb.contribute') && (
          <>
            <label>
              {t('kbSolutions.comment')}
              <textarea
                data-i18n-skip
                rows={2}
                value={comment}
                onChange={(e) => setComment(e.target.value)}
              />
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
              {t('kbSolutions.addComment')}
            </button>
          </>
        )}
      </section>
      {s.status === 'proposed' && can(user.role, 'kb.publish') && (
        <section aria-label={t('kbSolutions.decide')} className="card">
          <h3>{t('kbSolutions.agreeTitle')}</h3>
          <label>
            {t('kbSolutions.articleTitle')}
            <input value={title} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <FieldMessage error={error} name="title" label={t('kbSolutions.articleTitle')} />
          <label>
            {t('kbSolutions.kind')}
            <select value={kind} onChange={(e) => setKind(e.target.value)}>
              {Object.keys(KIND_LABELS).map((v) => (
                <option key={v} value={v}>
                  {term('kbKind', v)}
                </option>
              ))}
            </select>
          </label>
          <TeamPicker value={teamIds} onChange={setTeamIds} />
          <FieldMessage error={error} name="teamIds" label={t('kbSolutions.teams')} />
          <label>
            {t('kbSolutions.ackWithin')}
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
            {t('kbSolutions.agree')}
          </button>
          <h3>{t('kbSolutions.orDecline')}</h3>
          <label>
            {t('kbSolutions.reason')}
            <input value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <FieldMessage error={error} name="note" label={t('kbSolutions.reason')} />
          <button
            type="button"
            className="secondary"
            disabled={submit.busy}
            onClick={() => void run((send) => send('POST', `/solutions/${id}/decline`, { note: reason }))}
          >
            {t('kbSolutions.decline')}
          </button>
          {error && !error.problem.errors?.length && (
            <p className="error">
              <ProblemText error={error} />
            </p>
          )}
        </section>
      )}
    </article>
  );
}

/** What I have been asked to read, with the acknowledgement. */
export function ReadingList({ onChange }: { onChange?(): void }) {
  const t = useT();
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
  if (!items) return <p>{t('common.loading')}</p>;
  if (!items.length) return <p>{t('kbReading.nothing')}</p>;
  return (
    <ul className="kb-list" aria-label={t('kbReading.list')}>
      {items.map((r) => (
        <li key={r.disseminationId} className={r.overdue ? 'overdue' : undefined}>
          <a href={`#/kb/${r.articleId}`} data-i18n-skip>
            {r.title}
          </a>{' '}
          <span className="muted">
            {t('kbReading.from', { who: r.sentByName ?? t('kbReading.theCentre'), date: date(r.dueAt) })}
            {r.overdue && t('kbReading.overdue')}
          </span>
          {r.note && <p data-i18n-skip>{r.note}</p>}
          {r.acknowledgedAt ? (
            <span className="badge">{t('kbReading.read', { date: date(r.acknowledgedAt) })}</span>
          ) : (
            <button type="button" disabled={acking.busy} onClick={() => void ack(r.disseminationId)}>
              {t('kbReading.haveRead')}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The team leader's view: for each article sent, who has not acknowledged yet. */
export function SentList() {
  const t = useT();
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
      setSaid((s) => ({ ...s, [id]: t('kbReading.reminded', { count: r.reminded }) }));
      await load();
    });
  if (!items) return <p>{t('common.loading')}</p>;
  if (!items.length) return <p>{t('kbReading.nothingSent')}</p>;
  return (
    <table aria-label={t('kbReading.sent')}>
      <thead>
        <tr>
          <th>{t('kbReading.col.article')}</th>
          <th>{t('kbReading.col.teams')}</th>
          <th>{t('kbReading.col.due')}</th>
          <th>{t('kbReading.col.read')}</th>
          <th>{t('kbReading.col.notYet')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {items.map((d) => {
          const waiting = d.recipients.filter((r) => !r.acknowledgedAt);
          return (
            <tr key={d.id}>
              <td data-i18n-skip>
                <a href={`#/kb/${d.articleId}`}>{d.title}</a>
              </td>
              <td>{d.teams.map((team) => team.name).join(t('kbReading.separator'))}</td>
              <td>{date(d.dueAt)}</td>
              <td data-testid="ack-count">
                {t('kbReading.ackCount', { acknowledged: d.acknowledged, total: d.total })}
              </td>
              <td>{waiting.map((r) => r.name).join(t('kbReading.separator')) || t('common.dash')}</td>
              <td>
                {waiting.length > 0 && (
                  <button
                    type="button"
                    className="secondary"
                    disabled={reminding.busy}
                    onClick={() => void remind(d.id)}
                  >
                    {t('kbReading.remind')}
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
