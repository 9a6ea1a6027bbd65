import { sql } from 'kysely';
import type { Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { editDistance, isStop, stem, terms, words } from './text.ts';

/**
 * Knowledge search. The database's own engine finds the candidates (FTS5 on SQLite, a weighted
 * tsvector on PostgreSQL) over terms this module prepared; this module then ranks them with one
 * formula, so both databases give the same order. The query is understood here too: typos are
 * corrected against the vocabulary of published articles, synonym groups expand it, and the last
 * word is a prefix while the officer is still typing.
 */

/** How one query word (or synonym phrase) may match: any of its alternatives. */
export interface Slot {
  alts: Alt[];
}
export interface Alt {
  terms: string[];
  prefix: boolean;
  /** exact 1, synonym 0.9, prefix 0.8, typo 0.7: how much a hit on it is worth. */
  weight: number;
}

export interface SearchOptions {
  audience: 'internal' | 'public';
  limit: number;
  /** The last word is still being typed (as-you-type suggestions); default true. */
  prefix?: boolean;
  kinds?: string[] | undefined;
}

export interface SearchHit {
  articleId: string;
  versionId: string;
  title: string;
  kind: string;
  audience: string;
  score: number;
  /** HTML: escaped text with <mark> around the matched words. */
  titleHtml: string;
  snippetHtml: string;
  publishedAt: string;
  usageCount: number;
}

export interface Understood {
  slots: Slot[];
  /** Words corrected for typos: what the officer typed → what was searched. */
  corrected: Record<string, string>;
}

/** Documents the engine hands over for ranking, per step (see search). */
export const CANDIDATES = 200;
/** On PostgreSQL, words in more articles than this are "common" (see candidates). */
const PG_COMMON = 5000;
/** The synonyms changed: read them again (they are few) before using them. */
const STALE: string[][][] = [];
const TITLE = 3;
const TAGS = 2;
const BODY = 1;

type Where = 'head' | 'all';

type Row = {
  doc: number;
  article_id: string;
  version_id: string;
  title: string;
  kind: string;
  audience: string;
  title_terms: string;
  tag_terms: string;
  body_terms: string;
  published_at: string;
  usage_count: number;
};

/**
 * The words of published articles (folded, as written) with their index term and document
 * frequency, and a symmetric-delete index so that words within edit distance 1 are found without
 * scanning; distance 2 (long words) scans the words of the same initial. Built once from kb_terms,
 * then kept in step with this process's own writes (apply), so a publish costs a few words, not a
 * rebuild.
 */
class Vocabulary {
  readonly words = new Map<string, { stem: string; df: number }>();
  /** Per stem, the sum of its words' document frequencies: at least as many articles as have it. */
  private readonly stems = new Map<string, number>();
  private readonly deletes = new Map<string, string[]>();
  private readonly byInitial = new Map<string, string[]>();
  private readonly sorted: string[];
  constructor(rows: { term: string; stem: string; df: number }[]) {
    for (const r of rows) this.words.set(r.term, { stem: r.stem, df: r.df });
    this.sorted = [...this.words.keys()].sort();
    for (const w of this.sorted) this.link(w);
  }

  hasStem = (s: string) => this.stems.has(s);
  /** At most how many articles have the index term. */
  articlesWith = (s: string) => this.stems.get(s) ?? 0;
  private dfOf = (w: string) => this.words.get(w)?.df ?? 0;

  /** Document-frequency changes of one write, mirroring what countTerms did to kb_terms. */
  apply(changes: Map<string, number>): void {
    for (const [w, n] of changes) {
      const had = this.words.get(w);
      if (!had) {
        if (n <= 0) continue;
        this.words.set(w, { stem: stem(w), df: n });
        this.sorted.splice(this.lowerBound(w), 0, w);
        this.link(w);
      } else if (had.df + n <= 0) this.drop(w);
      else {
        had.df += n;
        this.count(had.stem, n);
      }
    }
  }

  private count(s: string, n: number): void {
    const v = (this.stems.get(s) ?? 0) + n;
    if (v > 0) this.stems.set(s, v);
    else this.stems.delete(s);
  }

  private link(w: string): void {
    const { stem: s, df } = this.words.get(w) as { stem: string; df: number };
    this.count(s, df);
    if (w.length < 3 || /\d/.test(w)) return;
    for (const d of deletions(w)) push(this.deletes, d, w);
    push(this.byInitial, w[0] as string, w);
  }

  /** A word no published article uses any more: gone from every index, so nothing corrects to it. */
  private drop(w: string): void {
    const { stem: s, df } = this.words.get(w) as { stem: string; df: number };
    this.count(s, -df);
    this.words.delete(w);
    this.sorted.splice(this.lowerBound(w), 1);
    if (w.length < 3 || /\d/.test(w)) return;
    for (const d of deletions(w)) pull(this.deletes, d, w);
    pull(this.byInitial, w[0] as string, w);
  }

  private lowerBound(p: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.sorted[mid] as string) < p) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Words that start with p, most frequent first. */
  withPrefix(p: string, max: number): string[] {
    const out: string[] = [];
    for (let i = this.lowerBound(p); i < this.sorted.length && out.length < 200; i++) {
      const t = this.sorted[i] as string;
      if (!t.startsWith(p)) break;
      out.push(t);
    }
    return out.sort((a, b) => this.dfOf(b) - this.dfOf(a) || (a < b ? -1 : 1)).slice(0, max);
  }

  /** Known words within edit distance 1 (2 for words of 8+ letters), closest then most frequent first. */
  near(word: string): string[] {
    if (word.length < 4 || /\d/.test(word)) return [];
    const max = word.length >= 8 ? 2 : 1;
    const found = new Map<string, number>();
    const consider = (t: string) => {
      if (found.has(t)) return;
      const d = editDistance(word, t, max);
      if (d <= max) found.set(t, d);
    };
    for (const d of [word, ...deletions(word)]) for (const t of this.deletes.get(d) ?? []) consider(t);
    if (this.words.has(word.slice(0, -1))) consider(word.slice(0, -1));
    if (max === 2) {
      for (const t of this.byInitial.get(word[0] as string) ?? [])
        if (Math.abs(t.length - word.length) <= 2) consider(t);
    }
    return [...found]
      .sort((a, b) => a[1] - b[1] || this.dfOf(b[0]) - this.dfOf(a[0]) || (a[0] < b[0] ? -1 : 1))
      .slice(0, 3)
      .map(([t]) => t);
  }
}

