import type { Selectable } from 'kysely';
import type { Region } from '../../../shared/phone.ts';
import { type Actor, audit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { CustomersTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { AppError, fieldError, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/outbox.ts';
import { reindexCustomer } from './customers.repo.ts';
import { emailKey, phoneKeys } from './normalize.ts';

type Phone = { kind: string; number: string };

/**
 * The customers module's part of a merge, in the caller's transaction: the loser's accounts move
 * to the winner, the winner gains the loser's phones and e-mails it lacks (and its ID number if it
 * had none), the loser is marked merged and its lookup keys go (so search finds only the winner),
 * and both records get an audit row naming who, when and both ids. Idempotent: a loser already
 * merged into this winner answers `merged: false` and changes nothing.
 */
export async function mergeRecords(
  trx: Executor,
  m: { actor: Actor; at: string; winnerId: string; loserId: string; pathId: string; region: Region },
): Promise<{
  merged: boolean;
  mergedAt: string;
  accountsMoved: number;
  winner: Selectable<CustomersTable>;
}> {
  const rows = await trx
    .selectFrom('customers')
    .selectAll()
    .where('id', 'in', [m.winnerId, m.loserId])
    .execute();
  const winner = rows.find((r) => r.id === m.winnerId);
  const loser = rows.find((r) => r.id === m.loserId);
  const field = (which: string) => (which === m.pathId ? '/params/id' : '/body/otherCustomerId');
  for (const [row, rid] of [
    [winner, m.winnerId],
    [loser, m.loserId],
  ] as const) {
    if (!row)
      throw new AppError('customer.not_found', `No such customer: ${rid}`, {
        errors: [fieldError(field(rid), 'noSuchCustomer', 'no such customer')],
      });
  }
  if (!winner || !loser) throw notFound('customer.not_found');
  if (loser.merged_into_id === winner.id)
    return { merged: false, mergedAt: String(loser.merged_at), accountsMoved: 0, winner };
  for (const row of [winner, loser])
    if (row.merged_into_id)
      throw new AppError('customer.merged', `${row.display_name} was already merged into another record`, {
        errors: [
          fieldError(field(row.id), 'customerMergedInto', `was merged into ${row.merged_into_id}`, {
            id: String(row.merged_into_id),
          }),
        ],
        extra: { mergedIntoId: row.merged_into_id },
      });

  const moved = await trx
    .updateTable('accounts')
    .set({ customer_id: winner.id, updated_at: m.at })
    .where('customer_id', '=', loser.id)
    .returning('id')
    .execute();

  // Particulars the winner lacks, compared as the search compares them.
  const wPhones = parseJson<Phone[]>(winner.phones, []);
  const known = new Set(wPhones.flatMap((p) => phoneKeys(p.number, m.region)));
  const addPhones = parseJson<Phone[]>(loser.phones, []).filter(
    (p) => !phoneKeys(p.number, m.region).some((k) => known.has(k)),
  );
  const wEmails = parseJson<string[]>(winner.emails, []);
  const addEmails = parseJson<string[]>(loser.emails, []).filter(
    (e) => !wEmails.some((x) => emailKey(x) === emailKey(e)),
  );
  const takeId = !winner.id_number && !!loser.id_number;
  const next: Selectable<CustomersTable> = {
    ...winner,
    phones: JSON.stringify([...wPhones, ...addPhones].slice(0, 10)),
    emails: JSON.stringify([...wEmails, ...addEmails].slice(0, 10)),
    id_type: takeId ? loser.id_type : winner.id_type,
    id_number: takeId ? loser.id_number : winner.id_number,
    updated_at: m.at,
    version: winner.version + 1,
  };
  await trx
    .updateTable('customers')
    .set({
      // JSON text: a jsonb parameter on PostgreSQL, text on SQLite (as update() writes them).
      phones: next.phones as string,
      emails: next.emails as string,
      id_type: next.id_type,
      id_number: next.id_number,
      updated_at: next.updated_at,
      version: next.version,
    })
    .where('id', '=', winner.id)
    .execute();
  await trx
    .updateTable('customers')
    .set({ merged_into_id: winner.id, merged_at: m.at, updated_at: m.at, version: loser.version + 1 })
    .where('id', '=', loser.id)
    .execute();
  // The loser leaves the search; its ID number is free only because it now belongs to the winner.
  await trx.deleteFrom('customer_lookup').where('customer_id', '=', loser.id).execute();
  await trx.deleteFrom('customer_names').where('customer_id', '=', loser.id).execute();
  await reindexCustomer(trx, winner.id, m.region);

  const what = {
    winnerId: winner.id,
    loserId: loser.id,
    accountsMoved: moved.map((a) => a.id),
    phonesAdded: addPhones.map((p) => p.number),
    emailsAdded: addEmails,
    idNumberTaken: takeId,
  };
  for (const entityId of [winner.id, loser.id])
    await audit(trx, {
      at: m.at,
      actor: m.actor,
      entityType: 'customer',
      entityId,
      action: 'customer.merged',
      before: entityId === loser.id ? { mergedIntoId: null } : null,
      after: what,
    });
  await emit(trx, m.at, 'customer.merged', { id: winner.id, loserId: loser.id });
  return { merged: true, mergedAt: m.at, accountsMoved: moved.length, winner: next };
}
