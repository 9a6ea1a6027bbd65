import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { PASSWORD_MAX, passwordProblem } from '../../src/server/modules/people/password-policy.ts';
import type { Role } from '../../src/shared/contracts/people.ts';
import { fixedClock, makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { DEMO_PASSWORD } from '../helpers/desktop.ts';

/**
 * Issue 11, section 5 "Lock-out": an unknown username is answered exactly as a known one (the lock
 * no longer tells which usernames exist), the lock says for how long, administrators unlock and
 * reset passwords, and passwords follow NIST SP 800-63B in the API and the CLI.
 */

type Res = LightMyRequestResponse & { data: { [k: string]: unknown } };

let ipSeq = 0;
/** Each call from its own address, so the per-address limit never interferes. */
async function login(t: TestApp, username: string, password: string): Promise<Res> {
  ipSeq += 1;
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    remoteAddress: `198.51.100.${ipSeq % 250}`,
    payload: { username, password },
  });
  return Object.assign(res, { data: res.body ? JSON.parse(res.body) : {} });
}

/** What a client can observe of an answer, less the Date header (the wall clock, not the app's). */
const observable = (r: Res) => {
  const { date: _date, ...headers } = r.headers;
  return { status: r.statusCode, headers, body: r.body };
};

const sessionCookie = (r: Res): string => {
  assert.equal(r.statusCode, 200, r.body);
  const c = r.cookies.find((x) => x.name === 'frontline_session');
  assert.ok(c?.value);
  return c.value;
};

const OTHER_ROLES: Role[] = ['officer', 'trainee', 'team_leader', 'supervisor', 'trainer'];

