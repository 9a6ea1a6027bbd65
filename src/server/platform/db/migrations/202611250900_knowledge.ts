import { type Kysely, sql } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Owners and authors are null for what the system wrote (imports from the command line).
 *
 * The knowledge base: articles, their versions (draft → review → published), attachments, usage,
 * administrator-edited synonyms, the search vocabulary (for typo correction) and the full-text
 * index of published versions — FTS5 on SQLite, a weighted tsvector with GIN on PostgreSQL. Both
 * index the same pre-processed text (folded, stemmed in the application), so they agree on matches.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('kb_articles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('slug', t.key, (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('owner_id', 'text', (c) => c.references('users.id'))
    .addColumn('review_at', 'text')
    .addColumn('published_version_id', 'text')
    .addColumn('open_version_id', 'text')
    .addColumn('usage_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('kb_articles_status')
    .on('kb_articles')
    .columns(['status', 'updated_at'])
    .execute();

  await db.schema
    .createTable('kb_versions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) => c.notNull().references('kb_articles.id'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('category', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('answer', 'text')
    .addColumn('tags', t.json, (c) => c.notNull())
    .addColumn('change_note', 'text')
    .addColumn('author_id', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('submitted_at', t.ts)
    .addColumn('reviewed_by', 'text', (c) => c.references('users.id'))
    .addColumn('reviewed_at', t.ts)
    .addColumn('review_note', 'text')
    .addColumn('published_at', t.ts)
    .addUniqueConstraint('kb_versions_number', ['article_id', 'number'])
    .execute();

  await db.schema
    .createTable('kb_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) => c.notNull().references('kb_articles.id'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('data', t.dialect === 'sqlite' ? 'blob' : 'bytea', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kb_attachments_article').on('kb_attachments').column('article_id').execute();

  // One row per use: which article helped on which case/contact, and how (viewed, linked, answered).
  await db.schema
    .createTable('kb_usage')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) => c.notNull().references('kb_articles.id'))
    .addColumn('version_id', 'text')
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kb_usage_article').on('kb_usage').columns(['article_id', 'at']).execute();
  await db.schema.createIndex('kb_usage_case').on('kb_usage').column('case_id').execute();

  await db.schema
    .createTable('kb_synonyms')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('terms', t.json, (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();

  // Words of published articles as written (folded), their index term (stem), and in how many
  // articles each occurs: the dictionary that typo correction and word completion pick from.
  await db.schema
    .createTable('kb_terms')
    .addColumn('term', t.key, (c) => c.primaryKey())
    .addColumn('stem', 'text', (c) => c.notNull())
    .addColumn('df', 'integer', (c) => c.notNull())
    .execute();

  // What the search index holds for each published article, on both databases.
  await db.schema
    .createTable('kb_search')
    // An integer key of its own: FTS5 (external content) addresses documents by it, and SQLite may
    // renumber the implicit rowid of a table that has none.
    .addColumn('doc', t.dialect === 'sqlite' ? 'integer' : 'serial', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) => c.notNull().unique().references('kb_articles.id'))
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('title_terms', 'text', (c) => c.notNull())
    .addColumn('tag_terms', 'text', (c) => c.notNull())
    .addColumn('body_terms', 'text', (c) => c.notNull())
    .addColumn('plain', 'text', (c) => c.notNull())
    .addColumn('words', 'text', (c) => c.notNull())
    .addColumn('published_at', t.ts, (c) => c.notNull())
    .addColumn('usage_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  if (t.dialect === 'sqlite') {
    // External-content FTS5 over kb_search, kept in step by triggers.
    await sql`CREATE VIRTUAL TABLE kb_fts USING fts5(title_terms, tag_terms, body_terms, content='kb_search', content_rowid='doc', tokenize='unicode61')`.execute(
      db,
    );
    await sql`CREATE TRIGGER kb_search_ai AFTER INSERT ON kb_search BEGIN
      INSERT INTO kb_fts(rowid, title_terms, tag_terms, body_terms) VALUES (new.doc, new.title_terms, new.tag_terms, new.body_terms);
    END`.execute(db);
    await sql`CREATE TRIGGER kb_search_ad AFTER DELETE ON kb_search BEGIN
      INSERT INTO kb_fts(kb_fts, rowid, title_terms, tag_terms, body_terms) VALUES ('delete', old.doc, old.title_terms, old.tag_terms, old.body_terms);
    END`.execute(db);
    await sql`CREATE TRIGGER kb_search_au AFTER UPDATE OF title_terms, tag_terms, body_terms ON kb_search BEGIN
      INSERT INTO kb_fts(kb_fts, rowid, title_terms, tag_terms, body_terms) VALUES ('delete', old.doc, old.title_terms, old.tag_terms, old.body_terms);
      INSERT INTO kb_fts(rowid, title_terms, tag_terms, body_terms) VALUES (new.doc, new.title_terms, new.tag_terms, new.body_terms);
    END`.execute(db);
  } else {
    await sql`ALTER TABLE kb_search ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('simple', title_terms), 'A') ||
      setweight(to_tsvector('simple', tag_terms), 'B') ||
      setweight(to_tsvector('simple', body_terms), 'C')) STORED`.execute(db);
    await sql`CREATE INDEX kb_search_tsv ON kb_search USING gin (tsv)`.execute(db);
  }
  // Bumped on every change to the index or the synonyms: other processes reload their caches.
  await db.insertInto('counters').values({ name: 'kb.generation', value: 0 }).execute();
}
