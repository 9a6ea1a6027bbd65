import type { AuditEntryDto } from '../../../shared/contracts/audit.ts';
import { en } from '../../i18n/en.ts';
import { type Key, t, term } from '../../i18n/index.ts';
import { whenFull } from '../../ui/format.ts';
import { phoneWords } from '../../ui/phone.ts';

/**
 * A stored record in words (the History tab and the audit trail): fields by their names in the
 * catalogue ("Owner", not `assignee_id`), people, teams and cases by the names the server read for
 * the entry (`names`), instants in the reader's time, codes in words. Internal ids with nothing to
 * name them (a routing item, a message) are left out: they say nothing to a reader.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const E164 = /^\+[1-9]\d{6,14}$/;
const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
/** The record's own bookkeeping, and names stored beside the id they name (the id is named anyway). */
const LEFT_OUT = new Set([
  'id',
  'version',
  'createdAt',
  'updatedAt',
  'created_at',
  'updated_at',
  'toName',
  'toTeamName',
]);
/** Fields whose value is a stored code with words in the catalogue's `terms`. */
const TERMS: Record<string, keyof typeof en.terms> = {
  status: 'status',
  priority: 'priority',
  criticality: 'criticality',
  type: 'type',
  channel: 'channel',
  direction: 'direction',
};
/** "No officer yet": the contact of a text or chat nobody has taken. */
const NOBODY = 'system';

export type Names = Readonly<Record<string, string>>;

/** A field's name in words: the catalogue's, else its code in plain words (`data` true: not the catalogue's). */
export function fieldWords(field: string): { text: string; data: boolean } {
  const known: Record<string, string> = en.records.field;
  if (known[field]) return { text: t(`records.field.${field}` as Key), data: false };
  const words = field
    .replace(/(_id|Id)$/, '')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return { text: words.charAt(0).toUpperCase() + words.slice(1), data: true };
}

/** An id with no name to show (an internal record's), or the officer of a contact nobody took. */
const unnamedId = (v: unknown, names: Names) => typeof v === 'string' && UUID.test(v) && !names[v];

/** A stored value in a few words: a name for an id, the reader's time for an instant, words for a code. */
export function valueWords(field: string, v: unknown, names: Names = {}): string {
  if (v === null || v === undefined || v === '' || v === NOBODY) return '—';
  if (typeof v === 'string') {
    if (names[v]) return names[v];
    if (UUID.test(v)) return '—';
    if (INSTANT.test(v) && !Number.isNaN(Date.parse(v))) return whenFull(v);
    if (E164.test(v)) return phoneWords(v);
    const group = TERMS[field];
    if (group) return term(group, v);
    if (field === 'visibility' && (v === 'internal' || v === 'public')) return t(`records.visibility.${v}`);
    if (field === 'state') {
      const states: Record<string, string> = en.presence.state;
      if (states[v]) return t(`presence.state.${v}` as Key);
    }
    return v;
  }
  if (typeof v === 'boolean') return v ? t('records.yes') : t('records.no');
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v)) return v.length ? v.map((x) => valueWords(field, x, names)).join(', ') : '—';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    // A phone by its number.
    if ('number' in o) return phoneWords(String(o.number));
    return summaryPairs(o, names)
      .map((p) => `${p.label}: ${p.value}`)
      .join('; ');
  }
  return String(v);
}

/** Whether a field is worth a line: not bookkeeping, and not only ids nobody can name. */
function shown(field: string, values: unknown[], names: Names): boolean {
  if (LEFT_OUT.has(field)) return false;
  const set = values.filter((v) => v !== null && v !== undefined && v !== '');
  return !(set.length > 0 && set.every((v) => unnamedId(v, names)));
}

export interface ChangeWords {
  field: string;
  label: string;
  /** The label is the field's code in plain words, not the catalogue's. */
  labelIsData: boolean;
  before: string;
  after: string;
}

/** The entry's field-level changes as a reader reads them, the unreadable ones left out. */
export function changeWords(e: Pick<AuditEntryDto, 'changes' | 'names'>): ChangeWords[] {
  const names = e.names ?? {};
  return (
    (e.changes ?? [])
      .filter((c) => shown(c.field, [c.before, c.after], names))
      .map((c) => {
        const label = fieldWords(c.field);
        return {
          field: c.field,
          label: label.text,
          labelIsData: label.data,
          before: valueWords(c.field, c.before, names),
          after: valueWords(c.field, c.after, names),
        };
      })
      // Nothing on either side that a reader can see (an id of a record without a name).
      .filter((c) => !(c.before === '—' && c.after === '—'))
  );
}

/** A whole stored record (a creation) as "Label: value" pairs, the unreadable fields left out. */
export function summaryPairs(
  o: Record<string, unknown>,
  names: Names = {},
): { label: string; value: string }[] {
  return Object.entries(o)
    .filter(([k, v]) => shown(k, [v], names))
    .map(([k, v]) => ({ label: fieldWords(k).text, value: valueWords(k, v, names) }));
}

/** What the customer did (their chat, their text, their STOP): the trail names them, not "Automatic". */
const BY_CUSTOMER = new Set([
  'chat.started',
  'chat.message_left',
  'message.received',
  'customer.sms_opted_out',
  'customer.sms_opted_in',
]);

/** Who acted, in words: the person, the customer for what only they do, else null (automatic). */
export function whoWords(e: Pick<AuditEntryDto, 'actor' | 'action'>): { text: string; data: boolean } | null {
  if (e.actor) return { text: e.actor.displayName, data: true };
  if (BY_CUSTOMER.has(e.action)) return { text: t('records.theCustomer'), data: false };
  return null;
}
