/**
 * Case search (the one search box's cases group) on SQLite, through the real path
 * (CaseSearch.search: count up to RANKED, rank or newest first, snippets from the case and its notes).
 *
 *  1. load: BENCH_CASES cases (70,000) with 3 notes each (~210,000 notes) from a contact-centre
 *     vocabulary, bulk-inserted beside the service; then the index is built by indexMissing (the
 *     module's own code), timed;
 *  2. search: a rare word (in one case), a common word (in about a third of the notes), a common
 *     word narrowed to one owner, and two common words; p50/p99 over BENCH_QUERIES each.
 *     Baseline: the bare engine query an unbounded design would run — FTS5 `MATCH … ORDER BY rank
 *     LIMIT 10` over every match — alternating with the app.
 *
 * Target (issue): p99 under 50 ms at 1M cases / 3M notes; this is the small measurement at 200k notes.
 * Then the same on PostgreSQL when it is reachable (BENCH_PG=0 skips it; a schema of its own, dropped
 * afterwards; FRONTLINE_BENCH_PG_URL): baseline `@@ to_tsquery … ORDER BY ts_rank LIMIT 10`.
 * Run alone: node bench/case-search.ts. Knobs: BENCH_CASES, BENCH_QUERIES (200), BENCH_KEEP=1,
 * BENCH_SQLITE=0 / BENCH_PG=0 (one database only).
 */
const PG_URL = process.env.FRONTLINE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { sql } from 'kysely';
import pg from 'pg';
import { CaseSearch } from '../src/server/modules/cases/case-search.ts';
import { systemClock } from '../src/server/platform/clock.ts';
import { loadConfig } from '../src/server/platform/config.ts';
import type { Ctx } from '../src/server/platform/context.ts';
import { type Db, openDb } from '../src/server/platform/db/index.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { figure, info, ms, percentile, ratio, rng, seconds, tempDir } from './lib.ts';

