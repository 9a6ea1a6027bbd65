/**
 * A generated contact-centre knowledge base for measuring search at scale: articles as a pure
 * function of their index (so every run and both databases hold the same corpus), loaded in bulk
 * straight into the knowledge module's tables, and queries as officers type them. Used by
 * bench/kb-search.ts and by the search-at-scale test (test/knowledge/search-scale.test.ts).
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import pg from 'pg';
import { isStop, stem, words } from '../src/server/modules/knowledge/text.ts';
import { info, rng } from './lib.ts';

const CHUNK = 1000;

// A contact centre's knowledge base, generated: a pure function of the article's index.

const TOPICS = [
  'monthly bill',
  'bill shock',
  'late payment fee',
  'payment plan',
  'instalment plan for arrears',
  'giro direct debit',
  'giro rejection',
  'refund of overpayment',
  'deposit refund',
  'disputed charge',
  'waiver of charges',
  'payment extension',
  'duplicate payment',
  'credit limit',
  'roaming charges',
  'roaming data pass',
  'roaming activation',
  'international calls',
  'overseas data bundle',
  'sim card replacement',
  'esim activation',
  'sim swap fraud',
  'lost phone barring',
  'number porting',
  'change of ownership',
  'account closure',
  'contract termination',
  'early termination charge',
  'recontract renewal',
  'device instalment',
  'handset warranty repair',
  'broadband outage',
  'fibre installation',
  'fibre termination point',
  'router reset',
  'slow broadband speed',
  'wifi mesh extender',
  'technician appointment',
  'relocation of service',
  'voicemail setup',
  'caller id blocking',
  'spam calls and scam sms',
  'prepaid top up',
  'prepaid validity',
  'data add on',
  'mobile plan upgrade',
  'family plan sharing',
  'authorised users',
  'password reset',
  'my account app login',
  'paper bill request',
  'itemised call records',
  'premium sms charges',
  'value added services',
  'tv content subscription',
  'set top box',
  'home phone line',
  'business broadband',
  'corporate account billing',
  'senior citizen discount',
  'student plan eligibility',
  'complaint logging',
  'escalation to supervisor',
  'consumer advocacy referral',
  'service suspension',
  'reconnection after suspension',
  'debt collection',
  'credit check',
  'identity verification',
  'data breach notification',
];

const ACTIONS = [
  'check',
  'request',
  'cancel',
  'waive',
  'explain',
  'escalate',
  'reset',
  'replace',
  'activate',
  'transfer',
  'dispute',
  'refund',
  'upgrade',
  'downgrade',
  'suspend',
  'restore',
  'verify',
  'approve',
  'reschedule',
  'troubleshoot',
];
const SEGMENTS = ['prepaid', 'postpaid', 'business', 'sme', 'senior', 'student', 'corporate', 'family'];
const COUNTRIES = [
  'Malaysia',
  'Thailand',
  'Indonesia',
  'Vietnam',
  'Philippines',
  'Japan',
  'Korea',
  'China',
  'Taiwan',
  'Australia',
  'India',
  'Cambodia',
  'Myanmar',
  'Germany',
  'France',
  'Italy',
  'Switzerland',
  'Turkey',
  'Canada',
  'Mexico',
  'Brazil',
  'Egypt',
  'Kenya',
  'Maldives',
  'Nepal',
];
const CHANNELS = [
  'the My Account app',
  'the hotline',
  'live chat',
  'our shops',
  'email',
  'the self-service portal',
  'WhatsApp',
  'a callback',
];
const TEAMS = [
  'billing operations',
  'credit control',
  'network operations',
  'field service',
  'fraud',
  'retention',
  'customer relations',
  'porting desk',
  'roaming support',
  'back office',
];
const SYSTEMS = [
  'billing system',
  'CRM',
  'order management',
  'network status page',
  'provisioning console',
  'case history',
  'payment gateway',
  'device portal',
];
const NOUNS = [
  'account',
  'bill',
  'invoice',
  'statement',
  'charge',
  'payment',
  'refund',
  'credit',
  'balance',
  'deposit',
  'contract',
  'plan',
  'subscription',
  'bundle',
  'usage',
  'data',
  'signal',
  'coverage',
  'router',
  'modem',
  'handset',
  'device',
  'order',
  'appointment',
  'ticket',
  'case',
  'reference',
  'receipt',
  'waiver',
  'penalty',
  'rebate',
  'discount',
  'promotion',
  'voucher',
  'outage',
  'fault',
  'line',
  'number',
  'identity',
  'document',
];
const STATES = [
  'posted',
  'processed',
  'approved',
  'restored',
  'activated',
  'resolved',
  'completed',
  'credited',
];
const ID_DOCS = ['NRIC', 'passport', 'work permit', 'FIN card', 'company registration', 'driving licence'];
const FEES = [
  'late payment',
  'admin',
  'reconnection',
  'replacement',
  'early termination',
  'porting',
  'paper bill',
];

const SYLLABLES =
  'ka ri to ne mo la vi sa ru pe zo an el ix or un ba de fi gu hy ja ko lu my no pa qu ro su ta ve wy xa yo ze'.split(
    ' ',
  );
/** The long tail: product, plan, shop and system names (a few thousand, some common, most rare). */
export function rareWord(k: number): string {
  const r = rng(1_000_003 + k);
  const n = 2 + Math.floor(r() * 3);
  let w = '';
  for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(r() * SYLLABLES.length)];
  return w[0]!.toUpperCase() + w.slice(1);
}
export const RARE = Array.from({ length: 20_000 }, (_, k) => rareWord(k));

