import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { buildServices } from '../../src/server/app.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import type { Ctx } from '../../src/server/platform/context.ts';
import { type Db, openDb } from '../../src/server/platform/db/index.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects, PG_URL } from '../helpers/db.ts';
import { checkInvariants, FakeAgents, rng, routedCase, setProfile } from './routing-fixture.ts';

/**
 * Two app nodes (two service sets, two connection pools) on one PostgreSQL schema route the same
 * queue at once, while officers accept and decline through either node: no item is ever offered
 * twice, nobody goes over capacity, and when both are quiet nobody eligible is idle beside work.
 */
if ((await dialects()).includes('postgres')) {
  describe('routing on two nodes over one PostgreSQL', () => {
    let a: TestApp;
    let storeB: Db;
    let b: ReturnType<typeof buildServices>;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const agents = new FakeAgents();
    before(async () => {
      a = await makeTestApp('postgres', { clock });
      const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(a.ctx.store.db)).rows[0]!
        .s;
      storeB = await openDb({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 4 });
      const ctxB: Ctx = { ...a.ctx, store: storeB };
      b = buildServices(ctxB);
      a.services.routing.setAgentStates(agents);
      b.routing.setAgentStates(agents);
    });
    after(async () => {
      await b.routing.stop();
      await b.background.close();
      await storeB.close();
      await a.close();
    });

    test('concurrent passes, accepts and declines on both nodes keep the invariants', async () => {
      const r = rng(20261123);
      const team = await a.services.people.createTeam(SYSTEM_ACTOR, { name: 'Two nodes' });
      const officers: string[] = [];
      for (let i = 0; i < 12; i++) {
        const u = await a.services.people.createUser(SYSTEM_ACTOR, {
          username: `twonode${i}`,
          displayName: `Officer ${i}`,
          role: 'officer',
          password: 'correct horse battery',
          teamId: team.id,
        });
        officers.push(u.id);
        await setProfile(a, u.id, { capacity: { email: r.int(1, 2), chat: r.int(1, 3), sms: r.int(0, 2) } });
        agents.set(u.id, 'available', clock.now().toISOString());
      }
      const customer = await a.services.customers.create(SYSTEM_ACTOR, {
        displayName: 'Many',
        phones: [],
        emails: [],
      });
      for (let i = 0; i < 80; i++)
        await routedCase(a, {
          channel: r.pick(['email', 'chat', 'sms'] as const),
          teamId: team.id,
          customerId: customer.id,
        });

      const nodes = [a.services, b];
      let decisions = 0;
      let conflicts = 0;
      const worker = async (n: number) => {
        const s = nodes[n % 2]!;
        for (let round = 0; round < 12; round++) {
          await s.routing.route();
          const open = await (n % 2 ? storeB : a.ctx.store).db
            .selectFrom('routing_offers')
            .select(['id', 'user_id'])
            .where('state', '=', 'open')
            .execute();
          for (const o of open.slice(0, 4)) {
            const actor = { userId: o.user_id, role: 'officer' as const, via: 'token' as const };
            try {
              if (r.chance(0.6)) await s.routing.accept(actor, o.id);
              else await s.routing.decline(actor, o.id);
              decisions++;
            } catch (err) {
              // The other node decided it first: a 409, never a second decision.
              assert.equal((err as { code?: string }).code, 'routing_offer.closed', String(err));
              conflicts++;
            }
          }
          // One snapshot: the other workers commit between the check's reads otherwise.
          await a.ctx.store.db
            .transaction()
            .setIsolationLevel('repeatable read')
            .execute((trx) =>
              checkInvariants(trx, agents, {
                afterPass: false,
                nowMs: clock.now().getTime(),
                label: `node ${n} round ${round}`,
              }),
            );
        }
      };
      await Promise.all([worker(0), worker(1), worker(2), worker(3)]);
      // Quiet: the passes the workers' pokes started have finished on both nodes (stop waits for
      // them and takes no more pokes); then one pass, and nobody eligible is idle beside waiting work.
      await Promise.all([a.services.routing.stop(), b.routing.stop()]);
      await a.services.routing.route();
      await checkInvariants(a.ctx.store.db, agents, {
        afterPass: true,
        nowMs: clock.now().getTime(),
        label: 'quiet',
      });
      const offers = await a.ctx.store.db.selectFrom('routing_offers').select(['state']).execute();
      console.log(`two nodes: ${offers.length} offers, ${decisions} decisions, ${conflicts} lost races`);
      assert.ok(decisions > 20, 'both nodes made and decided offers');
    });
  });
}