function push(m: Map<string, string[]>, k: string, v: string) {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}

function pull(m: Map<string, string[]>, k: string, v: string) {
  const list = m.get(k);
  const i = list ? list.indexOf(v) : -1;
  if (i < 0) return;
  if ((list as string[]).length === 1) m.delete(k);
  else (list as string[]).splice(i, 1);
}

function deletions(t: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.length; i++) out.push(t.slice(0, i) + t.slice(i + 1));
  return out;
}

interface Cache {
  generation: number;
  checkedAt: number;
  vocab: Vocabulary;
  synonyms: string[][][];
}

/**
 * A write of this process to the vocabulary or synonyms, not yet seen committed: the generations
 * it moved the counter across (from → to) and the document-frequency changes it made.
 */
interface Pending {
  trx: Executor;
  from: number;
  to: number;
  df: Map<string, number>;
  synonyms: boolean;
}

export class KnowledgeSearch {
  private readonly ctx: Ctx;
  private cache: Cache | undefined;
  private pending: Pending[] = [];
  /** Full vocabulary loads from kb_terms by this instance (tests check that publishing causes none). */
  loads = 0;
  /**
   * What the last search made the database do: engine queries and the rows read back for ranking.
   * Both are bounded whatever the corpus size (see search); the search-at-scale test holds them to it.
   */
  lastWork = { engineQueries: 0, ranked: 0 };

  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  // ── index ──────────────────────────────────────────────────────────────────
  /** Put a published version in the index (replacing the article's previous one). */
  async index(
    trx: Executor,
    doc: {
      articleId: string;
      versionId: string;
      audience: string;
      kind: string;
      title: string;
      tags: string[];
      plain: string;
      publishedAt: string;
      usageCount: number;
    },
  ): Promise<void> {
    const row = {
      article_id: doc.articleId,
      version_id: doc.versionId,
      audience: doc.audience,
      kind: doc.kind,
      title: doc.title,
      title_terms: terms(doc.title).join(' '),
      tag_terms: doc.tags.map((t) => terms(t).join(' ')).join(' '),
      body_terms: terms(doc.plain).join(' '),
      plain: doc.plain,
      words: [
        ...new Set(words(`${doc.title} ${doc.tags.join(' ')} ${doc.plain}`).filter((w) => !isStop(w))),
      ].join(' '),
      published_at: doc.publishedAt,
      usage_count: doc.usageCount,
    };
    const old = await this.remove(trx, doc.articleId, false);
    await trx.insertInto('kb_search').values(row).execute();
    await this.countTerms(trx, old, wordSet(row.words));
  }

