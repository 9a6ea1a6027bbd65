import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DECLINE_COOLDOWN_MS } from '../../src/server/modules/routing/routing-rules.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { tx } from '../../src/server/platform/context.ts';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { FakeAgents, routedCase, setProfile } from './routing-fixture.ts';

let n = 0;

for (const dialect of await dialects()) {
  describe(`routing (${dialect})`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const agents = new FakeAgents();
    before(async () => {
      t = await makeTestApp(dialect, { clock });
      t.services.routing.setAgentStates(agents);
    });
    after(() => t.close());

    /** A team of available officers with these profiles, and a customer speaking `lang`. */
    async function team(
      profiles: { languages?: string[]; capacity: Record<string, number> }[],
      lang: string | null = null,
    ) {
      const tm = await t.services.people.createTeam(SYSTEM_ACTOR, { name: `Routing team ${++n}` });
      const ids: string[] = [];
      for (const [i, p] of profiles.entries()) {
        const u = await t.services.people.createUser(SYSTEM_ACTOR, {
          username: `rt${n}u${i}`,
          displayName: `Officer ${n}.${i}`,
          role: 'officer',
          password: 'correct horse battery',
          teamId: tm.id,
        });
        await setProfile(t, u.id, p);
        agents.set(u.id, 'available', clock.now().toISOString());
        ids.push(u.id);
      }
      const customer = await t.services.customers.create(SYSTEM_ACTOR, {
        displayName: `Customer ${n}`,
        phones: [],
        emails: [],
        preferredLanguage: lang,
      });
      return { team: tm, ids, customerId: customer.id };
    }
    const openOffers = (caseId: string) =>
      t.ctx.store.db
        .selectFrom('routing_offers')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('offered_at')
        .orderBy('id')
        .execute();
    const officer = (userId: string) => ({ userId, role: 'officer' as const, via: 'token' as const });

    test("a Malay-speaking customer's case reaches the Malay-speaking officer", async () => {
      // The English speaker has been idle longest: only the language can send it to the other.
      const {
        team: tm,
        ids,
        customerId,
      } = await team(
        [
          { languages: ['en'], capacity: { email: 1 } },
          { languages: ['en', 'ms-MY'], capacity: { email: 1 } },
        ],
        'ms',
      );
      agents.set(ids[1]!, 'available', new Date(clock.now().getTime() + 1000).toISOString());
      const caseId = await routedCase(t, { channel: 'email', teamId: tm.id, customerId });
      await t.services.routing.route();
      const offers = await openOffers(caseId);
      assert.equal(offers.length, 1);
      assert.equal(offers[0]!.user_id, ids[1]);
      // Accepting makes it theirs, through the cases service (audited as the officer's assignment).
      const taken = await t.services.routing.accept(officer(ids[1]!), offers[0]!.id);
      assert.equal(taken.caseId, caseId);
      const c = await t.services.cases.row(t.ctx.store.db, caseId);
      assert.equal(c.assignee_id, ids[1]);
      assert.equal(c.status, 'open');
      const audit = await t.ctx.store.db
        .selectFrom('audit_log')
        .select(['actor_id', 'action'])
        .where('entity_id', '=', caseId)
        .where('action', '=', 'case.updated')
        .execute();
      assert.deepEqual(
        audit.map((a) => ({ ...a })),
        [{ actor_id: ids[1], action: 'case.updated' }],
      );
      // Accepting twice is refused.
      await assert.rejects(t.services.routing.accept(officer(ids[1]!), offers[0]!.id), {
        code: 'routing_offer.closed',
      });
    });

    test('an officer at capacity gets no offer; finishing frees the room', async () => {
      const { team: tm, ids, customerId } = await team([{ capacity: { chat: 1 } }]);
      const first = await routedCase(t, { channel: 'chat', teamId: tm.id, customerId });
      await t.services.routing.route();
      const [o] = await openOffers(first);
      await t.services.routing.accept(officer(ids[0]!), o!.id);
      const second = await routedCase(t, { channel: 'chat', teamId: tm.id, customerId });
      await t.services.routing.route();
      assert.equal((await openOffers(second)).length, 0, 'no offer over capacity');
      // An e-mail is another channel, with no capacity here: still nothing.
      await t.services.cases.transition(SYSTEM_ACTOR, first, {
        action: 'resolve',
        resolutionSummary: 'Done',
      });
      await t.services.routing.route();
      const offers = await openOffers(second);
      assert.equal(offers.length, 1);
      assert.equal(offers[0]!.user_id, ids[0]);
    });

    test('a time-out moves the offer on exactly once', async () => {
      const { team: tm, ids, customerId } = await team([{ capacity: { sms: 1 } }, { capacity: { sms: 1 } }]);
      const caseId = await routedCase(t, { channel: 'sms', teamId: tm.id, customerId });
      await t.services.routing.route();
      const [first] = await openOffers(caseId);
      clock.advance(29_000);
      await t.services.timers.tick();
      assert.equal((await openOffers(caseId))[0]!.state, 'open', 'not before its time');
      clock.advance(2_000);
      await t.services.timers.tick();
      await t.services.timers.tick();
      await t.services.routing.route();
      const offers = await openOffers(caseId);
      assert.deepEqual(
        offers.map((o) => [o.user_id, o.state]),
        [
          [first!.user_id, 'timed_out'],
          [ids.find((id) => id !== first!.user_id), 'open'],
        ],
      );
      // The late answer to the timed-out offer is refused; the timer fired once.
      await assert.rejects(t.services.routing.accept(officer(first!.user_id), first!.id), {
        code: 'routing_offer.closed',
      });
      const timers = await t.ctx.store.db
        .selectFrom('timers')
        .select(['state'])
        .where('ref_id', '=', first!.id)
        .execute();
      assert.deepEqual(
        timers.map((x) => x.state),
        ['done'],
      );
    });

    test('a declined item goes to the other officer; a break withdraws an offer', async () => {
      const {
        team: tm,
        ids,
        customerId,
      } = await team([{ capacity: { email: 1 } }, { capacity: { email: 1 } }]);
      const caseId = await routedCase(t, { channel: 'email', teamId: tm.id, customerId });
      await t.services.routing.route();
      const [first] = await openOffers(caseId);
      await t.services.routing.decline(officer(first!.user_id), first!.id);
      await t.services.routing.route();
      const second = (await openOffers(caseId)).find((o) => o.state === 'open')!;
      assert.notEqual(second.user_id, first!.user_id);
      agents.set(second.user_id, 'break', clock.now().toISOString());
      await tx(t.ctx, (trx) => t.services.routing.onAgentStateChanged(trx, second.user_id, 'break'));
      await t.services.routing.route();
      // Nobody else can take it now, but the decliner is not asked again within the cool-down.
      assert.equal((await openOffers(caseId)).filter((o) => o.state === 'open').length, 0);
      clock.advance(DECLINE_COOLDOWN_MS);
      await t.services.routing.route();
      // After it, the decliner is asked again, now that nobody else can take it.
      const third = (await openOffers(caseId)).find((o) => o.state === 'open')!;
      assert.equal(third.user_id, first!.user_id);
      assert.ok(ids.includes(third.user_id));
    });

    test('declined or timed out: not offered that item again for the cool-down, even with nobody else', async () => {
      // The only Malay speaker of the team (the walk's case): her decline brought the strip straight back.
      const {
        team: tm,
        ids,
        customerId,
      } = await team(
        [
          { languages: ['ms'], capacity: { chat: 3 } },
          { languages: ['en'], capacity: { chat: 3 } },
        ],
        'ms',
      );
      const [olivia, other] = ids as [string, string];
      await tx(t.ctx, async (trx) => {
        const q = await t.services.routing.queueFor(trx, tm.id);
        await trx
          .updateTable('routing_queues')
          .set({ relax_after_seconds: null })
          .where('id', '=', q.id)
          .execute();
      });
      const { token } = await t.services.auth.createToken(SYSTEM_ACTOR, { name: `cool${n}`, userId: olivia });
      const mine = async () =>
        (await t.call(null, 'GET', '/api/v1/routing/offer', undefined, { authorization: `Bearer ${token}` }))
          .data as { offers: { caseId: string }[] };
      const open = async (caseId: string) => (await openOffers(caseId)).filter((o) => o.state === 'open');
      const caseId = await routedCase(t, { channel: 'chat', teamId: tm.id, customerId });
      await t.services.routing.route();
      const [first] = await openOffers(caseId);
      assert.equal(first!.user_id, olivia);
      await t.services.routing.decline(officer(olivia), first!.id);
      for (const wait of [0, 30_000, DECLINE_COOLDOWN_MS - 30_001]) {
        clock.advance(wait);
        await t.services.routing.route();
        assert.equal((await open(caseId)).length, 0, `not offered again ${wait} ms on`);
        assert.deepEqual((await mine()).offers, []);
      }
      // Another item is hers as before: the cool-down is of the declined item only.
      const next = await routedCase(t, { channel: 'chat', teamId: tm.id, customerId });
      await t.services.routing.route();
      assert.equal((await open(next))[0]!.user_id, olivia);
      // Two minutes after her decline, with still nobody else, it comes back to her.
      clock.advance(1);
      await t.services.routing.route();
      const again = await open(caseId);
      assert.equal(again[0]!.user_id, olivia);
      assert.deepEqual(
        (await mine()).offers.map((o) => o.caseId),
        [next, caseId],
        'both open offers, oldest first',
      );
      // Let time out: the same cool-down, counted from the time-out.
      clock.advance(31_000);
      await t.services.timers.tick();
      await t.services.timers.tick();
      await t.services.routing.route();
      assert.equal((await open(caseId)).length, 0);
      assert.equal((await openOffers(caseId)).at(-1)!.state, 'timed_out');
      clock.advance(DECLINE_COOLDOWN_MS - 31_001);
      await t.services.routing.route();
      assert.equal((await open(caseId)).length, 0, 'still cooling down after the time-out');
      // Someone else who may take it meanwhile does: relaxed, it goes to the English speaker.
      await tx(t.ctx, async (trx) => {
        const q = await t.services.routing.queueFor(trx, tm.id);
        await trx
          .updateTable('routing_queues')
          .set({ relax_after_seconds: 0 })
          .where('id', '=', q.id)
          .execute();
      });
      await t.services.routing.route();
      assert.equal((await open(caseId))[0]?.user_id, other);
      // One entry for her in the item, with the time of her latest (the time-out).
      const item = await t.ctx.store.db
        .selectFrom('routing_items')
        .select('declined_by')
        .where('case_id', '=', caseId)
        .where('state', '=', 'offered')
        .executeTakeFirstOrThrow();
      const entries = parseJson<{ userId: string; at: string }[]>(item.declined_by, []);
      assert.deepEqual(
        entries.map((e) => e.userId),
        [olivia],
      );
      for (const id of ids) agents.set(id, 'offline', clock.now().toISOString());
    });

    test('a queue outside its business hours offers nothing; overflow moves the item on', async () => {
      const closed = await t.services.calendars.create(SYSTEM_ACTOR, {
        name: `Never now ${n}`,
        timeZone: 'UTC',
        // 2026-11-23 is a Monday; the clock says 09:00 UTC.
        hours: { 2: [['09:00', '17:00']] },
      });
      const { team: tm, ids, customerId } = await team([{ capacity: { email: 1 } }]);
      const other = await team([{ capacity: { email: 1 } }]);
      await tx(t.ctx, async (trx) => {
        const q = await t.services.routing.queueFor(trx, tm.id);
        const o = await t.services.routing.queueFor(trx, other.team.id);
        await trx
          .updateTable('routing_queues')
          .set({ calendar_id: closed.id, overflow_after_seconds: 60, overflow_queue_id: o.id })
          .where('id', '=', q.id)
          .execute();
      });
      const caseId = await routedCase(t, { channel: 'email', teamId: tm.id, customerId });
      await t.services.routing.route();
      assert.equal((await openOffers(caseId)).length, 0, 'closed: nothing offered');
      clock.advance(61_000);
      await t.services.routing.route();
      const offers = await openOffers(caseId);
      assert.equal(offers.length, 1);
      assert.equal(offers[0]!.user_id, other.ids[0]);
      assert.ok(!ids.includes(offers[0]!.user_id));
    });

    test('over the API: my offer, accept; pull mode; the queue with position and expected wait', async () => {
      // Team A holds the test users: the officer is the only routable one with e-mail room.
      for (const role of ['trainee', 'team_leader', 'supervisor', 'trainer', 'administrator'] as const)
        agents.set(t.users[role].id, 'offline', clock.now().toISOString());
      agents.set(t.users.officer.id, 'available', clock.now().toISOString());
      const put = await t.call('team_leader', 'PUT', `/api/v1/routing/profiles/${t.users.officer.id}`, {
        languages: ['en'],
        skills: [{ name: 'billing', level: 4 }],
        capacity: { email: 1, chat: 0, sms: 0 },
      });
      assert.equal(put.statusCode, 200, put.body);
      assert.deepEqual(put.data.capacity, { email: 1, chat: 0, sms: 0 });
      const customer = await t.services.customers.create(SYSTEM_ACTOR, {
        displayName: 'Api Tan',
        phones: [],
        emails: [],
      });
      const first = await routedCase(t, {
        channel: 'email',
        teamId: t.team.id,
        customerId: customer.id,
        subject: 'Bill',
      });
      await t.services.routing.route();
      const mine = await t.call('officer', 'GET', '/api/v1/routing/offer');
      assert.equal(mine.data.offer.caseId, first);
      assert.equal(mine.data.offer.customerName, 'Api Tan');
      assert.equal(mine.data.offer.subject, 'Bill');
      const second = await routedCase(t, { channel: 'email', teamId: t.team.id, customerId: customer.id });
      const queue = await t.call('team_leader', 'GET', `/api/v1/routing/queue?teamId=${t.team.id}`);
      assert.deepEqual(
        queue.data.items.map((i: { caseId: string; position: number; state: string }) => [
          i.caseId,
          i.position,
          i.state,
        ]),
        [
          [first, 1, 'offered'],
          [second, 2, 'waiting'],
        ],
      );
      // No history yet: 5 minutes a handle, one e-mail at a time in the team.
      assert.equal(queue.data.items[1].expectedWaitSeconds, 300);
      const acc = await t.call('officer', 'POST', `/api/v1/routing/offers/${mine.data.offer.id}/accept`);
      assert.equal(acc.statusCode, 200, acc.body);
      assert.equal((await t.services.cases.row(t.ctx.store.db, first)).assignee_id, t.users.officer.id);
      // Pull mode: the team's e-mail is no longer offered; the officer takes it when they have room.
      const q = await t.call('supervisor', 'PATCH', `/api/v1/routing/queues/${queue.data.queue.id}`, {
        emailPull: true,
      });
      assert.equal(q.statusCode, 200, q.body);
      assert.equal((await t.call('officer', 'POST', '/api/v1/routing/pull')).data.item, null, 'at capacity');
      await t.services.cases.transition(SYSTEM_ACTOR, first, {
        action: 'resolve',
        resolutionSummary: 'Done',
      });
      await t.services.routing.route();
      assert.equal(
        (await t.call('officer', 'GET', '/api/v1/routing/offer')).data.offer,
        null,
        'pull: not offered',
      );
      const pulled = await t.call('officer', 'POST', '/api/v1/routing/pull');
      assert.equal(pulled.data.item.caseId, second);
      assert.equal((await t.services.cases.row(t.ctx.store.db, second)).assignee_id, t.users.officer.id);
    });
  });
}
