import { type Selectable, sql } from 'kysely';
import type { Region } from '../../../shared/phone.ts';
import type { Dialect, Executor } from '../../platform/db/index.ts';
import type { AccountsTable, CustomersTable, ServicesTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { emailKey, identifierKey, namePrefixes, phoneKeys } from './normalize.ts';

export type LookupRow = { key: string; kind: string; customer_id: string };

/** Every key a caller might quote for this customer and their accounts. */
export function lookupKeys(
  c: Selectable<CustomersTable>,
  accounts: Selectable<AccountsTable>[],
  services: Selectable<ServicesTable>[],
  region: Region,
): LookupRow[] {
  const rows = new Map<string, LookupRow>();
  const add = (kind: string, key: string) => {
    if (key) rows.set(`${kind}|${key}`, { key, kind, customer_id: c.id });
  };
  if (c.id_number) add('id_number', identifierKey(c.id_number));
  for (const p of parseJson<{ number: string }[]>(c.phones, []))
    for (const k of phoneKeys(p.number, region)) add('phone', k);
  for (const e of parseJson<string[]>(c.emails, [])) add('email', emailKey(e));
  for (const a of accounts) add('account_number', identifierKey(a.account_number));
  for (const s of services) for (const k of phoneKeys(s.number, region)) add('service_number', k);
  return [...rows.values()];
}

/** The full-text row of a customer's name, for reindexCustomer and for bulk loaders (benchmarks). */
export function nameIndexRow(c: Pick<Selectable<CustomersTable>, 'id' | 'name_norm'>) {
  return { customer_id: c.id, words: c.name_norm, prefixes: namePrefixes(c.name_norm) };
}

export async function reindexCustomer(trx: Executor, customerId: string, region: Region): Promise<void> {
  const c = await trx
    .selectFrom('customers')
    .selectAll()
    .where('id', '=', customerId)
    .executeTakeFirstOrThrow();
  const accounts = await trx
    .selectFrom('accounts')
    .selectAll()
    .where('customer_id', '=', customerId)
    .execute();
  const services = accounts.length
    ? await trx
        .selectFrom('services')
        .selectAll()
        .where(
          'account_id',
          'in',
          accounts.map((a) => a.id),
        )
        .execute()
    : [];
  await trx.deleteFrom('customer_lookup').where('customer_id', '=', customerId).execute();
  const rows = lookupKeys(c, accounts, services, region);
  if (rows.length) await trx.insertInto('customer_lookup').values(rows).execute();
  const { customer_id: _, ...names } = nameIndexRow(c);
  const named = await trx
    .updateTable('customer_names')
    .set(names)
    .where('customer_id', '=', customerId)
    .where('words', '!=', c.name_norm)
    .executeTakeFirst();
  if (!Number(named.numUpdatedRows))
    await trx
      .insertInto('customer_names')
      .values(nameIndexRow(c))
      .onConflict((oc) => oc.column('customer_id').doNothing())
      .execute();
}

export function findByKeys(db: Executor, keys: string[]) {
  return db
    .selectFrom('customer_lookup')
    .select(['customer_id', 'kind', 'key'])
    .where('key', 'in', keys)
    .where('kind', '!=', 'name')
    .limit(200)
    .execute();
}

/**
 * Customers having, for every word, a name word starting with it (`exact`: equal to it), through
 * the full-text index: the engine intersects the words' posting lists, so no customer matching
 * every word is dropped, and the cost follows the words' postings, not the table. Words are
 * normalised letters and digits only (normalize.ts), so they are safe inside the query syntax.
 */
export async function findByNameWords(
  db: Executor,
  dialect: Dialect,
  words: string[],
  exact: boolean,
  limit: number,
): Promise<string[]> {
  const safe = words.map((w) => w.replace(/[^\p{L}\p{N}]/gu, '')).filter(Boolean);
  if (!safe.length) return [];
  if (dialect === 'sqlite') {
    const match = safe.map((w) => `"${w}"${exact ? '' : '*'}`).join(' ');
    const r = await sql<{ customer_id: string }>`
      SELECT n.customer_id FROM customer_names_fts f JOIN customer_names n ON n.doc = f.rowid
      WHERE customer_names_fts MATCH ${match} LIMIT ${limit}`.execute(db);
    return r.rows.map((x) => x.customer_id);
  }
  // Prefixes are words of their own in `ptsv` (normalize.ts namePrefixes): exact lookups either way.
  const query = safe.map((w) => `'${w}'`).join(' & ');
  // OFFSET 0 fences the limit off from the planner: with it, PostgreSQL guesses that a sequential
  // scan finds `limit` matches early and reads the whole table for a name that has eight.
  const r = exact
    ? await sql<{ customer_id: string }>`
      SELECT customer_id FROM (
        SELECT customer_id FROM customer_names WHERE tsv @@ to_tsquery('simple', ${query}) OFFSET 0
      ) m LIMIT ${limit}`.execute(db)
    : await sql<{ customer_id: string }>`
      SELECT customer_id FROM (
        SELECT customer_id FROM customer_names WHERE ptsv @@ to_tsquery('simple', ${query}) OFFSET 0
      ) m LIMIT ${limit}`.execute(db);
  return r.rows.map((x) => x.customer_id);
}

/** Customers whose whole normalised name is `norm` (one seek on customers_name_norm). */
export function findByFullName(db: Executor, norm: string, limit: number) {
  return db
    .selectFrom('customers')
    .select('id')
    .where('name_norm', '=', norm)
    .where('merged_into_id', 'is', null)
    .limit(limit)
    .execute();
}

export async function accountsWithServices(db: Executor, customerId: string) {
  const accounts = await db
    .selectFrom('accounts')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('opened_at')
    .execute();
  const services = accounts.length
    ? await db
        .selectFrom('services')
        .selectAll()
        .where(
          'account_id',
          'in',
          accounts.map((a) => a.id),
        )
        .orderBy('created_at')
        .execute()
    : [];
  return accounts.map((a) => ({ account: a, services: services.filter((s) => s.account_id === a.id) }));
}
