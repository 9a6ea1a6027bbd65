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
  await emitMany(trx, at, [{ name, payload }]);
}

/**
 * Several events of one change in one statement (a chat line tells the widget and the desktops:
 * on PostgreSQL each statement is a round trip while the transaction holds its locks).
 */
export async function emitMany(
  trx: Executor,
  at: string,
  events: readonly { name: string; payload: Record<string, unknown> }[],
): Promise<void> {
  if (!events.length) return;
  await trx
    .insertInto('outbox')
    .values(
      events.map((e) => ({
        id: newId(),
        name: e.name,
        payload: JSON.stringify(e.payload),
        created_at: at,
        published_at: null,
      })),
    )
    .execute();
}
