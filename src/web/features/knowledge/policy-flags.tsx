import { useCallback, useEffect, useState } from 'react';
import { type ApiError, api } from '../../app/api.ts';
import { useSubmit } from '../../app/use-submit.ts';
import { term, useT } from '../../i18n/index.ts';
import { attempt, FieldMessage } from '../../ui/field.tsx';
import { date } from '../../ui/format.ts';
import { ProblemText } from '../../ui/problem.tsx';
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
  const t = useT();
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
        <span className="badge">{term('policyFlagStatus', f.status)}</span>{' '}
        <a href={`#/cases/${f.caseId}`}>{f.caseReference}</a>
        {t('policyFlags.line', { raisedBy: f.raisedByName, authority: f.authorityName, due: date(f.dueAt) })}
        {f.overdue && t('policyFlags.overdue')}
      </p>
      <dl>
        <dt>{t('policyFlags.policy')}</dt>
        <dd data-i18n-skip>{f.policy}</dd>
        <dt>{t('policyFlags.need')}</dt>
        <dd data-i18n-skip>{f.customerNeed}</dd>
        <dt>{t('policyFlags.evidence')}</dt>
        <dd data-i18n-skip>{f.evidence}</dd>
        {f.answer && (
          <>
            <dt>{t('policyFlags.answerBy', { who: f.answeredByName ?? '' })}</dt>
            <dd data-i18n-skip>{f.answer}</dd>
          </>
        )}
      </dl>
      {canAnswer && f.status === 'open' && (
        <div>
          <label>
            {t('policyFlags.yourAnswer')}
            <textarea rows={2} value={answer} onChange={(e) => setAnswer(e.target.value)} />
          </label>
          <FieldMessage error={error} name="answer" label={t('policyFlags.answerField')} />
          {error && !error.problem.errors?.length && (
            <p className="error">
              <ProblemText error={error} />
            </p>
          )}
          <button
            type="button"
            disabled={answering.busy}
            aria-busy={answering.busy}
            onClick={() => void send()}
          >
            {t('policyFlags.answer')}
          </button>
        </div>
      )}
    </li>
  );
}

/** Policy questions I must answer, and those I raised. */
export function PolicyFlagsList({ userId }: { userId: string }) {
  const t = useT();
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
    <section aria-label={t('policyFlags.questions')}>
      <h2>{t('policyFlags.toAnswer')}</h2>
      {mine.length === 0 && <p>{t('policyFlags.noneWaiting')}</p>}
      <ul className="kb-list">
        {mine.map((f) => (
          <FlagItem key={f.id} f={f} canAnswer={f.authorityId === userId} onAnswered={() => void load()} />
        ))}
      </ul>
      <h2>{t('policyFlags.raisedByMe')}</h2>
      {raised.length === 0 && <p>{t('policyFlags.noneRaised')}</p>}
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
  const t = useT();
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
    <section aria-label={t('policyFlags.region')}>
      {flags.length > 0 && (
        <>
          <h2>{t('policyFlags.questions')}</h2>
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
          <summary>{t('policyFlags.flag')}</summary>
          <label>
            {t('policyFlags.raiseTo')}
            <select value={form.authorityId} onChange={set('authorityId')}>
              <option value="">—</option>
              {authorities.map((a) => (
                <option key={a.id} value={a.id}>
                  {t('policyFlags.authority', { name: a.name, role: term('role', a.role) })}
                </option>
              ))}
            </select>
          </label>
          <FieldMessage error={error} name="authorityId" label={t('policyFlags.raiseTo')} />
          <label>
            {t('policyFlags.policyLabel')}
            <textarea rows={2} value={form.policy} onChange={set('policy')} />
          </label>
          <FieldMessage error={error} name="policy" label={t('policyFlags.policy')} />
          <label>
            {t('policyFlags.needLabel')}
            <textarea rows={2} value={form.customerNeed} onChange={set('customerNeed')} />
          </label>
          <FieldMessage error={error} name="customerNeed" label={t('policyFlags.need')} />
          <label>
            {t('policyFlags.evidence')}
            <textarea rows={3} value={form.evidence} onChange={set('evidence')} />
          </label>
          <FieldMessage error={error} name="evidence" label={t('policyFlags.evidence')} />
          <button type="button" disabled={raising.busy} aria-busy={raising.busy} onClick={() => void raise()}>
            {t('policyFlags.raise')}
          </button>
        </details>
      )}
      {canPropose && (
        <p>
          <a href={`#/kb/solutions/new?case=${caseId}&problem=${encodeURIComponent(subject)}`}>
            {t('policyFlags.propose')}
          </a>
        </p>
      )}
    </section>
  );
}
