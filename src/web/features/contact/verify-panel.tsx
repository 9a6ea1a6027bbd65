import { useEffect, useState } from 'react';
import { api } from '../../app/api.ts';
import type { CustomerDto, VerificationDto, VerificationPolicyDto } from '../../app/types.ts';

const LABEL: Record<string, string> = {
  name: 'Registered name',
  id_number: 'ID number (NRIC / passport)',
  account_number: 'Account number',
  service_number: 'Mobile or line number',
  date_of_birth: 'Date of birth',
  address: 'Address',
  email: 'E-mail',
  security_answer: 'Security answer',
};

/** Ticks for the particulars checked; account details stay masked until the policy is met. */
export function VerifyPanel({
  contactId,
  customer,
  onVerified,
}: {
  contactId: string;
  customer: CustomerDto;
  onVerified(v: VerificationDto): void;
}) {
  const [policy, setPolicy] = useState<VerificationPolicyDto | null>(null);
  const [ticked, setTicked] = useState<Record<string, boolean>>({});
  const [result, setResult] = useState<VerificationDto | null>(null);
  useEffect(() => {
    void api<VerificationPolicyDto>('GET', '/settings/verification-policy').then(setPolicy);
  }, []);
  if (!policy) return null;
  const particulars = [...policy.required, ...policy.anyOf];
  const submit = async () => {
    const checks = particulars
      .filter((p) => ticked[p])
      .map((p) => ({ particular: p, result: 'match' as const }));
    if (!checks.length) return;
    const v = await api<VerificationDto>('POST', `/contacts/${contactId}/verification`, { checks });
    setResult(v);
    onVerified(v);
  };
  return (
    <fieldset>
      <legend>Verify particulars of {customer.displayName}</legend>
      <p className="hint">
        Required: {policy.required.map((p) => LABEL[p]).join(', ') || 'nothing'}; plus {policy.anyOfCount} of
        the others.
      </p>
      {particulars.map((p) => (
        <label key={p} className="check">
          <input
            type="checkbox"
            checked={!!ticked[p]}
            onChange={(e) => setTicked({ ...ticked, [p]: e.target.checked })}
          />
          {LABEL[p] ?? p} matches
        </label>
      ))}
      <button type="button" onClick={() => void submit()}>
        Record verification
      </button>
      {result && (
        <p role="status" className={result.satisfiesPolicy ? 'ok' : 'warn'}>
          {result.satisfiesPolicy
            ? 'Verified: account details shown.'
            : `Not yet verified; still needed: ${result.missing.map((m) => LABEL[m] ?? m).join(', ')}`}
        </p>
      )}
    </fieldset>
  );
}
