import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

const OPEN = 'new,open,pending_customer,pending_action_party';

for (const dialect of await dialects()) {
  describe(`saved views, bulk changes and queue pages on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t.close());

    test('views: my own and my team’s shared ones, each with its count; only owners and team leaders change them', async () => {
      const urgent = await buildCase(t, { subject: 'Urgent one', priority: 'urgent' });
      await buildCase(t, { subject: 'Normal one' });
      const mine = await t.call('officer', 'POST', '/api/v1/views', {
        name: 'My urgent',
        filters: { assigneeId: t.users.officer.id, priority: 'urgent', status: OPEN },
        sort: 'due',
      });
      assert.equal(mine.statusCode, 201, mine.body);
      assert.equal(mine.data.count, 1);
      assert.equal(mine.data.teamId, null);
      // An officer may not share; a team leader shares with their team.
      const refused = await t.call('officer', 'POST', '/api/v1/views', {
        name: 'x',
        shared: true,
        filters: {},
      });
      assert.equal(refused.statusCode, 403);
      const shared = await t.call('team_leader', 'POST', '/api/v1/views', {
        name: 'Team open',
        shared: true,
        filters: { teamId: t.team.id, status: OPEN },
      });
      assert.equal(shared.statusCode, 201, shared.body);
      const list = await t.call('officer', 'GET', '/api/v1/views');
      assert.deepEqual(list.data.items.map((v: { name: string }) => v.name).sort(), [
        'My urgent',
        'Team open',
      ]);
      const teamOpen = list.data.items.find((v: { name: string }) => v.name === 'Team open');
      const counted = await t.call(
        'officer',
        'GET',
        `/api/v1/cases?teamId=${t.team.id}&status=${OPEN}&limit=200`,
      );
      assert.equal(teamOpen.count, counted.data.items.length);
      // The leader's own list has the shared view too; another officer's private view is nobody else's.
      assert.ok(
        (await t.call('team_leader', 'GET', '/api/v1/views')).data.items.some(
          (v: { id: string }) => v.id === shared.data.id,
        ),
      );
      assert.ok(
        !(await t.call('team_leader', 'GET', '/api/v1/views')).data.items.some(
          (v: { id: string }) => v.id === mine.data.id,
        ),
      );
      assert.equal(
        (await t.call('officer', 'PATCH', `/api/v1/views/${shared.data.id}`, { name: 'Mine now' }))
          .statusCode,
        403,
      );
      assert.equal(
        (await t.call('team_leader', 'PATCH', `/api/v1/views/${mine.data.id}`, { name: 'Mine now' }))
          .statusCode,
        403,
      );
      const renamed = await t.call('officer', 'PATCH', `/api/v1/views/${mine.data.id}`, {
        name: 'Urgent, mine',
      });
      assert.equal(renamed.data.name, 'Urgent, mine');
      assert.equal((await t.call('officer', 'DELETE', `/api/v1/views/${mine.data.id}`)).statusCode, 204);
      assert.equal((await t.call('officer', 'DELETE', `/api/v1/views/${mine.data.id}`)).statusCode, 404);
      assert.ok(urgent);
    });

    test('bulk: one change to many cases, a result per case; a stale version or an illegal move refuses that case only', async () => {
      const cases = [];
      for (let i = 0; i < 4; i++) cases.push((await buildCase(t, { subject: `Bulk ${i}` })).case);
      const resolved = cases[3]!;
      await t.call('officer', 'POST', `/api/v1/cases/${resolved.id}/transitions`, {
        action: 'resolve',
        resolutionSummary: 'done',
      });
      const r = await t.call('team_leader', 'POST', '/api/v1/cases/bulk', {
        items: [
          { id: cases[0]!.id, version: cases[0]!.version },
          { id: cases[1]!.id, version: cases[1]!.version + 5 },
          { id: cases[2]!.id },
          { id: resolved.id },
        ],
        change: { assigneeId: t.users.team_leader.id, priority: 'high', action: 'await_customer' },
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(
        r.data.results.map((x: { ok: boolean; code?: string }) => [x.ok, x.code ?? null]),
        [
          [true, null],
          [false, 'request.precondition_failed'],
          [true, null],
          [false, 'case.transition_not_allowed'],
        ],
      );
      const after0 = await t.services.cases.get(cases[0]!.id);
      assert.equal(after0.assigneeId, t.users.team_leader.id);
      assert.equal(after0.priority, 'high');
      assert.equal(after0.status, 'pending_customer');
      const untouched = await t.services.cases.get(cases[1]!.id);
      assert.equal(untouched.priority, 'normal');
      assert.equal(
        (
          await t.call('trainer', 'POST', '/api/v1/cases/bulk', {
            items: [{ id: cases[0]!.id }],
            change: { priority: 'low' },
          })
        ).statusCode,
        403,
      );
    });

    test('merge: the duplicate’s notes, contacts, timeline and follow-ups move; it closes as merged, linked both ways', async () => {
      const { case: kept, contact } = await buildCase(t, { subject: 'Charged twice' });
      const dup = await t.services.cases.create(t.users.officer.actor, {
        contactId: contact.id,
        type: 'complaint',
        subject: 'Charged twice (again)',
      });
      await t.call('officer', 'POST', `/api/v1/cases/${dup.id}/notes`, {
        body: 'Zebracrossing refund ref 77',
        visibility: 'internal',
      });
      const promise = await t.call('officer', 'POST', `/api/v1/cases/${dup.id}/commitments`, {
        dueAt: '2026-11-24T09:00:00.000Z',
        method: 'call',
      });
      assert.equal(promise.statusCode, 201, promise.body);
      const r = await t.call(
        'officer',
        'POST',
        `/api/v1/cases/${dup.id}/merge`,
        { intoId: kept.id },
        { 'if-match': `"${dup.version}"` },
      );
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.data.id, kept.id);
      const ws = await t.call('officer', 'GET', `/api/v1/cases/${kept.id}/workspace`);
      assert.ok(ws.data.case.notes.some((n: { body: string }) => n.body.includes('Zebracrossing')));
      assert.deepEqual(ws.data.case.contactIds, [contact.id], 'a contact on both keeps one link');
      assert.ok(
        ws.data.case.timeline.some(
          (e: { kind: string; data: { reference?: string } }) =>
            e.kind === 'case.merged_from' && e.data.reference === dup.reference,
        ),
      );
      assert.ok(
        ws.data.case.timeline.some((e: { kind: string }) => e.kind === 'case.created'),
        'the timeline moved with it',
      );
      assert.deepEqual(
        ws.data.mergedFrom.map((m: { id: string }) => m.id),
        [dup.id],
      );
      assert.equal(ws.data.commitments.length, 1);
      const gone = await t.call('officer', 'GET', `/api/v1/cases/${dup.id}`);
      assert.equal(gone.data.status, 'closed');
      assert.equal(gone.data.mergedIntoId, kept.id);
      assert.ok(gone.data.timeline.some((e: { kind: string }) => e.kind === 'case.merged_into'));
      // The words of the duplicate's note are found on the case kept.
      const found = await t.call('officer', 'GET', '/api/v1/search?q=Zebracrossing');
      if (found.statusCode === 200 && found.data.cases)
        assert.ok(
          JSON.stringify(found.data.cases).includes(kept.id),
          'search finds the moved note on the kept case',
        );
      // Again, into itself, into a closed case: refused with the field.
      const again = await t.call('officer', 'POST', `/api/v1/cases/${dup.id}/merge`, { intoId: kept.id });
      assert.equal(again.statusCode, 409);
      const self = await t.call('officer', 'POST', `/api/v1/cases/${kept.id}/merge`, { intoId: kept.id });
      assert.equal(self.data.errors[0].field, '/body/intoId');
      const stale = await t.call(
        'officer',
        'POST',
        `/api/v1/cases/${kept.id}/merge`,
        { intoId: dup.id },
        { 'if-match': '"1"' },
      );
      assert.equal(stale.statusCode, 412);
    });

    test('a queue page carries its customers’ names, for roles that may read customers', async () => {
      const { case: c, customer } = await buildCase(t, { subject: 'Named' });
      const r = await t.call(
        'officer',
        'GET',
        `/api/v1/queue?assigneeId=${t.users.officer.id}&status=${OPEN}&sort=queue`,
      );
      assert.equal(r.statusCode, 200, r.body);
      assert.ok(r.data.items.some((x: { id: string }) => x.id === c.id));
      assert.equal(r.data.customerNames[customer.id], customer.displayName);
    });
  });
}
