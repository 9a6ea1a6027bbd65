import { type Kysely, sql } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Queues that do not grow with the years of closed cases behind them (issue 12):
 * - `is_open` and `queue_rank` are stored with each case (see cases/queue-order.ts), so the queue
 *   order and the open set are indexed columns rather than CASE expressions the planner cannot use.
 * - One index per scope — owner, team, department and the whole centre — returns a queue page
 *   already in order (no sort of the open set) and lets a count read only the open entries.
 * - "Due" and "last update" orders have their own open-set indexes.
 * - On PostgreSQL the case reference comes from a sequence: the old counter row was locked by every
 *   case creation until its commit, so creations queued behind one another.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .alterTable('cases')
    .addColumn('is_open', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('cases')
    .addColumn('queue_rank', 'integer', (c) => c.notNull().defaultTo(5))
    .execute();
  await sql`update cases set
      is_open = case when status in ('new', 'open', 'pending_customer', 'pending_action_party') then 1 else 0 end,
      queue_rank = (case priority when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end) * 2
        + (case criticality when 'highly_critical' then 0 else 1 end)`.execute(db);

  for (const name of ['cases_assignee', 'cases_team', 'cases_department', 'cases_status']) {
    await db.schema.dropIndex(name).execute();
  }
  const order = ['is_open', 'queue_rank', 'created_at', 'id'];
  await db.schema
    .createIndex('cases_q_assignee')
    .on('cases')
    .columns(['assignee_id', ...order])
    .execute();
  await db.schema
    .createIndex('cases_q_team')
    .on('cases')
    .columns(['team_id', ...order])
    .execute();
  await db.schema
    .createIndex('cases_q_department')
    .on('cases')
    .columns(['department_id', ...order])
    .execute();
  await db.schema.createIndex('cases_q_all').on('cases').columns(order).execute();
  await db.schema
    .createIndex('cases_open_due')
    .on('cases')
    .columns(['is_open', 'sla_due_at', 'id'])
    .execute();
  await db.schema
    .createIndex('cases_open_updated')
    .on('cases')
    .columns(['is_open', 'updated_at', 'id'])
    .execute();

  if (t.dialect === 'postgres') {
    const row = await db.selectFrom('counters').select('value').where('name', '=', 'case').executeTakeFirst();
    const start = Number(row?.value ?? 0) + 1;
    await sql`create sequence case_reference_seq start with ${sql.lit(start)}`.execute(db);
  }
}