for (const dialect of await dialects()) {
  describe(`lock-out on ${dialect}`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-12-02T09:00:00.000Z');
    before(async () => {
      t = await makeTestApp(dialect, { clock });
    });
    after(() => t?.close());

    test('a known and an unknown username get byte-identical answers over maxFailures + 2 attempts', async () => {
      const n = t.ctx.config.login.maxFailures;
      const run = async (username: string) => {
        const out = [];
        // n wrong passwords, then the right one twice: the lock holds even against the right password.
        for (let i = 1; i <= n + 2; i++)
          out.push(observable(await login(t, username, i <= n ? `wrong password ${i}` : TEST_PASSWORD)));
        return out;
      };
      const known = await run('officer');
      const unknown = await run('nobody-at-all');
      assert.deepEqual(
        known.map((r) => r.status),
        [...Array(n).fill(401), 423, 423],
        'the lock protects the real account',
      );
      assert.deepEqual(unknown, known);
      // Case does not make another key: "OFFICER" is the same, still locked, account.
      assert.equal((await login(t, 'OFFICER', TEST_PASSWORD)).statusCode, 423);
    });

    test('the lock says for how long, in words and in Retry-After, and runs out', async () => {
      const lockMinutes = t.ctx.config.login.lockMinutes;
      for (let i = 1; i <= t.ctx.config.login.maxFailures; i++)
        assert.equal((await login(t, 'trainer', `nope nope nope ${i}`)).statusCode, 401);
      let r = await login(t, 'trainer', TEST_PASSWORD);
      assert.equal(r.statusCode, 423, r.body);
      assert.equal(r.data.code, 'auth.locked');
      assert.match(r.headers['content-type'] as string, /^application\/problem\+json/);
      assert.equal(r.data.detail, `Too many failed sign-ins. Try again in ${lockMinutes} minutes.`);
      assert.equal(r.headers['retry-after'], String(lockMinutes * 60));
      clock.advance(5 * 60_000 + 30_000);
      r = await login(t, 'trainer', TEST_PASSWORD);
      assert.equal(r.data.detail, `Too many failed sign-ins. Try again in ${lockMinutes - 5} minutes.`);
      assert.equal(r.headers['retry-after'], String((lockMinutes - 5) * 60 - 30));
      clock.advance((lockMinutes - 5) * 60_000 - 30_000);
      sessionCookie(await login(t, 'trainer', TEST_PASSWORD));
    });

    test('failed attempts on unknown usernames are pruned once their window has passed', async () => {
      for (let i = 0; i < 30; i++) await login(t, `spray-${i}`, 'wrong password');
      const rows = () => t.ctx.store.db.selectFrom('login_attempts').select('username').execute();
      assert.ok((await rows()).length >= 30);
      clock.advance(t.ctx.config.login.lockMinutes * 60_000);
      await login(t, 'one-more-stranger', 'wrong password');
      assert.deepEqual(
        (await rows()).map((r) => r.username),
        ['one-more-stranger'],
      );
    });
  });

  describe(`administrators unlock and reset passwords on ${dialect}`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-12-02T09:00:00.000Z');
    before(async () => {
      t = await makeTestApp(dialect, { clock });
    });
    after(() => t?.close());

    const lock = async (username: string) => {
      for (let i = 1; i <= t.ctx.config.login.maxFailures; i++)
        await login(t, username, `wrong ${i} wrong ${i}`);
      assert.equal((await login(t, username, TEST_PASSWORD)).statusCode, 423);
    };
    const audits = (action: string, id: string) =>
      t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', action)
        .where('entity_id', '=', id)
        .execute();

    test('POST /users/:id/unlock: refused to every other role, then an administrator unlocks', async () => {
      const id = t.users.trainee.id;
      await lock('trainee');
      const listed = await t.call('administrator', 'GET', `/api/v1/users/${id}`);
      assert.equal(listed.data.lockedUntil, new Date(clock.now().getTime() + 15 * 60_000).toISOString());
      for (const role of OTHER_ROLES) {
        const r = await t.call(role, 'POST', `/api/v1/users/${id}/unlock`);
        assert.equal(r.statusCode, 403, `${role}: ${r.body}`);
        assert.equal(r.data.code, 'auth.forbidden');
      }
      assert.equal((await t.call(null, 'POST', `/api/v1/users/${id}/unlock`)).statusCode, 401);
      assert.equal((await login(t, 'trainee', TEST_PASSWORD)).statusCode, 423, 'still locked');
      const r = await t.call('administrator', 'POST', `/api/v1/users/${id}/unlock`);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.data.lockedUntil, null);
      sessionCookie(await login(t, 'trainee', TEST_PASSWORD));
      const [a] = await audits('user.unlocked', id);
      assert.equal(a?.actor_id, t.users.administrator.id);
      const missing = await t.call('administrator', 'POST', `/api/v1/users/${randomUUID()}/unlock`);
      assert.equal(missing.statusCode, 404, missing.body);
      assert.equal(missing.data.code, 'user.not_found');
    });

    test('POST /users/:id/password: refused to every other role; an administrator resets, sessions end, the lock lifts', async () => {
      const id = t.users.team_leader.id;
      const before = sessionCookie(await login(t, 'teamleader', TEST_PASSWORD));
      const next = 'a brand new passphrase';
      for (const role of OTHER_ROLES) {
        const r = await t.call(role, 'POST', `/api/v1/users/${id}/password`, { password: next });
        assert.equal(r.statusCode, 403, `${role}: ${r.body}`);
        assert.equal(r.data.code, 'auth.forbidden');
      }
      assert.equal(
        (await t.call(null, 'POST', `/api/v1/users/${id}/password`, { password: next })).statusCode,
        401,
      );
      await lock('teamleader');
      const r = await t.call('administrator', 'POST', `/api/v1/users/${id}/password`, { password: next });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.data.lockedUntil, null);
      assert.ok(!JSON.stringify(r.data).includes('scrypt'));
      // The session from before the reset is gone at once.
      const old = await t.app.inject({
        method: 'GET',
        url: '/api/v1/auth/session',
        cookies: { frontline_session: before },
      });
      assert.equal(old.statusCode, 401, old.body);
      assert.equal(
        await t.ctx.store.db
          .selectFrom('sessions')
          .select('id')
          .where('user_id', '=', id)
          .execute()
          .then((x) => x.length),
        0,
      );
      assert.equal((await login(t, 'teamleader', TEST_PASSWORD)).statusCode, 401, 'the old password is gone');
      sessionCookie(await login(t, 'teamleader', next));
      const [a] = await audits('user.password_reset', id);
      assert.equal(a?.actor_id, t.users.administrator.id);
      // jsonb comes back parsed on PostgreSQL, text on SQLite.
      const recorded = typeof a?.after === 'string' ? a.after : JSON.stringify(a?.after);
      assert.ok(!recorded.includes(next) && !recorded.includes('scrypt'), recorded);
      assert.match(recorded, /"sessionsEnded":1/);
    });
  });

  describe(`the password rule in the API on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t?.close());

    const WEAK: [string, RegExp][] = [
      ['', /at least 12 characters/],
      ['a', /at least 12 characters/],
      ['short pass', /at least 12 characters/],
      ['x'.repeat(PASSWORD_MAX + 1), /at most 256 characters/],
      ['aaaaaaaaaaaa', /repeated/],
      ['abcabcabcabcabc', /repeated/],
      ['123456789012', /consecutive/],
      ['abcdefghijklm', /consecutive/],
      ['qwertyuiopasdf', /consecutive/],
      ['1qaz2wsx3edc4rfv', /commonly used|consecutive/],
      ['passwordpassword', /repeated/],
      ['iloveyou1234', /commonly used/],
      ['administrator', /commonly used/],
      ['my frontline password', /this service/],
      ['newbie-rules-everything', /username/],
      ['Winifred Example 2026', /name/],
    ];
    const create = (password: string) =>
      t.call('administrator', 'POST', '/api/v1/users', {
        username: 'newbie',
        displayName: 'Winifred Example',
        role: 'officer',
        password,
      });

    for (const [password, why] of WEAK) {
      test(`refuses ${JSON.stringify(password.length > 30 ? `${password.slice(0, 12)}… (${password.length})` : password)} on create, reset and change`, async () => {
        for (const r of [
          await create(password),
          await t.call('administrator', 'POST', `/api/v1/users/${t.users.officer.id}/password`, {
            password: password.replace('newbie', 'officer').replace('Winifred Example', 'Test officer'),
          }),
          await t.call('administrator', 'PATCH', `/api/v1/users/${t.users.officer.id}`, {
            password: password.replace('newbie', 'officer').replace('Winifred Example', 'Test officer'),
          }),
        ]) {
          assert.equal(r.statusCode, 400, r.body);
          assert.equal(r.data.code, 'request.invalid');
          assert.match(r.headers['content-type'] as string, /^application\/problem\+json/);
          assert.deepEqual(
            r.data.errors.map((e: { field: string }) => e.field),
            ['/body/password'],
          );
          assert.match(r.data.errors[0].message, why);
        }
        const made = await t.ctx.store.db
          .selectFrom('users')
          .select('id')
          .where('username', '=', 'newbie')
          .execute();
        assert.equal(made.length, 0);
      });
    }

    test('accepts long passphrases, any characters, and the demo and test passwords', async () => {
      for (const ok of [
        TEST_PASSWORD,
        DEMO_PASSWORD,
        'demo-password-1',
        'demo-a1b2c3d4e5f6',
        'correct horse battery staple',
        'Ünïcödé pässwörd ✓',
        randomBytes(PASSWORD_MAX).toString('base64').slice(0, PASSWORD_MAX),
      ])
        assert.equal(passwordProblem(ok, { username: 'olivia', displayName: 'Olivia Tan' }), null, ok);
      const r = await create('tidy garden gnome');
      assert.equal(r.statusCode, 201, r.body);
    });
  });
}

describe('the password rule in `frontline user add`', () => {
  const MAIN = path.resolve('src/main.ts');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-pw-'));
  const env = { ...process.env, FRONTLINE_DATA_DIR: dir, DATABASE_URL: '', FRONTLINE_DEMO: '0' };
  const run = (args: string[]) =>
    spawnSync(process.execPath, [MAIN, ...args], { env, encoding: 'utf8', timeout: 120_000 });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('refuses a, the empty string and weak passwords with the reason; accepts a good one', () => {
    assert.equal(run(['migrate']).status, 0);
    const add = (password: string) =>
      run([
        'user',
        'add',
        '--username',
        'weakling',
        '--name',
        'Wendy Weakling',
        '--role',
        'officer',
        '--password',
        password,
      ]);
    for (const [password, why] of [
      ['a', /at least 12 characters/],
      ['', /at least 12 characters/],
      ['123456789012', /consecutive/],
      ['wendy-weakling-2026', /username|name/],
      ['iloveyou1234', /commonly used/],
    ] as const) {
      const r = add(password);
      assert.equal(r.status, 2, `${password}: ${r.stdout} ${r.stderr}`);
      assert.match(r.stderr, why);
    }
    const ok = add('tidy garden gnome');
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /Created officer weakling/);
  });
});
