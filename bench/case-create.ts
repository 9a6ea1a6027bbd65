/**
 * Case creation through HTTP: `POST /api/v1/cases` on the real app (buildApp over a fresh, migrated
 * SQLite file, officer bearer token) against a bare Fastify route doing one node:sqlite insert on a
 * file with the same pragmas. Each server runs in its own child process and autocannon drives it from
 * this one, so on a 2-core machine the load generator and the server each get a core. Baseline and
 * app run alternately, ROUNDS rounds each; figures are the medians of the rounds.
 *
 * Run alone: node bench/case-create.ts
 * Knobs (quick trials only; reported figures use the defaults): BENCH_DURATION seconds per round
 * (10), BENCH_CONNECTIONS (10), BENCH_ROUNDS (3), BENCH_PROFILE=<dir> runs the app server under
 * --cpu-prof and writes its profile there.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { buildApp } from '../src/server/app.ts';
import { type Actor, SYSTEM_ACTOR } from '../src/server/platform/audit.ts';
import { systemClock } from '../src/server/platform/clock.ts';
import { loadConfig } from '../src/server/platform/config.ts';
import type { Ctx } from '../src/server/platform/context.ts';
import { openDb } from '../src/server/platform/db/index.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { figure, info, median, ms, pct, percentile, ratio, tempDir } from './lib.ts';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WARMUP_SECONDS = 2;
const TARGET = 0.5;

type Server = 'app' | 'baseline';

/** What a server child tells the driver once it listens. */
interface Target {
  url: string;
  headers: Record<string, string>;
  body: string;
}
/** Cases stored so far, and the server process's CPU time (user + system, µs) so far. */
interface Stats {
  cases: number;
  cpuMicros: number;
}
type ChildMsg = { type: 'ready'; target: Target } | { type: 'stats'; stats: Stats };
type ParentMsg = { type: 'stats' } | { type: 'stop' };

// ---------------------------------------------------------------------------------------------
// Server side (child processes)

interface Running {
  target: Target;
  count(): Promise<number>;
  close(): Promise<void>;
}

