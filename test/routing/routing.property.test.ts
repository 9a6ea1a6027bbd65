import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { tx } from '../../src/server/platform/context.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { checkInvariants, FakeAgents, rng, routedCase, setProfile } from './routing-fixture.ts';

/**
 * Property-based: random officers (capacities, languages, skills, states), random items and
 * events (arrive, accept, decline, time-out, state change, case resolved, case handed to someone
 * by hand) interleaved; after every step the invariants hold, and after every pass no eligible
 * officer is idle beside a waiting item. Bounded by time (about 8 s a database) and runs; the
 * seed of a failing run is in its message (FRONTLINE_ROUTING_SEED replays one).
 */
const BUDGET_MS = Number(process.env.FRONTLINE_ROUTING_BUDGET_MS ?? 8000);
const MAX_RUNS = 40;
const STEPS = 30;
const STATES = ['available', 'available', 'on_contact', 'after_contact_work', 'break', 'offline'];
const LANGS = ['en', 'ms', 'zh', 'ta'];
const CHANNELS = ['email', 'chat', 'sms'] as const;

for (const dialect of await dialects()) {
  describe(`routing properties (${dialect})`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const agents = new FakeAgents();
    const customers: { id: string; lang: string | null }[] = [];
    before(async () => {
      t = await makeTestApp(dialect, { clock });
      t.services.routing.setAgentStates(agents);
      for (const lang of [...LANGS, null]) {
        const c = await t.services.customers.create(SYSTEM_ACTOR, {
          displayName: `Customer ${lang ?? 'any'}`,
          phones: [],
          emails: [],
          preferredLanguage: lang,
        });
        customers.push({ id: c.id, lang });
      }
    });
    after(() => t.close());

    test('no double offer, never over capacity, nobody idle beside waiting work', async () => {
      const started = Date.now();
      const fixed = process.env.FRONTLINE_ROUTING_SEED;
      let runs = 0;
      let steps = 0;
      let offersSeen = 0;
      while (runs < (fixed ? 1 : MAX_RUNS) && Date.now() - started < BUDGET_MS) {
        const seed = fixed ? Number(fixed) : (Date.now() ^ (runs * 7919)) >>> 0;
        runs++;
        const r = rng(seed);
        const team = await t.services.people.createTeam(SYSTEM_ACTOR, { name: `Routing ${seed}-${runs}` });
        const officers: string[] = [];
        for (let i = 0; i < r.int(2, 5); i++) {
          const u = await t.services.people.createUser(SYSTEM_ACTOR, {
            username: `r${seed}x${runs}o${i}`,
            displayName: `Officer ${i}`,
            role: 'officer',
            password: 'correct horse battery',
            teamId: team.id,
          });
          officers.push(u.id);
          await setProfile(t, u.id, {
            languages: LANGS.filter(() => r.chance(0.5)),
            skills: r.chance(0.5) ? [{ name: 'billing', level: r.int(1, 5) }] : [],
            capacity: { email: r.int(0, 2), chat: r.int(0, 3), sms: r.int(0, 2) },
          });
          agents.set(u.id, r.pick(STATES), clock.now().toISOString());
        }
        await tx(t.ctx, async (trx) => {
          const q = await t.services.routing.queueFor(trx, team.id);
          await trx
            .updateTable('routing_queues')
            .set({
              strategy: r.pick(['longest_idle', 'least_busy', 'round_robin']),
              relax_after_seconds: r.pick([null, 60, 0]),
            })
            .where('id', '=', q.id)
            .execute();
        });
        const label = (step: number, what: string) => `seed ${seed} step ${step} (${what})`;
        for (let s = 0; s < STEPS; s++) {
          steps++;
          const open = await t.ctx.store.db
            .selectFrom('routing_offers as o')
            .innerJoin('users as u', 'u.id', 'o.user_id')
            .select(['o.id', 'o.user_id', 'o.case_id'])
            .where('u.team_id', '=', team.id)
            .where('o.state', '=', 'open')
            .execute();
          offersSeen += open.length;
          const live = await t.ctx.store.db
            .selectFrom('routing_items as i')
            .innerJoin('routing_queues as q', 'q.id', 'i.queue_id')
            .select(['i.case_id', 'i.state'])
            .where('q.team_id', '=', team.id)
            .where('i.state', 'in', ['waiting', 'offered', 'assigned'])
            .execute();
          const roll = r.next();
          let what: string;
          if (roll < 0.3 || !live.length) {
            const c = r.pick(customers);
            await routedCase(t, { channel: r.pick(CHANNELS), teamId: team.id, customerId: c.id });
            what = 'arrive';
          } else if (roll < 0.45 && open.length) {
            const o = r.pick(open);
            await t.services.routing.accept({ userId: o.user_id, role: 'officer', via: 'token' }, o.id);
            what = 'accept';
          } else if (roll < 0.55 && open.length) {
            const o = r.pick(open);
            await t.services.routing.decline({ userId: o.user_id, role: 'officer', via: 'token' }, o.id);
            what = 'decline';
          } else if (roll < 0.65) {
            clock.advance(31_000);
            await t.services.timers.tick();
            what = 'time-out';
          } else if (roll < 0.8) {
            const u = r.pick(officers);
            const state = r.pick(STATES);
            agents.set(u, state, clock.now().toISOString());
            await tx(t.ctx, (trx) => t.services.routing.onAgentStateChanged(trx, u, state));
            what = `state ${state}`;
          } else if (roll < 0.92) {
            const c = r.pick(live);
            await t.services.cases.transition(SYSTEM_ACTOR, c.case_id, {
              action: 'resolve',
              resolutionSummary: 'Done',
            });
            what = 'resolved';
          } else {
            const c = r.pick(live);
            await t.services.cases.update(
              SYSTEM_ACTOR,
              c.case_id,
              { assigneeId: r.pick(officers) },
              undefined,
            );
            what = 'handed over by hand';
          }
          await checkInvariants(t.ctx.store.db, agents, {
            afterPass: false,
            nowMs: clock.now().getTime(),
            label: label(s, what),
          });
          await t.services.routing.route();
          await checkInvariants(t.ctx.store.db, agents, {
            afterPass: true,
            nowMs: clock.now().getTime(),
            label: label(s, `${what}, then a pass`),
          });
        }
        // Leave nobody of this run available: the next run's teams are separate, the table is one.
        for (const u of officers) agents.set(u, 'offline', clock.now().toISOString());
      }
      console.log(
        `routing properties (${dialect}): ${runs} runs, ${steps} steps, ${offersSeen} open offers seen`,
      );
      assert.ok(runs >= 2 && offersSeen > 0, 'the generator exercised offers');
    });
  });
}
