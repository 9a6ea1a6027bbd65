/**
 * Customer lookup by mobile number, ID number and account number over 1,000,000 customers on
 * SQLite, through the real service path (CustomersService.search), against a bare node:sqlite
 * prepared `SELECT customer_id FROM customer_lookup WHERE key = ?` on the same file.
 *
 * Run alone: node bench/customer-lookup.ts
 * Knobs (for quick trials only; the reported figures use the defaults):
 *   BENCH_CUSTOMERS (1000000), BENCH_LOOKUPS per kind (3000), BENCH_KEEP=1 keeps the temp dir.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { Selectable } from 'kysely';
import { lookupKeys } from '../src/server/modules/customers/customers.repo.ts';
import { CustomersService } from '../src/server/modules/customers/customers.service.ts';
import { identifierKey, normalizeName, phoneQueryKey } from '../src/server/modules/customers/normalize.ts';
import type { Actor } from '../src/server/platform/audit.ts';
import { systemClock } from '../src/server/platform/clock.ts';
import { loadConfig } from '../src/server/platform/config.ts';
import type { Ctx } from '../src/server/platform/context.ts';
import { openDb } from '../src/server/platform/db/index.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import type { AccountsTable, CustomersTable } from '../src/server/platform/db/schema.ts';
import { newId } from '../src/server/platform/ids.ts';
import { figure, info, median, ms, percentile, ratio, rng, seconds, tempDir } from './lib.ts';

const N = Number(process.env.BENCH_CUSTOMERS ?? 1_000_000);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 3000);
const ROUNDS = 3;
const WARMUP = 300;
const TARGET_P99_MS = 1;

type Kind = 'mobile' | 'id_number' | 'account';
const KINDS: Kind[] = ['mobile', 'id_number', 'account'];

// ---------------------------------------------------------------------------------------------
// Synthetic but plausible customers, a pure function of their index (so queries can be rebuilt).

const SURNAMES = [
  'Tan',
  'Lim',
  'Lee',
  'Ng',
  'Ong',
  'Wong',
  'Goh',
  'Chua',
  'Chan',
  'Koh',
  'Teo',
  'Ang',
  'Yeo',
  'Tay',
  'Ho',
  'Low',
  'Toh',
  'Sim',
  'Chong',
  'Chia',
  'Kumar',
  'Singh',
  'Rahman',
  'Ismail',
  'Nair',
  'Pillai',
  'Fernandez',
  'Hassan',
  'Yusof',
  'Menon',
  'Liew',
  'Quek',
  'Seah',
  'Phua',
  'Heng',
  'Lau',
  'Foo',
  'Kwek',
];
const GIVEN = [
  'Wei',
  'Ming',
  'Hui',
  'Ling',
  'Jia',
  'Xin',
  'Kai',
  'Jun',
  'Mei',
  'Hao',
  'Yi',
  'Zhi',
  'Siti',
  'Nur',
  'Aisyah',
  'Farah',
  'Ahmad',
  'Muhammad',
  'Priya',
  'Arjun',
  'Ravi',
  'Kavitha',
  'Daniel',
  'Rachel',
  'Joshua',
  'Sarah',
  'Marcus',
  'Chloe',
  'Ethan',
  'Grace',
  'Isaac',
  'Hannah',
  'Ryan',
  'Amanda',
  'José',
  'Zoë',
  'Bryan',
  'Cheryl',
  'Aaron',
  'Vanessa',
];

/** Cheap integer hash, so a customer's fields depend on its index only. */
function h(i: number, salt: number): number {
  let x = Math.imul(i ^ salt, 0x9e3779b1);
  x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
  return (x ^ (x >>> 13)) >>> 0;
}
const pick = <T>(xs: readonly T[], i: number, salt: number): T => xs[h(i, salt) % xs.length]!;

/** A bijection of 0..9,999,999, so seven-digit numbers are unique but not sequential. */
const scatter7 = (i: number, mul: number, add: number): string =>
  String((i * mul + add) % 10_000_000).padStart(7, '0');