  /** Take an article out of the index (archived, or a new version published). */
  async unindex(trx: Executor, articleId: string): Promise<void> {
    await this.remove(trx, articleId, true);
  }

  async setUsage(trx: Executor, articleId: string, usageCount: number): Promise<void> {
    await trx
      .updateTable('kb_search')
      .set({ usage_count: usageCount })
      .where('article_id', '=', articleId)
      .execute();
  }

  private async remove(trx: Executor, articleId: string, count: boolean): Promise<Set<string>> {
    const old = await trx
      .selectFrom('kb_search')
      .select(['words'])
      .where('article_id', '=', articleId)
      .executeTakeFirst();
    if (!old) return new Set();
    await trx.deleteFrom('kb_search').where('article_id', '=', articleId).execute();
    const set = wordSet(old.words);
    if (count) await this.countTerms(trx, set, new Set());
    return set;
  }

  /** Keep each term's document frequency: the typo corrector's dictionary. */
  private async countTerms(trx: Executor, before: Set<string>, after: Set<string>): Promise<void> {
    const gone = [...before].filter((t) => !after.has(t));
    const added = [...after].filter((t) => !before.has(t));
    for (let i = 0; i < gone.length; i += 500) {
      const chunk = gone.slice(i, i + 500);
      await trx
        .updateTable('kb_terms')
        .set((eb) => ({ df: eb('df', '-', 1) }))
        .where('term', 'in', chunk)
        .execute();
    }
    if (gone.length) await trx.deleteFrom('kb_terms').where('df', '<=', 0).execute();
    const df = new Map<string, number>();
    for (const t of gone) df.set(t, -1);
    for (let i = 0; i < added.length; i += 500) {
      await trx
        .insertInto('kb_terms')
        .values(added.slice(i, i + 500).map((term) => ({ term, stem: stem(term), df: 1 })))
        .onConflict((oc) => oc.column('term').doUpdateSet({ df: sql`kb_terms.df + 1` }))
        .execute();
    }
    for (const t of added) df.set(t, 1);
    await this.bump(trx, df);
  }

  /**
   * Move the generation on, so other processes reload; this one remembers what the write changed
   * (df changes, or the synonyms when none are given) to apply once it sees the write committed.
   */
  async bump(trx: Executor, df?: Map<string, number>): Promise<void> {
    // A random step rather than 1: a generation then names one write, so a write of ours that was
    // rolled back is not mistaken for another process's that committed the same number.
    const step = 1 + Math.floor(Math.random() * 2 ** 20);
    const row = await trx
      .updateTable('counters')
      .set((eb) => ({ value: eb('value', '+', step) }))
      .where('name', '=', 'kb.generation')
      .returning('value')
      .executeTakeFirstOrThrow();
    const to = Number(row.value);
    const from = to - step;
    // Within a transaction the counter's row stays locked, so its bumps follow one another.
    let p = this.pending.find((x) => x.trx === trx && x.to === from);
    if (!p) {
      p = { trx, from, to, df: new Map(), synonyms: false };
      this.pending.push(p);
    }
    p.to = to;
    if (!df) p.synonyms = true;
    for (const [t, n] of df ?? []) p.df.set(t, (p.df.get(t) ?? 0) + n);
  }

