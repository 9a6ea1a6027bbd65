import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Merging duplicate cases (issue 12): the duplicate points at the case kept, and the kept case lists
 * the duplicates merged into it (by this index).
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, _t: ColumnTypes): Promise<void> {
  await db.schema.alterTable('cases').addColumn('merged_into_id', 'text').execute();
  await db.schema.createIndex('cases_merged_into').on('cases').columns(['merged_into_id']).execute();
}
