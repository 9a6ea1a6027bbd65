import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { KyselyPlugin } from 'kysely';
import type { AuditRow } from '../../src/server/modules/audit/audit.present.ts';
import { namesOf } from '../../src/server/modules/audit/audit-names.ts';
import type { AuditEntryDto } from '../../src/shared/contracts/audit.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { shopWidget, startChat, type WidgetRow } from '../helpers/chat-fixture.ts';
import { dialects } from '../helpers/db.ts';
import { acceptOffer, FakeAgents, routedOfficer } from './routing-fixture.ts';

/**
 * What a transfer leaves in the records (the walk-through's History tab and audit trail): the
 * routing.transferred entry says the case went unowned and stayed in its team (it said the team
 * went to nobody); the passing officer's contact is ended in their name, not "Automatic"; and the
 * history and trail name the people, teams and cases their entries mention — read for a whole page
 * in one statement, however many entries and people it holds.
 */
for (const dialect of await dialects()) {
  describe(`what a transfer leaves in the records (${dialect})`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const agents = new FakeAgents();
    let widget: WidgetRow;
    let ann: { id: string; token: string };
    let bea: { id: string; token: string };
    const now = () => clock.now().toISOString();
    /** The case of the first test, whose history the last one reads. */
    let transferredCase = '';
    const counter = { on: false, n: 0 };
    const plugin: KyselyPlugin = {
      transformQuery(args) {
        if (counter.on) counter.n++;
        return args.node;
      },
      async transformResult(args) {
        return args.result;
      },
    };

    before(async () => {
      t = await makeTestApp(dialect, { clock });
      t.services.routing.setAgentStates(agents);
      ann = await routedOfficer(t, 'ann', 'Ann Lee');
      bea = await routedOfficer(t, 'bea', 'Bea Tan');
      widget = await shopWidget(t);
    });
    after(() => t.close());

    const as = (u: { token: string }) => ({ authorization: `Bearer ${u.token}` });
    const history = async (caseId: string) => {
      const r = await t.call('officer', 'GET', `/api/v1/cases/${caseId}/history`);
      assert.equal(r.statusCode, 200, r.body);
      return r.data.items as AuditEntryDto[];
    };

    /** A chat accepted by Ann, transferred by her to Bea in the same team. */
    async function transferred() {
      const annActor = { userId: ann.id, role: 'officer' as const, via: 'token' as const };
      await t.services.presence.setOwn(annActor, { state: 'available' });
      for (const [id, s] of [
        [ann.id, 'available'],
        [bea.id, 'offline'],
        [t.users.officer.id, 'offline'],
      ] as const)
        agents.set(id, s, now());
      const { caseId, contactId } = await startChat(t, widget);
      await acceptOffer(t, ann.id, caseId);
      clock.advance(60_000);
      agents.set(bea.id, 'available', now());
      const tr = await t.call(
        null,
        'POST',
        '/api/v1/routing/transfers',
        { caseId, clientId: randomUUID(), toUserId: bea.id, note: 'Roaming disputed' },
        as(ann),
      );
      assert.equal(tr.statusCode, 201, tr.body);
      return { caseId, contactId };
    }

    test('the transfer’s entry: unowned, still in its team; ids named; the passing contact ended by the officer', async () => {
      const { caseId, contactId } = await transferred();
      transferredCase = caseId;
      const entries = await history(caseId);
      const moved = entries.find((e) => e.action === 'routing.transferred');
      assert.ok(moved, entries.map((e) => e.action).join());
      // The case stayed in its team: no team change is listed (it read "teamId <team> → —").
      assert.equal(
        moved.changes?.find((c) => c.field === 'teamId'),
        undefined,
      );
      assert.deepEqual(
        moved.changes?.find((c) => c.field === 'assigneeId'),
        { field: 'assigneeId', before: ann.id, after: null },
      );
      assert.equal(moved.names[ann.id], 'Ann Lee');
      assert.equal(moved.names[bea.id], 'Bea Tan', 'the officer it went to');
      assert.equal(moved.names[t.team.id], t.team.name, 'the team, by name');
      assert.equal(moved.names[caseId], (await t.services.cases.row(t.ctx.store.db, caseId)).reference);
      // Ann's own change of the case names her as its owner before.
      const owner = entries.find((e) => e.action === 'case.updated' && e.actor?.id === ann.id);
      assert.equal(owner?.names[ann.id], 'Ann Lee');

      // The passing officer's contact ended in her name (it read "Automatic").
      const ended = await t.ctx.store.db
        .selectFrom('audit_log')
        .select('actor_id')
        .where('entity_type', '=', 'contact')
        .where('entity_id', '=', contactId)
        .where('action', '=', 'contact.ended')
        .execute();
      assert.deepEqual(
        ended.map((e) => e.actor_id),
        [ann.id],
      );
    });

    test('a team leader setting an officer offline: the trail names the officer, and no empty reason', async () => {
      await t.services.presence.setOwn(
        { userId: bea.id, role: 'officer', via: 'token' },
        { state: 'available' },
      );
      const off = await t.call('team_leader', 'PUT', `/api/v1/presence/users/${bea.id}`, {
        state: 'offline',
      });
      assert.equal(off.statusCode, 200, off.body);
      const r = await t.call('supervisor', 'GET', '/api/v1/audit?action=presence.set_by_leader');
      assert.equal(r.statusCode, 200, r.body);
      const [e] = r.data.items as AuditEntryDto[];
      assert.equal(e?.entityId, bea.id);
      assert.equal(e?.names[bea.id], 'Bea Tan');
      // "reasonId — → —" was listed as a change: stored as null before, left out after.
      assert.deepEqual(
        e?.changes?.map((c) => c.field),
        ['state'],
      );
    });

    test('the names of a page cost one statement, whatever the page holds', async () => {
      const rows = (await t.ctx.store.db
        .selectFrom('audit_log')
        .select(['id', 'at', 'actor_id', 'entity_type', 'entity_id', 'action', 'before', 'after'])
        .where('entity_type', '=', 'case')
        .where('entity_id', '=', transferredCase)
        .execute()) as AuditRow[];
      const statements = async (page: AuditRow[]) => {
        counter.n = 0;
        counter.on = true;
        try {
          return { names: await namesOf(t.ctx.store.db.withPlugin(plugin), page), n: counter.n };
        } finally {
          counter.on = false;
        }
      };
      const one = await statements(rows.slice(0, 1));
      const all = await statements(rows);
      assert.ok(rows.length >= 5 && all.names.size >= 4, `${rows.length} entries naming ${all.names.size}`);
      assert.deepEqual([one.n, all.n], [1, 1]);
      // A page too big for one statement's parameters is read in a few, not one per row.
      const many = Array.from({ length: 1000 }, (_, i) => ({
        ...rows[0]!,
        id: `x${i}`,
        entity_id: randomUUID(),
      }));
      assert.equal((await statements(many)).n, 3);
    });
  });
}
