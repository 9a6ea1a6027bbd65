import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

const MAIN = path.resolve('src/main.ts');
const run = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, [MAIN, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });

test('CLI: migrate, seed, user add, token create on a fresh SQLite data directory', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-cli-'));
  const env = { FRONTLINE_DATA_DIR: dir, DATABASE_URL: '', FRONTLINE_DEMO_PASSWORD: 'demo-password-1' };
  let r = run(['migrate'], env);
  assert.equal(r.status, 0, r.stderr);
  r = run(['seed'], env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /200 customers, 500 cases/);
  assert.match(r.stdout, /demo-password-1/);
  r = run(['seed'], env);
  assert.equal(r.status, 1, 'seeding twice is refused');
  r = run(['user', 'add', '--username', 'newbie', '--name', 'New Bie', '--role', 'trainee'], env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Created trainee newbie .* with password \S+/);
  r = run(['user', 'add', '--username', 'x', '--name', 'X', '--role', 'king'], env);
  assert.equal(r.status, 2);
  r = run(['token', 'create', '--user', 'admin', '--name', 'crm'], env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout.trim(), /^flt_[A-Za-z0-9_-]{40}$/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('CLI: serve on an empty data directory seeds the demo centre, prints URL and password, answers health and logs in', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-serve-'));
  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env: {
      ...process.env,
      FRONTLINE_DATA_DIR: dir,
      PORT: '0',
      HOST: '127.0.0.1',
      DATABASE_URL: '',
      LOG_LEVEL: 'warn',
      FRONTLINE_DEMO_PASSWORD: 'demo-password-2',
    },
  });
  try {
    let out = '';
    child.stdout.on('data', (b) => {
      out += b;
    });
    const deadline = Date.now() + 60_000;
    while (!out.includes('Demo users') && child.exitCode === null && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const port = out.match(/running at http:\/\/localhost:(\d+)/)?.[1];
    assert.ok(port && port !== '0', `serve did not report its port: ${out}`);
    assert.match(out, /demo-password-2/);
    const health = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    assert.deepEqual(await health.json(), { status: 'ok', db: 'sqlite' });
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'olivia', password: 'demo-password-2' }),
    });
    assert.equal(login.status, 200);
    const cookie = login.headers.get('set-cookie') ?? '';
    assert.match(cookie, /frontline_session=/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /Secure/i);
    const cases = await fetch(`http://127.0.0.1:${port}/api/v1/cases?limit=5`, {
      headers: { cookie: cookie.split(';')[0]! },
    });
    assert.equal((await cases.json()).items.length, 5);
    const docs = await fetch(`http://127.0.0.1:${port}/api/v1/openapi.json`);
    const doc = await docs.json();
    assert.equal(doc.openapi, '3.1.0');
    assert.ok(doc.paths['/api/v1/cases/{id}/transitions']);
  } finally {
    // Wait for the exit only if it has not happened yet (an early crash already fired 'exit').
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('CLI: kb import a directory of Markdown files (bad ones reported), export it back, re-import updates in place', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-kb-cli-'));
  const env = { FRONTLINE_DATA_DIR: path.join(dir, 'data'), DATABASE_URL: '', FRONTLINE_DEMO: '0' };
  const faq = path.join(dir, 'faq');
  fs.mkdirSync(faq);
  fs.writeFileSync(
    path.join(faq, 'roaming.md'),
    '---\ntitle: Roaming day pass\nkind: product\naudience: public\ntags: [roaming]\n---\nTen dollars a day.\n',
  );
  fs.writeFileSync(
    path.join(faq, 'sim.md'),
    '---\ntitle: Lost SIM\nkind: sop\n---\nSuspend the line first.\n',
  );
  fs.writeFileSync(path.join(faq, 'broken.md'), '---\nkind: faq\n---\nNo title here.\n');
  assert.equal(run(['migrate'], env).status, 0);
  let r = run(['kb', 'import', faq, '--publish'], env);
  assert.equal(r.status, 1, 'a skipped file makes the exit status 1');
  assert.match(r.stdout, /skipped broken\.md: .*title/);
  assert.match(r.stdout, /Imported 2 new, 0 updated, 1 skipped\./);

  const out = path.join(dir, 'out');
  r = run(['kb', 'export', out], env);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(fs.readdirSync(out).sort(), ['lost-sim.md', 'roaming-day-pass.md']);
  assert.match(
    fs.readFileSync(path.join(out, 'roaming-day-pass.md'), 'utf8'),
    /title: Roaming day pass[\s\S]*Ten dollars a day\./,
  );

  fs.writeFileSync(
    path.join(out, 'roaming-day-pass.md'),
    fs.readFileSync(path.join(out, 'roaming-day-pass.md'), 'utf8').replace('Ten', 'Twelve'),
  );
  r = run(['kb', 'import', out, '--publish'], env);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Imported 0 new, 2 updated, 0 skipped\./);
  assert.equal(run(['kb', 'import'], env).status, 2, 'a directory is required');
  fs.rmSync(dir, { recursive: true, force: true });
});