  // ── query ──────────────────────────────────────────────────────────────────
  /**
   * Vocabulary and synonyms as of the committed generation. This process's own writes are applied
   * to the cache as deltas; a full reload happens only on first use or when the generation moved
   * in a way those writes do not explain (another process wrote, or a write was rolled back).
   */
  private async state(): Promise<Cache> {
    const now = Date.now();
    // While a write of ours is outstanding, look every time: it should show as soon as it commits.
    const c = this.cache;
    if (c && c.synonyms !== STALE && !this.pending.length && now - c.checkedAt < 1000) return c;
    const generation = await this.generation();
    if (this.cache && this.catchUp(this.cache, generation)) {
      this.cache.checkedAt = now;
      if (this.cache.synonyms === STALE) this.cache.synonyms = await this.loadSynonyms();
      return this.cache;
    }
    const [rows, synonyms] = await Promise.all([
      this.ctx.store.db.selectFrom('kb_terms').select(['term', 'stem', 'df']).execute(),
      this.loadSynonyms(),
    ]);
    this.loads++;
    // A write that committed while loading may or may not be in what was read: then the cache's
    // generation is unknown (NaN), and the next search loads again.
    const consistent = (await this.generation()) === generation;
    this.cache = {
      generation: consistent ? generation : Number.NaN,
      checkedAt: consistent ? now : 0,
      vocab: new Vocabulary(rows),
      synonyms,
    };
    if (consistent) this.forget(generation);
    return this.cache;
  }

  private async generation(): Promise<number> {
    const row = await this.ctx.store.db
      .selectFrom('counters')
      .select('value')
      .where('name', '=', 'kb.generation')
      .executeTakeFirst();
    return Number(row?.value ?? 0);
  }

  private async loadSynonyms(): Promise<string[][][]> {
    const rows = await this.ctx.store.db.selectFrom('kb_synonyms').select('terms').execute();
    return rows.map((r) =>
      parseJson<string[]>(r.terms, [])
        .map((phrase) => terms(phrase))
        .filter((t) => t.length > 0),
    );
  }

  /**
   * Bring the cache to `generation` with this process's own writes, when exactly those lead there.
   * Synchronous, so two searches cannot both apply the same write.
   */
  private catchUp(cache: Cache, generation: number): boolean {
    const steps: Pending[] = [];
    for (let at = cache.generation; at !== generation; ) {
      const next = this.pending.filter((p) => p.from === at);
      // None: another process wrote. Two: ours, both from here, so one was rolled back; which one?
      const step = next.length === 1 ? next[0] : undefined;
      if (!step || step.to > generation) return false;
      steps.push(step);
      at = step.to;
    }
    for (const p of steps) {
      cache.vocab.apply(p.df);
      if (p.synonyms) cache.synonyms = STALE;
    }
    cache.generation = generation;
    this.forget(generation);
    return true;
  }

  /** Writes that started before `generation` are in it by now, or were rolled back. */
  private forget(generation: number): void {
    this.pending = this.pending.filter((p) => p.from >= generation);
  }

  /** What the query means: one slot per word or synonym phrase, each with its alternatives. */
  async understand(query: string, prefix = true): Promise<Understood> {
    return this.read(await this.state(), query, prefix);
  }

  private read({ vocab, synonyms }: Cache, query: string, prefix: boolean): Understood {
    const raw = words(query).filter((w) => !isStop(w));
    const typing = prefix && /[\p{L}\p{N}]$/u.test(query.trim()) && query.length > 0;
    const corrected: Record<string, string> = {};
    // One term per word: its stem when the articles have it; else, unless it is the word being typed
    // and some word starts with it, the stem of the closest word the articles use.
    const base = raw.map((w, i) => {
      const s = stem(w);
      if (vocab.hasStem(s)) return { word: w, term: s, fuzzy: [] as string[] };
      const last = typing && i === raw.length - 1;
      if (last && vocab.withPrefix(w, 1).length) return { word: w, term: s, fuzzy: [] };
      const near = vocab.near(w);
      const stems = [...new Set(near.map((n) => vocab.words.get(n)?.stem ?? stem(n)))];
      if (near[0]) corrected[w] = near[0];
      return { word: w, term: stems[0] ?? s, fuzzy: stems.slice(1) };
    });
    const slots: Slot[] = [];
    for (let i = 0; i < base.length; ) {
      const seq = base.map((b) => b.term);
      // The longest synonym phrase that starts here expands to its whole group.
      let group: string[][] | undefined;
      let len = 0;
      for (const g of synonyms)
        for (const phrase of g)
          if (phrase.length > len && phrase.every((t, k) => seq[i + k] === t)) {
            group = g;
            len = phrase.length;
          }
      const b = base[i] as (typeof base)[number];
      const last = typing && i + Math.max(len, 1) >= base.length;
      if (group && len) {
        slots.push({
          alts: group.map((p) => ({
            terms: p,
            prefix: false,
            weight: p.length === len && p.every((t, k) => seq[i + k] === t) ? 1 : 0.9,
          })),
        });
        i += len;
        continue;
      }
      const alts: Alt[] = [{ terms: [b.term], prefix: false, weight: corrected[b.word] ? 0.7 : 1 }];
      for (const f of b.fuzzy) alts.push({ terms: [f], prefix: false, weight: 0.6 });
      if (last && b.word.length >= 2) {
        // The word being typed: the index terms of the commonest words it starts.
        for (const w of vocab.withPrefix(b.word, 8))
          alts.push({ terms: [vocab.words.get(w)?.stem ?? stem(w)], prefix: false, weight: 0.8 });
      }
      slots.push({ alts: dedupe(alts) });
      i += 1;
    }
    return { slots, corrected };
  }

