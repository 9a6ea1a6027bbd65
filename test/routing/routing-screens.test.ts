import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { tx } from '../../src/server/platform/context.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { FakeAgents, routedCase, setProfile } from './routing-fixture.ts';

/**
 * What the routing screens read (issue 14, point 2): the queues list for the settings screen, and
 * the officer's offer with the customer's wait and whether their queue is in pull mode.
 */
for (const dialect of await dialects()) {
  describe(`routing screens' reads (${dialect})`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const agents = new FakeAgents();
    before(async () => {
      t = await makeTestApp(dialect, { clock });
      t.services.routing.setAgentStates(agents);
    });
    after(() => t.close());

    test('GET /routing/queues: routing.manage (team leaders, supervisors, administrators), not officers', async () => {
      const queueA = await tx(t.ctx, async (trx) => (await t.services.routing.queueFor(trx, t.team.id)).id);
      await tx(t.ctx, (trx) => t.services.routing.queueFor(trx, null));
      for (const role of ['officer', 'trainee', 'trainer'] as const) {
        const res = await t.call(role, 'GET', '/api/v1/routing/queues');
        assert.equal(res.statusCode, 403, role);
        assert.equal(res.data.code, 'auth.forbidden', role);
      }
      assert.equal((await t.call(null, 'GET', '/api/v1/routing/queues')).statusCode, 401);
      for (const role of ['team_leader', 'supervisor', 'administrator'] as const) {
        const res = await t.call(role, 'GET', '/api/v1/routing/queues');
        assert.equal(res.statusCode, 200, role);
        const items = res.data.items as { id: string; name: string; teamId: string | null; open: boolean }[];
        assert.deepEqual(
          items.map((q) => [q.name, q.teamId]),
          [
            ['Default', null],
            ['Team A', t.team.id],
          ],
        );
        assert.equal(items[1]!.id, queueA);
        assert.ok(items.every((q) => q.open));
      }
    });

    test('GET /routing/offer: the offer with when it was queued, and whether my queue is pulled', async () => {
      const tm = await t.services.people.createTeam(SYSTEM_ACTOR, { name: 'Screens team' });
      const u = await t.services.people.createUser(SYSTEM_ACTOR, {
        username: 'screens1',
        displayName: 'Screens Officer',
        role: 'officer',
        password: 'correct horse battery',
        teamId: tm.id,
      });
      const { token } = await t.services.auth.createToken(SYSTEM_ACTOR, { name: 'screens', userId: u.id });
      const get = () =>
        t.app.inject({
          method: 'GET',
          url: '/api/v1/routing/offer',
          headers: { authorization: `Bearer ${token}` },
        });
      // No queue made yet: it would offer, and nothing is written by asking.
      let res = await get();
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), {
        offer: null,
        offers: [],
        emailPull: false,
        serverNow: clock.now().toISOString(),
      });
      assert.equal(
        (
          await t.ctx.store.db
            .selectFrom('routing_queues')
            .select('id')
            .where('team_id', '=', tm.id)
            .execute()
        ).length,
        0,
      );

      await setProfile(t, u.id, { capacity: { email: 1 } });
      agents.set(u.id, 'available', clock.now().toISOString());
      const customer = await t.services.customers.create(SYSTEM_ACTOR, {
        displayName: 'Aminah Binte Ali',
        phones: [],
        emails: [],
        preferredLanguage: null,
      });
      const caseId = await routedCase(t, {
        channel: 'email',
        teamId: tm.id,
        customerId: customer.id,
        subject: 'Bill too high',
      });
      await t.services.routing.route();
      res = await get();
      const { offer, emailPull } = res.json();
      assert.equal(emailPull, false);
      assert.equal(offer.caseId, caseId);
      assert.equal(offer.customerName, 'Aminah Binte Ali');
      assert.equal(offer.subject, 'Bill too high');
      assert.equal(offer.channel, 'email');
      assert.equal(offer.enqueuedAt, clock.now().toISOString());
      // Every open offer is listed, oldest first (the strip shows each with its own countdown), with
      // the server's time, from which the desktop allows for its own clock.
      clock.advance(1000);
      const second = await routedCase(t, { channel: 'sms', teamId: tm.id, customerId: customer.id });
      await setProfile(t, u.id, { capacity: { email: 1, sms: 1 } });
      await tx(t.ctx, (trx) =>
        trx
          .updateTable('routing_capacity')
          .set({ load: 1 })
          .where('user_id', '=', u.id)
          .where('channel', '=', 'email')
          .execute(),
      );
      await t.services.routing.route();
      const both = (await get()).json();
      assert.deepEqual(
        both.offers.map((o: { caseId: string; channel: string }) => [o.caseId, o.channel]),
        [
          [caseId, 'email'],
          [second, 'sms'],
        ],
      );
      assert.equal(both.offer.caseId, caseId);
      assert.equal(both.serverNow, clock.now().toISOString());
      assert.equal(Date.parse(both.offers[1].expiresAt) - Date.parse(both.serverNow), 30_000);

      const queue = await tx(t.ctx, (trx) => t.services.routing.queueFor(trx, tm.id));
      const patched = await t.call('administrator', 'PATCH', `/api/v1/routing/queues/${queue.id}`, {
        emailPull: true,
      });
      assert.equal(patched.statusCode, 200);
      assert.equal((await get()).json().emailPull, true);
      // Another team's officer is not told of this queue's mode.
      assert.equal((await t.call('officer', 'GET', '/api/v1/routing/offer')).data.emailPull, false);
    });
  });
}
