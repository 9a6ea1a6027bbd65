import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { buildApp } from '../../src/server/app.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { systemClock } from '../../src/server/platform/clock.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import { openDb } from '../../src/server/platform/db/index.ts';
import { migrateToLatest } from '../../src/server/platform/db/migrate.ts';

/**
 * The SQLite data directory under stress: a full disk, a read-only database, and the file modes
 * of what the server creates. Runs as root in CI, where file permissions do not bind root: the
 * read-only case runs the server without root's capability to override file modes then, so the permissions are real.
 */

const MAIN = path.resolve('src/server/main.ts');
const PASSWORD = 'storage-operator-2026';

test('SQLite disk full: writes answer 503 saying so, the log has the real error (not "cannot rollback"), /health reports it, recovery without a restart', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-full-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = await openDb({ sqliteFile: path.join(dir, 'frontline.db') });
  await migrateToLatest(store);
  const config = { ...loadConfig({ FRONTLINE_DATA_DIR: dir }), secureCookies: false };
  const logged: string[] = [];
  const { app: built, services } = await buildApp(
    { store, clock: systemClock, config },
    { logger: { level: 'warn', stream: { write: (line: string) => logged.push(line) } } },
  );
  const app = built as unknown as FastifyInstance;
  after(async () => {
    await app.close();
    await store.close();
  });
  const u = await services.people.createUser(SYSTEM_ACTOR, {
    username: 'fullofficer',
    displayName: 'Full Officer',
    role: 'officer',
    password: PASSWORD,
  });
  const { token } = await services.auth.createToken(SYSTEM_ACTOR, { name: 't', userId: u.id });
  const write = (i: number) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/customers',
      headers: { authorization: `Bearer ${token}` },
      payload: { displayName: `Customer ${i}`, address: `${i} ${'Long Street '.repeat(40)}` },
    });
  assert.equal((await write(0)).statusCode, 201);
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode, 200);

  // The disk is "full" at the current size: SQLite refuses to grow the file past max_page_count.
  const { page_count } = (await sql<{ page_count: number }>`PRAGMA page_count`.execute(store.db)).rows[0]!;
  await sql.raw(`PRAGMA max_page_count = ${page_count}`).execute(store.db);
  let res = await write(1);
  for (let i = 2; res.statusCode === 201 && i < 5_000; i++) res = await write(i);
  assert.equal(res.statusCode, 503, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  assert.equal(res.json().code, 'service.unavailable');
  assert.match(res.json().detail, /disk is full/);
  assert.ok(Number(res.headers['retry-after']) > 0);
  const log = logged.join('');
  assert.match(log, /database or disk is full/, 'the real error is logged');
  assert.doesNotMatch(log, /cannot rollback/, 'the failed ROLLBACK no longer replaces it');

  const health = await app.inject({ method: 'GET', url: '/api/v1/health' });
  assert.equal(health.statusCode, 503, health.body);
  assert.match(health.json().detail, /sqlite.*full/);

  // Space comes back (here: the page limit is raised): no restart needed.
  await sql.raw('PRAGMA max_page_count = 1073741823').execute(store.db);
  assert.equal((await app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode, 200);
  assert.equal((await write(9_999)).statusCode, 201);
});

test('/health on SQLite stays cheap: the write probe (BEGIN IMMEDIATE, a rolled-back write, page and disk checks)', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-probe-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = await openDb({ sqliteFile: path.join(dir, 'frontline.db') });
  after(() => store.close());
  await migrateToLatest(store);
  const n = 2_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await store.ping(2_000);
  const perProbeUs = ((performance.now() - t0) * 1000) / n;
  console.log(`  SQLite health probe: ${perProbeUs.toFixed(0)} µs each (${n} probes)`);
  assert.ok(perProbeUs < 2_000, `a probe takes ${perProbeUs} µs`);
});

/**
 * The CLI as a command line. Root ignores file modes, so as root it runs without the capabilities
 * that let it (setpriv, from util-linux): the modes then apply as they would to a service user. (Running
 * it as `nobody` instead needs the checkout readable by everyone, which a fresh clone in a private
 * temporary directory is not.)
 */
