import type { Executor } from '../../platform/db/index.ts';
import { parseJson } from '../../platform/db/schema.ts';
import type { AuditRow } from './audit.present.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids per statement: each is bound once per table, well under SQLite's and PostgreSQL's limits. */
const CHUNK = 400;

/** Every id a row mentions: its record, and any UUID among its stored values, at any depth. */
export function idsOf(r: AuditRow, into = new Set<string>()): Set<string> {
  if (UUID.test(r.entity_id)) into.add(r.entity_id);
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (UUID.test(v)) into.add(v);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(parseJson<unknown>(r.before, null));
  walk(parseJson<unknown>(r.after, null));
  return into;
}

/**
 * What the ids of a page of the trail stand for, in words: people by name, teams, departments,
 * categories and break reasons by name, cases by reference, customers by name. One statement for
 * the whole page (a UNION over the tables), not one per row; an id of anything else (a message, a
 * routing item) stays unnamed and the desktop leaves it out.
 */
export async function namesOf(db: Executor, rows: AuditRow[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const r of rows) idsOf(r, ids);
  const all = [...ids];
  const names = new Map<string, string>();
  for (let i = 0; i < all.length; i += CHUNK) {
    const part = all.slice(i, i + CHUNK);
    const found = await db
      .selectFrom('users')
      .select(['id', 'display_name as name'])
      .where('id', 'in', part)
      .unionAll((eb) => eb.selectFrom('teams').select(['id', 'name']).where('id', 'in', part))
      .unionAll((eb) => eb.selectFrom('departments').select(['id', 'name']).where('id', 'in', part))
      .unionAll((eb) => eb.selectFrom('case_categories').select(['id', 'name']).where('id', 'in', part))
      .unionAll((eb) => eb.selectFrom('presence_reasons').select(['id', 'name']).where('id', 'in', part))
      .unionAll((eb) => eb.selectFrom('cases').select(['id', 'reference as name']).where('id', 'in', part))
      .unionAll((eb) =>
        eb.selectFrom('customers').select(['id', 'display_name as name']).where('id', 'in', part),
      )
      .execute();
    for (const f of found) names.set(f.id, f.name);
  }
  return names;
}

/** The names of the ids one row mentions (what `namesOf` found for the page). */
export function namesFor(r: AuditRow, names: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const id of idsOf(r)) {
    const name = names.get(id);
    if (name !== undefined) out[id] = name;
  }
  return out;
}
