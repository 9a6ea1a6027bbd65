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
 * Run alone: node bench/case-search.ts. Knobs: BENCH_CASES, BENCH_QUERIES (200), BENCH_KEEP=1.
 */
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { CaseSearch } from '../src/server/modules/cases/case-search.ts';
import { systemClock } from '../src/server/platform/clock.ts';
import { loadConfig } from '../src/server/platform/config.ts';
import type { Ctx } from '../src/server/platform/context.ts';
import { openDb } from '../src/server/platform/db/index.ts';
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

  const kinds: { name: string; q: () => string; filters?: { assigneeId: string } }[] = [
    { name: 'rare word', q: () => `rare${70 * Math.floor(rand() * (CASES / 70))}` },
    { name: 'common word', q: () => 'bill' },
    { name: 'two common words', q: () => `${pick()} ${pick()}` },
    { name: 'rare and common word', q: () => `bill rare${70 * Math.floor(rand() * (CASES / 70))}` },
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
      order = r.order;
      s = performance.now();
      bareQ.all(
        q
          .split(' ')
          .map((w) => `"${w}"`)
          .join(' AND '),
      );
      base.push(performance.now() - s);
    }
    const p99 = percentile(app, 99);
    figure(
      `case search ${k.name} (${order}) p50=${ms(percentile(app, 50))} p99=${ms(p99)} baseline(rank all) p50=${ms(percentile(base, 50))} p99=${ms(percentile(base, 99))} ratio=${ratio(p99, percentile(base, 99))}`,
    );
  }
  bare.close();
  await store.close();
  if (process.env.BENCH_KEEP === '1') info(`kept ${dir}`);
  else remove();
}

await main();
