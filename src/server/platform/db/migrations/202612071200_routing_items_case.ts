import type { Kysely } from 'kysely';

/**
 * A case's routing items found by the case. The partial unique index on live items does not serve
 * `state in (?, ?, ?)` with bound values, so "is this case queued?" (asked on every new and changed
 * case) read every waiting item instead: 149 µs a case with 2,000 waiting, growing with the queue.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('routing_items_case')
    .on('routing_items')
    .columns(['case_id', 'state'])
    .execute();
}