type R = () => number;
const pick = <T>(r: R, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
/** Mostly the first of a list, with a long tail (Zipf-like). */
const skewed = <T>(r: R, xs: readonly T[]): T => xs[Math.floor(xs.length * r() ** 3)]!;
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);

const SENTENCES: ((r: R, topic: string) => string)[] = [
  (r, t) =>
    `Customers on ${pick(r, SEGMENTS)} plans can ${pick(r, ACTIONS)} their ${t} through ${pick(r, CHANNELS)}.`,
  (r, t) =>
    `Verify the customer's identity with the ${pick(r, ID_DOCS)} before discussing the ${t} or any ${pick(r, NOUNS)}.`,
  (r) =>
    `If the ${pick(r, NOUNS)} is not ${pick(r, STATES)} within ${2 + Math.floor(r() * 12)} working days, escalate to the ${pick(r, TEAMS)} team.`,
  (r) =>
    `The ${pick(r, FEES)} fee of $${5 + Math.floor(r() * 95)} applies unless a team leader approves a waiver.`,
  (r, t) =>
    `Check the ${pick(r, SYSTEMS)} for the latest ${t} status and note the reference number in the case.`,
  (r) =>
    `Do not promise a ${pick(r, NOUNS)} on the call; explain that the ${pick(r, TEAMS)} team will confirm it by SMS.`,
  (r, t) => `Customers travelling to ${pick(r, COUNTRIES)} often ask about the ${t} before they leave.`,
  (r) =>
    `A ${pick(r, NOUNS)} raised after the ${1 + Math.floor(r() * 28)}th of the month appears on the next bill.`,
  (r) => `Use the ${skewed(r, RARE)} template when the customer asks for a written ${pick(r, NOUNS)}.`,
  (r) =>
    `The ${skewed(r, RARE)} ${pick(r, ['router', 'handset', 'modem', 'tablet', 'watch'])} is covered for ${1 + Math.floor(r() * 3)} years from the date of purchase.`,
  (r) =>
    `Offer the ${skewed(r, RARE)} ${pick(r, SEGMENTS)} plan only when the customer has no outstanding ${pick(r, NOUNS)}.`,
  (r, t) =>
    `Record the outcome of the ${t} in the case notes, with the ${pick(r, NOUNS)} and the customer's agreement.`,
  (r) =>
    `For ${pick(r, SEGMENTS)} accounts the ${pick(r, NOUNS)} is handled by the ${pick(r, TEAMS)} team, not the frontline.`,
  (r) =>
    `Tell the customer that the ${pick(r, NOUNS)} will be ${pick(r, STATES)} by ${pick(r, ['tonight', 'tomorrow', 'the next working day', 'the end of the week'])}.`,
  (r) =>
    `Outages in ${skewed(r, RARE)} and ${skewed(r, RARE)} are listed on the ${pick(r, SYSTEMS)} with the estimated restoration time.`,
  (r, t) =>
    `Never ${pick(r, ACTIONS)} a ${t} for a caller who is not the account holder or an authorised user.`,
  (r) =>
    `The customer may ${pick(r, ACTIONS)} the ${pick(r, NOUNS)} once in twelve months without a supervisor's approval.`,
  (r) =>
    `Repeat the ${pick(r, NOUNS)} amount back to the customer and confirm the ${pick(r, ['email address', 'mobile number', 'billing address', 'account number'])}.`,
];

