import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { buildServices } from '../../src/server/app.ts';
import { systemClock } from '../../src/server/platform/clock.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import type { Ctx } from '../../src/server/platform/context.ts';
import { openDb } from '../../src/server/platform/db/index.ts';
import { demoPasswordFile, isEmpty, seedDemo } from '../../src/server/seed/demo.ts';
import { dialects, openTestDb } from '../helpers/db.ts';

/** A start killed during the demo seed ends, on the next start, with the whole demo centre or none. */

/** Rows of each table the seed writes (people: the `system` row every migrated database has is not one). */
async function counts(ctx: Ctx) {
  const n = async (table: 'users' | 'customers' | 'cases' | 'departments') =>
    Number(
      (
        await ctx.store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('id', '!=', 'system')
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    users: await n('users'),
    departments: await n('departments'),
    customers: await n('customers'),
    cases: await n('cases'),
  };
}

async function assertLogin(ctx: Ctx, password: string) {
  const auth = buildServices(ctx).auth;
  const r = await auth.login('olivia', password, { ip: '127.0.0.1', userAgent: 'seed test' });
  assert.equal(r.user.username, 'olivia');
}

for (const dialect of await dialects()) {
  test(`${dialect}: a seed that fails halfway leaves an empty database, and the next start seeds a complete centre whose printed password works`, async () => {
    const store = await openTestDb(dialect);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-seed-'));
    after(async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const ctx: Ctx = { store, clock: systemClock, config: loadConfig({ FRONTLINE_DATA_DIR: dir }) };
    await assert.rejects(
      seedDemo(ctx, {
        customers: 20,
        cases: 40,
        password: 'first-attempt-password',
        beforeCase: (i) => {
          if (i === 20) throw new Error('killed halfway');
        },
      }),
      /killed halfway/,
    );
    assert.ok(await isEmpty(ctx), 'no users are left behind');
    assert.deepEqual(await counts(ctx), { users: 0, departments: 0, customers: 0, cases: 0 });
    assert.equal(
      fs.existsSync(demoPasswordFile(ctx.config)),
      false,
      'no password file for a centre that does not exist',
    );

    // The next start (what `serve` does on an empty database).
    const r = await seedDemo(ctx, { customers: 20, cases: 40 });
    const c = await counts(ctx);
    assert.equal(c.customers, 20);
    assert.equal(c.cases, 40);
    assert.equal(c.users, 7);
    assert.equal(fs.readFileSync(demoPasswordFile(ctx.config), 'utf8').trim(), r.password);
    await assertLogin(ctx, r.password);
    // Nobody is at work before signing in: the history's after-contact work does not make the demo's
    // officers available when the server starts (routing would offer chats to people not there).
    const states = await ctx.store.db
      .selectFrom('presence_states as p')
      .innerJoin('users as u', 'u.id', 'p.user_id')
      .select(['u.username', 'p.state'])
      .orderBy('u.username')
      .execute();
    assert.deepEqual(
      states.map((s) => [s.username, s.state]),
      [
        ['lena', 'offline'],
        ['olivia', 'offline'],
        ['tom', 'offline'],
      ],
    );
    const pending = await ctx.store.db
      .selectFrom('timers')
      .select(['kind', 'due_at'])
      .where('state', '=', 'pending')
      .where('kind', 'like', 'presence.%')
      .execute();
    assert.deepEqual(pending, [], 'no presence timer left to fire at start');
  });
}

test('sqlite: `frontline seed` killed with SIGKILL mid-seed, then run again: a complete demo centre with a working login', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-seedkill-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const main = path.resolve('src/server/main.ts');
  const env = { ...process.env, FRONTLINE_DATA_DIR: dir, DATABASE_URL: '', FRONTLINE_DEMO_PASSWORD: '' };
  const child = spawn(process.execPath, [main, 'seed'], { env, stdio: 'ignore' });
  const exited = new Promise((r) => child.once('exit', r));
  // Kill once the seed is writing (the WAL grows) or after 3 s, whichever comes first.
  const wal = path.join(dir, 'frontline.db-wal');
  const t0 = Date.now();
  while (Date.now() - t0 < 3_000 && child.exitCode === null) {
    if (fs.existsSync(wal) && fs.statSync(wal).size > 512 * 1024) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.equal(child.exitCode, null, 'the seed was still running when killed');
  child.kill('SIGKILL');
  await exited;

  const again = spawnSync(process.execPath, [main, 'seed'], { env, encoding: 'utf8', timeout: 120_000 });
  assert.equal(again.status, 0, `the second start seeds: ${again.stdout}${again.stderr}`);
  const password = again.stdout.match(/Demo password: (\S+)/)?.[1];
  assert.ok(password, again.stdout);

  const store = await openDb({ sqliteFile: path.join(dir, 'frontline.db') });
  const ctx: Ctx = { store, clock: systemClock, config: loadConfig({ FRONTLINE_DATA_DIR: dir }) };
  try {
    const c = await counts(ctx);
    assert.equal(c.customers, 200);
    assert.equal(c.cases, 500);
    assert.equal(c.users, 7);
    assert.equal(fs.readFileSync(demoPasswordFile(ctx.config), 'utf8').trim(), password);
    await assertLogin(ctx, password);
  } finally {
    await store.close();
  }
});
