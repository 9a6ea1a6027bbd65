import { type Kysely, sql } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * The cases module's full-text index: one document per case — its subject, and its enquiry with every
 * note and customer-visible reply — FTS5 on SQLite (contentless: the text stays in cases and
 * case_notes), a tsvector with GIN on PostgreSQL. `doc` follows case creation, so "newest first" is
 * the index's own order on both databases. Both are fed the same folded, space-separated words.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('case_search')
    .addColumn('doc', t.dialect === 'sqlite' ? 'integer' : 'bigserial', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().unique().references('cases.id'))
    .execute();
  if (t.dialect === 'sqlite') {
    await sql`CREATE VIRTUAL TABLE case_fts USING fts5(subject, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`.execute(
      db,
    );
    // Subject words weigh more than words of the enquiry and notes.
    await sql`INSERT INTO case_fts(case_fts, rank) VALUES ('rank', 'bm25(3.0, 1.0)')`.execute(db);
  } else {
    await sql`ALTER TABLE case_search ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector`.execute(db);
    await sql`CREATE INDEX case_search_tsv ON case_search USING gin (tsv)`.execute(db);
  }
  // Index the cases that exist, oldest first (the same words the cases module writes: see case-search.ts).
  let after: { created_at: string; id: string } | undefined;
  for (;;) {
    let q = db
      .selectFrom('cases')
      .select(['id', 'created_at', 'subject', 'description'])
      .orderBy('created_at')
      .orderBy('id')
      .limit(500);
    if (after) {
      const a = after;
      q = q.where((eb) =>
        eb.or([
          eb('created_at', '>', a.created_at),
          eb.and([eb('created_at', '=', a.created_at), eb('id', '>', a.id)]),
        ]),
      );
    }
    const rows = (await q.execute()) as {
      id: string;
      created_at: string;
      subject: string;
      description: string | null;
    }[];
    if (!rows.length) break;
    const notes = (await db
      .selectFrom('case_notes')
      .select(['case_id', 'body'])
      .where(
        'case_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('created_at')
      .execute()) as { case_id: string; body: string }[];
    const bodies = new Map<string, string[]>();
    for (const n of notes) bodies.set(n.case_id, [...(bodies.get(n.case_id) ?? []), n.body]);
    for (const r of rows) {
      const subject = fold(r.subject);
      const body = fold([r.description ?? '', ...(bodies.get(r.id) ?? [])].join(' '));
      if (t.dialect === 'sqlite') {
        const ins = await sql<{
          doc: number;
        }>`INSERT INTO case_search (case_id) VALUES (${r.id}) RETURNING doc`.execute(db);
        await sql`INSERT INTO case_fts (rowid, subject, body) VALUES (${ins.rows[0]!.doc}, ${subject}, ${body})`.execute(
          db,
        );
      } else {
        await sql`INSERT INTO case_search (case_id, tsv) VALUES (${r.id}, setweight(to_tsvector('simple', ${subject}), 'A') || to_tsvector('simple', ${body}))`.execute(
          db,
        );
      }
    }
    const last = rows.at(-1)!;
    after = { created_at: last.created_at, id: last.id };
  }
}

/** As of this migration: letters and digits, lower case, accents dropped, one space between words. */
function fold(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  ).join(' ');
}
