import { type Kysely, sql } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Routing (issue 14, point 2): queues per team, the officers' routing profiles (skills, languages,
 * capacity per channel), the items waiting to be offered and the offers. Two constraints carry the
 * correctness on one node or several: one open offer per item (a partial unique index) and a
 * per-person, per-channel load that is only ever raised by a conditional update below capacity.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('routing_queues')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // The team's id, or 'default' for cases without a team: one queue per team.
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('offer_timeout_seconds', 'integer', (c) => c.notNull())
    .addColumn('relax_after_seconds', 'integer')
    .addColumn('overflow_after_seconds', 'integer')
    .addColumn('overflow_queue_id', 'text', (c) => c.references('routing_queues.id'))
    .addColumn('calendar_id', 'text', (c) => c.references('business_calendars.id'))
    .addColumn('email_pull', t.bool, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('routing_profiles')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id'))
    .addColumn('languages', t.json, (c) => c.notNull())
    .addColumn('skills', t.json, (c) => c.notNull())
    // For the strategies: when the person last finished routed work, and was last offered some.
    .addColumn('last_ended_at', t.ts)
    .addColumn('last_offered_at', t.ts)
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('routing_capacity')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('capacity', 'integer', (c) => c.notNull())
    // Open offers plus accepted items not yet ended; raised only `where load < capacity`.
    .addColumn('load', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('routing_capacity_pk', ['user_id', 'channel'])
    .execute();

  await db.schema
    .createTable('routing_items')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('queue_id', 'text', (c) => c.notNull().references('routing_queues.id'))
    // 0 urgent … 3 low: the queue is served by priority, then age.
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('skills', t.json, (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('offered_to', 'text')
    .addColumn('assigned_to', 'text')
    .addColumn('declined_by', t.json, (c) => c.notNull())
    .addColumn('enqueued_at', t.ts, (c) => c.notNull())
    // When it entered its current queue (overflow counts from here).
    .addColumn('queued_at', t.ts, (c) => c.notNull())
    .addColumn('assigned_at', t.ts)
    .addColumn('ended_at', t.ts)
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  // One live item per case: enqueuing twice (an event seen twice) is the same item.
  await db.schema
    .createIndex('routing_items_live_case')
    .on('routing_items')
    .column('case_id')
    .unique()
    .where(sql.ref('state'), 'in', [sql.lit('waiting'), sql.lit('offered'), sql.lit('assigned')])
    .execute();
  await db.schema
    .createIndex('routing_items_waiting')
    .on('routing_items')
    .columns(['state', 'priority', 'enqueued_at', 'id'])
    .execute();
  // Is anything waiting on the channels someone has room on? (Asked by every pass: a seek, not a scan.)
  await db.schema
    .createIndex('routing_items_waiting_channel')
    .on('routing_items')
    .columns(['state', 'channel', 'queue_id'])
    .execute();
  await db.schema
    .createIndex('routing_items_queue_ended')
    .on('routing_items')
    .columns(['queue_id', 'ended_at'])
    .execute();

  await db.schema
    .createTable('routing_offers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('routing_items.id'))
    .addColumn('case_id', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('offered_at', t.ts, (c) => c.notNull())
    .addColumn('expires_at', t.ts, (c) => c.notNull())
    .addColumn('decided_at', t.ts)
    .execute();
  // Never offered to two officers at once, whatever node made the offer.
  await db.schema
    .createIndex('routing_offers_open_item')
    .on('routing_offers')
    .column('item_id')
    .unique()
    .where(sql.ref('state'), '=', sql.lit('open'))
    .execute();
  await db.schema
    .createIndex('routing_offers_user')
    .on('routing_offers')
    .columns(['user_id', 'state'])
    .execute();
}
