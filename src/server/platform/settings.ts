import { type Actor, audit } from './audit.ts';
import type { Executor } from './db/index.ts';
import { parseJson } from './db/schema.ts';

/** A named setting's value, or the fallback while nobody has set it. */
export async function readSetting<T>(db: Executor, key: string, fallback: T): Promise<T> {
  const row = await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst();
  return row ? parseJson<T>(row.value, fallback) : fallback;
}

/** Store a setting and audit the change; call inside the write's transaction. */
export async function writeSetting<T>(
  trx: Executor,
  key: string,
  value: T,
  fallback: T,
  actor: Actor,
  at: string,
): Promise<void> {
  const before = await readSetting(trx, key, fallback);
  const json = JSON.stringify(value);
  const exists = await trx.selectFrom('settings').select('key').where('key', '=', key).executeTakeFirst();
  if (exists) {
    await trx
      .updateTable('settings')
      .set({ value: json, updated_at: at, updated_by: actor.userId })
      .where('key', '=', key)
      .execute();
  } else {
    await trx
      .insertInto('settings')
      .values({ key, value: json, updated_at: at, updated_by: actor.userId })
      .execute();
  }
  await audit(trx, {
    at,
    actor,
    entityType: 'setting',
    entityId: key,
    action: 'setting.updated',
    before,
    after: value,
  });
}