interface Article {
  id: string;
  versionId: string;
  slug: string;
  kind: string;
  audience: string;
  title: string;
  tags: string[];
  body: string;
  at: string;
  usage: number;
}

const KINDS = ['faq', 'sop', 'policy', 'product', 'billing', 'troubleshooting'];
const BASE_MS = Date.parse('2023-11-01T00:00:00.000Z');
const SPAN_MS = Date.parse('2026-11-01T00:00:00.000Z') - BASE_MS;

/** A UUIDv7-shaped id like newId() makes (time-ordered), a pure function of the article's index. */
function bulkId(msTime: number, i: number, seq: number): string {
  const t = msTime.toString(16).padStart(12, '0');
  return `${t.slice(0, 8)}-${t.slice(8)}-7${seq.toString(16).padStart(3, '0')}-8000-${i.toString(16).padStart(12, '0')}`;
}

export function articleAt(i: number): Article {
  const r = rng(7919 * i + 17);
  const topic = skewed(r, TOPICS);
  const v = Math.floor(r() * 6);
  const title = cap(
    [
      `${topic}`,
      `How to ${pick(r, ACTIONS)} a ${topic}`,
      `${topic} for ${pick(r, SEGMENTS)} customers`,
      `${topic} in ${pick(r, COUNTRIES)}`,
      `${topic}: ${pick(r, ACTIONS)} the ${pick(r, NOUNS)}`,
      `${topic} (${skewed(r, RARE)} plan)`,
    ][v]!,
  );
  const tags = [topic.split(' ').slice(0, 2).join(' '), pick(r, SEGMENTS), pick(r, NOUNS)];
  const target = 80 + Math.floor(r() * 121);
  const parts: string[] = [];
  let count = 0;
  while (count < target) {
    const s = pick(r, SENTENCES)(r, topic);
    parts.push(s);
    count += s.split(' ').length;
  }
  const at = BASE_MS + Math.floor(r() * SPAN_MS);
  return {
    id: bulkId(at, i, 0),
    versionId: bulkId(at, i, 1),
    slug: `${words(title).join('-').slice(0, 70)}-${i}`,
    kind: pick(r, KINDS),
    audience: r() < 0.3 ? 'public' : 'internal',
    title,
    tags,
    body: parts.join(' '),
    at: new Date(at).toISOString(),
    usage: Math.floor(200 * r() ** 4),
  };
}

// The module's text pipeline (text.ts), with stems memoised: the vocabulary is small, the text large.
const stems = new Map<string, string>();
const stemOf = (w: string) => {
  let s = stems.get(w);
  if (s === undefined) {
    s = stem(w);
    stems.set(w, s);
  }
  return s;
};
const termsOf = (text: string) =>
  words(text)
    .filter((w) => !isStop(w))
    .map(stemOf)
    .join(' ');

