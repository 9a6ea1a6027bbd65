import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { InjectOptions } from 'fastify';
import { fixedClock, makeTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildContact } from '../helpers/factories.ts';
import { count, isProblem, login, req, sessionOf } from '../helpers/session.ts';

// CSRF: a cookie session reads freely but writes only with its own X-CSRF-Token; bearer tokens
// need none (a browser never sends them by itself).
for (const dialect of await dialects()) {
  describe(`CSRF on cookie sessions on ${dialect}`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    before(async () => {
      t = await makeTestApp(dialect, { clock });
    });
    after(() => t?.close());

    test('a cookie session reads without the CSRF token', async () => {
      const s = sessionOf(await login(t, 'teamleader', TEST_PASSWORD, '10.1.0.3'));
      const me = await req(t, 'GET', '/api/v1/auth/session', { cookie: s.cookie });
      assert.equal(me.statusCode, 200, me.body);
      assert.equal(me.data.user.role, 'team_leader');
      assert.equal(me.data.csrfToken, s.csrf);
      const cases = await req(t, 'GET', '/api/v1/cases', { cookie: s.cookie });
      assert.equal(cases.statusCode, 200, cases.body);
      // The role applies to sessions as to tokens: a team leader reads users...
      assert.equal((await req(t, 'GET', '/api/v1/users', { cookie: s.cookie })).statusCode, 200);
      // ...but may not read API tokens.
      const tokens = await req(t, 'GET', '/api/v1/tokens', { cookie: s.cookie });
      assert.ok(isProblem(tokens, 403, 'auth.forbidden'), tokens.body);
    });

    test('a cookie-authenticated write needs X-CSRF-Token: missing or wrong → 403 auth.csrf_failed, nothing written', async () => {
      const s = sessionOf(await login(t, 'teamleader', TEST_PASSWORD, '10.1.0.4'));
      const contact = await buildContact(t, null);
      const writes: [InjectOptions['method'], string, unknown][] = [
        ['POST', '/api/v1/contacts', { channel: 'phone', direction: 'inbound' }],
        ['PATCH', `/api/v1/contacts/${contact.id}`, { notes: 'changed' }],
        ['POST', '/api/v1/auth/logout', undefined],
      ];
      for (const [method, url, body] of writes) {
        for (const csrf of [undefined, '', 'wrong-token', `${s.csrf}x`, s.csrf.slice(1)]) {
          const audit0 = await count(t, 'audit_log');
          const contacts0 = await t.ctx.store.db.selectFrom('contacts').selectAll().execute();
          const r = await req(t, method, url, {
            body,
            cookie: s.cookie,
            ...(csrf !== undefined ? { csrf } : {}),
          });
          assert.ok(
            isProblem(r, 403, 'auth.csrf_failed'),
            `${method} ${url} csrf=${csrf}: ${r.statusCode} ${r.body}`,
          );
          assert.equal(await count(t, 'audit_log'), audit0);
          assert.deepEqual(await t.ctx.store.db.selectFrom('contacts').selectAll().execute(), contacts0);
        }
      }
      // The session survived the refused logout attempts.
      assert.equal((await req(t, 'GET', '/api/v1/auth/session', { cookie: s.cookie })).statusCode, 200);
    });

    test('with the right X-CSRF-Token the cookie-authenticated write succeeds, as that user', async () => {
      const s = sessionOf(await login(t, 'teamleader', TEST_PASSWORD, '10.1.0.5'));
      const r = await req(t, 'POST', '/api/v1/contacts', {
        body: { channel: 'walk_in', direction: 'inbound' },
        cookie: s.cookie,
        csrf: s.csrf,
      });
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(r.data.officerId, t.users.team_leader.id);
      // CSRF does not lift the role's limits.
      const u = await req(t, 'POST', '/api/v1/users', {
        body: { username: 'sneaky', displayName: 'Sneaky', role: 'administrator', password: TEST_PASSWORD },
        cookie: s.cookie,
        csrf: s.csrf,
      });
      assert.ok(isProblem(u, 403, 'auth.forbidden'), u.body);
      // A session's CSRF token does not work with another session.
      const other = sessionOf(await login(t, 'officer', TEST_PASSWORD, '10.1.0.5'));
      const cross = await req(t, 'POST', '/api/v1/contacts', {
        body: { channel: 'phone', direction: 'inbound' },
        cookie: other.cookie,
        csrf: s.csrf,
      });
      assert.ok(isProblem(cross, 403, 'auth.csrf_failed'), cross.body);
    });

    test('bearer-token writes need no CSRF token', async () => {
      const r = await t.call('officer', 'POST', '/api/v1/contacts', {
        channel: 'phone',
        direction: 'outbound',
      });
      assert.equal(r.statusCode, 201, r.body);
    });
  });
}
