import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { fixedClock, makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { count, isProblem, login, req, sessionOf, userRow } from '../helpers/session.ts';

// Sign-in and credentials: the session cookie, wrong and unknown credentials, logout and expiry,
// lock-out, API tokens (revoked, expired, of a deactivated user) and the per-IP login limit. Who may
// call what is the matrix's (authz.test.ts); CSRF is csrf.test.ts's.
for (const dialect of await dialects()) {
  describe(`sessions, lock-out and tokens on ${dialect}`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    before(async () => {
      t = await makeTestApp(dialect, { clock });
    });
    after(() => t?.close());

    test('login sets an HttpOnly, SameSite session cookie and answers the user and a CSRF token', async () => {
      const sessions0 = await count(t, 'sessions');
      const r = await login(t, 'teamleader', TEST_PASSWORD, '10.1.0.1');
      const s = sessionOf(r);
      const c = r.cookies.find((x) => x.name === 'frontline_session')!;
      assert.equal(c.httpOnly, true);
      assert.equal(c.sameSite, 'Lax');
      assert.equal(c.path, '/');
      assert.equal(r.data.user.role, 'team_leader');
      assert.equal(r.data.user.username, 'teamleader');
      assert.ok(
        !('password' in r.data.user) && !('passwordHash' in r.data.user) && !('password_hash' in r.data.user),
      );
      assert.equal(r.data.expiresAt, '2026-11-23T21:00:00.000Z');
      assert.notEqual(s.cookie, s.csrf);
      assert.equal(await count(t, 'sessions'), sessions0 + 1);
    });

    test('a wrong password or an unknown user answers 401 auth.invalid_credentials and no session', async () => {
      const sessions0 = await count(t, 'sessions');
      for (const [u, p] of [
        ['teamleader', 'not the password'],
        ['nobody-here', TEST_PASSWORD],
      ] as const) {
        const r = await login(t, u, p, '10.1.0.2');
        assert.ok(isProblem(r, 401, 'auth.invalid_credentials'), `${u}: ${r.statusCode} ${r.body}`);
        assert.equal(
          r.cookies.find((x) => x.name === 'frontline_session'),
          undefined,
        );
      }
      assert.equal(await count(t, 'sessions'), sessions0);
      // The known user's failure is counted; nothing is locked yet.
      assert.equal((await userRow(t, 'teamleader')).failed_logins, 1);
    });

    test('logout ends the session: the cookie answers 401 afterwards', async () => {
      const s = sessionOf(await login(t, 'supervisor', TEST_PASSWORD, '10.1.0.6'));
      // The desktop's probe on load: the session while signed in, 200 { signedIn: false } otherwise.
      const probe = async (cookie?: string) => {
        const r = await req(t, 'GET', '/api/v1/auth/session/probe', cookie ? { cookie } : {});
        assert.equal(r.statusCode, 200, r.body);
        return JSON.parse(r.body) as { signedIn: boolean; user?: { username: string }; csrfToken?: string };
      };
      const live = await probe(s.cookie);
      assert.deepEqual([live.signedIn, live.user?.username, live.csrfToken], [true, 'supervisor', s.csrf]);
      assert.deepEqual(await probe(), { signedIn: false }, 'no cookie: signed out, not a 401');
      const sessions0 = await count(t, 'sessions');
      const out = await req(t, 'POST', '/api/v1/auth/logout', { cookie: s.cookie, csrf: s.csrf });
      assert.equal(out.statusCode, 204, out.body);
      const cleared = out.cookies.find((x) => x.name === 'frontline_session');
      assert.equal(cleared?.value, '', 'the cookie is cleared');
      assert.equal(await count(t, 'sessions'), sessions0 - 1);
      for (const [method, url, csrf] of [
        ['GET', '/api/v1/auth/session', undefined],
        ['GET', '/api/v1/cases', undefined],
        ['POST', '/api/v1/auth/logout', s.csrf],
      ] as const) {
        const r = await req(t, method, url, { cookie: s.cookie, ...(csrf ? { csrf } : {}) });
        assert.ok(isProblem(r, 401, 'auth.unauthenticated'), `${method} ${url}: ${r.statusCode} ${r.body}`);
      }
      assert.deepEqual(await probe(s.cookie), { signedIn: false }, 'the ended session: signed out');
    });

    test('a session expires after sessionTtlHours', async () => {
      const s = sessionOf(await login(t, 'trainer', TEST_PASSWORD, '10.1.0.7'));
      const ttl = t.ctx.config.sessionTtlHours * 3_600_000;
      clock.advance(ttl - 1000);
      assert.equal((await req(t, 'GET', '/api/v1/auth/session', { cookie: s.cookie })).statusCode, 200);
      clock.advance(1000);
      const r = await req(t, 'GET', '/api/v1/auth/session', { cookie: s.cookie });
      assert.ok(isProblem(r, 401, 'auth.unauthenticated'), r.body);
    });

    test('5 wrong passwords lock the account: the 6th attempt, even with the right password, answers 423 auth.locked', async () => {
      const ip = '10.1.0.8';
      const sessions0 = await count(t, 'sessions');
      const locked0 = await t.ctx.store.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'user.locked')
        .execute();
      for (let i = 1; i <= t.ctx.config.login.maxFailures; i++) {
        const r = await login(t, 'trainee', `wrong password ${i}`, ip);
        assert.ok(isProblem(r, 401, 'auth.invalid_credentials'), `attempt ${i}: ${r.statusCode} ${r.body}`);
      }
      const r = await login(t, 'trainee', TEST_PASSWORD, ip);
      assert.ok(isProblem(r, 423, 'auth.locked'), `${r.statusCode} ${r.body}`);
      const lockedUntil = new Date(
        clock.now().getTime() + t.ctx.config.login.lockMinutes * 60_000,
      ).toISOString();
      assert.equal(r.data.lockedUntil, lockedUntil);
      assert.equal(
        r.cookies.find((x) => x.name === 'frontline_session'),
        undefined,
      );
      assert.equal(await count(t, 'sessions'), sessions0);
      const locked = await t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'user.locked')
        .execute();
      assert.equal(locked.length, locked0.length + 1, 'the lock-out is audited');
      assert.equal(locked.at(-1)?.entity_id, t.users.trainee.id);
      // Still locked one second before the end; open again when the lock has run out.
      clock.advance(t.ctx.config.login.lockMinutes * 60_000 - 1000);
      assert.ok(isProblem(await login(t, 'trainee', TEST_PASSWORD, ip), 423, 'auth.locked'));
      clock.advance(1000);
      sessionOf(await login(t, 'trainee', TEST_PASSWORD, ip));
      assert.equal((await userRow(t, 'trainee')).failed_logins, 0);
    });

    test('a successful login resets the failure count (4 wrong, 1 right, 4 wrong: not locked)', async () => {
      const ip = '10.1.0.9';
      for (let i = 0; i < 4; i++)
        assert.equal((await login(t, 'officer', 'nope nope nope', ip)).statusCode, 401);
      sessionOf(await login(t, 'officer', TEST_PASSWORD, ip));
      for (let i = 0; i < 4; i++)
        assert.equal((await login(t, 'officer', 'nope nope nope', ip)).statusCode, 401);
      sessionOf(await login(t, 'officer', TEST_PASSWORD, ip));
      assert.equal((await userRow(t, 'officer')).locked_until, null);
    });

    test('a revoked token stops working (DELETE /api/v1/tokens/:id)', async () => {
      const created = await t.call('administrator', 'POST', '/api/v1/tokens', { name: 'integration' });
      assert.equal(created.statusCode, 201, created.body);
      assert.match(created.data.token, /^flt_/);
      const bearer = { authorization: `Bearer ${created.data.token}` };
      assert.equal((await t.call(null, 'GET', '/api/v1/cases', undefined, bearer)).statusCode, 200);
      const del = await t.call('administrator', 'DELETE', `/api/v1/tokens/${created.data.id}`);
      assert.equal(del.statusCode, 204, del.body);
      for (const [method, url, body] of [
        ['GET', '/api/v1/cases', undefined],
        ['POST', '/api/v1/contacts', { channel: 'phone', direction: 'inbound' }],
      ] as const) {
        const r = await t.call(null, method, url, body, bearer);
        assert.ok(isProblem(r, 401, 'auth.unauthenticated'), `${method} ${url}: ${r.statusCode} ${r.body}`);
      }
      const list = await t.call('administrator', 'GET', '/api/v1/tokens');
      const row = list.data.items.find((x: { id: string }) => x.id === created.data.id);
      assert.equal(row?.revokedAt, clock.now().toISOString());
      const audited = await t.ctx.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', created.data.id)
        .execute();
      assert.deepEqual(audited.map((a) => a.action).sort(), ['token.created', 'token.revoked']);
      // Other tokens are untouched.
      assert.equal((await t.call('administrator', 'GET', '/api/v1/tokens')).statusCode, 200);
    });

    test('an expired token stops working', async () => {
      const created = await t.call('administrator', 'POST', '/api/v1/tokens', {
        name: 'short-lived',
        expiresInDays: 1,
        userId: t.users.officer.id,
      });
      assert.equal(created.statusCode, 201, created.body);
      const bearer = { authorization: `Bearer ${created.data.token}` };
      const r1 = await t.call(null, 'GET', '/api/v1/auth/session', undefined, bearer);
      assert.equal(r1.statusCode, 200, r1.body);
      assert.equal(r1.data.user.id, t.users.officer.id, 'the token acts as the user it was made for');
      clock.advance(86_400_000 - 1000);
      assert.equal((await t.call(null, 'GET', '/api/v1/cases', undefined, bearer)).statusCode, 200);
      clock.advance(1000);
      const r = await t.call(null, 'GET', '/api/v1/cases', undefined, bearer);
      assert.ok(isProblem(r, 401, 'auth.unauthenticated'), r.body);
    });

    test('deactivating a user ends their sessions and stops their tokens', async () => {
      await t.services.people.createUser(SYSTEM_ACTOR, {
        username: 'leaver',
        displayName: 'Leaving officer',
        role: 'officer',
        password: TEST_PASSWORD,
      });
      const leaver = await userRow(t, 'leaver');
      const { token } = await t.services.auth.createToken(SYSTEM_ACTOR, {
        name: 'leaver',
        userId: leaver.id,
      });
      const s = sessionOf(await login(t, 'leaver', TEST_PASSWORD, '10.1.0.10'));
      const off = await t.call('administrator', 'PATCH', `/api/v1/users/${leaver.id}`, { active: false });
      assert.equal(off.statusCode, 200, off.body);
      const viaCookie = await req(t, 'GET', '/api/v1/cases', { cookie: s.cookie });
      assert.ok(isProblem(viaCookie, 401, 'auth.unauthenticated'), viaCookie.body);
      const viaToken = await t.call(null, 'GET', '/api/v1/cases', undefined, {
        authorization: `Bearer ${token}`,
      });
      assert.ok(isProblem(viaToken, 401, 'auth.unauthenticated'), viaToken.body);
      assert.ok(
        isProblem(await login(t, 'leaver', TEST_PASSWORD, '10.1.0.10'), 401, 'auth.invalid_credentials'),
      );
    });

    test('a wrong, unknown or malformed credential counts as none (401), on reads and writes', async () => {
      const bad: Record<string, string>[] = [
        { authorization: 'Bearer flt_not-a-real-token' },
        { authorization: 'Bearer not-even-our-prefix' },
        { authorization: `Bearer ${t.users.officer.token}x` },
        { authorization: `bearer ${t.users.officer.token}` },
        { authorization: 'Basic b2ZmaWNlcjpjb3JyZWN0IGhvcnNlIGJhdHRlcnk=' },
        { authorization: 'Bearer' },
        { cookie: 'frontline_session=forged-session-value' },
      ];
      for (const headers of bad) {
        const audit0 = await count(t, 'audit_log');
        const read = await t.call(null, 'GET', '/api/v1/cases', undefined, headers);
        assert.ok(
          isProblem(read, 401, 'auth.unauthenticated'),
          `${JSON.stringify(headers)} read: ${read.statusCode}`,
        );
        const write = await t.call(
          null,
          'POST',
          '/api/v1/contacts',
          { channel: 'phone', direction: 'inbound' },
          headers,
        );
        assert.ok(
          isProblem(write, 401, 'auth.unauthenticated'),
          `${JSON.stringify(headers)} write: ${write.statusCode}`,
        );
        assert.equal(await count(t, 'audit_log'), audit0);
      }
    });
  });

  describe(`per-IP login rate limit on ${dialect}`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    before(async () => {
      t = await makeTestApp(dialect, { clock, env: { FRONTLINE_LOGIN_PER_IP_PER_MINUTE: '3' } });
    });
    after(() => t?.close());

    test('the 4th attempt in a minute from one address answers 429 auth.rate_limited, even with the right password', async () => {
      assert.equal(t.ctx.config.login.perIpPerMinute, 3);
      const ip = '192.0.2.7';
      assert.equal((await login(t, 'officer', 'wrong password', ip)).statusCode, 401);
      assert.equal((await login(t, 'nobody', 'wrong password', ip)).statusCode, 401);
      sessionOf(await login(t, 'officer', TEST_PASSWORD, ip));
      const sessions0 = await count(t, 'sessions');
      const failures0 = (await userRow(t, 'trainee')).failed_logins;
      for (const password of [TEST_PASSWORD, 'wrong password']) {
        const r = await login(t, 'trainee', password, ip);
        assert.ok(isProblem(r, 429, 'auth.rate_limited'), `${r.statusCode} ${r.body}`);
        assert.equal(
          r.cookies.find((x) => x.name === 'frontline_session'),
          undefined,
        );
      }
      assert.equal(await count(t, 'sessions'), sessions0, 'a throttled login creates no session');
      assert.equal((await userRow(t, 'trainee')).failed_logins, failures0, 'and counts no failure');
      // Another address is not throttled.
      sessionOf(await login(t, 'trainee', TEST_PASSWORD, '192.0.2.8'));
      // A minute later the first address may try again.
      clock.advance(60_000);
      sessionOf(await login(t, 'trainee', TEST_PASSWORD, ip));
    });
  });
}
