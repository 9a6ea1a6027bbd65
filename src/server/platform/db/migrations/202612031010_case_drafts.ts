import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * The reply or note an officer is writing on a case, kept on the server (issue 12: drafts kept):
 * it survives a reload, another browser, a crash — and is theirs alone. One per officer per case.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('case_drafts')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('case_drafts_pk', ['case_id', 'user_id'])
    .execute();
}
