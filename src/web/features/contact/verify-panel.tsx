import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../../app/api.ts';
import type { ContactDto, CustomerDto, VerificationDto, VerificationPolicyDto } from '../../app/types.ts';
import { type Key, t, useT } from '../../i18n/index.ts';
import { ProblemText } from '../../ui/problem.tsx';
import { isCall } from './use-contact.ts';

/** A particular asked for, in the catalogue's words (`contact.verify.particular`). */
const PARTICULAR: Record<string, Key> = {
  name: 'contact.verify.particular.name',
  id_number: 'contact.verify.particular.id_number',
  account_number: 'contact.verify.particular.account_number',
  service_number: 'contact.verify.particular.service_number',
  date_of_birth: 'contact.verify.particular.date_of_birth',
  address: 'contact.verify.particular.address',
  email: 'contact.verify.particular.email',
  security_answer: 'contact.verify.particular.security_answer',
};

const RESULT: Record<string, [string, Key]> = {
  match: ['✓', 'contact.verify.result.match'],
  mismatch: ['✗', 'contact.verify.result.mismatch'],
  no_record: ['–', 'contact.verify.result.no_record'],
};

/**
 * The officer types what the customer gives for each particular (said on a call, written in a
 * chat); the server compares it with the record and says only whether it matched. Typed answers are
 * cleared once checked (they may be a wrong guess at someone's particulars); the results are the
 * contact's, so they survive a reload.
 */
export function VerifyPanel({
  contact,
  customer,
  onVerified,
}: {
  contact: ContactDto;
  customer: CustomerDto;
  onVerified(v: VerificationDto): void;
}) {
  const t = useT();
  const [policy, setPolicy] = useState<VerificationPolicyDto | null>(null);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    void api<VerificationPolicyDto>('GET', '/settings/verification-policy').then(setPolicy);
  }, []);
  if (!policy) return null;
  const state = contact.verification;
  const results = new Map((state?.checks ?? []).map((c) => [c.particular, c.result]));
  const particulars = [...policy.required, ...policy.anyOf];
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const given = particulars
      .filter((p) => answers[p]?.trim())
      .map((p) => ({ particular: p, value: answers[p]!.trim() }));
    if (!given.length || busy) return;
    setBusy(true);
    setError(null);
    try {
      const v = await api<VerificationDto>('POST', `/contacts/${contact.id}/verification`, {
        answers: given,
      });
      setAnswers({});
      onVerified(v);
    } catch (err) {
      if (err instanceof ApiError) setError(err);
      else throw err;
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} aria-label={t('contact.verify.region')}>
      <fieldset disabled={state?.locked}>
        <legend>{t('contact.verify.legend', { name: customer.displayName })}</legend>
        <p className="hint">
          {t(isCall(contact) ? 'contact.verify.hint' : 'contact.verify.hintWritten', {
            required:
              policy.required.map(label).join(t('contact.verify.comma')) || t('contact.verify.nothing'),
            count: policy.anyOfCount,
          })}
        </p>
        <div className="verify-grid">
          {particulars.map((p) => {
            const r = results.get(p);
            return (
              <label key={p} className={`verify-row ${r ?? ''}`}>
                <span>{label(p)}</span>
                <input
                  type={p === 'date_of_birth' ? 'date' : 'text'}
                  autoComplete="off"
                  value={answers[p] ?? ''}
                  onChange={(e) => setAnswers({ ...answers, [p]: e.target.value })}
                />
                <output data-testid={`check-${p}`}>
                  {r ? (
                    <>
                      <span aria-hidden="true">{RESULT[r]![0]}</span> {t(RESULT[r]![1])}
                    </>
                  ) : null}
                </output>
              </label>
            );
          })}
        </div>
        <button type="submit" disabled={busy}>
          {t('contact.verify.check')}
        </button>
      </fieldset>
      {error ? (
        <p role="alert" className="error">
          <ProblemText error={error} />
        </p>
      ) : null}
      {state && (state.checks.length > 0 || state.locked) && (
        <p id="verify-status" tabIndex={-1} role="status" className={contact.verified ? 'ok' : 'warn'}>
          {state.locked
            ? t('contact.verify.locked', { count: state.mismatches })
            : contact.verified
              ? t('contact.verify.verified')
              : notYet(policy, results, state.mismatches, state.maxMismatches)}
        </p>
      )}
    </form>
  );
}

const label = (p: string) => (PARTICULAR[p] ? t(PARTICULAR[p]) : p);

/**
 * Why the caller is not verified yet, in the officer's words: a particular that did not match must be
 * put right first (the policy fails on any mismatch); then what the policy still needs — the required
 * ones and how many more of the others; then how close the contact is to locking.
 */
function notYet(
  policy: VerificationPolicyDto,
  results: Map<string, string>,
  mismatches: number,
  max: number,
): string {
  const wrong = [...results].filter(([, r]) => r === 'mismatch').map(([p]) => label(p));
  const required = policy.required.filter((p) => results.get(p) !== 'match').map(label);
  const more = Math.max(0, policy.anyOfCount - policy.anyOf.filter((p) => results.get(p) === 'match').length);
  const others = policy.anyOf.filter((p) => results.get(p) !== 'match').map(label);
  const comma = t('contact.verify.comma');
  const needed = [
    ...required,
    ...(more ? [t('contact.verify.moreOf', { count: more, others: others.join(comma) })] : []),
  ];
  const parts = [t('contact.verify.notYet')];
  if (wrong.length) parts.push(t('contact.verify.wrong', { wrong: wrong.join(comma) }));
  if (needed.length) parts.push(t('contact.verify.needed', { needed: needed.join(t('contact.verify.and')) }));
  if (mismatches) parts.push(t('contact.verify.mismatches', { count: mismatches, max }));
  return parts.join(' ');
}
