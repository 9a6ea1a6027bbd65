import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { checkInvariants, FakeAgents, rng, routedCase, setProfile } from './routing-fixture.ts';

const ROUNDS = 40;

/**
 * Lock order on PostgreSQL (SQLite has one writer at a time): an officer taking work (accept,
 * decline, pull) racing the same case being resolved, or its offer timing out. Each round runs the
 * two at once, a random instant apart; every outcome is allowed but a deadlock (40P01) or a broken
 * invariant: one of them wins, the other is told (a 409 or a 412) or finds nothing.
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

    /** Run both at once, `r` deciding which starts first and by how much; what each ended with. */
    async function race(r: ReturnType<typeof rng>, a: () => Promise<unknown>, b: () => Promise<unknown>) {
      const wait = () => new Promise((ok) => setTimeout(ok, r.int(0, 3)));
      const aFirst = r.chance(0.5);
      const res = await Promise.allSettled([aFirst ? a() : wait().then(a), aFirst ? wait().then(b) : b()]);
      return res.map((x) =>
        x.status === 'fulfilled' ? 'ok' : String((x.reason as { code?: string }).code ?? x.reason),
      ) as [string, string];
    }

    async function settle(label: string, officerId: string, caseId: string) {
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
      // The tick swallows a failed batch (it retries it timer by timer): note each failure here.
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