  async search(query: string, opts: SearchOptions): Promise<{ hits: SearchHit[]; understood: Understood }> {
    const state = await this.state();
    const understood = this.read(state, query, opts.prefix ?? true);
    const { slots } = understood;
    if (!slots.length) return { hits: [], understood };
    const filter = {
      audiences: opts.audience === 'public' ? ['public'] : ['internal', 'public'],
      kinds: opts.kinds?.length ? opts.kinds : undefined,
    };
    const docs = new Set<number>();
    const work = { engineQueries: 0, ranked: 0 };
    this.lastWork = work;
    const take = async (all: boolean, where: Where) => {
      work.engineQueries++;
      const found = await this.candidates(slots, all, where, filter, estimate(state.vocab, slots, all));
      for (const d of found) docs.add(d);
      return found.length;
    };
    // Every word must match: the newest matches anywhere and, when there are more than those, the
    // newest in titles and tags (they rank first). When that finds too little, any word may.
    for (const all of [true, false]) {
      if (!all && (docs.size >= opts.limit || slots.length < 2)) break;
      if ((await take(all, 'all')) === CANDIDATES) await take(all, 'head');
    }
    const now = Date.parse(this.ctx.clock.now().toISOString());
    const rows = await this.rows([...docs]);
    work.ranked = rows.length;
    const ranked = rows
      .map((r) => ({ r, score: score(r, slots, now) }))
      .sort(
        (a, b) =>
          b.score - a.score ||
          (a.r.title < b.r.title ? -1 : a.r.title > b.r.title ? 1 : 0) ||
          (a.r.article_id < b.r.article_id ? -1 : 1),
      )
      .slice(0, opts.limit);
    // The text for snippets only for the hits: ranking needs none of it.
    const plain = await this.plain(ranked.map(({ r }) => r.doc));
    const hits = ranked.map(({ r, score: s }) => ({
      articleId: r.article_id,
      versionId: r.version_id,
      title: r.title,
      kind: r.kind,
      audience: r.audience,
      score: Math.round(s * 1000) / 1000,
      titleHtml: highlight(r.title, slots, Number.POSITIVE_INFINITY),
      snippetHtml: highlight(plain.get(r.doc) ?? '', slots, 28),
      publishedAt: r.published_at,
      usageCount: r.usage_count,
    }));
    return { hits, understood };
  }

