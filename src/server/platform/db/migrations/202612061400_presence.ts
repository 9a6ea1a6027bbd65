import { randomUUID } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Presence (issue 14, point 1): each person's current state, the history of states (the raw
 * material of adherence reports) and the administrator's list of break reasons. A reason is never
 * deleted (history points at it); it is renamed or switched off.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('presence_reasons')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('active', t.bool, (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('presence_reasons_name')
    .on('presence_reasons')
    .column('name')
    .unique()
    .execute();

  await db.schema
    .createTable('presence_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    // The person's team when the stint began: adherence is reported per team as it was that day.
    .addColumn('team_id', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason_id', 'text', (c) => c.references('presence_reasons.id'))
    .addColumn('started_at', t.ts, (c) => c.notNull())
    .addColumn('ended_at', t.ts)
    .addColumn('set_by', 'text', (c) => c.notNull())
    .addColumn('set_by_user_id', 'text')
    .execute();
  // A day of a team: closed stints are cut at the centre's midnight, so they all start that day...
  await db.schema
    .createIndex('presence_history_team_day')
    .on('presence_history')
    .columns(['team_id', 'started_at'])
    .execute();
  await db.schema
    .createIndex('presence_history_user')
    .on('presence_history')
    .columns(['user_id', 'started_at'])
    .execute();
  // ...and the open ones (one a person) are found here, whenever they began.
  await db.schema
    .createIndex('presence_history_open')
    .on('presence_history')
    .column('team_id')
    .where(sql.ref('ended_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('presence_states')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('reason_id', 'text', (c) => c.references('presence_reasons.id'))
    .addColumn('since', t.ts, (c) => c.notNull())
    .addColumn('set_by', 'text', (c) => c.notNull())
    .addColumn('set_by_user_id', 'text')
    .addColumn('history_id', 'text', (c) => c.notNull())
    /** After-contact work: when the system returns the person to available. */
    .addColumn('until_at', t.ts)
    /** The last instant a desktop of this person was known connected (the offline grace). */
    .addColumn('seen_at', t.ts)
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();

  const at = new Date().toISOString();
  const reasons = ['Lunch', 'Training', 'Meeting', 'Coaching'];
  await db
    .insertInto('presence_reasons')
    .values(
      reasons.map((name, i) => ({
        id: randomUUID(),
        name,
        active: t.dialect === 'sqlite' ? 1 : true,
        position: i + 1,
        version: 1,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
}