const CASES = Number(process.env.BENCH_CASES ?? 70_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const OWNERS = 200;

const VOCAB = (
  'account bill billing charge refund payment plan extension late fee roaming data sim card broadband ' +
  'router line fault outage technician appointment contract upgrade downgrade mobile number port ' +
  'porting transfer address change name direct debit credit card declined overdue reminder letter ' +
  'complaint compliment feedback service level manager callback email sms chat voucher discount ' +
  'promotion bundle tv channel package cancel cancellation termination deposit balance statement ' +
  'invoice dispute adjustment waiver goodwill credit note escalation supervisor department billing ' +
  'team collections technical support installation relocation speed slow intermittent dropped call'
).split(' ');

async function main() {
  const { dir, remove } = tempDir('case-search');
  const file = path.join(dir, 'cases.db');
  info(`case search on SQLite: ${CASES} cases, ${CASES * 3} notes, ${QUERIES} queries a kind`);
  const fresh = await openDb({ sqliteFile: file });
  await migrateToLatest(fresh);
  await fresh.close();

  // 1. load, beside the service
  const t0 = performance.now();
  const raw = new DatabaseSync(file);
  raw.exec('PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA foreign_keys=OFF');
  const cols = raw.prepare('PRAGMA table_info(cases)').all() as { name: string; notnull: number }[];
  const fixed: Record<string, string | number> = {
    type: 'complaint',
    criticality: 'not_highly_critical',
    priority: 'normal',
    status: 'open',
    created_by: 'bench',
    version: 1,
    sla_paused: 0,
  };
  const names = cols.map((c) => c.name);
  const insCase = raw.prepare(
    `INSERT INTO cases (${names.join(',')}) VALUES (${names.map(() => '?').join(',')})`,
  );
  const insNote = raw.prepare(
    'INSERT INTO case_notes (id, case_id, author_id, visibility, body, contact_id, created_at) VALUES (?,?,?,?,?,?,?)',
  );
  const rand = rng(42);
  const pick = () => VOCAB[Math.floor(rand() ** 2 * VOCAB.length)]!;
  const sentence = (n: number) => Array.from({ length: n }, pick).join(' ');
  const base = Date.parse('2025-01-01T00:00:00.000Z');
  raw.exec('BEGIN');
  for (let i = 0; i < CASES; i++) {
    const id = `c${String(i).padStart(8, '0')}`;
    const at = new Date(base + i * 60_000).toISOString();
    const v: Record<string, string | number | null> = {
      ...fixed,
      id,
      reference: `CS-${String(i + 1).padStart(6, '0')}`,
      subject: `${pick()} ${pick()} ${pick()}`,
      description: `${sentence(20)}${i % 70 === 0 ? ` rare${i}` : ''}`,
      assignee_id: `u${i % OWNERS}`,
      created_at: at,
      updated_at: at,
    };
    insCase.run(...names.map((n) => (n in v ? v[n]! : cols.find((c) => c.name === n)!.notnull ? 0 : null)));
    for (let k = 0; k < 3; k++)
      insNote.run(`${id}n${k}`, id, 'bench', k === 2 ? 'public' : 'internal', sentence(15), null, at);
  }
  raw.exec('COMMIT');
  raw.close();
  const loaded = performance.now() - t0;

  const store = await openDb({ sqliteFile: file });
  const ctx: Ctx = { store, clock: systemClock, config: loadConfig({ LOG_LEVEL: 'silent' }) };
  const search = new CaseSearch(ctx);
  const t1 = performance.now();
  const indexed = await search.indexMissing(2000);
  const indexing = performance.now() - t1;
  info(`loaded in ${seconds(loaded)}, indexed ${indexed} cases in ${seconds(indexing)}`);
  const bare = new DatabaseSync(file, { readOnly: true });
  const bareQ = bare.prepare('SELECT rowid FROM case_fts WHERE case_fts MATCH ? ORDER BY rank LIMIT 10');
  const share = bare.prepare("SELECT count(*) n FROM case_fts WHERE case_fts MATCH 'bill'").get() as {
    n: number;
  };
  info(`"bill" is in ${share.n} of ${CASES} cases`);

  await measure('SQLite', search, (q) => {
    bareQ.all(
      q
        .split(' ')
        .map((w) => `"${w}"`)
        .join(' AND '),
    );
  });
  bare.close();
  await store.close();
  if (process.env.BENCH_KEEP === '1') info(`kept ${dir}`);
  else remove();
}

/** The kinds of query, each BENCH_QUERIES times, app and baseline alternating. */
async function measure(db: string, search: CaseSearch, baseline: (q: string) => unknown) {
  const rand = rng(7);
  const pick = () => VOCAB[Math.floor(rand() ** 2 * VOCAB.length)]!;
  const rare = () => `rare${70 * Math.floor(rand() * (CASES / 70))}`;
  const kinds: { name: string; q: () => string; filters?: { assigneeId: string } }[] = [
    { name: 'rare word', q: rare },
    { name: 'common word', q: () => 'bill' },
    { name: 'two common words', q: () => `${pick()} ${pick()}` },
    { name: 'rare and common word', q: () => `bill ${rare()}` },
    {
      name: 'common word, one owner',
      q: () => 'refund',
      filters: { assigneeId: `u${Math.floor(rand() * OWNERS)}` },
    },
  ];
  for (const k of kinds) {
    const app: number[] = [];
    const base: number[] = [];
    let order = '';
    for (let i = 0; i < QUERIES; i++) {
      const q = k.q();
      let s = performance.now();
      const r = await search.search(q, k.filters ?? {}, 10);
      app.push(performance.now() - s);
      order = `${r.order}${r.window ? `, window ${r.window}` : ''}`;
      s = performance.now();
      await baseline(q);
      base.push(performance.now() - s);
    }
    const p99 = percentile(app, 99);
    figure(
      `case search ${db} ${k.name} (${order}) p50=${ms(percentile(app, 50))} p99=${ms(p99)} baseline(rank all) p50=${ms(percentile(base, 50))} p99=${ms(percentile(base, 99))} ratio=${ratio(p99, percentile(base, 99))}`,
    );
  }
}

/** The same data on PostgreSQL: generated by SQL, indexed by indexMissing. */
async function postgres() {
  const probe = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await probe.connect();
  } catch {
    info('PostgreSQL not reachable: skipped');
    return;
  } finally {
    await probe.end().catch(() => {});
  }
  const schema = `bench_cs_${randomBytes(4).toString('hex')}`;
  const store: Db = await openDb({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 4 });
  try {
    await migrateToLatest(store);
    const t0 = performance.now();
    const vocab = sql.join(VOCAB.map((w) => sql.lit(w)));
    // Words drawn as on SQLite (rand()^2 over the list), by SQL; the columns not named take their defaults.
    const word = sql`(ARRAY[${vocab}])[1 + floor(random() ^ 2 * ${VOCAB.length})::int]`;
    const sentence = (n: number) =>
      sql`(SELECT string_agg(${word}, ' ') FROM generate_series(1, ${n}) g2 WHERE g2 > 0 * i)`;
    // The generated owners and authors are not users: foreign keys off for the load (superuser, as in CI).
    await store.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL session_replication_role = replica`.execute(trx);
      await sql`INSERT INTO cases (id, reference, type, criticality, priority, status, subject, description,
        assignee_id, created_by, created_at, updated_at, version, sla_paused)
      SELECT 'c' || lpad(i::text, 8, '0'), 'CS-' || lpad((i + 1)::text, 6, '0'), 'complaint',
        'not_highly_critical', 'normal', 'open', ${sentence(3)},
        ${sentence(20)} || CASE WHEN i % 70 = 0 THEN ' rare' || i ELSE '' END,
        'u' || (i % ${OWNERS}), 'bench', timestamptz '2025-01-01' + i * interval '1 minute',
        timestamptz '2025-01-01' + i * interval '1 minute', 1, false
      FROM generate_series(0, ${CASES - 1}) i`.execute(trx);
      await sql`INSERT INTO case_notes (id, case_id, author_id, visibility, body, contact_id, created_at)
      SELECT 'c' || lpad(i::text, 8, '0') || 'n' || k, 'c' || lpad(i::text, 8, '0'), 'bench',
        CASE WHEN k = 2 THEN 'public' ELSE 'internal' END, ${sentence(15)}, null,
        timestamptz '2025-01-01' + i * interval '1 minute'
      FROM generate_series(0, ${CASES - 1}) i, generate_series(0, 2) k`.execute(trx);
    });
    const loaded = performance.now() - t0;
    const ctx: Ctx = { store, clock: systemClock, config: loadConfig({ LOG_LEVEL: 'silent' }) };
    const search = new CaseSearch(ctx);
    const t1 = performance.now();
    const n = await search.indexMissing(2000);
    await sql`ANALYZE`.execute(store.db);
    info(
      `PostgreSQL: loaded in ${seconds(loaded)}, indexed ${n} cases in ${seconds(performance.now() - t1)}`,
    );
    await measure('PostgreSQL', search, (q) =>
      sql`SELECT doc FROM case_search WHERE tsv @@ to_tsquery('simple', ${q.split(' ').join(' & ')})
        ORDER BY ts_rank(tsv, to_tsquery('simple', ${q.split(' ').join(' & ')})) DESC LIMIT 10`.execute(
        store.db,
      ),
    );
  } finally {
    await sql
      .raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`)
      .execute(store.db)
      .catch(() => {});
    await store.close();
  }
}

if (process.env.BENCH_SQLITE !== '0') await main();
if (process.env.BENCH_PG !== '0') await postgres();