  /**
   * The documents the engine matches, newest first, at most CANDIDATES: ranking is ours (score), and
   * a word found in most articles (customer, account, bill) must not make the engine rank them all.
   * 'head' looks in titles and tags only.
   */
  private async candidates(
    slots: Slot[],
    all: boolean,
    where: Where,
    filter: { audiences: string[]; kinds: string[] | undefined },
    estimate: number,
  ): Promise<number[]> {
    const db = this.ctx.store.db;
    if (this.ctx.store.dialect === 'sqlite') {
      const expr = slots
        .map((s) => `(${s.alts.map((a) => `"${a.terms.join(' ')}"${a.prefix ? ' *' : ''}`).join(' OR ')})`)
        .join(all ? ' AND ' : ' OR ');
      const match = where === 'head' ? `{title_terms tag_terms} : (${expr})` : expr;
      let q = db
        .selectFrom(sql<{ rowid: number }>`kb_fts`.as('kb_fts'))
        .innerJoin('kb_search as s', (j) => j.on(sql<boolean>`s.doc = kb_fts.rowid`))
        .select('s.doc')
        .where(sql<boolean>`kb_fts MATCH ${match}`)
        .where('s.audience', 'in', filter.audiences)
        .orderBy(sql`kb_fts.rowid`, 'desc')
        .limit(CANDIDATES);
      if (filter.kinds) q = q.where('s.kind', 'in', filter.kinds);
      return (await q.execute()).map((r) => r.doc);
    }
    // Title terms weigh A and tag terms B in the tsvector (see the migration). The GIN index knows no
    // weights: titles and tags alone mean reading the tsvector of every article with the words, which
    // is affordable for rare words only (so for common words PostgreSQL may rank other candidates).
    if (where === 'head' && estimate > PG_COMMON) return [];
    const w = where === 'head' ? 'AB' : '';
    const expr = slots
      .map(
        (s) =>
          `(${s.alts
            .map((a) =>
              a.terms
                .map((t, k) => (a.prefix && k === a.terms.length - 1 ? `${t}:*${w}` : w ? `${t}:${w}` : t))
                .join(' <-> '),
            )
            .join(' | ')})`,
      )
      .join(all ? ' & ' : ' | ');
    let q = db
      .selectFrom('kb_search as s')
      .select('s.doc')
      .where(sql<boolean>`s.tsv @@ to_tsquery('simple', ${expr})`)
      .where('s.audience', 'in', filter.audiences)
      // The planner does not know that testing a row's tsvector means reading it from TOAST, and walks
      // the primary key backwards (newest first) even for words only a few hundred articles have, i.e.
      // reads most of the table. Choose for it: that walk for common words; else collect the matches
      // from the GIN index and sort them (doc + 0 keeps the planner off the primary key).
      .orderBy(estimate > PG_COMMON ? sql`s.doc` : sql`s.doc + 0`, 'desc')
      .limit(CANDIDATES);
    if (filter.kinds) q = q.where('s.kind', 'in', filter.kinds);
    return (await q.execute()).map((r) => r.doc);
  }

  private async rows(docs: number[]): Promise<Row[]> {
    if (!docs.length) return [];
    return await this.ctx.store.db
      .selectFrom('kb_search')
      .select([
        'doc',
        'article_id',
        'version_id',
        'title',
        'kind',
        'audience',
        'title_terms',
        'tag_terms',
        'body_terms',
        'published_at',
        'usage_count',
      ])
      .where('doc', 'in', docs)
      .execute();
  }

  private async plain(docs: number[]): Promise<Map<number, string>> {
    if (!docs.length) return new Map();
    const found = await this.ctx.store.db
      .selectFrom('kb_search')
      .select(['doc', 'plain'])
      .where('doc', 'in', docs)
      .execute();
    return new Map(found.map((r) => [r.doc, r.plain]));
  }
}

/**
 * At most how many articles match (from the vocabulary's document frequencies): every slot or any;
 * a slot, any of its alternatives; a phrase, its rarest term.
 */
function estimate(vocab: Vocabulary, slots: Slot[], all: boolean): number {
  const perSlot = slots.map((s) =>
    s.alts.reduce(
      (n, a) => n + (a.prefix ? Number.POSITIVE_INFINITY : Math.min(...a.terms.map(vocab.articlesWith))),
      0,
    ),
  );
  return all ? Math.min(...perSlot) : perSlot.reduce((a, b) => a + b, 0);
}

function wordSet(words: string): Set<string> {
  return new Set(words.split(' ').filter(Boolean));
}

function dedupe(alts: Alt[]): Alt[] {
  const out = new Map<string, Alt>();
  for (const a of alts) {
    const key = `${a.terms.join(' ')}${a.prefix ? '*' : ''}`;
    const had = out.get(key);
    if (!had || had.weight < a.weight) out.set(key, a);
  }
  return [...out.values()];
}

/** A field's terms, space-separated with a space at each end so that a word is always ` term `. */
const padded = (terms: string) => ` ${terms} `;

/**
 * How often the term sequence occurs in the field (the last term as a prefix when asked). A substring
 * search on the stored text rather than splitting it into words: ranking reads hundreds of bodies per
 * query, and allocating their words was most of the search's time.
 */
