import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { FakeAgents, routedCase, setProfile } from './routing-fixture.ts';

/**
 * Items are served by priority, then age (issue 14, point 2: "priority and age"), and a waiting
 * item follows its case's priority: a case raised to urgent while it waits is served first.
 */
for (const dialect of await dialects()) {
  describe(`routing order: priority, then age (${dialect})`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const agents = new FakeAgents();
    before(async () => {
      t = await makeTestApp(dialect, { clock });
      t.services.routing.setAgentStates(agents);
      await t.services.routing.stop(); // the test runs the passes
    });
    after(() => t.close());

    const offered = async (userId: string) =>
      (
        await t.ctx.store.db
          .selectFrom('routing_offers')
          .select('case_id')
          .where('user_id', '=', userId)
          .where('state', '=', 'open')
          .execute()
      ).map((o) => o.case_id);

    test('the oldest of equal priority first; a case raised to urgent while waiting goes before both', async () => {
      const tm = await t.services.people.createTeam(SYSTEM_ACTOR, { name: 'Order team' });
      const u = await t.services.people.createUser(SYSTEM_ACTOR, {
        username: 'order1',
        displayName: 'Order Officer',
        role: 'officer',
        password: 'correct horse battery',
        teamId: tm.id,
      });
      await setProfile(t, u.id, { capacity: { email: 1 } });
      const customer = await t.services.customers.create(SYSTEM_ACTOR, {
        displayName: 'Order customer',
        phones: [],
        emails: [],
      });
      const mail = async (subject: string) => {
        clock.advance(60_000);
        return routedCase(t, { channel: 'email', teamId: tm.id, customerId: customer.id, subject });
      };
      const oldest = await mail('Oldest');
      const middle = await mail('Middle');
      const newest = await mail('Newest');
      // Raised while it waits (as a supervisor would): it is served before the two older ones.
      const c = await t.services.cases.get(newest);
      await t.services.cases.update(SYSTEM_ACTOR, newest, { priority: 'urgent' }, c.version);
      const item = await t.ctx.store.db
        .selectFrom('routing_items')
        .select(['priority', 'state'])
        .where('case_id', '=', newest)
        .executeTakeFirstOrThrow();
      assert.deepEqual({ ...item }, { priority: 0, state: 'waiting' });

      agents.set(u.id, 'available', clock.now().toISOString());
      await t.services.routing.route();
      assert.deepEqual(await offered(u.id), [newest]);
      // Its work done, the next is the oldest of the two left, then the other.
      for (const expected of [oldest, middle]) {
        const open = await t.ctx.store.db
          .selectFrom('routing_offers')
          .select(['id', 'case_id'])
          .where('user_id', '=', u.id)
          .where('state', '=', 'open')
          .executeTakeFirstOrThrow();
        await t.services.routing.accept(
          { userId: u.id, role: 'officer', via: 'token', teamId: tm.id },
          open.id,
        );
        const done = await t.services.cases.get(open.case_id);
        await t.services.cases.transition(
          SYSTEM_ACTOR,
          open.case_id,
          { action: 'resolve', resolutionSummary: 'Done' },
          done.version,
        );
        clock.advance(1000);
        await t.services.routing.route();
        assert.deepEqual(await offered(u.id), [expected]);
      }
    });
  });
}
