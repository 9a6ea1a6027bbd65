import {
  type CountryCode,
  getCountryCallingCode,
  isSupportedCountry,
  parsePhoneNumber,
} from 'libphonenumber-js/max';

/**
 * Phone numbers through libphonenumber (Google's metadata, kept current by its maintainers) instead
 * of hand-written digit rules: which prefixes are trunk codes, how long a Malaysian mobile is, and
 * whether "0065…" is an international prefix differ by country in ways a regex does not know.
 * `region` is the ISO country assumed for a number written without its country code
 * (FRONTLINE_DEFAULT_REGION).
 */
export type Region = CountryCode;

export function isRegion(s: string): s is Region {
  return isSupportedCountry(s);
}

/** The country calling code of a region ("SG" → "65"). */
export function callingCode(region: Region): string {
  return getCountryCallingCode(region);
}

function parse(raw: string, region: Region) {
  let t = raw.trim();
  // "0065 9123 4567": the international prefix most of the world dials, read as "+".
  if (/^00[1-9]/.test(t.replace(/[\s().-]/g, ''))) t = `+${t.replace(/[\s().-]/g, '').slice(2)}`;
  try {
    return parsePhoneNumber(t, region);
  } catch {
    return null;
  }
}

/** The number in E.164 ("+6591234567") when it is a valid number, else null. */
export function toE164(raw: string, region: Region): string | null {
  const n = parse(raw, region);
  return n?.isValid() ? n.number : null;
}

/**
 * Keys a stored number is found by: its international digits, its national significant number and
 * its national form with a trunk prefix, so "+65 9123-4567", "0065 91234567", "6591234567" and
 * "9123 4567" all find a Singapore number, and "012-345 6789" and "+60 12-345 6789" a Malaysian one
 * whatever the default region. A number libphonenumber cannot read keeps its digits as written.
 */
export function phoneKeys(raw: string, region: Region): string[] {
  const n = parse(raw, region);
  if (n?.isPossible()) {
    const international = n.number.slice(1);
    const national = n.nationalNumber;
    const trunk = n.format('NATIONAL').replace(/\D/g, '');
    return [...new Set([international, national, trunk])].filter((k) => k.length >= 5);
  }
  const digits = raw.replace(/\D/g, '');
  if (!digits) return [];
  return [...new Set([digits, digits.replace(/^0+/, '') || digits])];
}

/** The single key a typed number is looked up by (stored numbers carry every form above). */
export function phoneQueryKey(raw: string, region: Region): string | null {
  const t = raw.trim();
  if (!/^[+\d][\d\s().+-]*$/.test(t)) return null;
  const digits = t.replace(/\D/g, '');
  if (digits.length < 5) return null;
  // Written internationally: its international digits, however it was punctuated.
  if (t.startsWith('+') || digits.startsWith('00')) {
    const n = parse(t, region);
    if (n?.isPossible()) return n.number.slice(1);
    return digits.startsWith('00') ? digits.slice(2) : digits;
  }
  return digits;
}
