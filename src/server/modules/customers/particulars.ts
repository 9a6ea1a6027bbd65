import type { Selectable } from 'kysely';
import type { Region } from '../../../shared/phone.ts';
import type { AccountsTable, CustomersTable, ServicesTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { emailKey, identifierKey, nameTokens, normalizeName, phoneKeys, phoneQueryKey } from './normalize.ts';

export type ParticularResult = 'match' | 'mismatch' | 'no_record';

/** A date as callers say it: 1980-05-17, 17/05/1980, 17-05-1980, 17.05.1980 → ISO, or null. */
export function dateKey(s: string): string | null {
  const t = s.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(t);
  if (m) return iso(m[1]!, m[2]!, m[3]!);
  m = /^(\d{1,2})[/.\-\s](\d{1,2})[/.\-\s](\d{4})$/.exec(t);
  if (m) return iso(m[3]!, m[2]!, m[1]!);
  return null;
}
function iso(y: string, mo: string, d: string): string | null {
  const v = `${y}-${mo.padStart(2, '0')}-${d.padStart(2, '0')}`;
  const dt = new Date(`${v}T00:00:00Z`);
  return Number.isNaN(dt.getTime()) || dt.toISOString().slice(0, 10) !== v ? null : v;
}

const sameTokens = (a: string, b: string) => {
  const x = nameTokens(a).sort();
  const y = nameTokens(b).sort();
  return x.length > 0 && x.length === y.length && x.every((t, i) => t === y[i]);
};

/**
 * Compare what a caller gave with the record, normalised as the search keys are (case, spaces and
 * punctuation are not significant; phone numbers in any of their forms; names in any order). Pure:
 * the caller of this never sees the stored value, only the result.
 */
export function compareParticular(
  particular: string,
  value: string,
  c: Selectable<CustomersTable>,
  accounts: { account: Selectable<AccountsTable>; services: Selectable<ServicesTable>[] }[],
  region: Region,
): ParticularResult {
  const result = (stored: string[], eq: (s: string) => boolean): ParticularResult =>
    stored.length === 0 ? 'no_record' : stored.some(eq) ? 'match' : 'mismatch';
  switch (particular) {
    case 'name':
      return result([c.display_name], (s) => sameTokens(s, value));
    case 'id_number':
      return result(c.id_number ? [c.id_number] : [], (s) => identifierKey(s) === identifierKey(value));
    case 'account_number':
      return result(
        accounts.map((a) => a.account.account_number),
        (s) => identifierKey(s) === identifierKey(value),
      );
    case 'service_number': {
      const key = phoneQueryKey(value, region);
      const numbers = [
        ...accounts.flatMap((a) => a.services.map((s) => s.number)),
        ...parseJson<{ number: string }[]>(c.phones, []).map((p) => p.number),
      ];
      return result(numbers, (n) => key !== null && phoneKeys(n, region).includes(key));
    }
    case 'date_of_birth':
      return result(c.date_of_birth ? [c.date_of_birth] : [], (s) => dateKey(value) === s.slice(0, 10));
    case 'email':
      return result(parseJson<string[]>(c.emails, []), (s) => emailKey(s) === emailKey(value));
    case 'address':
      return result(
        [c.address, ...accounts.map((a) => a.account.billing_address)].filter((x): x is string => !!x),
        (s) => normalizeName(s) === normalizeName(value),
      );
    default:
      // Security answers are not held yet: nothing to compare with.
      return 'no_record';
  }
}
