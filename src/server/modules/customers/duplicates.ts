import type { Static } from 'typebox';
import type { DuplicateCheck, DuplicateHolderDto } from '../../../shared/contracts/customers.ts';
import type { Region } from '../../../shared/phone.ts';
import type { Executor } from '../../platform/db/index.ts';
import { presentHit } from './customers.present.ts';
import { emailKey, identifierKey, phoneKeys } from './normalize.ts';

type Check = Static<typeof DuplicateCheck>;

/**
 * Who already holds an ID number, phone or e-mail being registered, through the lookup index
 * (one seek a value). Phones are compared in every form a caller may quote, as the search does.
 */
export async function findHolders(
  db: Executor,
  input: Check,
  region: Region,
  unmasked: boolean,
): Promise<DuplicateHolderDto[]> {
  const wanted: { field: DuplicateHolderDto['field']; value: string; kinds: string[]; keys: string[] }[] = [];
  if (input.idNumber)
    wanted.push({
      field: 'idNumber',
      value: input.idNumber,
      kinds: ['id_number'],
      keys: [identifierKey(input.idNumber)],
    });
  for (const p of input.phones ?? [])
    wanted.push({
      field: 'phones',
      value: p,
      kinds: ['phone', 'service_number'],
      keys: phoneKeys(p, region),
    });
  for (const e of input.emails ?? [])
    wanted.push({ field: 'emails', value: e, kinds: ['email'], keys: [emailKey(e)] });
  const allKeys = [...new Set(wanted.flatMap((w) => w.keys))].filter(Boolean);
  if (!allKeys.length) return [];
  const rows = await db
    .selectFrom('customer_lookup')
    .select(['key', 'kind', 'customer_id'])
    .where('key', 'in', allKeys)
    .where('kind', '!=', 'name')
    .limit(500)
    .execute();
  const pairs: { w: (typeof wanted)[number]; customerId: string }[] = [];
  for (const w of wanted) {
    const ids = new Set(
      rows
        .filter((r) => w.kinds.includes(r.kind) && w.keys.includes(r.key) && r.customer_id !== input.exceptId)
        .map((r) => r.customer_id),
    );
    for (const customerId of ids) pairs.push({ w, customerId });
  }
  if (!pairs.length) return [];
  const customers = await db
    .selectFrom('customers')
    .select(['id', 'display_name', 'id_number', 'phones'])
    .where(
      'id',
      'in',
      pairs.map((p) => p.customerId),
    )
    .execute();
  const byId = new Map(customers.map((c) => [c.id, c]));
  return pairs
    .filter((p) => byId.has(p.customerId))
    .map((p) => ({
      field: p.w.field,
      value: p.w.value,
      customer: presentHit(byId.get(p.customerId)!, unmasked, null, null),
    }));
}
