import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * One template syntax for all text sent to customers (issue 11). Progress updates and the standard
 * greeting were filled with single-brace names (customerName in braces, and so on); templates and
 * call scripts with `{{customer.name}}`. The progress-update template and the phrases a centre
 * saved, and any template or script step that used an old name by mistake (it went out as written),
 * are rewritten in the one syntax so nothing a centre wrote breaks. Names it does not know are left
 * as they were. The mapping is copied, not imported: a migration keeps the meaning of its day.
 */
const OLD_TO_NEW: Record<string, string> = {
  customerName: 'customer.name',
  caseReference: 'case.reference',
  officerName: 'officer.name',
  officer: 'officer.name',
  dueDate: 'case.dueAt',
  subject: 'case.subject',
};
const SINGLE = /(?<!\{)\{([A-Za-z][\w.]*)\}(?!\})/g;

export function upgradeText(text: string): string {
  return text.replace(SINGLE, (all, name: string) =>
    Object.hasOwn(OLD_TO_NEW, name) ? `{{${OLD_TO_NEW[name]}}}` : all,
  );
}

/** Every string inside a JSON value, upgraded; the same object when nothing changed. */
function upgradeDeep(v: unknown): unknown {
  if (typeof v === 'string') return upgradeText(v);
  if (Array.isArray(v)) return v.map(upgradeDeep);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, upgradeDeep(x)]));
  }
  return v;
}

const parse = (v: unknown): unknown => (typeof v === 'string' ? JSON.parse(v) : v);

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, _t: ColumnTypes): Promise<void> {
  const settings = await db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'in', ['sla', 'phrases.standard'])
    .execute();
  for (const row of settings) {
    const before = parse(row.value);
    const after = upgradeDeep(before);
    if (JSON.stringify(after) === JSON.stringify(before)) continue;
    await db
      .updateTable('settings')
      .set({ value: JSON.stringify(after) })
      .where('key', '=', row.key)
      .execute();
  }

  const templates = await db.selectFrom('templates').select(['id', 'subject', 'body']).execute();
  for (const t of templates) {
    const subject = t.subject === null ? null : upgradeText(t.subject);
    const body = upgradeText(t.body);
    if (subject === t.subject && body === t.body) continue;
    await db.updateTable('templates').set({ subject, body }).where('id', '=', t.id).execute();
  }

  const scripts = await db.selectFrom('call_scripts').select(['id', 'steps']).execute();
  for (const s of scripts) {
    const before = parse(s.steps);
    const after = upgradeDeep(before);
    if (JSON.stringify(after) === JSON.stringify(before)) continue;
    await db
      .updateTable('call_scripts')
      .set({ steps: JSON.stringify(after) })
      .where('id', '=', s.id)
      .execute();
  }
}
