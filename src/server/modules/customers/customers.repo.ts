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

/** Customers having a name word that starts with `prefix`, optionally within a candidate set. */
export function findByNamePrefix(db: Executor, prefix: string, within: string[] | null, limit: number) {
  let q = db
    .selectFrom('customer_lookup')
    .select(['customer_id', 'key'])
    .where('kind', '=', 'name')
    .where('key', '>=', prefix)
    .where('key', '<', `${prefix}\uffff`);
  if (within) q = q.where('customer_id', 'in', within);
  return q.limit(limit).execute();
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
