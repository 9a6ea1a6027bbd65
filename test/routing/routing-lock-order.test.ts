import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OFFER_EXPIRED } from '../../src/server/modules/routing/routing-pass.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { tx } from '../../src/server/platform/context.ts';
import { txRetries } from '../../src/server/platform/tx-retry.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { checkInvariants, FakeAgents, rng, routedCase, setProfile } from './routing-fixture.ts';

const ROUNDS = 40;

/** Run both at once, `r` deciding which starts first and by how much; what each ended with. */
async function race(r: ReturnType<typeof rng>, a: () => Promise<unknown>, b: () => Promise<unknown>) {
  const wait = () => new Promise((ok) => setTimeout(ok, r.int(0, 3)));
  const aFirst = r.chance(0.5);
  const res = await Promise.allSettled([aFirst ? a() : wait().then(a), aFirst ? wait().then(b) : b()]);
  return res.map((x) =>
    x.status === 'fulfilled' ? 'ok' : String((x.reason as { code?: string }).code ?? x.reason),
  ) as [string, string];
}

/**
 * tx() runs a deadlock's loser again, so a race's outcome no longer shows the deadlock: no
 * transaction of the app may have been retried since the last round's check.
 */
const retriesSeen = new WeakMap<TestApp, number>();
function noRetries(t: TestApp, label: string): void {
  const now = txRetries(t.ctx.store);
  const before = retriesSeen.get(t) ?? 0;
  retriesSeen.set(t, now);
  assert.equal(now - before, 0, `${label}: a transaction was run again after a deadlock`);
}

/**
 * The tick swallows a failed batch (it retries it timer by timer, and a timer that fails again is
 * postponed): each failure of a time-out's transaction is noted in the list returned.
 */
function spyOnFire(t: TestApp): string[] {
  type Fire = (...args: unknown[]) => Promise<void>;
  const timers = t.services.timers as unknown as { fire: Fire };
  const fire = timers.fire.bind(timers);
  const fireErrors: string[] = [];
  timers.fire = async (...args) => {
    try {
      return await fire(...args);
    } catch (err) {
      fireErrors.push(String((err as { code?: string }).code ?? err));
      throw err;
    }
  };
  return fireErrors;
}

/**
 * Lock order on PostgreSQL (SQLite has one writer at a time): an officer taking work (accept,
 * decline, pull) racing the same case being resolved, or its offer timing out. Each round runs the
 * two at once, a random instant apart; every outcome is allowed but a deadlock (40P01, which tx()
 * now runs again: the rounds count its retries) or a broken invariant: one of them wins, the other
 * is told (a 409 or a 412) or finds nothing.
 */
