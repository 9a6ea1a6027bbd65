import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { tx } from '../../src/server/platform/context.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { FakeAgents, routedCase, setProfile } from './routing-fixture.ts';

/**
 * A new item is routed by a pass soon after it is queued, unless the last pass found nobody with
 * room for its channel and nothing has changed since: a burst of e-mail with nobody free would
 * otherwise run a pass per message (it was a sixth of the e-mail ingest's statements). Room made
 * afterwards (a state, a capacity, an offer given back) is routed at once.
 */
for (const dialect of await dialects()) {
  describe(`routing: a pass after a new item only when someone could take it (${dialect})`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const agents = new FakeAgents();
    let passes = 0;
    before(async () => {
      t = await makeTestApp(dialect, { clock });
      t.services.routing.setAgentStates(agents);
      const pass = t.services.routing.pass;
      const run = pass.run.bind(pass);
      pass.run = () => {
        passes++;
        return run();
      };
    });
    after(() => t.close());

    const offersTo = (userId: string) =>
      t.ctx.store.db
        .selectFrom('routing_offers')
        .select(['id', 'case_id'])
        .where('user_id', '=', userId)
        .where('state', '=', 'open')
        .execute();

    /** Poll for the scheduled pass (10 ms after a poke) to have offered. */
    async function until(check: () => Promise<boolean>): Promise<void> {
      for (let i = 0; i < 100; i++) {
        if (await check()) return;
        await sleep(20);
      }
      assert.fail('nothing was offered within 2 s');
    }

    test('nobody free: queued items run no pass; someone free: one is offered at once, and a chat still is', async () => {
      const tm = await t.services.people.createTeam(SYSTEM_ACTOR, { name: 'No-room team' });
      const u = await t.services.people.createUser(SYSTEM_ACTOR, {
        username: 'noroom1',
        displayName: 'No-room officer',
        role: 'officer',
        password: 'correct horse battery',
        teamId: tm.id,
      });
      await setProfile(t, u.id, { capacity: { email: 1, chat: 1 } });
      const customer = await t.services.customers.create(SYSTEM_ACTOR, {
        displayName: 'Burst customer',
        phones: [],
        emails: [],
      });
      const mail = () => routedCase(t, { channel: 'email', teamId: tm.id, customerId: customer.id });

      // The officer is on a break: the first item's pass finds nobody with room.
      agents.set(u.id, 'break', clock.now().toISOString());
      await mail();
      await sleep(50);
      await t.services.routing.route();
      passes = 0;
      for (let i = 0; i < 5; i++) {
        await mail();
        await sleep(30); // past the 10 ms a pass would have been scheduled after
      }
      assert.equal(passes, 0, 'a pass ran for items nobody could take');
      assert.equal((await offersTo(u.id)).length, 0);

      // Back from the break, as presence's event tells routing: the oldest waiting e-mail is offered.
      agents.set(u.id, 'available', clock.now().toISOString());
      await tx(t.ctx, (trx) => t.services.routing.onAgentStateChanged(trx, u.id, 'available'));
      await until(async () => (await offersTo(u.id)).length === 1);
      assert.ok(passes >= 1);

      // Full on e-mail but with room for a chat: more e-mail runs no pass, a chat is offered.
      await t.services.routing.route();
      passes = 0;
      await mail();
      await sleep(30);
      assert.equal(passes, 0, 'a pass ran for an e-mail nobody had room for');
      const chat = await routedCase(t, { channel: 'chat', teamId: tm.id, customerId: customer.id });
      await until(async () => (await offersTo(u.id)).some((o) => o.case_id === chat));
      assert.equal((await offersTo(u.id)).length, 2);
    });
  });
}
