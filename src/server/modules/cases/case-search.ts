import { type Selectable, sql } from 'kysely';
import { type Ctx, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { CasesTable } from '../../platform/db/schema.ts';

/**
 * Full-text search over cases: one document per case — its subject, and its enquiry with every note
 * and customer-visible reply — in the database's own engine (FTS5 on SQLite, a tsvector with GIN on
 * PostgreSQL; migration 202612031400). Both are fed the same folded words (fold), so both databases
 * match the same cases. The document is rewritten in the transaction that changes the case's words
 * (reactions to `case.changed` and `case.note_added`, wired in app.ts), so a search never sees a
 * committed note missing or a rolled-back one present.
 *
 * Work per search is bounded whatever the number of cases: the engine first counts matches up to
 * RANKED + 1. Up to RANKED it ranks them itself (bm25 / ts_rank) and returns the best `limit`; past
 * that a word is too common for relevance to mean much, and ranking every match would grow with the
 * data, so the engine returns the newest `limit` in its index order (case creation order), stopping
 * as soon as it has them. Either way `total` is the exact count up to RANKED, else "more than
 * RANKED" (exact: false) — never a silently shortened list.
 */

/** A chat line's words join its case's document at most this long after it (see `later`). */
export const PENDING_DELAY_MS = 15_000;
/** Matches the engine ranks by relevance; past this many, newest first. */
export const RANKED = 1000;
/** Filters (owner, dates) that keep at most this many cases lead the search (see drive). */
const FEW = 200;
/** Other filters are checked on at most this many of the newest matches (see drive). */
export const WINDOW = 5000;
type Drive = 'words' | 'cases' | 'window';
/**
 * relevance: bm25 (SQLite) / ts_rank (PostgreSQL); subject_first: cases with every word in the subject,
 * newest first, then the others newest first; newest: case creation order.
 */
export type Order = 'relevance' | 'subject_first' | 'newest';
/** Words of a query that take part (more narrow nothing a person would type in a search box). */
const MAX_WORDS = 8;

export interface CaseSearchFilters {
  status?: string[] | undefined;
  type?: string | undefined;
  /** Created at or after this instant. */
  from?: string | undefined;
  /** Created before this instant. */
  to?: string | undefined;
  assigneeId?: string | undefined;
}

export type MatchedIn = 'reference' | 'subject' | 'enquiry' | 'note' | 'reply' | 'email';

/** Other words that belong to a case's document (its e-mails, issue 13), per case, oldest first. */
export type MoreText = (trx: Executor, caseIds: string[]) => Promise<Map<string, string[]>>;

export interface CaseHit {
  caseId: string;
  reference: string;
  subject: string;
  status: string;
  type: string;
  assigneeId: string | null;
  customerId: string | null;
  createdAt: string;
  /** Escaped, with <mark> around the query's words. */
  subjectHtml: string;
  /** Escaped, with <mark> around the query's words: the enquiry, note or reply where they are. */
  snippetHtml: string;
  matchedIn: MatchedIn;
}

export interface CaseSearchResult {
  /** The case the query names by reference (CS-000123, 000123, 123), if it exists and passes the filters. */
  reference: CaseHit | null;
  items: CaseHit[];
  /** How many cases match: exact when `exact`, else at least this many (more than RANKED). */
  total: number;
  exact: boolean;
  order: Order;
  /**
   * Null when every match was checked against the filters; else the filters were applied to this
   * many newest matches only (filters beyond an owner or dates with at most FEW cases, and words in
   * more than WINDOW cases): the answer says so rather than pretend to be complete.
   */
  window: number | null;
}

/** Letters and digits, lower case, accents dropped: what both engines index and are asked for. */
export function fold(s: string): string[] {
  return (
    s
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .match(/[\p{L}\p{N}]+/gu) ?? []
  );
}

/** `CS-000123`, `cs000123`, `000123`, `123` → `CS-000123`; anything else → null. */
export function parseReference(q: string): string | null {
  const m = /^\s*(?:cs\s*-?\s*)?(\d{1,9})\s*$/i.exec(q);
  if (!m) return null;
  const n = Number(m[1]);
  return n > 0 ? `CS-${String(n).padStart(6, '0')}` : null;
}

type CaseRow = Selectable<CasesTable>;

export class CaseSearch {
  private readonly ctx: Ctx;
  /** What the last search asked the engine: its queries and the order it chose (tests hold it to it). */
  lastWork = { engineQueries: 0, order: 'relevance' as Order };

  private readonly moreText: MoreText;

  constructor(ctx: Ctx, moreText: MoreText = async () => new Map()) {
    this.ctx = ctx;
    this.moreText = moreText;
  }

  private get dialect() {
    return this.ctx.store.dialect;
  }

  // ── index ──────────────────────────────────────────────────────────────────
  /** Reaction to `case.changed`: a new case, or its subject or enquiry changed. */
  async onCaseChanged(trx: Executor, before: CaseRow | null, after: CaseRow): Promise<void> {
    if (before && before.subject === after.subject && before.description === after.description) return;
    if (!before) return this.indexNew(trx, after);
    await this.reindex(trx, after.id);
  }

  /**
   * A case created in this transaction: no one else can see it yet, so it has no notes and no
   * document, and its row is the one in hand — one insert (two on SQLite), not a locked re-read.
   */
  private async indexNew(trx: Executor, c: CaseRow): Promise<void> {
    const subject = fold(c.subject).join(' ');
    const body = fold(c.description ?? '').join(' ');
    if (this.dialect === 'postgres') {
      await sql`INSERT INTO case_search (case_id, tsv) VALUES (${c.id}, ${tsv(subject, body)})`.execute(trx);
      return;
    }
    const { doc } = await trx
      .insertInto('case_search')
      .values({ case_id: c.id })
      .returning('doc')
      .executeTakeFirstOrThrow();
    await sql`INSERT INTO case_fts (rowid, subject, body) VALUES (${doc}, ${subject}, ${body})`.execute(trx);
  }

  /**
   * Rewrite one case's document from its rows, in the caller's transaction. The writers of a case
   * update its row before they publish, so on PostgreSQL the row lock orders two notes added at once:
   * the second reads the first's note once it commits (the FOR UPDATE below only makes that explicit).
   */
  async reindex(trx: Executor, caseId: string): Promise<void> {
    let q = trx.selectFrom('cases').select(['id', 'subject', 'description']).where('id', '=', caseId);
    // FOR NO KEY UPDATE, not FOR UPDATE: a concurrent note insert holds KEY SHARE on the case (its
    // foreign key), which FOR UPDATE waits for — while that writer waits for this one: a deadlock.
    if (this.dialect === 'postgres') q = q.forNoKeyUpdate();
    const c = await q.executeTakeFirst();
    if (c) await this.rewrite(trx, c);
  }

  /** The document of a case read (and on PostgreSQL locked) by the caller, from its rows now. */
  private async rewrite(
    trx: Executor,
    c: { id: string; subject: string; description: string | null },
  ): Promise<void> {
    const caseId = c.id;
    const notes = await trx
      .selectFrom('case_notes')
      .select('body')
      .where('case_id', '=', caseId)
      .orderBy('created_at')
      .execute();
    const more = (await this.moreText(trx, [caseId])).get(caseId) ?? [];
    const subject = fold(c.subject).join(' ');
    const body = fold([c.description ?? '', ...notes.map((n) => n.body), ...more].join(' ')).join(' ');
    if (this.dialect === 'postgres') {
      await sql`INSERT INTO case_search (case_id, tsv) VALUES (${caseId}, ${tsv(subject, body)})
        ON CONFLICT (case_id) DO UPDATE SET tsv = excluded.tsv`.execute(trx);
      return;
    }
    const had = await trx
      .selectFrom('case_search')
      .select('doc')
      .where('case_id', '=', caseId)
      .executeTakeFirst();
    let doc = had?.doc;
    if (doc === undefined) {
      const ins = await trx
        .insertInto('case_search')
        .values({ case_id: caseId })
        .returning('doc')
        .executeTakeFirstOrThrow();
      doc = ins.doc;
    } else await sql`DELETE FROM case_fts WHERE rowid = ${doc}`.execute(trx);
    await sql`INSERT INTO case_fts (rowid, subject, body) VALUES (${doc}, ${subject}, ${body})`.execute(trx);
  }

  /**
   * A web chat line joined the case (reaction to its `case.message_added`, app.ts): the case is
   * marked, and `indexPending` rewrites its document once for all the lines of the last
   * PENDING_DELAY_MS, instead of every line's transaction reading the case's newest 50 messages and
   * rewriting the whole document (1–2 ms of PostgreSQL CPU a line, growing with the chat). The mark
   * is an upsert that locks its row: a sweep deleting it either waits for this transaction and then
   * reads its line, or deleted it first and this inserts a new one. No line is left out.
   */
  async later(trx: Executor, caseId: string): Promise<void> {
    await trx
      .insertInto('case_search_pending')
      .values({ case_id: caseId, since: this.ctx.clock.now().toISOString() })
      // Keeps the first pending line's instant; updating the row is what takes its lock.
      .onConflict((oc) =>
        oc.column('case_id').doUpdateSet((eb) => ({ since: eb.ref('case_search_pending.since') })),
      )
      .execute();
  }

  /**
   * Rewrite the documents of the cases marked by `later` at least `delayMs` ago, a batch of cases a
   * transaction, until none is due (the scheduler calls this); returns how many. On PostgreSQL a
   * case locked by a writer, or a mark by a line not yet committed, is skipped and taken next time:
   * the sweep never waits on a chat while holding other cases, and two nodes share the marks.
   */
  async indexPending(opts: { delayMs?: number; batch?: number } = {}): Promise<number> {
    const delayMs = opts.delayMs ?? PENDING_DELAY_MS;
    // Few cases a transaction: a chat's next line waits at its case's lock until the transaction
    // ends, which takes long on a loaded machine. SQLite: one, since node:sqlite is synchronous
    // and a transaction holds the one writer and the event loop for its whole length.
    const batch = opts.batch ?? (this.dialect === 'postgres' ? 5 : 1);
    let n = 0;
    for (;;) {
      const due = new Date(this.ctx.clock.now().getTime() - delayMs).toISOString();
      const r = await tx(this.ctx, (trx) => this.indexSome(trx, due, batch));
      n += r.indexed;
      if (r.due < batch || r.indexed === 0) return n;
      // Requests and sockets get a turn between batches (on SQLite every await here is a microtask).
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private async indexSome(trx: Executor, due: string, batch: number) {
    const marks = await trx
      .selectFrom('case_search_pending')
      .select('case_id')
      .where('since', '<=', due)
      .orderBy('since')
      .limit(batch)
      .execute();
    if (!marks.length) return { due: 0, indexed: 0 };
    const ids = marks.map((m) => m.case_id);
    let q = trx.selectFrom('cases').select(['id', 'subject', 'description']).where('id', 'in', ids);
    // The same lock as reindex (a note's writer waits, or is waited for), but never waited on here.
    if (this.dialect === 'postgres') q = q.forNoKeyUpdate().skipLocked();
    const cases = await q.execute();
    if (!cases.length) return { due: marks.length, indexed: 0 };
    let taken = trx
      .selectFrom('case_search_pending')
      .select('case_id')
      .where(
        'case_id',
        'in',
        cases.map((c) => c.id),
      );
    // A mark locked by a line still in its transaction stays for the next sweep.
    if (this.dialect === 'postgres') taken = taken.forUpdate().skipLocked();
    const gone = await trx
      .deleteFrom('case_search_pending')
      .where('case_id', 'in', taken)
      .returning('case_id')
      .execute();
    const mine = new Set(gone.map((g) => g.case_id));
    for (const c of cases) if (mine.has(c.id)) await this.rewrite(trx, c);
    return { due: marks.length, indexed: mine.size };
  }

  /**
   * Index every case that has no document yet, oldest first, `batch` at a time; returns how many.
   * For data loaded around the service (the benchmark's generator, a restore).
   */
  async indexMissing(batch = 500): Promise<number> {
    const db = this.ctx.store.db;
    let n = 0;
    for (;;) {
      const cases = await db
        .selectFrom('cases as c')
        .leftJoin('case_search as s', 's.case_id', 'c.id')
        .select(['c.id', 'c.subject', 'c.description'])
        .where('s.doc', 'is', null)
        .orderBy('c.created_at')
        .orderBy('c.id')
        .limit(batch)
        .execute();
      if (!cases.length) return n;
      const notes = await db
        .selectFrom('case_notes')
        .select(['case_id', 'body'])
        .where(
          'case_id',
          'in',
          cases.map((c) => c.id),
        )
        .orderBy('created_at')
        .execute();
      const bodies = new Map<string, string[]>();
      for (const x of notes) bodies.set(x.case_id, [...(bodies.get(x.case_id) ?? []), x.body]);
      const more = await this.moreText(
        db,
        cases.map((c) => c.id),
      );
      for (const [id, texts] of more) bodies.set(id, [...(bodies.get(id) ?? []), ...texts]);
      const docs = cases.map((c) => ({
        caseId: c.id,
        subject: fold(c.subject).join(' '),
        body: fold([c.description ?? '', ...(bodies.get(c.id) ?? [])].join(' ')).join(' '),
      }));
      await db.transaction().execute(async (trx) => {
        if (this.dialect === 'postgres') {
          await sql`INSERT INTO case_search (case_id, tsv) VALUES ${sql.join(
            docs.map((d) => sql`(${d.caseId}, ${tsv(d.subject, d.body)})`),
          )}`.execute(trx);
          return;
        }
        // One at a time keeps doc in creation order; SQLite does these in microseconds.
        for (const d of docs) {
          const ins = await trx
            .insertInto('case_search')
            .values({ case_id: d.caseId })
            .returning('doc')
            .executeTakeFirstOrThrow();
          await sql`INSERT INTO case_fts (rowid, subject, body) VALUES (${ins.doc}, ${d.subject}, ${d.body})`.execute(
            trx,
          );
        }
      });
      n += cases.length;
    }
  }

  // ── query ──────────────────────────────────────────────────────────────────
  async search(query: string, filters: CaseSearchFilters, limit: number): Promise<CaseSearchResult> {
    const work = { engineQueries: 0, order: 'relevance' as Order };
    this.lastWork = work;
    const ref = parseReference(query);
    const reference = ref ? await this.byReference(ref, filters) : null;
    const words = [...new Set(fold(query))].slice(0, MAX_WORDS);
    if (!words.length)
      return { reference, items: [], total: 0, exact: true, order: 'relevance', window: null };

    const drive = await this.drive(words, filters, work);
    work.engineQueries++;
    const found = await this.count(words, filters, drive);
    const exact = found <= RANKED;
    // bm25 reads each word's whole doclist for its statistics, once per document looked up by rowid:
    // when the filters lead, their (few) cases come newest first instead.
    work.order = !exact || drive !== 'words' ? 'newest' : await this.rankable(words, work);
    work.engineQueries++;
    const ids = found ? await this.matches(words, filters, limit, work.order, drive) : [];
    const items = await this.hits(ids, words);
    return {
      reference,
      items,
      total: Math.min(found, RANKED),
      exact: exact && drive !== 'window',
      order: work.order,
      window: drive === 'window' ? WINDOW : null,
    };
  }

  private async byReference(reference: string, f: CaseSearchFilters): Promise<CaseHit | null> {
    const c = await this.filtered(this.ctx.store.db.selectFrom('cases as c').selectAll('c'), f)
      .where('c.reference', '=', reference)
      .executeTakeFirst();
    if (!c) return null;
    return { ...present(c), subjectHtml: escapeHtml(c.subject), snippetHtml: '', matchedIn: 'reference' };
  }

  /** The filters, on the live case row (status and owner change without the words changing). */
  // biome-ignore lint/suspicious/noExplicitAny: one filter for the several query shapes below
  private filtered<Q extends { where: (...a: any[]) => Q }>(q: Q, f: CaseSearchFilters): Q {
    let out = q;
    if (f.status?.length) out = out.where('c.status', 'in', f.status);
    if (f.type) out = out.where('c.type', '=', f.type);
    if (f.assigneeId) out = out.where('c.assignee_id', '=', f.assigneeId);
    if (f.from) out = out.where('c.created_at', '>=', f.from);
    if (f.to) out = out.where('c.created_at', '<', f.to);
    return out;
  }

  private hasFilters(f: CaseSearchFilters): boolean {
    return Boolean(f.status?.length || f.type || f.assigneeId || f.from || f.to);
  }

  /**
   * Which side leads. The engine walks a word's matches and each is checked against the
   * filters: quick while most pass, but an owner or a few days among a common word's matches would
   * mean walking all of them. When the owner or dates (both indexed on cases) keep at most FEW cases,
   * those lead instead, and FTS5 tests each case's document by rowid (~0.1 ms each). Otherwise, when
   * the words are in more than WINDOW cases, the filters are applied to the newest WINDOW of them and
   * the answer says so (window). The same on PostgreSQL, whose planner would otherwise walk the
   * primary key backwards or read every match of a common word from the GIN index.
   */
  private async drive(
    words: string[],
    f: CaseSearchFilters,
    work: { engineQueries: number },
  ): Promise<Drive> {
    if (!this.hasFilters(f)) return 'words';
    const db = this.ctx.store.db;
    if (f.assigneeId || f.from || f.to) {
      work.engineQueries++;
      const inner = this.filtered(db.selectFrom('cases as c'), f)
        .select(sql`1`.as('one'))
        .limit(FEW + 1);
      const r = await db
        .selectFrom(inner.as('m'))
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      if (Number(r.n) <= FEW) return 'cases';
    }
    work.engineQueries++;
    return (await this.count(words, {}, 'words', WINDOW + 1)) > WINDOW ? 'window' : 'words';
  }

  /**
   * bm25's statistics read each word's whole doclist: affordable while every word is in at most
   * RANKED documents (each counted up to RANKED + 1, by the engine). A common word among rare ones
   * would make that grow with the data, so the order is then subject matches first, newest first —
   * two walks in index order that stop at `limit`. ts_rank reads only the matching rows' vectors.
   */
  private async rankable(words: string[], work: { engineQueries: number }): Promise<Order> {
    if (this.dialect !== 'sqlite' || words.length < 2) return 'relevance';
    for (const w of words) {
      work.engineQueries++;
      if ((await this.count([w], {}, 'words')) > RANKED) return 'subject_first';
    }
    return 'relevance';
  }

  /** Every word must match; up to RANKED + 1 matches are counted (the engine stops there). */
  private async count(
    words: string[],
    f: CaseSearchFilters,
    drive: Drive,
    cap = RANKED + 1,
  ): Promise<number> {
    const inner = this.base(words, f, drive).select(sql`1`.as('one')).limit(cap);
    const r = await this.ctx.store.db
      .selectFrom(inner.as('m'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  private async matches(
    words: string[],
    f: CaseSearchFilters,
    limit: number,
    order: Order,
    drive: Drive,
  ): Promise<string[]> {
    if (order === 'subject_first') {
      const head = await this.base(words, f, drive, 'subject')
        .select('s.case_id')
        .orderBy(sql`f.rowid`, 'desc')
        .limit(limit)
        .execute();
      const first = head.map((r) => r.case_id);
      if (first.length >= limit) return first;
      const rest = await this.base(words, f, drive)
        .select('s.case_id')
        .orderBy(sql`f.rowid`, 'desc')
        .limit(limit + first.length)
        .execute();
      const seen = new Set(first);
      return [...first, ...rest.map((r) => r.case_id).filter((id) => !seen.has(id))].slice(0, limit);
    }
    let q = this.base(words, f, drive).select('s.case_id').limit(limit);
    if (this.dialect === 'sqlite' && drive !== 'words') {
      // Not f.rowid: asked for an order, FTS5 would read the word's whole doclist backwards per case.
      q = q.orderBy('s.doc', 'desc');
    } else if (this.dialect === 'sqlite') {
      q =
        order === 'relevance'
          ? q.orderBy(sql`f.rank`).orderBy(sql`f.rowid`, 'desc')
          : q.orderBy(sql`f.rowid`, 'desc');
    } else {
      q =
        order === 'relevance'
          ? q
              .orderBy(sql`ts_rank(s.tsv, to_tsquery('simple', ${tsquery(words)}))`, 'desc')
              .orderBy('s.doc', 'desc')
          : q.orderBy('s.doc', 'desc');
    }
    return (await q.execute()).map((r) => r.case_id);
  }

  /** The matching documents, joined to their cases only when there are filters. */
  private base(words: string[], f: CaseSearchFilters, drive: Drive, columns = '{subject body}') {
    const db = this.ctx.store.db;
    const joined = this.hasFilters(f);
    if (this.dialect === 'sqlite') {
      // Words are letters and digits only (fold), so quoting each is the whole escaping FTS5 needs.
      const match = `${columns} : (${words.map((w) => `"${w}"`).join(' AND ')})`;
      if (drive === 'cases') {
        // CROSS JOIN fixes SQLite's join order: the filtered cases, their documents, then the match.
        return this.filtered(
          db
            .selectFrom('cases as c')
            .crossJoin('case_search as s')
            .crossJoin(sql<{ rowid: number; rank: number }>`case_fts`.as('f'))
            .where(sql<boolean>`s.case_id = c.id`)
            .where(sql<boolean>`f.rowid = s.doc`)
            .where(sql<boolean>`case_fts MATCH ${match}`),
          f,
        );
      }
      // window: the newest WINDOW matches, in the engine's own order, then their cases and the filters.
      const from =
        drive === 'window'
          ? sql<{
              rowid: number;
              rank: number;
            }>`(SELECT rowid AS rowid FROM case_fts WHERE case_fts MATCH ${match} ORDER BY rowid DESC LIMIT ${WINDOW})`
          : sql<{ rowid: number; rank: number }>`case_fts`;
      let q = db
        .selectFrom(from.as('f'))
        .innerJoin('case_search as s', (j) => j.on(sql<boolean>`s.doc = f.rowid`));
      if (drive !== 'window') q = q.where(sql<boolean>`case_fts MATCH ${match}`);
      if (joined) q = this.filtered(q.innerJoin('cases as c', 'c.id', 's.case_id'), f) as typeof q;
      return q;
    }
    const matching = sql<boolean>`s.tsv @@ to_tsquery('simple', ${tsquery(words)})`;
    let q = db.selectFrom('case_search as s').where(matching);
    if (drive === 'cases') {
      // OFFSET 0 keeps the planner from merging the filtered cases into the join: they lead.
      const fc = this.filtered(db.selectFrom('cases as c').select('c.id'), f).offset(0);
      return db
        .selectFrom(fc.as('fc'))
        .innerJoin('case_search as s', 's.case_id', 'fc.id')
        .where(matching) as unknown as typeof q;
    }
    if (drive === 'window') {
      const win = db
        .selectFrom('case_search as w')
        .select(['w.doc', 'w.case_id'])
        .where(sql<boolean>`w.tsv @@ to_tsquery('simple', ${tsquery(words)})`)
        .orderBy('w.doc', 'desc')
        .limit(WINDOW);
      return this.filtered(
        db.selectFrom(win.as('s')).innerJoin('cases as c', 'c.id', 's.case_id'),
        f,
      ) as unknown as typeof q;
    }
    if (joined) q = this.filtered(q.innerJoin('cases as c', 'c.id', 's.case_id'), f) as typeof q;
    return q;
  }

  /** The hits in the order given, each with its subject and the passage where the words are, marked. */
  private async hits(ids: string[], words: string[]): Promise<CaseHit[]> {
    if (!ids.length) return [];
    const db = this.ctx.store.db;
    const [cases, notes, more] = await Promise.all([
      db.selectFrom('cases').selectAll().where('id', 'in', ids).execute(),
      db
        .selectFrom('case_notes')
        .select(['case_id', 'visibility', 'body'])
        .where('case_id', 'in', ids)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute(),
      this.moreText(db, ids),
    ]);
    const byId = new Map(cases.map((c) => [c.id, c]));
    const notesOf = new Map<string, { visibility: string; body: string }[]>();
    for (const n of notes) notesOf.set(n.case_id, [...(notesOf.get(n.case_id) ?? []), n]);
    const want = new Set(words);
    const out: CaseHit[] = [];
    for (const id of ids) {
      const c = byId.get(id);
      if (!c) continue;
      // Where the words are: the enquiry, then the newest note or reply that has one.
      const pieces: { text: string; where: MatchedIn }[] = [
        { text: c.description ?? '', where: 'enquiry' },
        ...(notesOf.get(id) ?? []).map((n) => ({
          text: n.body,
          where: (n.visibility === 'public' ? 'reply' : 'note') as MatchedIn,
        })),
        ...[...(more.get(id) ?? [])].reverse().map((text) => ({ text, where: 'email' as MatchedIn })),
      ];
      const piece = pieces.find((p) => fold(p.text).some((w) => want.has(w)));
      out.push({
        ...present(c),
        subjectHtml: highlight(c.subject, want, Number.POSITIVE_INFINITY),
        snippetHtml: highlight(piece?.text ?? c.description ?? '', want, 24),
        matchedIn: piece?.where ?? 'subject',
      });
    }
    return out;
  }
}

function present(c: CaseRow) {
  return {
    caseId: c.id,
    reference: c.reference,
    subject: c.subject,
    status: c.status,
    type: c.type,
    assigneeId: c.assignee_id,
    customerId: c.customer_id,
    createdAt: c.created_at,
  };
}

/** The PostgreSQL document: subject words weigh A (ts_rank), the rest D. */
const tsv = (subject: string, body: string) =>
  sql`setweight(to_tsvector('simple', ${subject}), 'A') || to_tsvector('simple', ${body})`;

/** Every word (letters and digits only, from fold): nothing for to_tsquery to misread. */
const tsquery = (words: string[]) => words.join(' & ');

export const escapeHtml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

/**
 * The text escaped, with <mark> around each word whose folded form is one of `words`; at most `width`
 * words, starting a few before the first mark, with … where it was cut.
 */
export function highlight(text: string, words: Set<string>, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  // Alternating: gap, word, gap, word, …, gap.
  const parts = flat.split(/([\p{L}\p{N}\p{M}]+)/u);
  const wordAt: number[] = [];
  for (let i = 1; i < parts.length; i += 2) wordAt.push(i);
  const marked = (i: number) => fold(parts[i] as string).some((w) => words.has(w));
  let start = 0;
  if (Number.isFinite(width) && wordAt.length > width) {
    const first = wordAt.findIndex(marked);
    start = Math.max(0, Math.min(first - 4, wordAt.length - width));
  }
  const end = Number.isFinite(width) ? Math.min(wordAt.length, start + width) : wordAt.length;
  const from = start > 0 ? (wordAt[start] as number) : 0;
  const to = end < wordAt.length ? (wordAt[end] as number) : parts.length;
  let out = '';
  for (let i = from; i < to; i++) {
    const p = parts[i] as string;
    out += i % 2 === 1 && marked(i) ? `<mark>${escapeHtml(p)}</mark>` : escapeHtml(p);
  }
  return `${start > 0 ? '… ' : ''}${out.trim()}${end < wordAt.length ? ' …' : ''}`;
}