if ((await dialects()).includes('postgres')) {
  describe('routing lock order against a case resolved or timed out at the same time (postgres)', () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const agents = new FakeAgents();
    let n = 0;
    before(async () => {
      t = await makeTestApp('postgres', { clock });
      t.services.routing.setAgentStates(agents);
    });
    after(() => t.close());

    async function team(pull: boolean) {
      const tm = await t.services.people.createTeam(SYSTEM_ACTOR, { name: `Lock order ${++n}` });
      const u = await t.services.people.createUser(SYSTEM_ACTOR, {
        username: `lock${n}`,
        displayName: `Officer ${n}`,
        role: 'officer',
        password: 'correct horse battery',
        teamId: tm.id,
      });
      await setProfile(t, u.id, { capacity: { email: 5, chat: 5, sms: 0 } });
      agents.set(u.id, 'available', clock.now().toISOString());
      const queue = await t.services.routing.queueFor(t.ctx.store.db, tm.id);
      if (pull)
        await t.ctx.store.db
          .updateTable('routing_queues')
          .set({ email_pull: true })
          .where('id', '=', queue.id)
          .execute();
      const customer = await t.services.customers.create(SYSTEM_ACTOR, {
        displayName: `Customer ${n}`,
        phones: [],
        emails: [],
      });
      const officer = { userId: u.id, role: 'officer' as const, via: 'token' as const, teamId: tm.id };
      return { team: tm, officer, customerId: customer.id };
    }

    const resolve = (caseId: string) =>
      t.services.cases.transition(SYSTEM_ACTOR, caseId, { action: 'resolve', resolutionSummary: 'Done' });
    const openOffer = (caseId: string) =>
      t.ctx.store.db
        .selectFrom('routing_offers')
        .selectAll()
        .where('case_id', '=', caseId)
        .where('state', '=', 'open')
        .executeTakeFirstOrThrow();

    async function settle(label: string, officerId: string, caseId: string) {
      noRetries(t, label);
      await checkInvariants(t.ctx.store.db, agents, {
        afterPass: false,
        nowMs: clock.now().getTime(),
        label,
      });
      // Whoever won, the case ends resolved with no live item, and the officer's room is free again.
      const c = await t.services.cases.row(t.ctx.store.db, caseId);
      if (c.status !== 'resolved') await resolve(caseId);
      const live = await t.ctx.store.db
        .selectFrom('routing_items')
        .select('state')
        .where('case_id', '=', caseId)
        .where('state', 'in', ['waiting', 'offered', 'assigned'])
        .execute();
      assert.deepEqual(live, [], `${label}: a resolved case left in routing`);
      const load = await t.ctx.store.db
        .selectFrom('routing_capacity')
        .select(['channel', 'load'])
        .where('user_id', '=', officerId)
        .where('load', '>', 0)
        .execute();
      assert.deepEqual(load, [], `${label}: room not freed`);
    }

    test('pull against resolve: no deadlock', async () => {
      const r = rng(1123);
      const s = await team(true);
      const seen = new Map<string, number>();
      for (let i = 0; i < ROUNDS; i++) {
        const caseId = await routedCase(t, { channel: 'email', teamId: s.team.id, customerId: s.customerId });
        const [pulled, resolved] = await race(
          r,
          () => t.services.routingPull.next(s.officer),
          () => resolve(caseId),
        );
        const key = `${pulled}/${resolved}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        assert.ok(pulled === 'ok', `round ${i}: pull failed with ${pulled}`);
        assert.ok(
          ['ok', 'request.precondition_failed'].includes(resolved),
          `round ${i}: resolve: ${resolved}`,
        );
        await settle(`pull round ${i}`, s.officer.userId, caseId);
      }
      console.log('pull/resolve outcomes', Object.fromEntries(seen));
    });

    test('accept against resolve: no deadlock', async () => {
      const r = rng(1124);
      const s = await team(false);
      const seen = new Map<string, number>();
      for (let i = 0; i < ROUNDS; i++) {
        const caseId = await routedCase(t, { channel: 'chat', teamId: s.team.id, customerId: s.customerId });
        await t.services.routing.route();
        const offer = await openOffer(caseId);
        const [accepted, resolved] = await race(
          r,
          () => t.services.routing.accept(s.officer, offer.id),
          () => resolve(caseId),
        );
        const key = `${accepted}/${resolved}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        assert.ok(['ok', 'routing_offer.closed'].includes(accepted), `round ${i}: accept: ${accepted}`);
        assert.ok(
          ['ok', 'request.precondition_failed'].includes(resolved),
          `round ${i}: resolve: ${resolved}`,
        );
        await settle(`accept round ${i}`, s.officer.userId, caseId);
      }
      console.log('accept/resolve outcomes', Object.fromEntries(seen));
    });

    test('a pass offering the item against resolve: no offer is left on the resolved case', async () => {
      const r = rng(1126);
      const s = await team(false);
      const seen = new Map<string, number>();
      for (let i = 0; i < ROUNDS; i++) {
        const caseId = await routedCase(t, { channel: 'chat', teamId: s.team.id, customerId: s.customerId });
        const [routed, resolved] = await race(
          r,
          () => t.services.routing.route(),
          () => resolve(caseId),
        );
        const key = `${routed}/${resolved}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        assert.deepEqual([routed, resolved], ['ok', 'ok'], `round ${i}`);
        await settle(`pass round ${i}`, s.officer.userId, caseId);
      }
      console.log('pass/resolve outcomes', Object.fromEntries(seen));
    });

    test('accept or decline against the offer timing out: no deadlock', async () => {
      const r = rng(1125);
      const s = await team(false);
      const fireErrors = spyOnFire(t);
      const seen = new Map<string, number>();
      for (let i = 0; i < ROUNDS; i++) {
        const caseId = await routedCase(t, { channel: 'chat', teamId: s.team.id, customerId: s.customerId });
        await t.services.routing.route();
        const offer = await openOffer(caseId);
        clock.advance(31_000);
        const decide = r.chance(0.5) ? 'accept' : 'decline';
        const [answered, ticked] = await race(
          r,
          () => t.services.routing[decide](s.officer, offer.id),
          () => t.services.timers.tick(),
        );
        const key = `${decide}:${answered}/${ticked}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        assert.ok(['ok', 'routing_offer.closed'].includes(answered), `round ${i}: ${decide}: ${answered}`);
        assert.equal(ticked, 'ok', `round ${i}: tick`);
        // A tick retries a failed batch one timer at a time and says nothing: the spy saw it.
        assert.deepEqual(fireErrors.splice(0), [], `round ${i}: the time-out's transaction failed`);
        await settle(`timeout round ${i}`, s.officer.userId, caseId);
      }
      console.log('answer/time-out outcomes', Object.fromEntries(seen));
    });
  });
}

