import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { after, describe, test } from 'node:test';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import pg from 'pg';
import { buildApp } from '../../src/server/app.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { systemClock } from '../../src/server/platform/clock.ts';
import { type DbTimeouts, loadConfig } from '../../src/server/platform/config.ts';
import type { Ctx } from '../../src/server/platform/context.ts';
import { classifyDbError } from '../../src/server/platform/db/errors.ts';
import { type Db, openDb } from '../../src/server/platform/db/index.ts';
import { migrateToLatest } from '../../src/server/platform/db/migrate.ts';
import { AppError } from '../../src/server/platform/errors.ts';
import { dialects, PG_URL } from '../helpers/db.ts';

/**
 * PostgreSQL going away under a running app: terminated backends (a restart, a failover,
 * pg_terminate_backend), a database that refuses connections, one that never answers (a
 * partition). An unhandled 'error' event from node-postgres would end this very test process.
 */

const hasPg = (await dialects()).includes('postgres');
const PASSWORD = 'resilient-operator-2026';

interface Harness {
  app: FastifyInstance;
  store: Db;
  token: string;
  logged: string[];
  close(): Promise<void>;
}

/** The app over its own schema, its connections named `appName` so the test kills only those. */
async function harness(url: string, appName: string, timeouts: Partial<DbTimeouts> = {}): Promise<Harness> {
  const schema = `t_res_${randomBytes(5).toString('hex')}`;
  const logged: string[] = [];
  const config = { ...loadConfig({ FRONTLINE_DATA_DIR: '/tmp/frontline-test' }), secureCookies: false };
  config.db = { ...config.db, ...timeouts };
  const store = await openDb({
    databaseUrl: url,
    pgSchema: schema,
    applicationName: appName,
    poolSize: 6,
    timeouts: config.db,
    log: (message, err) => logged.push(`${message}: ${err instanceof Error ? err.message : String(err)}`),
  });
  const dropSchema = async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  };
  let built: Awaited<ReturnType<typeof buildApp>>;
  try {
    await migrateToLatest(store);
    built = await buildApp({ store, clock: systemClock, config } satisfies Ctx, { logger: false });
  } catch (err) {
    // An open pool would keep this test process alive after the failure.
    await store.close();
    await dropSchema();
    throw err;
  }
  const { app, services } = built;
  const officer = await services.people.createUser(SYSTEM_ACTOR, {
    username: 'loadofficer',
    displayName: 'Load Officer',
    role: 'officer',
    password: PASSWORD,
  });
  const { token } = await services.auth.createToken(SYSTEM_ACTOR, { name: 'load', userId: officer.id });
  return {
    app: app as unknown as FastifyInstance,
    store,
    token,
    logged,
    close: async () => {
      await app.close();
      await store.close();
      await dropSchema();
    },
  };
}

/** Run SQL as the test itself (its own application_name, so it never terminates itself). */
async function admin<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: PG_URL, application_name: 'frontline-test-admin' });
  await c.connect();
  try {
    return (await c.query<T>(text, values)).rows;
  } finally {
    await c.end();
  }
}

const terminate = async (appName: string): Promise<number> =>
  (
    await admin(
      `select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and application_name = $1`,
      [appName],
    )
  ).length;

const createCustomer = (h: Harness, name: string) =>
  h.app.inject({
    method: 'POST',
    url: '/api/v1/customers',
    headers: { authorization: `Bearer ${h.token}` },
    payload: { displayName: name },
  });

