import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Saved queue views (issue 12): a person's own, or shared with a team by its leader. A view is a
 * filter and an order over the case list; its count is computed when asked, bounded.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('case_views')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.notNull().references('users.id'))
    // Set: shared with everyone in this team; null: the owner's own.
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('filters', t.json, (c) => c.notNull())
    .addColumn('sort', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('case_views_owner').on('case_views').columns(['owner_id']).execute();
  await db.schema.createIndex('case_views_team').on('case_views').columns(['team_id']).execute();
}
