import { type Kysely, sql } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Live SLA clocks and their history, durable timers, escalation rules and escalations,
 * notifications, and follow-up commitments.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .alterTable('sla_policies')
    .addColumn('pause_statuses', t.json, (c) => c.notNull().defaultTo('["pending_customer"]'))
    .execute();
  for (const col of ['next_update_due_at', 'sla_due_at', 'sla_warn_at']) {
    await db.schema.alterTable('cases').addColumn(col, t.ts).execute();
  }
  await db.schema
    .alterTable('cases')
    .addColumn('sla_paused', t.bool, (c) => c.notNull().defaultTo(false))
    .execute();
  // The mail dispatcher reads one event name; other events stay unpublished for later consumers.
  await db.schema
    .createIndex('outbox_by_name')
    .on('outbox')
    .columns(['name', 'published_at', 'id'])
    .execute();
  await db.schema.createIndex('cases_sla_due').on('cases').columns(['sla_due_at']).execute();
  await db.schema.createIndex('cases_sla_warn').on('cases').columns(['sla_warn_at']).execute();

  await db.schema
    .createTable('sla_clocks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('policy_id', 'text', (c) => c.notNull().references('sla_policies.id'))
    .addColumn('calendar_id', 'text', (c) => c.notNull().references('business_calendars.id'))
    .addColumn('target_minutes', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('cycle', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('elapsed_ms', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('running_since', t.ts)
    .addColumn('warn_at', t.ts)
    .addColumn('due_at', t.ts)
    .addColumn('started_at', t.ts, (c) => c.notNull())
    .addColumn('met_at', t.ts)
    .addColumn('breached_at', t.ts)
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addUniqueConstraint('sla_clocks_case_kind', ['case_id', 'kind'])
    .execute();

  await db.schema
    .createTable('sla_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('clock', 'text', (c) => c.notNull())
    .addColumn('cycle', 'integer', (c) => c.notNull())
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('at', t.ts, (c) => c.notNull())
    .addColumn('due_at', t.ts)
    .addColumn('elapsed_ms', 'bigint', (c) => c.notNull())
    .addColumn('data', t.json, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sla_events_case').on('sla_events').columns(['case_id', 'at']).execute();

  // One row per timer. A timer is fired in the same transaction that marks it done.
  await db.schema
    .createTable('timers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('due_at', t.ts, (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .addColumn('ref_id', 'text')
    .addColumn('rule_id', 'text')
    .addColumn('payload', t.json, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('fired_at', t.ts)
    .addColumn('fired_by', 'text')
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
  // Partial: only pending timers are ever looked up by due time, and marking one done then drops
  // it from the index instead of moving it within (half the write cost of a firing).
  await db.schema
    .createIndex('timers_due')
    .on('timers')
    .column('due_at')
    .where(sql.ref('state'), '=', sql.lit('pending'))
    .execute();
  await db.schema.createIndex('timers_ref').on('timers').column('ref_id').execute();

  await db.schema
    .createTable('escalation_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('active', t.bool, (c) => c.notNull().defaultTo(true))
    .addColumn('clock', 'text', (c) => c.notNull())
    .addColumn('offset_minutes', 'integer', (c) => c.notNull())
    .addColumn('conditions', t.json, (c) => c.notNull())
    .addColumn('actions', t.json, (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('escalations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('target_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('target_role', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('urgent', t.bool, (c) => c.notNull())
    .addColumn('rule_id', 'text')
    .addColumn('raised_at', t.ts, (c) => c.notNull())
    .addColumn('ack_due_at', t.ts)
    .addColumn('acknowledged_at', t.ts)
    .addColumn('acknowledged_by', 'text', (c) => c.references('users.id'))
    .addColumn('superseded_at', t.ts)
    .execute();
  await db.schema.createIndex('escalations_case').on('escalations').columns(['case_id']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .addColumn('escalation_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('urgent', t.bool, (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('read_at', t.ts)
    .execute();
  await db.schema
    .createIndex('notifications_user')
    .on('notifications')
    .columns(['user_id', 'read_at', 'created_at'])
    .execute();

  await db.schema
    .createTable('commitments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('officer_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('due_at', t.ts, (c) => c.notNull())
    .addColumn('remind_minutes', 'integer', (c) => c.notNull())
    .addColumn('note', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('completed_at', t.ts)
    .execute();
  await db.schema
    .createIndex('commitments_officer')
    .on('commitments')
    .columns(['officer_id', 'state', 'due_at'])
    .execute();
  await db.schema.createIndex('commitments_case').on('commitments').columns(['case_id']).execute();
}