/** A Singapore-style NRIC with a valid check letter. */
function nric(i: number): string {
  const prefix = i % 3 === 0 ? 'T' : 'S';
  const digits = scatter7(i, 7919, 1_234_567);
  const weights = [2, 7, 6, 5, 4, 3, 2];
  let sum = prefix === 'T' ? 4 : 0;
  for (let k = 0; k < 7; k++) sum += Number(digits[k]) * weights[k]!;
  return `${prefix}${digits}${'JZIHGFEDCBA'[sum % 11]}`;
}

/** An eight-digit mobile number (national form, no spaces). */
const mobile = (i: number): string => `${i % 2 ? '9' : '8'}${scatter7(i, 48_271, 7_654_321)}`;
const accountNumber = (i: number): string => `AC${10_000_000 + i}`;

function customerAt(i: number, id: string, at: string): Selectable<CustomersTable> {
  const surname = pick(SURNAMES, i, 1);
  const given = `${pick(GIVEN, i, 2)} ${pick(GIVEN, i, 3)}`;
  const displayName = h(i, 4) % 3 ? `${surname} ${given}` : `${given} ${surname}`;
  const m = mobile(i);
  // Numbers are stored the way they were captured: sometimes international, sometimes not.
  const stored = h(i, 5) % 2 ? `+65 ${m.slice(0, 4)} ${m.slice(4)}` : m;
  return {
    id,
    display_name: displayName,
    name_norm: normalizeName(displayName),
    id_type: 'nric',
    id_number: nric(i),
    date_of_birth: `19${50 + (h(i, 6) % 50)}-0${1 + (h(i, 7) % 9)}-1${h(i, 8) % 10}`,
    phones: JSON.stringify([{ kind: 'mobile', number: stored }]),
    emails: JSON.stringify([`${normalizeName(given).replace(/ /g, '.')}.${i}@example.com`]),
    address: `${1 + (h(i, 9) % 999)} Ang Mo Kio Avenue ${1 + (h(i, 10) % 10)}, #0${h(i, 11) % 9}-12, Singapore`,
    preferred_language: 'en',
    preferred_channel: 'phone',
    particular_needs: '[]',
    consent: JSON.stringify({ marketing: false, sms: true, email: false, callRecording: true }),
    segment: h(i, 12) % 10 ? 'consumer' : 'sme',
    created_at: at,
    updated_at: at,
    version: 1,
    merged_into_id: null,
    merged_at: null,
  };
}

function accountAt(i: number, id: string, customerId: string, at: string): Selectable<AccountsTable> {
  return {
    id,
    customer_id: customerId,
    account_number: accountNumber(i),
    status: 'active',
    credit_class: pick(['A', 'B', 'C'], i, 13),
    balance_minor: h(i, 14) % 50_000,
    currency: 'SGD',
    billing_address: null,
    opened_at: at,
    created_at: at,
    updated_at: at,
  };
}

/**
 * A UUIDv7 like newId() makes (time-ordered, same layout), minted without a randomBytes() call per
 * id: newId() costs ~1.5 µs, which is several seconds over two million rows.
 */
function bulkId(msTime: number, seq: number): string {
  const t = msTime.toString(16).padStart(12, '0');
  const u = randomUUID();
  return `${t.slice(0, 8)}-${t.slice(8)}-7${seq.toString(16).padStart(3, '0')}-${u.slice(19)}`;
}

/** The ways callers say it, as an officer would type it in. */
function queryText(kind: Kind, i: number, r: () => number): string {
  const v = Math.floor(r() * 5);
  if (kind === 'mobile') {
    const m = mobile(i);
    return [
      `${m.slice(0, 4)} ${m.slice(4)}`,
      `+65 ${m.slice(0, 4)}-${m.slice(4)}`,
      m,
      `+65${m}`,
      `0065 ${m.slice(0, 4)} ${m.slice(4)}`,
    ][v]!;
  }
  if (kind === 'id_number') {
    const n = nric(i);
    return [n.toLowerCase(), n, n.toLowerCase(), `${n.slice(0, 1)} ${n.slice(1, 8)} ${n.slice(8)}`, n][v]!;
  }
  const a = accountNumber(i);
  return [a, a.toLowerCase(), `AC ${a.slice(2, 6)} ${a.slice(6)}`, a, `ac-${a.slice(2)}`][v]!;
}

