import { type FormEvent, useEffect, useState } from 'react';
import { ApiError, api } from '../../app/api.ts';
import type { ContactDto, CustomerDto, VerificationDto, VerificationPolicyDto } from '../../app/types.ts';

export const PARTICULAR_LABEL: Record<string, string> = {
  name: 'Registered name',
  id_number: 'ID number (NRIC / passport)',
  account_number: 'Account number',
  service_number: 'Mobile or line number',
  date_of_birth: 'Date of birth',
  address: 'Address',
  email: 'E-mail',
  security_answer: 'Security answer',
};

const RESULT: Record<string, [string, string]> = {
  match: ['✓', 'matches the record'],
  mismatch: ['✗', 'does not match'],
  no_record: ['–', 'nothing on record to compare'],
};

/**
 * The officer types what the caller gives for each particular; the server compares it with the
 * record and says only whether it matched. Typed answers are cleared once checked (they may be a
 * wrong guess at someone's particulars); the results are the contact's, so they survive a reload.
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
  const [policy, setPolicy] = useState<VerificationPolicyDto | null>(null);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
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
      if (err instanceof ApiError) setError(err.message);
      else throw err;
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} aria-label="Verify particulars">
      <fieldset disabled={state?.locked}>
        <legend>Verify particulars of {customer.displayName}</legend>
        <p className="hint">
          Ask the caller and type what they say. Required:{' '}
          {policy.required.map((p) => PARTICULAR_LABEL[p]).join(', ') || 'nothing'}; plus {policy.anyOfCount}{' '}
          of the others.
        </p>
        <div className="verify-grid">
          {particulars.map((p) => {
            const r = results.get(p);
            return (
              <label key={p} className={`verify-row ${r ?? ''}`}>
                <span>{PARTICULAR_LABEL[p] ?? p}</span>
                <input
                  type={p === 'date_of_birth' ? 'date' : 'text'}
                  autoComplete="off"
                  value={answers[p] ?? ''}
                  onChange={(e) => setAnswers({ ...answers, [p]: e.target.value })}
                />
                <output data-testid={`check-${p}`}>
                  {r ? (
                    <>
                      <span aria-hidden="true">{RESULT[r]![0]}</span> {RESULT[r]![1]}
                    </>
                  ) : null}
                </output>
              </label>
            );
          })}
        </div>
        <button type="submit" disabled={busy}>
          Check answers
        </button>
      </fieldset>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      {state && (state.checks.length > 0 || state.locked) && (
        <p id="verify-status" tabIndex={-1} role="status" className={contact.verified ? 'ok' : 'warn'}>
          {state.locked
            ? `Verification locked after ${state.mismatches} answers that did not match; your team leader has been told. Details stay masked.`
            : contact.verified
              ? 'Verified: account details shown.'
              : notYet(policy, results, state.mismatches, state.maxMismatches)}
        </p>
      )}
    </form>
  );
}

const label = (p: string) => PARTICULAR_LABEL[p] ?? p;

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
  const needed = [...required, ...(more ? [`${more === 1 ? 'one' : more} of: ${others.join(', ')}`] : [])];
  const parts = ['Not yet verified.'];
  if (wrong.length)
    parts.push(
      `Did not match: ${wrong.join(', ')} — ask again; a wrong answer must be put right before the caller is verified.`,
    );
  if (needed.length) parts.push(`Still needed: ${needed.join('; and ')}.`);
  if (mismatches)
    parts.push(
      `${mismatches} ${mismatches === 1 ? 'answer has' : 'answers have'} not matched; verification locks at ${max}.`,
    );
  return parts.join(' ');
}
