import type { Selectable } from 'kysely';
import type { Executor } from '../../platform/db/index.ts';
import type { AccountsTable, CustomersTable, ServicesTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { emailKey, identifierKey, nameTokens, phoneKeys } from './normalize.ts';

export type LookupRow = { key: string; kind: string; customer_id: string };

/** Every key a caller might quote for this customer and their accounts. */
export function lookupKeys(
  c: Selectable<CustomersTable>,
  accounts: Selectable<AccountsTable>[],
  services: Selectable<ServicesTable>[],
  countryCode: string,
): LookupRow[] {
  const rows = new Map<string, LookupRow>();
  const add = (kind: string, key: string) => {
    if (key) rows.set(`${kind}|${key}`, { key, kind, customer_id: c.id });
  };
  for (const t of nameTokens(c.display_name)) add('name', t);
  if (c.id_number) add('id_number', identifierKey(c.id_number));
  for (const p of parseJson<{ number: string }[]>(c.phones, []))
    for (const k of phoneKeys(p.number, countryCode)) add('phone', k);
  for (const e of parseJson<string[]>(c.emails, [])) add('email', emailKey(e));
  for (const a of accounts) add('account_number', identifierKey(a.account_number));
  for (const s of services) for (const k of phoneKeys(s.number, countryCode)) add('service_number', k);
  return [...rows.values()];
}

export async function reindexCustomer(trx: Executor, customerId: string, countryCode: string): Promise<void> {
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
  const rows = lookupKeys(c, accounts, services, countryCode);
  if (rows.length) await trx.insertInto('customer_lookup').values(rows).execute();
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

const prefixEnd = (prefix: string) => `${prefix}\uffff`;

/**
 * How many name words start with each prefix, each counted no further than `cap`: the cost is
 * bounded by `cap` per word, never by the table, and tells which word is rarest.
 */
export async function namePrefixCounts(db: Executor, prefixes: string[], cap: number): Promise<number[]> {
  const counts = await Promise.all(
    prefixes.map((p) =>
      db
        .selectFrom((eb) =>
          eb
            .selectFrom('customer_lookup')
            .select('customer_id')
            .where('key', '>=', p)
            .where('key', '<', prefixEnd(p))
            .where('kind', '=', 'name')
            .limit(cap)
            .as('r'),
        )
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .executeTakeFirstOrThrow(),
    ),
  );
  return counts.map((c) => Number(c.n));
}

/**
 * Customers with, for every prefix, a name word starting with it. Walks the index range of
 * `driver` (pass the rarest word) and checks each other word with one seek on
 * (customer_id, kind, key): the cost is the driver's range, not the table. In key order, so
 * customers whose word equals the driver come first when `limit` cuts.
 */
export function findByNamePrefixes(db: Executor, driver: string, others: string[], limit: number) {
  let q = db
    .selectFrom('customer_lookup as a')
    .select(['a.customer_id', 'a.key'])
    .where('a.key', '>=', driver)
    .where('a.key', '<', prefixEnd(driver))
    .where('a.kind', '=', 'name');
  for (const t of others)
    q = q.where(({ exists, selectFrom, lit }) =>
      exists(
        selectFrom('customer_lookup as b')
          .select(lit(1).as('one'))
          .whereRef('b.customer_id', '=', 'a.customer_id')
          .where('b.kind', '=', 'name')
          .where('b.key', '>=', t)
          .where('b.key', '<', prefixEnd(t)),
      ),
    );
  return q.orderBy('a.key').orderBy('a.customer_id').limit(limit).execute();
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
