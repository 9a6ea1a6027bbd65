import type { Executor } from './db/index.ts';
import { newId } from './ids.ts';

/**
 * Domain events (`noun.verb`) are written in the same transaction as the change; after commit the
 * dispatcher (platform/realtime) publishes them as invalidations. The payload names the entity
 * (`id`, `version`) and, where the writer knows them, the rooms to tell: `teamIds`, `userIds`.
 * Reactions that must commit with the change (in this process) subscribe through events.ts instead.
 */
export async function emit(
  trx: Executor,
  at: string,
  name: string,
  payload: Record<string, unknown>,
): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({ id: newId(), name, payload: JSON.stringify(payload), created_at: at, published_at: null })
    .execute();
}