function assertUnavailable(res: LightMyRequestResponse, what: string): void {
  assert.equal(res.statusCode, 503, `${what}: ${res.statusCode} ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, what);
  assert.equal(res.json().code, 'service.unavailable', what);
  assert.ok(Number(res.headers['retry-after']) > 0, `${what}: Retry-After`);
}

/** A TCP hop in front of PostgreSQL that can pass traffic, refuse it, or swallow it silently. */
async function pgProxy() {
  const target = new URL(PG_URL);
  let mode: 'up' | 'refuse' | 'blackhole' = 'up';
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket | undefined }>();
  const server = net.createServer((client) => {
    client.on('error', () => {});
    if (mode === 'refuse') return client.destroy();
    const pair: { client: net.Socket; upstream: net.Socket | undefined } = { client, upstream: undefined };
    pairs.add(pair);
    client.on('close', () => pairs.delete(pair));
    if (mode === 'blackhole') return; // accepted, never answered
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    upstream.on('error', () => client.destroy());
    pair.upstream = upstream;
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const url = new URL(PG_URL);
  url.host = `127.0.0.1:${port}`;
  return {
    url: url.toString(),
    set(next: typeof mode) {
      mode = next;
      for (const p of pairs) {
        if (next === 'refuse') {
          p.client.destroy();
          p.upstream?.destroy();
        } else if (next === 'blackhole') {
          // A partition: both directions stop, no FIN, no RST.
          p.client.unpipe();
          p.upstream?.unpipe();
          p.client.pause();
          p.upstream?.pause();
        }
      }
    },
    close: async () => {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream?.destroy();
      }
      await new Promise((r) => server.close(r));
    },
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

describe('PostgreSQL connections lost', { skip: !hasPg && 'PostgreSQL not reachable' }, () => {
  test('backends terminated under load and while idle: the process lives, no acknowledged write is lost, service resumes', async () => {
    const appName = `frontline-res-${randomBytes(4).toString('hex')}`;
    const h = await harness(PG_URL, appName);
    after(() => h.close());
    const acknowledged: string[] = [];
    const statuses = new Map<number, number>();
    const unexpected: string[] = [];
    let killed = 0;
    const stopAt = Date.now() + 4_000;
    let n = 0;
    const worker = async () => {
      while (Date.now() < stopAt) {
        const res = await createCustomer(h, `Load Customer ${n++}`);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        if (res.statusCode === 201 || res.statusCode === 200) acknowledged.push(res.json().id);
        else if (res.statusCode === 503) assertUnavailable(res, 'write while backends are terminated');
        else unexpected.push(`${res.statusCode} ${res.body}`);
      }
    };
    const started = Date.now();
    const killer = async () => {
      for (const at of [800, 1_800, 2_800]) {
        await new Promise((r) => setTimeout(r, started + at - Date.now()));
        killed += await terminate(appName);
      }
    };
    await Promise.all([worker(), worker(), worker(), worker(), worker(), worker(), killer()]);
    assert.ok(killed >= 3, `terminated ${killed} backends under load`);
    assert.deepEqual(unexpected, [], 'only 2xx or 503 while backends die');
    assert.ok(acknowledged.length > 50, `writes went through: ${JSON.stringify([...statuses])}`);

    // Idle: the pool holds connections nobody is using; they die between requests.
    await new Promise((r) => setTimeout(r, 300));
    const idleKilled = await terminate(appName);
    assert.ok(idleKilled >= 1, 'idle pooled connections were terminated');
    await new Promise((r) => setTimeout(r, 300));
    for (let i = 0; i < 20; i++) {
      const res = await createCustomer(h, `After Customer ${i}`);
      assert.equal(res.statusCode, 201, `write ${i} after the idle termination: ${res.body}`);
      acknowledged.push(res.json().id);
    }
    const health = await h.app.inject({ method: 'GET', url: '/api/v1/health' });
    assert.equal(health.statusCode, 200, health.body);

    const stored = await h.store.db
      .selectFrom('customers')
      .select('id')
      .where('id', 'in', acknowledged)
      .execute();
    assert.equal(stored.length, acknowledged.length, 'acknowledged writes lost: 0');
    assert.ok(
      h.logged.some((l) => l.includes('idle database connection was lost')),
      `the pool reported the loss instead of crashing: ${h.logged.join('; ')}`,
    );
    console.log(
      `  terminated ${killed} backends under load and ${idleKilled} idle; answers ${JSON.stringify(Object.fromEntries(statuses))}; ${acknowledged.length} acknowledged writes, all stored`,
    );
  });

  test('PostgreSQL refusing connections: 503 problem+json at once, /health says down, back by itself', async () => {
    const proxy = await pgProxy();
    const h = await harness(proxy.url, 'frontline-res-proxy');
    // The proxy first: it ends the sockets a partition left open, so the pool can close.
    after(async () => {
      await proxy.close();
      await h.close();
    });
    assert.equal((await createCustomer(h, 'Before')).statusCode, 201);

    proxy.set('refuse');
    const health = await timed(() => h.app.inject({ method: 'GET', url: '/api/v1/health' }));
    assertUnavailable(health.value, '/health');
    assert.match(health.value.json().detail, /database \(postgres\) is down/);
    assert.ok(health.ms < 5_000, `health answered in ${health.ms} ms`);
    for (let i = 0; i < 3; i++) {
      const write = await timed(() => createCustomer(h, `During ${i}`));
      assertUnavailable(write.value, 'write while PostgreSQL refuses');
      assert.ok(write.ms < 5_000, `write answered in ${write.ms} ms`);
    }

    proxy.set('up');
    const back = await h.app.inject({ method: 'GET', url: '/api/v1/health' });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal((await createCustomer(h, 'After')).statusCode, 201);
  });

  test('a partition (no answer at all): /health 503 within its timeout, requests 503 within the query timeout, recovery without a restart', async () => {
    const proxy = await pgProxy();
    // The client-side read timeout is what ends a request on a silent connection; shortened here
    // so the test is quick (the default is the statement timeout plus 2 s).
    const h = await harness(proxy.url, 'frontline-res-partition', { queryTimeoutMs: 3_000 });
    // The proxy first: it ends the sockets a partition left open, so the pool can close.
    after(async () => {
      await proxy.close();
      await h.close();
    });
    assert.equal((await createCustomer(h, 'Before')).statusCode, 201);

    proxy.set('blackhole');
    const health = await timed(() => h.app.inject({ method: 'GET', url: '/api/v1/health' }));
    assertUnavailable(health.value, '/health in a partition');
    assert.ok(health.ms < 3_000, `health answered in ${Math.round(health.ms)} ms`);
    const writes = await Promise.all([0, 1, 2].map((i) => timed(() => createCustomer(h, `During ${i}`))));
    for (const w of writes) {
      assertUnavailable(w.value, 'write in a partition');
      assert.ok(w.ms < 5_000, `write answered in ${Math.round(w.ms)} ms`);
    }
    // Connections the pool opens during the partition hit the connect timeout (3 s).
    const later = await timed(() => createCustomer(h, 'Later'));
    assertUnavailable(later.value, 'write on a new connection in a partition');
    assert.ok(later.ms < 5_000, `later write answered in ${Math.round(later.ms)} ms`);

    proxy.set('up');
    const back = await h.app.inject({ method: 'GET', url: '/api/v1/health' });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal((await createCustomer(h, 'After')).statusCode, 201);
    console.log(
      `  partition: /health ${Math.round(health.ms)} ms, writes ${writes.map((w) => Math.round(w.ms)).join('/')} ms, later ${Math.round(later.ms)} ms`,
    );
  });
  test('a partition noticed by /health: with the default timeouts, later requests do not wait on the idle connections it left behind', async () => {
    const proxy = await pgProxy();
    const h = await harness(proxy.url, 'frontline-res-stale');
    // The proxy first: it ends the sockets a partition left open, so the pool can close.
    after(async () => {
      await proxy.close();
      await h.close();
    });
    // Several connections in the pool, idle when the network goes silent.
    const warm = await Promise.all([0, 1, 2, 3].map((i) => createCustomer(h, `Warm ${i}`)));
    assert.deepEqual(
      warm.map((r) => r.statusCode),
      [201, 201, 201, 201],
    );

    proxy.set('blackhole');
    const health = await timed(() => h.app.inject({ method: 'GET', url: '/api/v1/health' }));
    assertUnavailable(health.value, '/health in a partition');
    assert.ok(health.ms < 3_000, `health answered in ${Math.round(health.ms)} ms`);
    // Without dropping the idle connections each of these would wait the 17 s read timeout.
    const writes = await Promise.all([0, 1, 2, 3].map((i) => timed(() => createCustomer(h, `During ${i}`))));
    for (const w of writes) {
      assertUnavailable(w.value, 'write after /health noticed the partition');
      assert.ok(w.ms < 5_000, `write answered in ${Math.round(w.ms)} ms`);
    }

    proxy.set('up');
    assert.equal((await h.app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode, 200);
    assert.equal((await createCustomer(h, 'After')).statusCode, 201);
    console.log(
      `  partition, default timeouts: /health ${Math.round(health.ms)} ms, then writes ${writes.map((w) => Math.round(w.ms)).join('/')} ms`,
    );
  });
});

describe('PostgreSQL unreachable from the start', () => {
  const config = loadConfig({ FRONTLINE_DATA_DIR: '/tmp/frontline-test' });

  async function appOver(url: string) {
    const store = await openDb({ databaseUrl: url, timeouts: config.db, log: () => {} });
    const { app } = await buildApp({ store, clock: systemClock, config }, { logger: false }).catch(
      async (err: unknown) => {
        await store.close();
        throw err;
      },
    );
    return {
      app: app as unknown as FastifyInstance,
      close: async () => {
        await app.close();
        await store.close();
      },
    };
  }

  async function check(url: string, label: string) {
    const { app, close } = await appOver(url);
    try {
      const health = await timed(() => app.inject({ method: 'GET', url: '/api/v1/health' }));
      assertUnavailable(health.value, `${label}: /health`);
      assert.ok(health.ms < 5_000, `${label}: /health in ${Math.round(health.ms)} ms`);
      const api = await timed(() =>
        app.inject({
          method: 'GET',
          url: '/api/v1/cases',
          headers: { authorization: `Bearer flt_${'x'.repeat(40)}` },
        }),
      );
      assertUnavailable(api.value, `${label}: API route`);
      assert.ok(api.ms < 5_000, `${label}: API in ${Math.round(api.ms)} ms`);
      console.log(`  ${label}: /health ${Math.round(health.ms)} ms, API ${Math.round(api.ms)} ms`);
    } finally {
      await close();
    }
  }

  test('a closed port: 503 problem+json at once, for /health and for an API route', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    await check(`postgres://postgres@127.0.0.1:${port}/postgres`, 'closed port');
  });

  test('a host that accepts and never answers: 503 problem+json within the connect timeout', async () => {
    const sockets = new Set<net.Socket>();
    const hole = net.createServer((s) => {
      s.on('error', () => {});
      sockets.add(s);
    });
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
    after(async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => hole.close(r));
    });
    await check(
      `postgres://postgres@127.0.0.1:${(hole.address() as net.AddressInfo).port}/postgres`,
      'blackhole',
    );
  });
});

