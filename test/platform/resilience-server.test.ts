import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { dialects, PG_URL } from '../helpers/db.ts';

/**
 * The whole server (`frontline serve`: HTTP, scheduler, mail loop, realtime LISTEN) on its own
 * PostgreSQL database while every one of its backends is terminated, under load and idle: the
 * process must not exit, no acknowledged write may be lost, and it must recover by itself.
 */

const hasPg = (await dialects()).includes('postgres');
const MAIN = path.resolve('src/server/main.ts');

async function admin<T extends pg.QueryResultRow>(sqlText: string, values: unknown[] = [], url = PG_URL) {
  const c = new pg.Client({ connectionString: url, application_name: 'frontline-test-admin' });
  await c.connect();
  try {
    return (await c.query<T>(sqlText, values)).rows;
  } finally {
    await c.end();
  }
}

test('frontline serve on PostgreSQL: backends terminated under load and idle — exits 0, acknowledged writes lost 0, back by itself', {
  skip: !hasPg && 'PostgreSQL not reachable',
}, async () => {
  const name = `frontline_res_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  after(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const env = {
    ...process.env,
    DATABASE_URL: url.toString(),
    FRONTLINE_DEMO: '0',
    FRONTLINE_TICK_MS: '200',
    LOG_LEVEL: 'fatal',
  };
  const cli = (args: string[]) => {
    const r = spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  };
  cli([
    'user',
    'add',
    '--username',
    'loadofficer',
    '--name',
    'Load Officer',
    '--role',
    'officer',
    '--password',
    'Harbour-lantern-2026',
  ]);
  const token = cli(['token', 'create', '--user', 'loadofficer', '--name', 'load']);

  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env: { ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b) => {
    out += b;
  });
  child.stderr.on('data', (b) => {
    out += b;
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const deadline = Date.now() + 30_000;
  while (!/running at/.test(out) && child.exitCode === null && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const port = out.match(/running at http:\/\/localhost:(\d+)/)?.[1];
  assert.ok(port, `serve did not start: ${out}`);
  const base = `http://127.0.0.1:${port}/api/v1`;

  const terminate = async () =>
    (
      await admin(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
        [name],
      )
    ).length;
  const acknowledged: string[] = [];
  const answers: Record<string, number> = {};
  const started = Date.now();
  let n = 0;
  const worker = async () => {
    while (Date.now() - started < 4_000) {
      const res = await fetch(`${base}/customers`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ displayName: `Server Load ${n++}` }),
      });
      answers[res.status] = (answers[res.status] ?? 0) + 1;
      const body = await res.json();
      if (res.status === 201) acknowledged.push(body.id);
      else assert.equal(res.status, 503, JSON.stringify(body));
    }
  };
  let killed = 0;
  const killer = async () => {
    for (const at of [800, 1_800, 2_800]) {
      await new Promise((r) => setTimeout(r, started + at - Date.now()));
      killed += await terminate();
    }
  };
  await Promise.all([worker(), worker(), worker(), worker(), killer()]);
  await new Promise((r) => setTimeout(r, 500));
  const idleKilled = await terminate();

  // Back by itself: /health turns 200 and writes go through, same process.
  let health = 0;
  for (const t0 = Date.now(); Date.now() - t0 < 10_000 && health !== 200; ) {
    health = (await fetch(`${base}/health`)).status;
    if (health !== 200) await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(health, 200);
  const last = await fetch(`${base}/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ displayName: 'After the storm' }),
  });
  assert.equal(last.status, 201);
  acknowledged.push((await last.json()).id);
  assert.equal(child.exitCode, null, `the server exited: ${out}`);

  const stored = await admin<{ n: string }>(
    'select count(*) as n from customers where id = any($1)',
    [acknowledged],
    url.toString(),
  );
  assert.equal(Number(stored[0]?.n), acknowledged.length, 'acknowledged writes lost: 0');
  child.kill('SIGTERM');
  assert.equal(await exited, 0, 'a clean shutdown afterwards');
  console.log(
    `  serve: ${killed} backends terminated under load, ${idleKilled} idle; answers ${JSON.stringify(answers)}; ${acknowledged.length} acknowledged, all stored; exits 0`,
  );
});
