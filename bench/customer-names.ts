/**
 * Customer name search at a real centre's size (names only: identifiers have their own lookup): 250,000 customers whose names share a few dozen
 * surnames and given names (so every word is common), 200 random customers searched by their
 * full name through the real service path (CustomersService.search, 20 hits, as the search box
 * asks). Prints how many were found and the latency, against a bare baseline measured in the same
 * run: one prepared `SELECT id FROM customers WHERE name_norm = ?` (the exact full name, one seek).
 *
 * Run alone: node bench/customer-names.ts            (SQLite, a temporary file)
 *            BENCH_DB=postgres node bench/customer-names.ts   (a throw-away schema at FRONTLINE_BENCH_PG_URL)
 * Knobs: BENCH_CUSTOMERS (250000), BENCH_SEARCHES (200), BENCH_KEEP=1 keeps the SQLite file or the PostgreSQL schema.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { CustomersService } from '../src/server/modules/customers/customers.service.ts';
import { namePrefixes, normalizeName } from '../src/server/modules/customers/normalize.ts';
import type { Actor } from '../src/server/platform/audit.ts';
import { systemClock } from '../src/server/platform/clock.ts';
import { loadConfig } from '../src/server/platform/config.ts';
import type { Ctx } from '../src/server/platform/context.ts';
import { type Db, openDb } from '../src/server/platform/db/index.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { newId } from '../src/server/platform/ids.ts';
import { figure, info, median, ms, percentile, ratio, rng, seconds, tempDir } from './lib.ts';

const N = Number(process.env.BENCH_CUSTOMERS ?? 250_000);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 200);
const DB = process.env.BENCH_DB === 'postgres' ? 'postgres' : 'sqlite';
const PG_URL = process.env.FRONTLINE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TARGET_P99_MS = 50;

// The shape of bench/customer-lookup.ts: 38 surnames, two of 40 given names, either order.
const SURNAMES =
  'Tan Lim Lee Ng Ong Wong Goh Chua Chan Koh Teo Ang Yeo Tay Ho Low Toh Sim Chong Chia Kumar Singh Rahman Ismail Nair Pillai Fernandez Hassan Yusof Menon Liew Quek Seah Phua Heng Lau Foo Kwek'.split(
    ' ',
  );
const GIVEN =
  'Wei Ming Hui Ling Jia Xin Kai Jun Mei Hao Yi Zhi Siti Nur Aisyah Farah Ahmad Muhammad Priya Arjun Ravi Kavitha Daniel Rachel Joshua Sarah Marcus Chloe Ethan Grace Isaac Hannah Ryan Amanda José Zoë Bryan Cheryl Aaron Vanessa'.split(
    ' ',
  );

function h(i: number, salt: number): number {
  let x = Math.imul(i ^ salt, 0x9e3779b1);
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  return (x ^ (x >>> 13)) >>> 0;
}
const pick = (xs: readonly string[], i: number, salt: number): string => xs[h(i, salt) % xs.length]!;

function nameAt(i: number): string {
  const surname = pick(SURNAMES, i, 1);
  const given = `${pick(GIVEN, i, 2)} ${pick(GIVEN, i, 3)}`;
  return h(i, 4) % 3 ? `${surname} ${given}` : `${given} ${surname}`;
}

const COLS = [
  'id',
  'display_name',
  'name_norm',
  'phones',
  'emails',
  'particular_needs',
  'consent',
  'created_at',
  'updated_at',
  'version',
] as const;

function customerAt(i: number, at: string) {
  const displayName = nameAt(i);
  return {
    id: `${randomUUID().slice(0, 14)}7${randomUUID().slice(15)}`,
    display_name: displayName,
    name_norm: normalizeName(displayName),
    phones: '[]',
    emails: '[]',
    particular_needs: '[]',
    consent: '{}',
    created_at: at,
    updated_at: at,
    version: 1,
  };
}

type Row = ReturnType<typeof customerAt>;

async function loadSqlite(file: string, want: Set<number>, ids: Map<number, string>): Promise<void> {
  const raw = new DatabaseSync(file);
  raw.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -1048576');
  const insC = raw.prepare(
    `INSERT INTO customers (${COLS.join(', ')}) VALUES (${COLS.map(() => '?').join(', ')})`,
  );
  const insN = raw.prepare('INSERT INTO customer_names (customer_id, words, prefixes) VALUES (?, ?, ?)');
  raw.exec('BEGIN');
  const base = Date.parse('2020-01-01T00:00:00.000Z');
  for (let i = 0; i < N; i++) {
    const c = customerAt(i, new Date(base + i * 60_000).toISOString());
    insC.run(...COLS.map((k) => c[k]));
    insN.run(c.id, c.name_norm, namePrefixes(c.name_norm));
    if (want.has(i)) ids.set(i, c.id);
  }
  raw.exec('COMMIT');
  raw.exec('PRAGMA journal_mode = WAL; ANALYZE');
  raw.close();
}

async function loadPg(client: pg.Client, schema: string, want: Set<number>, ids: Map<number, string>) {
  const base = Date.parse('2020-01-01T00:00:00.000Z');
  const BATCH = 1000;
  for (let from = 0; from < N; from += BATCH) {
    const cs: Row[] = [];
    for (let i = from; i < Math.min(N, from + BATCH); i++) {
      const c = customerAt(i, new Date(base + i * 60_000).toISOString());
      cs.push(c);
      if (want.has(i)) ids.set(i, c.id);
    }
    // One statement a batch, the columns as arrays: unnest keeps the parameter count at one per column.
    await client.query(
      `INSERT INTO "${schema}".customers (${COLS.join(', ')}) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::jsonb[], $6::jsonb[], $7::jsonb[], $8::timestamptz[], $9::timestamptz[], $10::int[])`,
      COLS.map((k) => cs.map((c) => c[k])),
    );
    await client.query(
      `INSERT INTO "${schema}".customer_names (customer_id, words, prefixes) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
      [cs.map((c) => c.id), cs.map((c) => c.name_norm), cs.map((c) => namePrefixes(c.name_norm))],
    );
  }
  await client.query(`ANALYZE "${schema}".customers; ANALYZE "${schema}".customer_names`);
}

async function main(): Promise<void> {
  const r = rng(20261203);
  const wanted: number[] = [];
  const warm: number[] = [];
  const want = new Set<number>();
  while (want.size < 2 * SEARCHES + 50) {
    const i = Math.floor(r() * N);
    if (want.has(i)) continue;
    want.add(i);
    (warm.length < 50 ? warm : wanted).push(i);
  }
  const ids = new Map<number, string>();
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  let store: Db;
  let cleanup: () => Promise<void>;
  let bare: (norm: string) => Promise<string[]>;
  const t0 = performance.now();
  if (DB === 'sqlite') {
    const tmp = tempDir('names');
    const file = path.join(tmp.dir, 'frontline.db');
    info(`customer-names: ${N.toLocaleString('en')} customers, sqlite file ${file}`);
    const s0 = await openDb({ sqliteFile: file });
    await migrateToLatest(s0);
    await s0.close();
    await loadSqlite(file, want, ids);
    store = await openDb({ sqliteFile: file });
    const raw = new DatabaseSync(file, { readOnly: true });
    const stmt = raw.prepare('SELECT id FROM customers WHERE name_norm = ? LIMIT 50');
    bare = async (norm) => (stmt.all(norm) as { id: string }[]).map((x) => x.id);
    cleanup = async () => {
      raw.close();
      if (process.env.BENCH_KEEP === '1') info(`kept ${tmp.dir}`);
      else tmp.remove();
    };
  } else {
    const schema = `bench_${randomBytes(5).toString('hex')}`;
    info(`customer-names: ${N.toLocaleString('en')} customers, postgres schema ${schema}`);
    store = await openDb({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 4 });
    await migrateToLatest(store);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await loadPg(client, schema, want, ids);
    await client.query(`SET search_path TO "${schema}"`);
    bare = async (norm) =>
      (
        await client.query({
          name: 'bare',
          text: 'SELECT id FROM customers WHERE name_norm = $1 LIMIT 50',
          values: [norm],
        })
      ).rows.map((x: { id: string }) => x.id);
    cleanup = async () => {
      if (process.env.BENCH_KEEP === '1') info(`kept schema ${schema}`);
      else await client.query(`DROP SCHEMA "${schema}" CASCADE`);
      await client.end();
    };
  }
  figure(`load customers=${N} db=${DB} time=${seconds(performance.now() - t0)}`);

  try {
    const ctx: Ctx = { store, clock: systemClock, config };
    const customers = new CustomersService(ctx, async () => false);
    const actor: Actor = { userId: newId(), role: 'officer', via: 'token' };
    for (const i of warm) {
      await customers.search(actor, nameAt(i), 20);
      await bare(normalizeName(nameAt(i)));
    }
    const appT: number[] = [];
    const bareT: number[] = [];
    let found = 0;
    let bareFound = 0;
    const missed: string[] = [];
    // App and baseline alternate, on different customers, so neither warms the other's pages.
    for (let k = 0; k < SEARCHES; k++) {
      const a = wanted[2 * k]!;
      const b = wanted[2 * k + 1]!;
      let t = performance.now();
      const hits = await customers.search(actor, nameAt(a), 20);
      appT.push(performance.now() - t);
      if (hits.some((x) => x.id === ids.get(a))) found++;
      else missed.push(nameAt(a));
      t = performance.now();
      const rows = await bare(normalizeName(nameAt(b)));
      bareT.push(performance.now() - t);
      if (rows.includes(ids.get(b)!)) bareFound++;
    }
    const p99 = percentile(appT, 99);
    figure(
      `name-search db=${DB} customers=${N} found=${found}/${SEARCHES} p50=${ms(median(appT))} p99=${ms(p99)} baseline(exact name seek) found=${bareFound}/${SEARCHES} p50=${ms(median(bareT))} p99=${ms(percentile(bareT, 99))} ratio=${ratio(median(appT), median(bareT))} target 200/200 and p99<${TARGET_P99_MS}ms ${found === SEARCHES && p99 < TARGET_P99_MS ? 'ok' : 'MISSED'}`,
    );
    if (missed.length) info(`not found: ${missed.slice(0, 10).join('; ')}`);
    info(
      `example queries: ${wanted
        .slice(0, 4)
        .map((i) => JSON.stringify(nameAt(i)))
        .join(', ')}`,
    );
  } finally {
    await store.close();
    await cleanup();
  }
}

await main();