/** The key the bare baseline looks up: what the app derives from the typed text (the numbers are Singapore's). */
const bareKey = (kind: Kind, text: string): string =>
  kind === 'mobile' ? phoneQueryKey(text, 'SG')! : identifierKey(text);

interface Query {
  kind: Kind;
  index: number;
  text: string;
  key: string;
  expectId: string;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const tmp = tempDir('lookup');
  const file = path.join(tmp.dir, 'frontline.db');
  const config = loadConfig({ FRONTLINE_DATA_DIR: tmp.dir, LOG_LEVEL: 'silent' });
  const cc = config.defaultRegion;
  info(`customer-lookup: ${N.toLocaleString('en')} customers, sqlite file ${file}`);

  try {
    // Schema from the real migrations.
    {
      const store = await openDb({ sqliteFile: file });
      await migrateToLatest(store);
      await store.close();
    }

    // Which customers the queries will ask for (app and baseline get different customers, so
    // neither warms the pages the other reads), and their ids once loaded.
    const r = rng(20261123);
    const perSet = WARMUP + LOOKUPS;
    if (2 * KINDS.length * perSet > N / 2)
      throw new Error(
        `BENCH_LOOKUPS=${LOOKUPS} needs more customers than ${N} (distinct customers per query)`,
      );
    const want = new Map<number, string>();
    const plan: { set: 'app' | 'bare'; kind: Kind; index: number }[] = [];
    for (const set of ['app', 'bare'] as const)
      for (const kind of KINDS)
        for (let k = 0; k < perSet; k++) {
          let index: number;
          do index = Math.floor(r() * N);
          while (want.has(index));
          want.set(index, '');
          plan.push({ set, kind, index });
        }

    // Bulk load: one transaction, prepared statements, lookup rows from the app's own lookupKeys().
    const t0 = performance.now();
    let lookupRows = 0;
    {
      const raw = new DatabaseSync(file);
      raw.exec('PRAGMA journal_mode = OFF');
      raw.exec('PRAGMA synchronous = OFF');
      raw.exec('PRAGMA cache_size = -4194304'); // 4 GiB: the whole file stays in cache while loading
      raw.exec('PRAGMA temp_store = MEMORY');
      const insert = (table: string, cols: string[]): StatementSync =>
        raw.prepare(
          `INSERT INTO ${table} (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`,
        );
      const base = Date.parse('2020-01-01T00:00:00.000Z');
      const probeC = customerAt(0, 'x', 'x');
      const probeA = accountAt(0, 'x', 'x', 'x');
      const insCustomer = insert('customers', Object.keys(probeC));
      const insAccount = insert('accounts', Object.keys(probeA));
      raw.exec('BEGIN');
      const insLookup = insert('customer_lookup', ['key', 'kind', 'customer_id']);
      for (let i = 0; i < N; i++) {
        const at = new Date(base + i * 60_000).toISOString();
        const idMs = base + i * 60_000;
        const c = customerAt(i, bulkId(idMs, 0), at);
        const a = accountAt(i, bulkId(idMs, 1), c.id, at);
        // Values are strings and numbers only (see customerAt/accountAt).
        insCustomer.run(...(Object.values(c) as (string | number | null)[]));
        insAccount.run(...(Object.values(a) as (string | number | null)[]));
        // Random keys into the (key, kind, customer_id) b-tree: ~4 µs a row, most of the load time.
        const rows = lookupKeys(c, [a], [], cc);
        lookupRows += rows.length;
        for (const row of rows) insLookup.run(row.key, row.kind, row.customer_id);
        if (want.has(i)) want.set(i, c.id);
        if ((i + 1) % 250_000 === 0) info(`  loaded ${(i + 1).toLocaleString('en')}`);
      }
      raw.exec('COMMIT');
      raw.exec('PRAGMA journal_mode = WAL');
      raw.close();
    }
    const loadMs = performance.now() - t0;
    figure(
      `bulk-load customers=${N} accounts=${N} lookup_rows=${lookupRows} time=${seconds(loadMs)} (${Math.round(N / (loadMs / 1000)).toLocaleString('en')} customers/s)`,
    );

    // The queries, typed the way callers say them.
    const qr = rng(42);
    const sets: Record<'app' | 'bare', Record<Kind, Query[]>> = {
      app: { mobile: [], id_number: [], account: [] },
      bare: { mobile: [], id_number: [], account: [] },
    };
    for (const p of plan) {
      const text = queryText(p.kind, p.index, qr);
      sets[p.set][p.kind].push({
        kind: p.kind,
        index: p.index,
        text,
        key: bareKey(p.kind, text),
        expectId: want.get(p.index)!,
      });
    }

    // The real service path, as app.ts wires it (the verification gate is not consulted by search).
    const store = await openDb({ sqliteFile: file });
    const ctx: Ctx = { store, clock: systemClock, config };
    const customers = new CustomersService(ctx, async () => false);
    const actor: Actor = { userId: newId(), role: 'officer', via: 'token' };

    const bare = new DatabaseSync(file, { readOnly: true });
    const bareStmt = bare.prepare('SELECT customer_id FROM customer_lookup WHERE key = ?');

    const runApp = async (qs: Query[], out: number[] | null) => {
      for (const q of qs) {
        const t = performance.now();
        const hits = await customers.search(actor, q.text, 20);
        const dt = performance.now() - t;
        if (hits[0]?.id !== q.expectId)
          throw new Error(`search ${JSON.stringify(q.text)} did not find customer #${q.index} first`);
        out?.push(dt);
      }
    };
    const runBare = (qs: Query[], out: number[] | null) => {
      for (const q of qs) {
        const t = performance.now();
        const rows = bareStmt.all(q.key) as { customer_id: string }[];
        const dt = performance.now() - t;
        if (!rows.some((row) => row.customer_id === q.expectId))
          throw new Error(`bare lookup ${q.key} did not find customer #${q.index}`);
        out?.push(dt);
      }
    };

    info(
      `lookups: ${LOOKUPS} per kind, app and baseline alternating in ${ROUNDS} rounds, after ${WARMUP} warm-up each`,
    );
    for (const kind of KINDS) {
      await runApp(sets.app[kind].slice(0, WARMUP), null);
      runBare(sets.bare[kind].slice(0, WARMUP), null);
    }
    const appT: Record<Kind, number[]> = { mobile: [], id_number: [], account: [] };
    const bareT: Record<Kind, number[]> = { mobile: [], id_number: [], account: [] };
    const chunk = Math.ceil(LOOKUPS / ROUNDS);
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of KINDS) {
        const from = WARMUP + round * chunk;
        const to = Math.min(WARMUP + LOOKUPS, from + chunk);
        runBare(sets.bare[kind].slice(from, to), bareT[kind]);
        await runApp(sets.app[kind].slice(from, to), appT[kind]);
      }
    }

    for (const kind of KINDS) {
      const a50 = median(appT[kind]);
      const a99 = percentile(appT[kind], 99);
      const b50 = median(bareT[kind]);
      const b99 = percentile(bareT[kind], 99);
      const ok = a99 < TARGET_P99_MS ? 'ok' : 'MISSED';
      figure(
        `lookup ${kind} p50=${ms(a50)} p99=${ms(a99)} baseline p50=${ms(b50)} p99=${ms(b99)} ratio=${ratio(a50, b50)} target p99<${TARGET_P99_MS}ms ${ok}`,
      );
    }
    const eg = KINDS.map(
      (k) =>
        `${k}: ${sets.app[k]
          .slice(0, 3)
          .map((q) => JSON.stringify(q.text))
          .join(', ')}`,
    );
    info(`example queries — ${eg.join('; ')}`);

    bare.close();
    await store.close();
  } finally {
    if (process.env.BENCH_KEEP === '1') info(`kept ${tmp.dir}`);
    else tmp.remove();
  }
}

await main();
