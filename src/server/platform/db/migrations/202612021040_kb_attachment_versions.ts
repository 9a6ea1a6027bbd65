import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Attachments go through review like the text: each belongs to the version it was added to and is
 * shown to readers (and the public) only once that version is published. Files attached before this
 * migration keep `version_id` null and stay as they were: already visible.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, _t: ColumnTypes): Promise<void> {
  await db.schema
    .alterTable('kb_attachments')
    .addColumn('version_id', 'text', (c) => c.references('kb_versions.id'))
    .execute();
}
