import { type Kysely, sql } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Customer records that can be merged, and a name search that stays correct and fast at any size
 * (issue 12):
 * - `merged_into_id`, `merged_at`: a merged (losing) record points to the one that won; reads of
 *   it answer with the winner, and it leaves the search.
 * - `customer_names`: each live customer's normalised name words, under the database's full-text
 *   engine (FTS5 on SQLite, a tsvector with GIN on PostgreSQL, as the knowledge base does). A
 *   search for several word prefixes intersects their posting lists, so every customer having all
 *   the words is found and the cost follows the words, never the table. It replaces the `name`
 *   rows of `customer_lookup`, whose prefix ranges had to be intersected row by row. The GIN
 *   indexes take writes directly (fastupdate off): customers change rarely and are searched on
 *   every call, and a pending list would be scanned by every search until vacuum merged it.
 * - `customers (name_norm)`: a full name typed as stored is found by one seek too.
 */
/** customers/normalize.ts namePrefixes as of this migration (a migration keeps its own copy). */
function namePrefixes(norm: string): string {
  const out = new Set<string>();
  for (const w of norm.split(' ').filter(Boolean)) {
    const chars = [...w];
    for (let i = 1; i <= chars.length; i++) out.add(chars.slice(0, i).join(''));
  }
  return [...out].join(' ');
}

// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .alterTable('customers')
    .addColumn('merged_into_id', 'text', (c) => c.references('customers.id'))
    .execute();
  await db.schema.alterTable('customers').addColumn('merged_at', t.ts).execute();
  await db.schema.createIndex('customers_name_norm').on('customers').column('name_norm').execute();

  await db.schema
    .createTable('customer_names')
    // An integer key of its own: FTS5 (external content) addresses documents by it, and SQLite may
    // renumber the implicit rowid of a table that has none.
    .addColumn('doc', t.dialect === 'sqlite' ? 'integer' : 'serial', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().unique().references('customers.id'))
    .addColumn('words', 'text', (c) => c.notNull())
    .addColumn('prefixes', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  if (t.dialect === 'sqlite') {
    // Prefix indexes for one to three letters: a short last word ("Tan Wei M") stays one lookup.
    await sql`CREATE VIRTUAL TABLE customer_names_fts USING fts5(words, content='customer_names', content_rowid='doc', tokenize='unicode61', prefix='1 2 3')`.execute(
      db,
    );
    await sql`CREATE TRIGGER customer_names_ai AFTER INSERT ON customer_names BEGIN
      INSERT INTO customer_names_fts(rowid, words) VALUES (new.doc, new.words);
    END`.execute(db);
    await sql`CREATE TRIGGER customer_names_ad AFTER DELETE ON customer_names BEGIN
      INSERT INTO customer_names_fts(customer_names_fts, rowid, words) VALUES ('delete', old.doc, old.words);
    END`.execute(db);
    await sql`CREATE TRIGGER customer_names_au AFTER UPDATE OF words ON customer_names BEGIN
      INSERT INTO customer_names_fts(customer_names_fts, rowid, words) VALUES ('delete', old.doc, old.words);
      INSERT INTO customer_names_fts(rowid, words) VALUES (new.doc, new.words);
    END`.execute(db);
  } else {
    await sql`ALTER TABLE customer_names ADD COLUMN tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', words)) STORED`.execute(
      db,
    );
    await sql`CREATE INDEX customer_names_tsv ON customer_names USING gin (tsv) WITH (fastupdate = off)`.execute(
      db,
    );
    // Word prefixes as words of their own (customers/normalize.ts namePrefixes): a prefix search
    // is exact lookups that GIN intersects quickly; partial matches (`tan:*`) collect every
    // posting of every matching word first, tens of milliseconds for common names.
    await sql`ALTER TABLE customer_names ADD COLUMN ptsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', prefixes)) STORED`.execute(
      db,
    );
    await sql`CREATE INDEX customer_names_ptsv ON customer_names USING gin (ptsv) WITH (fastupdate = off)`.execute(
      db,
    );
  }
  // Existing customers, in batches (the prefixes are computed here, as the app computes them).
  let after = '';
  for (;;) {
    const batch = await db
      .selectFrom('customers')
      .select(['id', 'name_norm'])
      .where('id', '>', after)
      .orderBy('id')
      .limit(1000)
      .execute();
    if (!batch.length) break;
    await db
      .insertInto('customer_names')
      .values(
        batch.map((c: { id: string; name_norm: string }) => ({
          customer_id: c.id,
          words: c.name_norm,
          prefixes: namePrefixes(c.name_norm),
        })),
      )
      .execute();
    after = batch[batch.length - 1].id;
  }
  await db.deleteFrom('customer_lookup').where('kind', '=', 'name').execute();
}