test('classifyDbError: connection and storage failures are service.unavailable; query faults stay what they are', () => {
  const err = (props: Record<string, unknown>, message = 'x') => Object.assign(new Error(message), props);
  const unavailable = [
    err({ code: '57P01' }, 'terminating connection due to administrator command'),
    err({ code: '57P03' }, 'the database system is starting up'),
    err({ code: '08006' }),
    err({ code: 'ECONNRESET' }),
    new AggregateError([err({ code: 'ECONNREFUSED' }), err({ code: 'ECONNREFUSED' })], 'connect'),
    new Error('Connection terminated unexpectedly'),
    new Error('Connection terminated due to connection timeout'),
    new Error('timeout exceeded when trying to connect'),
    new Error('Query read timeout'),
    new Error('Client has encountered a connection error and is not queryable'),
    new Error('wrapped', { cause: err({ code: '57P01' }) }),
    err({ code: 'ERR_SQLITE_ERROR', errcode: 13 }, 'database or disk is full'),
    err({ code: 'ERR_SQLITE_ERROR', errcode: 1544 }, 'attempt to write a readonly database'),
    err({ code: 'ERR_SQLITE_ERROR', errcode: 14 }, 'unable to open database file'),
    err({ code: 'ERR_SQLITE_ERROR', errcode: 266 }, 'disk I/O error'),
  ];
  for (const e of unavailable) assert.equal(classifyDbError(e)?.code, 'service.unavailable', e.message);
  assert.match(classifyDbError(unavailable[11])?.detail ?? '', /disk is full/);
  assert.match(classifyDbError(unavailable[12])?.detail ?? '', /read-only/);
  for (const e of [
    err({ code: '23505' }, 'duplicate key value violates unique constraint'),
    err({ code: '42P01' }, 'relation does not exist'),
    err({ code: 'ERR_SQLITE_ERROR', errcode: 2067 }, 'UNIQUE constraint failed'),
    new TypeError('x is undefined'),
    new AppError('case.not_found'),
  ])
    assert.equal(classifyDbError(e), undefined, e.message);
});