const DROP_DAC = process.getuid?.() === 0 ? ['--bounding-set=-dac_override,-dac_read_search', '--'] : null;
const frontline = (args: string[]): [string, string[]] =>
  DROP_DAC
    ? ['setpriv', [...DROP_DAC, process.execPath, MAIN, ...args]]
    : [process.execPath, [MAIN, ...args]];

function cli(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(...frontline(args), {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function serve(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(...frontline(['serve']), {
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'fatal', FRONTLINE_DEMO: '0' },
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (b) => {
    out += b;
  });
  child.stderr?.on('data', (b) => {
    err += b;
  });
  const deadline = Date.now() + 30_000;
  while (!/running at/.test(out) && child.exitCode === null && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
  }
  const port = out.match(/running at http:\/\/localhost:(\d+)/)?.[1];
  assert.ok(port, `serve did not start: ${out}${err}`);
  return { child, base: `http://127.0.0.1:${port}` };
}

const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);

test('a read-only database: /health says so, writes answer 503 (not 500), and fixing the permissions needs no restart; files are owner-only', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-ro-'));
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  const dataDir = path.join(root, 'data');
  const env = { FRONTLINE_DATA_DIR: dataDir, DATABASE_URL: '' };
  cli(['migrate'], env);
  cli(
    [
      'user',
      'add',
      '--username',
      'ops',
      '--name',
      'Ops Person',
      '--role',
      'administrator',
      '--password',
      PASSWORD,
    ],
    env,
  );
  const token = cli(['token', 'create', '--user', 'ops', '--name', 'probe'], env).trim();
  const db = path.join(dataDir, 'frontline.db');
  assert.equal(mode(dataDir), '700', 'the data directory is owner-only');
  assert.equal(mode(db), '600', 'the database is owner-only');

  fs.chmodSync(db, 0o400);
  const { child, base } = await serve(env);
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const umask = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8').match(/^Umask:\s*(\d+)/m)?.[1];
  assert.equal(umask, '0077', 'everything the server writes (mail files too) is owner-only');
  for (const f of ['frontline.db-wal', 'frontline.db-shm']) {
    if (fs.existsSync(path.join(dataDir, f))) assert.match(mode(path.join(dataDir, f)), /^[46]00$/, f);
  }

  const health = await fetch(`${base}/api/v1/health`);
  assert.equal(health.status, 503);
  assert.match(String(health.headers.get('content-type')), /^application\/problem\+json/);
  const problem = await health.json();
  assert.equal(problem.code, 'service.unavailable');
  assert.match(problem.detail, /read-only/);
  const post = () =>
    fetch(`${base}/api/v1/customers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'Read Only' }),
    });
  const refused = await post();
  assert.equal(refused.status, 503, await refused.clone().text());
  assert.match((await refused.json()).detail, /read-only/);

  // The operator's fix: the files SQLite created alongside (-wal, -shm) took the database's mode.
  for (const f of fs.readdirSync(dataDir)) fs.chmodSync(path.join(dataDir, f), 0o600);
  const healed = await fetch(`${base}/api/v1/health`);
  assert.equal(healed.status, 200, await healed.text());
  assert.equal((await post()).status, 201);
  assert.equal(child.exitCode, null, 'the same process, no restart');
});

test('a read-only data directory (SQLite cannot create its -wal/-shm files): the start fails with one line saying what to fix', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-rodir-'));
  after(() => {
    fs.chmodSync(path.join(root, 'data'), 0o700);
    fs.rmSync(root, { recursive: true, force: true });
  });
  const dataDir = path.join(root, 'data');
  const env = { FRONTLINE_DATA_DIR: dataDir, DATABASE_URL: '' };
  cli(['migrate'], env);
  fs.chmodSync(dataDir, 0o500);
  const r = spawnSync(...frontline(['serve']), {
    env: { ...process.env, ...env, PORT: '0', FRONTLINE_DEMO: '0' },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 1, r.stdout);
  assert.match(
    r.stderr.split('\n')[0] ?? '',
    /^Frontline cannot use its database\. The database is read-only: check the permissions of the data directory/,
  );
});