/** The rows the knowledge module writes when the article is published (as KnowledgeSearch.index). */
function rowsOf(a: Article) {
  const at = a.at;
  const ws = [...new Set(words(`${a.title} ${a.tags.join(' ')} ${a.body}`).filter((w) => !isStop(w)))];
  return {
    ws,
    article: [a.id, a.slug, 'published', null, null, a.versionId, null, a.usage, at, at],
    version: [
      a.versionId,
      a.id,
      1,
      'published',
      a.kind,
      a.audience,
      null,
      a.title,
      a.body,
      null,
      JSON.stringify(a.tags),
      null,
      null,
      at,
      at,
      at,
      null,
      at,
      'Imported',
      at,
    ],
    search: [
      a.id,
      a.versionId,
      a.audience,
      a.kind,
      a.title,
      termsOf(a.title),
      a.tags.map(termsOf).join(' '),
      termsOf(a.body),
      a.body,
      ws.join(' '),
      at,
      a.usage,
    ],
  };
}
const ARTICLE_COLS = [
  'id',
  'slug',
  'status',
  'owner_id',
  'review_at',
  'published_version_id',
  'open_version_id',
  'usage_count',
  'created_at',
  'updated_at',
];
const VERSION_COLS = [
  'id',
  'article_id',
  'number',
  'state',
  'kind',
  'audience',
  'category',
  'title',
  'body',
  'answer',
  'tags',
  'change_note',
  'author_id',
  'created_at',
  'updated_at',
  'submitted_at',
  'reviewed_by',
  'reviewed_at',
  'review_note',
  'published_at',
];
const SEARCH_COLS = [
  'article_id',
  'version_id',
  'audience',
  'kind',
  'title',
  'title_terms',
  'tag_terms',
  'body_terms',
  'plain',
  'words',
  'published_at',
  'usage_count',
];
type Value = string | number | null;

/** Everything in chunks: rows for the three tables, and every word's document frequency at the end. */
async function generate(
  n: number,
  each: (rows: { article: Value[][]; version: Value[][]; search: Value[][] }) => Promise<void> | void,
): Promise<Map<string, number>> {
  const df = new Map<string, number>();
  for (let from = 0; from < n; from += CHUNK) {
    const chunk = { article: [] as Value[][], version: [] as Value[][], search: [] as Value[][] };
    for (let i = from; i < Math.min(n, from + CHUNK); i++) {
      const rows = rowsOf(articleAt(i));
      for (const w of rows.ws) df.set(w, (df.get(w) ?? 0) + 1);
      chunk.article.push(rows.article);
      chunk.version.push(rows.version);
      chunk.search.push(rows.search);
    }
    await each(chunk);
    if ((from + CHUNK) % 25_000 === 0) info(`  loaded ${(from + CHUNK).toLocaleString('en')}`);
  }
  return df;
}

// ---------------------------------------------------------------------------------------------
// Loading.

/** SQLite: multi-row INSERTs (prepared once per row count) inside one transaction per chunk. */
export async function loadSqlite(file: string, n: number): Promise<{ terms: number }> {
  const raw = new DatabaseSync(file);
  raw.exec('PRAGMA synchronous = OFF');
  raw.exec('PRAGMA cache_size = -1048576');
  const prepared = new Map<string, StatementSync>();
  const insert = (table: string, cols: string[], rows: Value[][], per = 100) => {
    for (let i = 0; i < rows.length; i += per) {
      const part = rows.slice(i, i + per);
      const key = `${table}:${part.length}`;
      let stmt = prepared.get(key);
      if (!stmt) {
        const tuple = `(${cols.map(() => '?').join(', ')})`;
        stmt = raw.prepare(
          `INSERT INTO ${table} (${cols.join(', ')}) VALUES ${part.map(() => tuple).join(', ')}`,
        );
        prepared.set(key, stmt);
      }
      stmt.run(...part.flat());
    }
  };
  const df = await generate(n, (c) => {
    raw.exec('BEGIN');
    insert('kb_articles', ARTICLE_COLS, c.article);
    insert('kb_versions', VERSION_COLS, c.version);
    insert('kb_search', SEARCH_COLS, c.search);
    raw.exec('COMMIT');
  });
  raw.exec('BEGIN');
  insert(
    'kb_terms',
    ['term', 'stem', 'df'],
    [...df].map(([w, n]) => [w, stemOf(w), n]),
    500,
  );
  raw.exec(`UPDATE counters SET value = value + 1 WHERE name = 'kb.generation'`);
  raw.exec('COMMIT');
  raw.exec('ANALYZE');
  raw.close();
  return { terms: df.size };
}

