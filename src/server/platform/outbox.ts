import type { Executor } from './db/index.ts';
import { newId } from './ids.ts';

/**
 * Domain events (`noun.verb`) are written in the same transaction as the change; realtime,
 * notifications and webhooks consume them after commit (later issues add the dispatcher).
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
