import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Measured at 1,000,000 cases (bench/workspace-scale.ts, SQLite): opening a case took 27 ms of CPU,
 * 24 of them in one statement — the customer's other open cases, most recently updated first. With
 * only (customer_id, created_at) to seek by customer, the planner walked the whole open set in
 * update order (cases_open_updated, ~14,600 rows) and filtered by customer. An index in the
 * statement's own shape seeks the customer and reads in order: a handful of rows at any volume.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, _t: ColumnTypes): Promise<void> {
  await db.schema
    .createIndex('cases_customer_open')
    .on('cases')
    .columns(['customer_id', 'is_open', 'updated_at', 'id'])
    .execute();
}
