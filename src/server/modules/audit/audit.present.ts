import type { AuditEntryDto } from '../../../shared/contracts/audit.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { mask, maskEmail, maskParticulars } from '../customers/normalize.ts';
import { namesFor } from './audit-names.ts';

/** An audit row as read, with the actor's name joined in. */
export interface AuditRow {
  id: string;
  at: string;
  actor_id: string | null;
  actor_name: string | null;
  entity_type: string;
  entity_id: string;
  action: string;
  before: unknown;
  after: unknown;
}

const HIDDEN = '(hidden until verified)';
/**
 * An e-mail address by its first letter and domain, a phone number by its last four digits; any
 * other value (a `to` or `from` that names no one) as it is.
 */
const maskAddress = (v: string) =>
  /^[^\s@]+@[^\s@]+$/.test(v) ? maskEmail(v) : /^\+?[\d\s().-]{5,}$/.test(v) ? (mask(v) ?? v) : v;
const hideIfSet = (v: unknown) => (v === null || v === undefined ? v : HIDDEN);
const maskString = (v: unknown) => (typeof v === 'string' ? mask(v) : hideIfSet(v));
/** A list column of a raw row may hold its JSON text. */
const listOf = (v: unknown): unknown => {
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
};

/**
 * How each particular is masked for a reader without `pii.unmasked`, the way the customer read masks
 * it (customers.present.ts): identifiers keep their last four characters, e-mail its first letter
 * and domain, a date of birth and addresses are hidden. Keys appear camelCase (presented records) and
 * snake_case (raw rows) in stored audit values; both are covered. A value the customer read nulls
 * (credit class, balance, billing address) is shown as hidden, so a change to it still reads as one.
 */
const MASKERS: Record<string, (v: unknown) => unknown> = {
  idNumber: maskString,
  id_number: maskString,
  accountNumber: maskString,
  account_number: maskString,
  phone: maskString,
  dateOfBirth: (v) => (v ? '****-**-**' : v),
  date_of_birth: (v) => (v ? '****-**-**' : v),
  address: hideIfSet,
  billingAddress: hideIfSet,
  billing_address: hideIfSet,
  creditClass: hideIfSet,
  credit_class: hideIfSet,
  balanceMinor: hideIfSet,
  balance_minor: hideIfSet,
  phones: (v) => {
    const list = listOf(v);
    if (!Array.isArray(list)) return hideIfSet(v);
    return list.map((p) =>
      p && typeof p === 'object' && 'number' in p
        ? { ...p, number: maskString((p as { number: unknown }).number) }
        : maskString(p),
    );
  },
  emails: (v) => {
    const list = listOf(v);
    return Array.isArray(list) ? list.map((e) => (typeof e === 'string' ? maskEmail(e) : e)) : hideIfSet(v);
  },
  services: (v) =>
    Array.isArray(v)
      ? v.map((s) =>
          s && typeof s === 'object' && 'number' in s
            ? { ...s, number: maskString((s as { number: unknown }).number) }
            : s,
        )
      : v,
  // Who a message came from and went to (an e-mail address, a texted number).
  from: (v) => (typeof v === 'string' ? maskAddress(v) : v),
  to: (v) =>
    Array.isArray(v)
      ? v.map((a) =>
          typeof a === 'string'
            ? maskAddress(a)
            : a && typeof a === 'object' && 'address' in a
              ? { ...a, address: maskAddress(String((a as { address: unknown }).address)) }
              : a,
        )
      : typeof v === 'string'
        ? maskAddress(v)
        : v,
  fromAddress: (v) => (typeof v === 'string' ? maskParticulars(v) : v),
  from_address: (v) => (typeof v === 'string' ? maskParticulars(v) : v),
};

/** The value with every particular in it masked, at any depth. */
export function maskValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(maskValue);
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = MASKERS[k] ? MASKERS[k](x) : maskValue(x);
  return out;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
/** SQLite hands booleans back as 0/1: a row read raw and written presented is not a change. */
const bool = (v: unknown) => (v === 0 ? false : v === 1 ? true : v);
const sameValue = (a: unknown, b: unknown) =>
  same(a, b) || ((typeof a === 'boolean' || typeof b === 'boolean') && bool(a) === bool(b));

/**
 * The fields that differ between a stored before and after, compared unmasked (a phone that changed
 * only in digits the mask hides still counts as changed), shown through `show`.
 */
export function fieldChanges(
  before: unknown,
  after: unknown,
  show: (v: unknown) => unknown,
): AuditEntryDto['changes'] {
  if (!isRecord(before) || !isRecord(after)) return null;
  const shownBefore = show(before) as Record<string, unknown>;
  const shownAfter = show(after) as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  // A field one side leaves out and the other stores as null did not change (— → —).
  return keys
    .filter((k) => !sameValue(before[k] ?? null, after[k] ?? null))
    .map((k) => ({ field: k, before: shownBefore[k] ?? null, after: shownAfter[k] ?? null }));
}

/**
 * One audit row as a reader sees it: masked unless `unmasked`, with the field-level change and the
 * names of the people, teams and records it mentions by id (`names`, read for the whole page).
 */
export function presentEntry(
  r: AuditRow,
  unmasked: boolean,
  names: ReadonlyMap<string, string> = new Map(),
): AuditEntryDto {
  const before = parseJson<unknown>(r.before, null);
  const after = parseJson<unknown>(r.after, null);
  const show = unmasked ? (v: unknown) => v : maskValue;
  const shownBefore = show(before);
  const shownAfter = show(after);
  return {
    id: r.id,
    at: r.at,
    actor: r.actor_id ? { id: r.actor_id, displayName: r.actor_name ?? '(removed user)' } : null,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    before: shownBefore,
    after: shownAfter,
    changes: fieldChanges(before, after, show),
    masked: !same(shownBefore, before) || !same(shownAfter, after),
    names: namesFor(r, names),
  };
}

/** Whether the row carries particulars that a masked reader would not see (so showing it is a view). */
export function showsParticulars(r: AuditRow): boolean {
  const before = parseJson<unknown>(r.before, null);
  const after = parseJson<unknown>(r.after, null);
  return !same(maskValue(before), before) || !same(maskValue(after), after);
}
