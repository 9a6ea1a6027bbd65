import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Files an officer attached in the composer before sending (issue 13, point 7). An upload belongs
 * to one case and one officer until a reply uses it: then it moves, with its id, to
 * `message_attachments` in the reply's transaction. `message_attachments.message_id` stays NOT NULL,
 * so a file there always has its message; what was uploaded and never sent is pruned after a day.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  const blob = t.dialect === 'sqlite' ? 'blob' : 'bytea';
  await db.schema
    .createTable('message_uploads')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('uploaded_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('data', blob, (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
  // The same file sent again by a retried upload is found here (and answered with the first).
  await db.schema
    .createIndex('message_uploads_case_user')
    .on('message_uploads')
    .columns(['case_id', 'uploaded_by', 'sha256'])
    .execute();
  await db.schema.createIndex('message_uploads_created').on('message_uploads').column('created_at').execute();
}
