import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Measured at 200,000 cases (bench/workspace-scale.ts): a queue's counts still read every open case
 * row of the scope, and the merged-duplicates lookup walked the primary key on PostgreSQL. So:
 * - each scope's queue index also carries the columns the counts read (status, criticality and the
 *   SLA times), so a count is an index-only range over the open set, never the table;
 * - the merged-duplicates index is (merged_into_id, id), in the order the workspace reads it;
 * (migrateToLatest analyses the tables after migrating on PostgreSQL, so plans see the new columns.)
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, _t: ColumnTypes): Promise<void> {
  const order = ['is_open', 'queue_rank', 'created_at', 'id'];
  const covered = ['status', 'criticality', 'sla_warn_at', 'sla_due_at'];
  for (const [name, scope] of [
    ['cases_q_assignee', ['assignee_id']],
    ['cases_q_team', ['team_id']],
    ['cases_q_department', ['department_id']],
    ['cases_q_all', []],
  ] as const) {
    await db.schema.dropIndex(name).execute();
    await db.schema
      .createIndex(name)
      .on('cases')
      .columns([...scope, ...order, ...covered])
      .execute();
  }
  await db.schema.dropIndex('cases_merged_into').execute();
  await db.schema.createIndex('cases_merged_into').on('cases').columns(['merged_into_id', 'id']).execute();
}
