import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('sla_policies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('active', t.bool, (c) => c.notNull().defaultTo(true))
    .addColumn('calendar_id', 'text', (c) => c.notNull().references('business_calendars.id'))
    .addColumn('conditions', t.json, (c) => c.notNull())
    .addColumn('first_response_minutes', 'integer')
    .addColumn('next_update_minutes', 'integer')
    .addColumn('resolution_minutes', 'integer')
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema.alterTable('cases').addColumn('sla_policy_id', 'text').execute();
  await db.schema.alterTable('cases').addColumn('first_response_due_at', t.ts).execute();
  await db.schema.alterTable('cases').addColumn('resolution_due_at', t.ts).execute();
  await db.schema.createIndex('cases_resolution_due').on('cases').columns(['resolution_due_at']).execute();
}
