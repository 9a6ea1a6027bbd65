import fs from 'node:fs';
import type { FieldProblem } from '../../../shared/field-rules.ts';
import { invalid } from '../../platform/errors.ts';

/**
 * The password rule, after NIST SP 800-63B (memorized secrets): long enough, no composition rules,
 * and not a value an attacker would try first — a commonly used password, one built from the
 * account's own names or the service's, a repeated character or pattern, or a run of consecutive
 * letters, digits or keyboard keys. Length counts Unicode code points after NFKC normalisation,
 * as the standard asks; every printable character, spaces included, is allowed.
 */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

const SERVICE_WORDS = ['frontline'];

/** Lower-cased, one a line; read once. Only entries of PASSWORD_MIN or more are kept in the file. */
const COMMON: ReadonlySet<string> = new Set(
  fs
    .readFileSync(new URL('./common-passwords.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#')),
);

// Runs that count as a sequence when the whole password (letters and digits only) lies inside one,
// forwards or backwards. Digits repeat so that "901234567890" counts too.
const RUNS = [
  'abcdefghijklmnopqrstuvwxyz',
  '0123456789'.repeat(30),
  'qwertyuiopasdfghjklzxcvbnm',
  'qwertzuiopasdfghjklyxcvbnm',
  'azertyuiopqsdfghjklmwxcvbn',
  '1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p',
  'qazwsxedcrfvtgbyhnujmikolp',
];
const ALL_RUNS = RUNS.flatMap((r) => [r, [...r].reverse().join('')]);

const squash = (s: string): string =>
  s
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]/gu, '');

export interface PasswordContext {
  username?: string | undefined;
  displayName?: string | undefined;
}

/** Why the password is refused, as a rule and in words for the person choosing it, or null when it is fine. */
export function passwordRule(password: string, who: PasswordContext = {}): FieldProblem | null {
  const normal = password.normalize('NFKC');
  const length = [...normal].length;
  if (length < PASSWORD_MIN)
    return {
      rule: 'passwordTooShort',
      params: { limit: PASSWORD_MIN },
      message: `must be at least ${PASSWORD_MIN} characters long`,
    };
  if (length > PASSWORD_MAX)
    return {
      rule: 'passwordTooLong',
      params: { limit: PASSWORD_MAX },
      message: `must be at most ${PASSWORD_MAX} characters long`,
    };
  const lower = normal.toLowerCase();
  const letters = squash(normal);
  const username = who.username ? squash(who.username) : '';
  if (username.length >= 3 && letters.includes(username))
    return { rule: 'passwordHasUsername', message: 'must not contain the username' };
  const name = who.displayName ? squash(who.displayName) : '';
  const nameParts = (who.displayName ?? '')
    .split(/\s+/)
    .map(squash)
    .filter((p) => p.length >= 4);
  if ((name.length >= 4 && letters.includes(name)) || nameParts.some((p) => letters.includes(p)))
    return { rule: 'passwordHasName', message: "must not contain the person's name" };
  if (SERVICE_WORDS.some((w) => letters.includes(w)))
    return { rule: 'passwordHasServiceName', message: 'must not contain the name of this service' };
  if (/^(.+?)\1+$/su.test(lower) || new Set(lower).size < 4)
    return { rule: 'passwordRepeats', message: 'must not be one character or a short pattern repeated' };
  if (letters.length >= PASSWORD_MIN - 2 && ALL_RUNS.some((run) => run.includes(letters)))
    return {
      rule: 'passwordRun',
      message: 'must not be a run of consecutive letters, digits or keyboard keys',
    };
  if (COMMON.has(lower) || COMMON.has(letters))
    return {
      rule: 'passwordCommon',
      message: 'is one of the most commonly used passwords: choose one that is not',
    };
  return null;
}

/** Why the password is refused, in words for the person choosing it, or null when it is fine. */
export function passwordProblem(password: string, who: PasswordContext = {}): string | null {
  return passwordRule(password, who)?.message ?? null;
}

/** Throws a 400 naming `field` (a JSON Pointer such as /body/password) when the rule refuses it. */
export function assertPasswordAcceptable(
  password: string,
  who: PasswordContext,
  field = '/body/password',
): void {
  const problem = passwordRule(password, who);
  if (problem) throw invalid(field, problem.rule, problem.message, problem.params);
}