/** PostgreSQL: one INSERT … SELECT FROM unnest(arrays) per table and chunk; the GIN index built after. */
export async function loadPg(url: string, schema: string, n: number): Promise<{ terms: number }> {
  const c = new pg.Client({ connectionString: url, options: `-c search_path="${schema}"` });
  await c.connect();
  await c.query('DROP INDEX kb_search_tsv');
  await c.query('SET synchronous_commit = off');
  const insert = async (table: string, cols: string[], types: string[], rows: Value[][]) => {
    const arrays = cols.map((_, k) => rows.map((r) => r[k]));
    const args = types.map((t, k) => `$${k + 1}::${t}[]`).join(', ');
    await c.query(`INSERT INTO ${table} (${cols.join(', ')}) SELECT * FROM unnest(${args})`, arrays);
  };
  const T = 'text';
  const TS = 'timestamptz';
  const df = await generate(n, async (chunk) => {
    await c.query('BEGIN');
    await insert('kb_articles', ARTICLE_COLS, [T, T, T, T, T, T, T, 'int', TS, TS], chunk.article);
    await insert(
      'kb_versions',
      VERSION_COLS,
      [T, T, 'int', T, T, T, T, T, T, T, 'jsonb', T, T, TS, TS, TS, T, TS, T, TS],
      chunk.version,
    );
    await insert('kb_search', SEARCH_COLS, [T, T, T, T, T, T, T, T, T, T, TS, 'int'], chunk.search);
    await c.query('COMMIT');
  });
  await c.query('BEGIN');
  const terms = [...df];
  for (let i = 0; i < terms.length; i += 10_000) {
    const part = terms.slice(i, i + 10_000).map(([w, n]) => [w, stemOf(w), n]);
    await insert('kb_terms', ['term', 'stem', 'df'], [T, T, 'int'], part);
  }
  await c.query(`UPDATE counters SET value = value + 1 WHERE name = 'kb.generation'`);
  await c.query('COMMIT');
  await c.query(`SET maintenance_work_mem = '512MB'`);
  await c.query('CREATE INDEX kb_search_tsv ON kb_search USING gin (tsv)');
  await c.query('VACUUM ANALYZE');
  await c.end();
  return { terms: df.size };
}

// ---------------------------------------------------------------------------------------------
// Queries, as officers type them: words from an article's title (then tags and body), sometimes
// with a typo, sometimes with the last word half-typed.

export interface Query {
  text: string;
  /** Bare FTS5 MATCH expression and tsquery for the same words, as typed (no correction). */
  match: string;
  tsquery: string;
  article: string;
}

function typo(w: string, r: R): string {
  const i = 1 + Math.floor(r() * (w.length - 2));
  const k = Math.floor(r() * 3);
  if (k === 0) return w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2); // swap
  if (k === 1) return w.slice(0, i) + w.slice(i + 1); // drop
  return w.slice(0, i) + 'aeiou'[Math.floor(r() * 5)] + w.slice(i + 1); // substitute
}

export function makeQueries(n: number, size: number, count: number, seed: number): Query[] {
  const r = rng(seed);
  const out: Query[] = [];
  while (out.length < count) {
    const a = articleAt(Math.floor(r() * n));
    const pool = words(`${a.title} ${a.tags.join(' ')} ${a.body}`).filter(
      (w) => !isStop(w) && w.length >= 3 && !/\d/.test(w),
    );
    const start = Math.floor(r() * Math.min(3, pool.length - size));
    const ws = [...new Set(pool.slice(Math.max(0, start)))].slice(0, size);
    if (ws.length < size) continue;
    const mode = r();
    let last = false;
    if (mode < 0.2) {
      const k = ws.findIndex((w) => w.length >= 5);
      if (k >= 0) ws[k] = typo(ws[k]!, r);
    } else if (mode < 0.4 && ws[size - 1]!.length >= 5) {
      const w = ws[size - 1]!;
      ws[size - 1] = w.slice(0, Math.max(3, Math.ceil(w.length / 2)));
      last = true;
    }
    const ts = ws.map((w, k) => (last && k === size - 1 ? w : stemOf(w)));
    out.push({
      text: ws.join(' '),
      match: ts.map((t, k) => `"${t}"${last && k === size - 1 ? ' *' : ''}`).join(' '),
      tsquery: ts.map((t, k) => `${t}${last && k === size - 1 ? ':*' : ''}`).join(' & '),
      article: a.id,
    });
  }
  return out;
}
