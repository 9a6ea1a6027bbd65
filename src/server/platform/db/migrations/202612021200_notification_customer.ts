import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Notifications that can be acted on, and said once (issue 11, the bell):
 * - `customer_id`: a notice about a customer rather than a case (a verification locked after
 *   repeated mismatches) links to that customer's view.
 * - `topic`: what the notice announces (`sla.breach:<case>:<clock>:<due>`); a person hears of one
 *   topic once, so a breach told by the clocks and by an escalation rule at the breach is one item.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, _t: ColumnTypes): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('customer_id', 'text').execute();
  await db.schema.alterTable('notifications').addColumn('topic', 'text').execute();
  await db.schema
    .createIndex('notifications_user_topic')
    .on('notifications')
    .columns(['user_id', 'topic'])
    .execute();
}
