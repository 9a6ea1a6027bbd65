/**
 * How a caller's words become lookup keys. Every identifier is stored as the keys a caller might
 * quote, so the search is one indexed equality (or prefix) lookup, never a scan.
 */

export function normalizeName(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function nameTokens(s: string): string[] {
  return [...new Set(normalizeName(s).split(' ').filter(Boolean))];
}

/**
 * Every prefix of every word of a normalised name ("tan wei" → "t ta tan w we wei"), indexed as
 * words of their own on PostgreSQL: a prefix search is then exact lookups, which GIN intersects
 * by skipping through posting trees, instead of partial matches it must collect in full.
 */
export function namePrefixes(norm: string): string {
  const out = new Set<string>();
  for (const w of norm.split(' ').filter(Boolean)) {
    const chars = [...w];
    for (let i = 1; i <= chars.length; i++) out.add(chars.slice(0, i).join(''));
  }
  return [...out].join(' ');
}

/** NRIC, passport, account numbers: case and punctuation are not significant. */
export function identifierKey(s: string): string {
  return s.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export function emailKey(s: string): string {
  return s.trim().toLowerCase();
}

// Phone numbers are read by libphonenumber (src/shared/phone.ts); the keys they are stored under
// and the key a typed number is looked up by live there, beside E.164 for SMS.
export { phoneKeys, phoneQueryKey } from '../../../shared/phone.ts';

export function mask(value: string | null, keep = 4): string | null {
  if (value === null) return null;
  if (value.length <= keep) return '*'.repeat(value.length);
  return '*'.repeat(value.length - keep) + value.slice(-keep);
}

export function maskEmail(value: string): string {
  const [user = '', domain = ''] = value.split('@');
  return `${user.slice(0, 1)}***@${domain}`;
}

/**
 * Free text (a contact's notes, a caller number) for a reader who may not see particulars: runs of
 * digits that could be an ID, account or phone number keep only their last two digits, and e-mail
 * addresses their first letter and domain. The words stay readable, for assessment.
 */
export function maskParticulars(text: string | null): string | null {
  if (text === null) return null;
  return text
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, (m) => maskEmail(m))
    .replace(/[A-Za-z]?\+?\d[\d\s().-]{3,}\d[A-Za-z]?/g, (m) => {
      const digits = m.replace(/\D/g, '');
      return digits.length < 5 ? m : `${'•'.repeat(Math.max(3, m.length - 2))}${m.slice(-2)}`;
    });
}
