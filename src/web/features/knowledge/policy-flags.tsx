import { useCallback, useEffect, useState } from 'react';
import { type ApiError, api } from '../../app/api.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { attempt, FieldMessage } from '../../ui/field.tsx';
import type { PolicyFlagDto } from './types.ts';

function FlagItem({
  f,
  canAnswer,
  onAnswered,
}: {
  f: PolicyFlagDto;
  canAnswer: boolean;
  onAnswered(): void;
}) {
  const [answer, setAnswer] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const answering = useSubmit();
  const send = async () => {
    await attempt(
      () =>
        answering.run(async (send) => {
          await send('POST', `/policy-flags/${f.id}/answer`, { answer });
          onAnswered();
        }),
      setError,
    );
  };
  return (
    <li className={f.overdue ? 'overdue' : undefined}>
      <p>
        <span className="badge">{f.status}</span> <a href={`#/cases/${f.caseId}`}>{f.caseReference}</a> ·{' '}
        raised by {f.raisedByName} to {f.authorityName} · answer due {new Date(f.dueAt).toLocaleDateString()}
        {f.overdue && ' (overdue)'}
      </p>
      <dl>
        <dt>Policy</dt>
        <dd>{f.policy}</dd>
        <dt>Customer need</dt>
        <dd>{f.customerNeed}</dd>
        <dt>Evidence</dt>
        <dd>{f.evidence}</dd>
        {f.answer && (
          <>
            <dt>Answer ({f.answeredByName})</dt>
            <dd>{f.answer}</dd>
          </>
        )}
      </dl>
      {canAnswer && f.status === 'open' && (
        <div>
          <label>
            Your answer
            <textarea rows={2} value={answer} onChange={(e) => setAnswer(e.target.value)} />
          </label>
          <FieldMessage error={error} name="answer" label="Answer" />
          {error && !error.problem.errors?.length && <p className="error">{error.message}</p>}
          <button
            type="button"
            disabled={answering.busy}
            aria-busy={answering.busy}
            onClick={() => void send()}
          >
            Answer
          </button>
        </div>
      )}
    </li>
  );
}

/** Policy questions I must answer, and those I raised. */
export function PolicyFlagsList({ userId }: { userId: string }) {
  const [mine, setMine] = useState<PolicyFlagDto[]>([]);
  const [raised, setRaised] = useState<PolicyFlagDto[]>([]);
  const load = useCallback(async () => {
    setMine((await api<{ items: PolicyFlagDto[] }>('GET', '/policy-flags?for=me')).items);
    setRaised((await api<{ items: PolicyFlagDto[] }>('GET', '/policy-flags?for=raised')).items);
  }, []);
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <section aria-label="Policy questions">
      <h2>To answer</h2>
      {mine.length === 0 && <p>No policy question is waiting for you.</p>}
      <ul className="kb-list">
        {mine.map((f) => (
          <FlagItem key={f.id} f={f} canAnswer={f.authorityId === userId} onAnswered={() => void load()} />
        ))}
      </ul>
      <h2>Raised by me</h2>
      {raised.length === 0 && <p>None.</p>}
      <ul className="kb-list">
        {raised.map((f) => (
          <FlagItem key={f.id} f={f} canAnswer={false} onAnswered={() => void load()} />
        ))}
      </ul>
    </section>
  );
}

/**
 * On a case: raise a policy inconsistency to a named higher authority with the evidence, see the
 * flags and their answers; and propose the case's problem as an agreed solution.
 */
export function CaseKnowledge({
  caseId,
  subject,
  userId,
  canWrite,
  canPropose = canWrite,
}: {
  caseId: string;
  subject: string;
  userId: string;
  /** May raise a policy flag on the case (cases.write). */
  canWrite: boolean;
  /** May propose an agreed solution (kb.write). */
  canPropose?: boolean;
}) {
  const [flags, setFlags] = useState<PolicyFlagDto[]>([]);
  const [authorities, setAuthorities] = useState<{ id: string; name: string; role: string }[]>([]);
  const [form, setForm] = useState({ authorityId: '', policy: '', customerNeed: '', evidence: '' });
  const [error, setError] = useState<ApiError | null>(null);
  const raising = useSubmit();
  const load = useCallback(async () => {
    setFlags((await api<{ items: PolicyFlagDto[] }>('GET', `/policy-flags?caseId=${caseId}`)).items);
  }, [caseId]);
  useEffect(() => {
    void load();
  }, [load]);
  const open = () => {
    if (!authorities.length)
      void api<{ items: typeof authorities }>('GET', '/policy-flags/authorities').then((r) =>
        setAuthorities(r.items.filter((a) => a.id !== userId)),
      );
  };
  const raise = async () => {
    await attempt(
      () =>
        raising.run(async (send) => {
          await send('POST', `/cases/${caseId}/policy-flags`, form);
          setForm({ authorityId: '', policy: '', customerNeed: '', evidence: '' });
          await load();
        }),
      setError,
    );
  };
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm((f) => ({ ...f, [k]: e.target.value }));
  return (
    <section aria-label="Policy and solutions">
      {flags.length > 0 && (
        <>
          <h2>Policy questions</h2>
          <ul className="kb-list">
            {flags.map((f) => (
              <FlagItem
                key={f.id}
                f={f}
                canAnswer={f.authorityId === userId}
                onAnswered={() => void load()}
              />
            ))}
          </ul>
        </>
      )}
      {canWrite && (
        <details onToggle={open}>
          <summary>Flag a policy inconsistency</summary>
          <label>
            Raise to
            <select value={form.authorityId} onChange={set('authorityId')}>
              <option value="">—</option>
              {authorities.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.role.replaceAll('_', ' ')})
                </option>
              ))}
            </select>
          </label>
          <FieldMessage error={error} name="authorityId" label="Raise to" />
          <label>
            The policy or procedure
            <textarea rows={2} value={form.policy} onChange={set('policy')} />
          </label>
          <FieldMessage error={error} name="policy" label="Policy" />
          <label>
            What the customer needs that it does not meet
            <textarea rows={2} value={form.customerNeed} onChange={set('customerNeed')} />
          </label>
          <FieldMessage error={error} name="customerNeed" label="Customer need" />
          <label>
            Evidence
            <textarea rows={3} value={form.evidence} onChange={set('evidence')} />
          </label>
          <FieldMessage error={error} name="evidence" label="Evidence" />
          <button type="button" disabled={raising.busy} aria-busy={raising.busy} onClick={() => void raise()}>
            Raise
          </button>
        </details>
      )}
      {canPropose && (
        <p>
          <a href={`#/kb/solutions/new?case=${caseId}&problem=${encodeURIComponent(subject)}`}>
            Propose a solution for problems like this
          </a>
        </p>
      )}
    </section>
  );
}
