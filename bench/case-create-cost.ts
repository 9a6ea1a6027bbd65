/**
 * What creating a contact and its case costs on PostgreSQL, in the resources that bound its rate:
 * statements (each a round trip), the app's CPU and PostgreSQL's CPU per case, through the real
 * app (inject(), no HTTP client to share the cores with) on a fresh schema with the demo seed — the
 * desktop's three calls: POST /contacts, PATCH /contacts/:id (the customer found), POST /cases.
 *
 * Beside it, in the same run, the bare cost of one round trip (`select 1`) and of one committed
 * single-row insert, on the same server, with the same CPU accounting. The ceiling printed is
 * what the two cores could do if nothing else ran: 2 CPU-seconds / (app + PostgreSQL CPU per case).
 *
 * Run alone: node bench/case-create-cost.ts (BENCH_CASES per phase, default 300;
 * FRONTLINE_BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import pg from 'pg';
import { buildApp } from '../src/server/app.ts';
import { systemClock } from '../src/server/platform/clock.ts';
import { loadConfig } from '../src/server/platform/config.ts';
import type { Ctx } from '../src/server/platform/context.ts';
import { openDb } from '../src/server/platform/db/index.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { seedDemo } from '../src/server/seed/demo.ts';
import { figure, info } from './lib.ts';

const PG_URL = process.env.FRONTLINE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const N = Number(process.env.BENCH_CASES ?? 300);
const TICK_MS = 1000 / 100; // USER_HZ on Linux

/** CPU time (ms) of every postgres process on this machine: the server's own accounting. */
function pgCpuMs(): number {
  let ticks = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const st = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (!st.includes('(postgres)')) continue;
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return ticks * TICK_MS;
}

/** Counts the statements the app sends (node-postgres's query, patched before any connection). */
const counter = { n: 0 };
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  counter.n++;
  return (query as (...a: unknown[]) => unknown).apply(this, args);
} as typeof query;

interface Cost {
  wallMs: number;
  appMs: number;
  pgMs: number;
  statements: number;
}
async function cost(n: number, work: () => Promise<void>): Promise<Cost> {
  const c0 = process.cpuUsage();
  const p0 = pgCpuMs();
  const s0 = counter.n;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await work();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return {
    wallMs: wall / n,
    appMs: (c.user + c.system) / 1000 / n,
    pgMs: (pgCpuMs() - p0) / n,
    statements: (counter.n - s0) / n,
  };
}
const show = (c: Cost) =>
  `wall=${c.wallMs.toFixed(2)}ms app_cpu=${c.appMs.toFixed(2)}ms pg_cpu=${c.pgMs.toFixed(2)}ms statements=${c.statements.toFixed(1)}`;

async function main() {
  const schema = `bench_cc_${randomUUID().slice(0, 8)}`;
  const store = await openDb({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 8 });
  try {
    await migrateToLatest(store);
    const config = {
      ...loadConfig({ LOG_LEVEL: 'silent' }),
      secureCookies: false,
      login: { maxFailures: 10, lockMinutes: 1, perIpPerMinute: 1000 },
    };
    const ctx: Ctx = { store, clock: systemClock, config };
    const { password } = await seedDemo(ctx, { password: 'bench-demo-password' });
    const { app } = await buildApp(ctx, { logger: false });
    await app.ready();
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'olivia', password },
    });
    const cookie = login.cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const csrf = (login.json() as { csrfToken: string }).csrfToken;
    const headers = { cookie, 'x-csrf-token': csrf };
    const customers = (await store.db.selectFrom('customers').select('id').execute()).map((r) => r.id);

    const oneCase = async () => {
      const customerId = customers[Math.floor(Math.random() * customers.length)]!;
      const c = await app.inject({
        method: 'POST',
        url: '/api/v1/contacts',
        headers,
        payload: { channel: 'phone', direction: 'inbound' },
      });
      const id = (c.json() as { id: string }).id;
      await app.inject({ method: 'PATCH', url: `/api/v1/contacts/${id}`, headers, payload: { customerId } });
      const k = await app.inject({
        method: 'POST',
        url: '/api/v1/cases',
        headers: { ...headers, 'idempotency-key': randomUUID() },
        payload: {
          contactId: id,
          type: 'complaint',
          subject: 'Charged twice for roaming data',
          description: 'Customer called: charged twice for roaming data.',
          criticality: 'not_highly_critical',
        },
      });
      if (k.statusCode !== 201) throw new Error(`POST /cases ${k.statusCode} ${k.body}`);
    };

    for (let i = 0; i < 20; i++) await oneCase(); // warm: compiled schemas, settings, pool
    // The seed's outbox is published by now; let the dispatcher and the timers go quiet.
    await new Promise((r) => setTimeout(r, 2000));
    // The bare costs, on the same server and with the same accounting.
    const bare = new pg.Client({ connectionString: PG_URL });
    await bare.connect();
    await bare.query(`CREATE TABLE "${schema}".bare (id uuid PRIMARY KEY, v text)`);
    const roundTrip = await cost(N * 10, async () => {
      await bare.query('select 1');
    });
    const insert = await cost(N * 3, async () => {
      await bare.query(`INSERT INTO "${schema}".bare VALUES ($1, 'x')`, [randomUUID()]);
    });
    await bare.end();

    const app1 = await cost(N, oneCase);
    const cores = os.availableParallelism();
    const ceiling = (cores * 1000) / (app1.appMs + app1.pgMs);
    figure(`postgres contact+case (3 calls, one at a time): ${show(app1)}`);
    figure(`postgres bare select 1: ${show(roundTrip)}`);
    figure(`postgres bare committed insert: ${show(insert)}`);
    figure(
      `postgres contact+case ceiling on ${cores} cores (CPU only, nothing else running): ${ceiling.toFixed(0)} cases/s; statements x bare round trip = ${(app1.statements * (roundTrip.appMs + roundTrip.pgMs)).toFixed(2)}ms of the ${(app1.appMs + app1.pgMs).toFixed(2)}ms`,
    );
    await app.close();
  } finally {
    await store.close();
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  }
  info(`(${N} cases; the machine's load average at the end: ${os.loadavg()[0]!.toFixed(1)})`);
}

await main();
process.exit(0);