const OFFERS_PER_BREAK = 3;

/**
 * A break (presence leaving the routable states) withdraws every open offer of the officer in one
 * transaction, while one of those offers times out, or is accepted, at that moment. The break takes
 * several offers' timers, items and the officer's capacity row; taken offer by offer, it held the
 * capacity row of one offer while waiting for the timer of the next, which the time-out's
 * transaction held from its claim on its way to that same capacity row (40P01). Every outcome is
 * allowed but a failed break, a failed time-out, or an update lost (an offer left open, a load not
 * given back). PostgreSQL races each pair ROUNDS times; SQLite (one writer) runs it once.
 */
for (const dialect of await dialects()) {
  describe(`a break withdrawing several offers against a time-out or an accept (${dialect})`, () => {
    const rounds = dialect === 'postgres' ? ROUNDS : 1;
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const agents = new FakeAgents();
    let n = 0;
    before(async () => {
      t = await makeTestApp(dialect, { clock });
      t.services.routing.setAgentStates(agents);
    });
    after(() => t.close());

    async function officer() {
      const tm = await t.services.people.createTeam(SYSTEM_ACTOR, { name: `Break ${++n}` });
      const u = await t.services.people.createUser(SYSTEM_ACTOR, {
        username: `break${n}`,
        displayName: `Officer on break ${n}`,
        role: 'officer',
        password: 'correct horse battery',
        teamId: tm.id,
      });
      await setProfile(t, u.id, { capacity: { email: 5, chat: 5, sms: 0 } });
      const customer = await t.services.customers.create(SYSTEM_ACTOR, {
        displayName: `Customer of break ${n}`,
        phones: [],
        emails: [],
      });
      const actor = { userId: u.id, role: 'officer' as const, via: 'token' as const, teamId: tm.id };
      return { teamId: tm.id, actor, customerId: customer.id };
    }

    /** The officer, available, is offered OFFERS_PER_BREAK chats; then goes on a break. */
    async function offered(s: Awaited<ReturnType<typeof officer>>) {
      agents.set(s.actor.userId, 'available', clock.now().toISOString());
      const caseIds: string[] = [];
      for (let k = 0; k < OFFERS_PER_BREAK; k++)
        caseIds.push(await routedCase(t, { channel: 'chat', teamId: s.teamId, customerId: s.customerId }));
      await t.services.routing.route();
      const offers = await t.ctx.store.db
        .selectFrom('routing_offers')
        .selectAll()
        .where('user_id', '=', s.actor.userId)
        .where('state', '=', 'open')
        .execute();
      assert.equal(offers.length, OFFERS_PER_BREAK, 'offers made before the break');
      // Presence says "break" before the withdrawal runs (it runs on presence.changed).
      agents.set(s.actor.userId, 'break', clock.now().toISOString());
      return { caseIds, offers };
    }

    const goOnBreak = (userId: string) =>
      tx(t.ctx, (trx) => t.services.routing.onAgentStateChanged(trx, userId, 'break'));

    /** After both: no open offer, no pending time-out, each item waiting or (accepted) assigned. */
    async function settle(label: string, userId: string, caseIds: string[], accepted: string | null) {
      noRetries(t, label);
      await checkInvariants(t.ctx.store.db, agents, {
        afterPass: false,
        nowMs: clock.now().getTime(),
        label,
      });
      const offers = await t.ctx.store.db
        .selectFrom('routing_offers')
        .select(['id', 'state', 'item_id'])
        .where('case_id', 'in', caseIds)
        .execute();
      for (const o of offers)
        assert.ok(
          o.id === accepted ? o.state === 'accepted' : ['withdrawn', 'timed_out'].includes(o.state),
          `${label}: offer ${o.id} ended ${o.state}`,
        );
      const pending = await t.ctx.store.db
        .selectFrom('timers')
        .select('id')
        .where('kind', '=', OFFER_EXPIRED)
        .where(
          'ref_id',
          'in',
          offers.map((o) => o.id),
        )
        .where('state', '=', 'pending')
        .execute();
      assert.deepEqual(pending, [], `${label}: a time-out left pending`);
      const items = await t.ctx.store.db
        .selectFrom('routing_items')
        .select(['id', 'state', 'offered_to'])
        .where('case_id', 'in', caseIds)
        .execute();
      const acceptedItem = offers.find((o) => o.id === accepted)?.item_id;
      for (const i of items)
        assert.equal(i.state, i.id === acceptedItem ? 'assigned' : 'waiting', `${label}: item ${i.id}`);
      const load = await t.ctx.store.db
        .selectFrom('routing_capacity')
        .select('load')
        .where('user_id', '=', userId)
        .where('channel', '=', 'chat')
        .executeTakeFirstOrThrow();
      assert.equal(load.load, accepted ? 1 : 0, `${label}: the officer's chat load`);
      // Next round from a clean slate: the cases end, and with them their items.
      for (const caseId of caseIds)
        await t.services.cases.transition(SYSTEM_ACTOR, caseId, {
          action: 'resolve',
          resolutionSummary: 'Done',
        });
    }

    test('a break against one of its offers timing out: no deadlock, nothing lost', async () => {
      const r = rng(1127);
      const s = await officer();
      const fireErrors = spyOnFire(t);
      const seen = new Map<string, number>();
      for (let i = 0; i < rounds; i++) {
        const { caseIds, offers } = await offered(s);
        // One offer, at random, falls due now; the others later (as offers made a little apart do).
        const due = r.pick(offers);
        await t.ctx.store.db
          .updateTable('timers')
          .set({ due_at: clock.now().toISOString() })
          .where('kind', '=', OFFER_EXPIRED)
          .where('ref_id', '=', due.id)
          .execute();
        const [withdrawn, ticked] = await race(
          r,
          () => goOnBreak(s.actor.userId),
          () => t.services.timers.tick(),
        );
        const dueState = (
          await t.ctx.store.db
            .selectFrom('routing_offers')
            .select('state')
            .where('id', '=', due.id)
            .executeTakeFirstOrThrow()
        ).state;
        const key = `${withdrawn}/${ticked}/${dueState}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        assert.equal(withdrawn, 'ok', `round ${i}: the break`);
        assert.equal(ticked, 'ok', `round ${i}: tick`);
        assert.deepEqual(fireErrors.splice(0), [], `round ${i}: the time-out's transaction failed`);
        await settle(`break/time-out round ${i}`, s.actor.userId, caseIds, null);
      }
      console.log(`break/time-out outcomes (${dialect})`, Object.fromEntries(seen));
    });

    test('a break against an accept of one of its offers: no deadlock, nothing lost', async () => {
      const r = rng(1128);
      const s = await officer();
      const seen = new Map<string, number>();
      for (let i = 0; i < rounds; i++) {
        const { caseIds, offers } = await offered(s);
        const taken = r.pick(offers);
        const [withdrawn, accepted] = await race(
          r,
          () => goOnBreak(s.actor.userId),
          () => t.services.routing.accept(s.actor, taken.id),
        );
        const key = `${withdrawn}/${accepted}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        assert.equal(withdrawn, 'ok', `round ${i}: the break`);
        assert.ok(['ok', 'routing_offer.closed'].includes(accepted), `round ${i}: accept: ${accepted}`);
        await settle(`break/accept round ${i}`, s.actor.userId, caseIds, accepted === 'ok' ? taken.id : null);
      }
      console.log(`break/accept outcomes (${dialect})`, Object.fromEntries(seen));
    });
  });
}
