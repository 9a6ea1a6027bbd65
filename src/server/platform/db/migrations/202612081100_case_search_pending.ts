import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Cases whose search document is behind their chat lines (case-search.ts `later`): a web chat line
 * marks its case here in its transaction, and the scheduler rewrites the documents of the marked
 * cases a few at a time, once for all the lines since (`indexPending`), instead of in every line's
 * transaction. `since` is the first line not yet in the document; a mark goes once its document is
 * rewritten, in the same transaction.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('case_search_pending')
    .addColumn('case_id', 'text', (c) => c.primaryKey().references('cases.id'))
    .addColumn('since', t.ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('case_search_pending_since')
    .on('case_search_pending')
    .column('since')
    .execute();
}
