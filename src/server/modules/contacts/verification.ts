import type {
  Particular,
  VerificationPolicyDto,
  VerificationStateDto,
} from '../../../shared/contracts/contacts.ts';
import { type FieldError, fieldError } from '../../platform/errors.ts';

export const DEFAULT_POLICY: VerificationPolicyDto = {
  required: ['name'],
  anyOf: ['id_number', 'account_number', 'service_number', 'date_of_birth'],
  anyOfCount: 1,
  maxMismatches: 3,
  wrapUpMinutes: 10,
};

/** What the server found comparing an answer with the record; `no_record`: nothing on file to compare. */
export type CheckResult = 'match' | 'mismatch' | 'no_record';

export const maxMismatches = (p: VerificationPolicyDto): number => p.maxMismatches ?? 3;
export const wrapUpMinutes = (p: VerificationPolicyDto): number => p.wrapUpMinutes ?? 10;

/**
 * Pure: given the latest result per particular on a contact, is the policy met, and what is missing?
 * Any particular whose latest answer is a mismatch fails the verification outright.
 */
export function evaluate(
  policy: VerificationPolicyDto,
  latest: Map<string, CheckResult>,
): { result: 'passed' | 'failed'; satisfiesPolicy: boolean; missing: Particular[] } {
  const failed = [...latest.values()].includes('mismatch');
  const matched = (p: string) => latest.get(p) === 'match';
  const missing: Particular[] = policy.required.filter((p) => !matched(p));
  const anyMatched = policy.anyOf.filter(matched).length;
  if (anyMatched < policy.anyOfCount) missing.push(...policy.anyOf.filter((p) => !matched(p)));
  return { result: failed ? 'failed' : 'passed', satisfiesPolicy: !failed && missing.length === 0, missing };
}

/** A policy that demands nothing would switch masking off by accident; refuse it. */
export function policyProblems(p: VerificationPolicyDto): FieldError[] {
  const out: FieldError[] = [];
  if (p.anyOfCount > p.anyOf.length)
    out.push(fieldError('/body/anyOfCount', 'anyOfCountExceeds', 'exceeds the number of anyOf particulars'));
  if (p.required.length + p.anyOfCount === 0) {
    out.push(
      fieldError('/body/required', 'requiresNothing', 'the policy must require at least one particular'),
    );
  }
  const outside = (p.siteSignIn ?? []).filter((x) => !p.required.includes(x) && !p.anyOf.includes(x));
  if (outside.length)
    out.push(
      fieldError('/body/siteSignIn', 'siteSignInNotInPolicy', `not in the policy: ${outside.join(', ')}`, {
        particulars: outside,
      }),
    );
  const overlap = p.required.filter((x) => p.anyOf.includes(x));
  if (overlap.length)
    out.push(
      fieldError('/body/anyOf', 'alreadyRequired', `already required: ${overlap.join(', ')}`, {
        particulars: overlap,
      }),
    );
  return out;
}

/** Pure: the contact's verification state from the latest result per particular and the mismatches so far. */
export function verificationState(
  policy: VerificationPolicyDto,
  latest: Map<string, CheckResult>,
  mismatches: number,
): VerificationStateDto {
  const outcome = evaluate(policy, latest);
  const max = maxMismatches(policy);
  return {
    checks: [...latest].map(([particular, result]) => ({ particular, result })),
    satisfiesPolicy: outcome.satisfiesPolicy,
    missing: outcome.missing,
    mismatches,
    maxMismatches: max,
    locked: mismatches >= max,
  };
}