function occurrences(field: string, alt: Alt): number {
  const needle = ` ${alt.terms.join(' ')}${alt.prefix ? '' : ' '}`;
  let n = 0;
  // The closing space of one hit is the opening space of the next word.
  for (let i = field.indexOf(needle); i >= 0; i = field.indexOf(needle, i + needle.length - 1)) n++;
  return n;
}

/**
 * One ranking for both databases: each slot scores its best alternative by where it is found (title
 * over tags over body, a little for repeats in the body) times how sure the match is (exact over
 * synonym, prefix, typo); matching every slot dominates; then how much of the title the query
 * covers, recency and use.
 */
function score(r: Row, slots: Slot[], nowMs: number): number {
  const title = padded(r.title_terms);
  const tags = padded(r.tag_terms);
  const body = padded(r.body_terms);
  let total = 0;
  let matched = 0;
  let titleHits = 0;
  for (const slot of slots) {
    let best = 0;
    let inTitle = 0;
    for (const alt of slot.alts) {
      const t = occurrences(title, alt);
      const g = t ? 0 : occurrences(tags, alt);
      const b = occurrences(body, alt);
      const where = t ? TITLE : g ? TAGS : b ? BODY : 0;
      const v = where ? (where + Math.min(0.5, Math.log1p(b) * 0.15)) * alt.weight : 0;
      if (v > best) best = v;
      if (t) inTitle = Math.max(inTitle, alt.terms.length);
    }
    if (best > 0) matched++;
    titleHits += inTitle;
    total += best;
  }
  const titleWords = r.title_terms.split(' ').filter(Boolean).length;
  const coverage = titleWords ? Math.min(1, titleHits / titleWords) : 0;
  const ageDays = Math.max(0, (nowMs - Date.parse(r.published_at)) / 86_400_000);
  return (
    (matched === slots.length ? 10 : 0) +
    matched +
    total +
    coverage * 1.5 +
    0.3 * Math.exp(-ageDays / 180) +
    0.2 * Math.log10(1 + r.usage_count)
  );
}

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Escaped text with <mark> around words that match the query; a window of `width` words around the best spot. */
export function highlight(text: string, slots: Slot[], width: number): string {
  const tokens = text.split(/(\s+)/);
  const hit = (tok: string) => {
    const w = words(tok)[0];
    if (!w) return false;
    const s = stem(w);
    return slots.some((slot) =>
      slot.alts.some((a) =>
        a.terms.some(
          (t, k) =>
            s === t ||
            w === t ||
            (a.prefix && k === a.terms.length - 1 && (s.startsWith(t) || w.startsWith(t))),
        ),
      ),
    );
  };
  const wordIdx = tokens.map((t, i) => (/\S/.test(t) ? i : -1)).filter((i) => i >= 0);
  // A word repeats through an article: decide each distinct token once.
  const seen = new Map<string, boolean>();
  const marks = wordIdx.map((i) => {
    const tok = tokens[i] as string;
    const known = seen.get(tok);
    if (known !== undefined) return known;
    const m = hit(tok);
    seen.set(tok, m);
    return m;
  });
  const marked = new Set(wordIdx.filter((_, k) => marks[k]));
  let start = 0;
  if (Number.isFinite(width) && wordIdx.length > width) {
    let best = -1;
    let run = 0;
    for (let i = 0; i < marks.length; i++) {
      run += marks[i] ? 1 : 0;
      if (i >= width) run -= marks[i - width] ? 1 : 0;
      if (i >= width - 1 && run > best) {
        best = run;
        start = i - width + 1;
      }
    }
    // Start a little before the first hit of the window rather than on it.
    start = Math.max(0, Math.min(start, marks.indexOf(true, start) - 3));
  }
  const end = Number.isFinite(width) ? Math.min(wordIdx.length, start + width) : wordIdx.length;
  const from = wordIdx[start] ?? 0;
  const to = end < wordIdx.length ? (wordIdx[end] as number) : tokens.length;
  let out = '';
  for (let i = from; i < to; i++) {
    const tok = tokens[i] as string;
    out += marked.has(i) ? `<mark>${escapeHtml(tok)}</mark>` : escapeHtml(tok.replace(/\s+/g, ' '));
  }
  return `${start > 0 ? '… ' : ''}${out.trim()}${end < wordIdx.length ? ' …' : ''}`;
}
