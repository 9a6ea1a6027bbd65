import type { Kysely } from 'kysely';
import { isRegion, phoneKeys, type Region } from '../../../../shared/phone.ts';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Phone numbers are now read by libphonenumber (issue 14, SMS): a number from another country
 * written internationally ("+60 12-345 6789") is also found by its national forms ("012-345 6789",
 * "123456789"), and a number no country could have no longer gets an invented "65…" key. Numbers
 * of the default region keep exactly the keys they had. This re-keys the `phone` and
 * `service_number` rows of every customer whose keys differ, a page at a time, so search finds
 * every customer by the forms the search now derives from what is typed.
 *
 * The region is FRONTLINE_DEFAULT_REGION as the server reads it (default SG); changing it later is
 * a re-key of its own (the same computation), as changing FRONTLINE_PHONE_COUNTRY_CODE was before.
 */
const PAGE = 1000;

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, _t: ColumnTypes): Promise<void> {
  const raw = (process.env.FRONTLINE_DEFAULT_REGION ?? 'SG').trim().toUpperCase();
  const region: Region = isRegion(raw) ? raw : 'SG';
  let after = '';
  for (;;) {
    const customers: { id: string; phones: string | unknown[] | null }[] = await db
      .selectFrom('customers')
      .select(['id', 'phones'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (!customers.length) return;
    after = customers[customers.length - 1]!.id;
    const ids = customers.map((c) => c.id);
    const services: { customer_id: string; number: string }[] = await db
      .selectFrom('services')
      .innerJoin('accounts', 'accounts.id', 'services.account_id')
      .select(['accounts.customer_id as customer_id', 'services.number as number'])
      .where('accounts.customer_id', 'in', ids)
      .execute();
    const existing: { customer_id: string; kind: string; key: string }[] = await db
      .selectFrom('customer_lookup')
      .select(['customer_id', 'kind', 'key'])
      .where('customer_id', 'in', ids)
      .where('kind', 'in', ['phone', 'service_number'])
      .execute();
    const have = new Map<string, Set<string>>();
    for (const e of existing) {
      const k = `${e.customer_id}|${e.kind}`;
      if (!have.has(k)) have.set(k, new Set());
      have.get(k)!.add(e.key);
    }
    for (const c of customers) {
      const phones = (typeof c.phones === 'string' ? JSON.parse(c.phones) : (c.phones ?? [])) as {
        number: string;
      }[];
      const want: Record<'phone' | 'service_number', Set<string>> = {
        phone: new Set(phones.flatMap((p) => phoneKeys(p.number, region))),
        service_number: new Set(
          services.filter((s) => s.customer_id === c.id).flatMap((s) => phoneKeys(s.number, region)),
        ),
      };
      for (const kind of ['phone', 'service_number'] as const) {
        const old = have.get(`${c.id}|${kind}`) ?? new Set<string>();
        const next = want[kind];
        if (old.size === next.size && [...old].every((k) => next.has(k))) continue;
        await db
          .deleteFrom('customer_lookup')
          .where('customer_id', '=', c.id)
          .where('kind', '=', kind)
          .execute();
        if (next.size)
          await db
            .insertInto('customer_lookup')
            .values([...next].map((key) => ({ key, kind, customer_id: c.id })))
            .execute();
      }
    }
  }
}