async function startApp(dir: string): Promise<Running> {
  const store = await openDb({ sqliteFile: path.join(dir, 'app.db') });
  await migrateToLatest(store);
  const config = { ...loadConfig({ FRONTLINE_DATA_DIR: dir, LOG_LEVEL: 'silent' }), secureCookies: false };
  const ctx: Ctx = { store, clock: systemClock, config };
  const { app, services } = await buildApp(ctx, { logger: false });

  // As test/helpers/app.ts sets things up: a department and team, an officer with a bearer token.
  const department = await services.people.createDepartment(SYSTEM_ACTOR, {
    name: 'Billing',
    purpose: 'Bills and charges',
    phone: '+65 6100 2000',
  });
  const team = await services.people.createTeam(SYSTEM_ACTOR, {
    name: 'Team A',
    departmentId: department.id,
  });
  const user = await services.people.createUser(SYSTEM_ACTOR, {
    username: 'bench.officer',
    displayName: 'Bench Officer',
    role: 'officer',
    password: 'correct horse battery staple',
    teamId: team.id,
  });
  const { token } = await services.auth.createToken(SYSTEM_ACTOR, { name: 'bench', userId: user.id });
  const actor: Actor = { userId: user.id, role: 'officer', via: 'token' };
  const customer = await services.customers.create(actor, {
    displayName: 'Tan Wei Ming',
    idType: 'nric',
    idNumber: 'S1234567D',
    phones: [{ kind: 'mobile', number: '+65 9123 4567' }],
    emails: ['wei.ming@example.com'],
  });
  const contact = await services.contacts.create(actor, {
    channel: 'phone',
    direction: 'inbound',
    customerId: customer.id,
  });

  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    target: {
      url: `http://127.0.0.1:${port}/api/v1/cases`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ contactId: contact.id, type: 'complaint', subject: 'Charged twice for March' }),
    },
    count: async () => {
      const row = await store.db
        .selectFrom('cases')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

async function startBaseline(dir: string): Promise<Running> {
  const db = new DatabaseSync(path.join(dir, 'baseline.db'));
  // The pragmas openSqlite() sets (src/server/platform/db/sqlite-driver.ts).
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec(
    'CREATE TABLE cases (id TEXT PRIMARY KEY, contact_id TEXT NOT NULL, type TEXT NOT NULL, subject TEXT NOT NULL, created_at TEXT NOT NULL)',
  );
  const insert = db.prepare(
    'INSERT INTO cases (id, contact_id, type, subject, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  const app = Fastify({ logger: false });
  app.post('/api/v1/cases', async (req, reply) => {
    const b = req.body as { contactId: string; type: string; subject: string };
    const id = randomUUID();
    insert.run(id, b.contactId, b.type, b.subject, new Date().toISOString());
    reply.code(201);
    return { id };
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    target: {
      url: `http://127.0.0.1:${port}/api/v1/cases`,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        contactId: randomUUID(),
        type: 'complaint',
        subject: 'Charged twice for March',
      }),
    },
    count: async () => Number((db.prepare('SELECT count(*) AS n FROM cases').get() as { n: number }).n),
    close: async () => {
      await app.close();
      db.close();
    },
  };
}

async function serve(which: Server, dir: string): Promise<void> {
  const send = (m: ChildMsg) => process.send!(m);
  const running = which === 'app' ? await startApp(dir) : await startBaseline(dir);
  process.on('disconnect', () => process.exit(1));
  process.on('message', (m: ParentMsg) => {
    if (m.type === 'stats')
      void running.count().then((cases) => {
        const cpu = process.cpuUsage();
        send({ type: 'stats', stats: { cases, cpuMicros: cpu.user + cpu.system } });
      });
    if (m.type === 'stop') void running.close().then(() => process.exit(0));
  });
  send({ type: 'ready', target: running.target });
}

// ---------------------------------------------------------------------------------------------
// Driver side

class ServerChild {
  readonly name: Server;
  readonly child: ChildProcess;
  target!: Target;
  /** The one reply awaited at a time (the driver asks, then waits). */
  private waiting: { resolve: (m: ChildMsg) => void; reject: (e: Error) => void } | null = null;
  private exited = false;

  constructor(name: Server, dir: string, execArgv: string[]) {
    this.name = name;
    this.child = fork(fileURLToPath(import.meta.url), ['--serve', name, dir], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child.on('message', (m: ChildMsg) => {
      const w = this.waiting;
      this.waiting = null;
      w?.resolve(m);
    });
    this.child.on('exit', (code) => {
      this.exited = true;
      const w = this.waiting;
      this.waiting = null;
      w?.reject(new Error(`${this.name} server exited early (code ${code})`));
    });
  }

  private next(): Promise<ChildMsg> {
    if (this.exited) return Promise.reject(new Error(`${this.name} server has exited`));
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  async ready(): Promise<void> {
    const m = await this.next();
    if (m.type !== 'ready') throw new Error(`${this.name}: unexpected ${m.type}`);
    this.target = m.target;
  }

  async stats(): Promise<Stats> {
    const p = this.next();
    this.child.send({ type: 'stats' } satisfies ParentMsg);
    const m = await p;
    if (m.type !== 'stats') throw new Error(`${this.name}: unexpected ${m.type}`);
    return m.stats;
  }

  async stop(): Promise<void> {
    if (this.exited || this.child.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.send({ type: 'stop' } satisfies ParentMsg);
    await gone;
  }
}

interface Round {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  /** Server CPU time (user + system) per request answered, µs. */
  cpuPerReq: number;
}

async function load(s: ServerChild, seconds: number, label: string): Promise<Round> {
  // autocannon's own latency histogram has whole-millisecond resolution; record exact times here.
  const latencies: number[] = [];
  const before = await s.stats();
  const r = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: s.target.url,
        method: 'POST',
        headers: s.target.headers,
        body: s.target.body,
        connections: CONNECTIONS,
        pipelining: 1,
        duration: seconds,
      },
      (err: Error | null, result: autocannon.Result) => (err ? reject(err) : resolve(result)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  const codes = Object.entries(r.statusCodeStats ?? {}).map(([code, v]) => `${code}×${v.count ?? 0}`);
  const created = r.statusCodeStats?.['201']?.count ?? 0;
  const bad = r.non2xx + r.errors + r.timeouts + (r['2xx'] - created);
  if (bad > 0 || created === 0) {
    throw new Error(
      `${label}: expected only 201 responses, got non2xx=${r.non2xx} errors=${r.errors} timeouts=${r.timeouts} status codes ${codes.join(' ') || 'none'}`,
    );
  }
  const after = await s.stats();
  return {
    rps: r.requests.average,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ok: created,
    cpuPerReq: (after.cpuMicros - before.cpuMicros) / created,
  };
}

async function preflight(s: ServerChild): Promise<void> {
  const res = await fetch(s.target.url, { method: 'POST', headers: s.target.headers, body: s.target.body });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`${s.name}: POST answered ${res.status}: ${text}`);
  info(`${s.name} preflight 201: ${text.length > 160 ? `${text.slice(0, 160)}…` : text}`);
}

async function drive(): Promise<void> {
  const tmp = tempDir('cases');
  const profileDir = process.env.BENCH_PROFILE;
  const app = new ServerChild(
    'app',
    tmp.dir,
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [],
  );
  const baseline = new ServerChild('baseline', tmp.dir, []);
  try {
    await Promise.all([app.ready(), baseline.ready()]);
    info(
      `case-create: autocannon ${CONNECTIONS} connections, keep-alive, ${DURATION}s × ${ROUNDS} rounds each, baseline and app alternating, after ${WARMUP_SECONDS}s warm-up each`,
    );
    await preflight(baseline);
    await preflight(app);
    let sent = 1;
    await load(baseline, WARMUP_SECONDS, 'baseline warm-up');
    sent += (await load(app, WARMUP_SECONDS, 'app warm-up')).ok;

    const rounds: Record<Server, Round[]> = { app: [], baseline: [] };
    for (let i = 1; i <= ROUNDS; i++) {
      for (const s of [baseline, app]) {
        const r = await load(s, DURATION, `${s.name} round ${i}`);
        if (s === app) sent += r.ok;
        rounds[s.name].push(r);
        info(
          `round ${i} ${s.name.padEnd(8)} rps=${r.rps.toFixed(0)} p50=${ms(r.p50)} p99=${ms(r.p99)} 201s=${r.ok} server-cpu/req=${r.cpuPerReq.toFixed(0)}µs`,
        );
      }
    }

    // Every 201 counted is a case in the database (a few more may have landed as a round ended).
    const stored = (await app.stats()).cases;
    if (stored < sent) throw new Error(`app answered 201 ${sent} times but stored only ${stored} cases`);
    info(`app stored ${stored} cases for ${sent} 201 answers counted`);

    const m = (s: Server, k: keyof Round) => median(rounds[s].map((r) => r[k]));
    const appRps = m('app', 'rps');
    const baseRps = m('baseline', 'rps');
    figure(
      `case-create server-cpu-per-request app=${m('app', 'cpuPerReq').toFixed(0)}µs baseline=${m('baseline', 'cpuPerReq').toFixed(0)}µs ratio=${ratio(m('app', 'cpuPerReq'), m('baseline', 'cpuPerReq'))}`,
    );
    figure(
      `case-create app rps=${appRps.toFixed(0)} p50=${ms(m('app', 'p50'))} p99=${ms(m('app', 'p99'))} baseline rps=${baseRps.toFixed(0)} p50=${ms(m('baseline', 'p50'))} p99=${ms(m('baseline', 'p99'))} ratio=${pct(appRps, baseRps)} target>=${TARGET * 100}% ${appRps / baseRps >= TARGET ? 'ok' : 'MISSED'}`,
    );
  } finally {
    await Promise.allSettled([app.stop(), baseline.stop()]);
    tmp.remove();
  }
}

if (process.argv[2] === '--serve') await serve(process.argv[3] as Server, process.argv[4]!);
else await drive();
