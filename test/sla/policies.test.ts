import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

const ALWAYS = {
  '1': [['00:00', '24:00']],
  '2': [['00:00', '24:00']],
  '3': [['00:00', '24:00']],
  '4': [['00:00', '24:00']],
  '5': [['00:00', '24:00']],
  '6': [['00:00', '24:00']],
  '7': [['00:00', '24:00']],
};
const OFFICE = {
  '1': [['09:00', '18:00']],
  '2': [['09:00', '18:00']],
  '3': [['09:00', '18:00']],
  '4': [['09:00', '18:00']],
  '5': [['09:00', '18:00']],
};

for (const dialect of await dialects()) {
  describe(`SLA policies on ${dialect}`, () => {
    let t: TestApp;
    // Friday 27 Nov 2026, 16:00 in Singapore.
    const clock = fixedClock('2026-11-27T08:00:00.000Z');
    let hotline: string;
    let office: string;
    before(async () => {
      t = await makeTestApp(dialect, { clock });
      hotline = (
        await t.call('supervisor', 'POST', '/api/v1/calendars', {
          name: 'Hotline',
          timeZone: 'Asia/Singapore',
          hours: ALWAYS,
        })
      ).data.id;
      office = (
        await t.call('supervisor', 'POST', '/api/v1/calendars', {
          name: 'Office',
          timeZone: 'Asia/Singapore',
          hours: OFFICE,
        })
      ).data.id;
    });
    after(() => t.close());

    test('without a policy a case has no due times', async () => {
      const { case: c } = await buildCase(t);
      assert.equal(c.slaPolicyId, null);
      assert.equal(c.resolutionDueAt, null);
    });

    test('the first matching policy by position sets due times in business time on its calendar', async () => {
      const critical = await t.call('supervisor', 'POST', '/api/v1/sla-policies', {
        name: 'Highly critical',
        position: 10,
        calendarId: hotline,
        conditions: { criticalities: ['highly_critical'] },
        firstResponseMinutes: 15,
        resolutionMinutes: 240,
      });
      assert.equal(critical.statusCode, 201, critical.body);
      const standard = await t.call('supervisor', 'POST', '/api/v1/sla-policies', {
        name: 'Standard',
        position: 100,
        calendarId: office,
        conditions: {},
        firstResponseMinutes: 60,
        resolutionMinutes: 2 * 9 * 60,
      });
      assert.equal(standard.statusCode, 201, standard.body);

      const { case: urgent } = await buildCase(t, { criticality: 'highly_critical' });
      assert.equal(urgent.slaPolicyId, critical.data.id);
      assert.equal(urgent.firstResponseDueAt, '2026-11-27T08:15:00.000Z');
      assert.equal(urgent.resolutionDueAt, '2026-11-27T12:00:00.000Z');

      // Friday 16:00 + 1 office hour → 17:00; + 2 office days → Tuesday 16:00.
      const { case: normal } = await buildCase(t);
      assert.equal(normal.slaPolicyId, standard.data.id);
      assert.equal(normal.firstResponseDueAt, '2026-11-27T09:00:00.000Z');
      assert.equal(normal.resolutionDueAt, '2026-12-01T08:00:00.000Z');

      // Raising criticality re-chooses the policy, timed from creation.
      const raised = await t.call('team_leader', 'PATCH', `/api/v1/cases/${normal.id}`, {
        criticality: 'highly_critical',
      });
      assert.equal(raised.data.slaPolicyId, critical.data.id);
      assert.equal(raised.data.resolutionDueAt, '2026-11-27T12:00:00.000Z');

      // The due queue serves the soonest first; cases without an SLA come last.
      const due = await t.call('team_leader', 'GET', '/api/v1/cases?sort=due&limit=200');
      const dues = due.data.items.map((c: { resolutionDueAt: string | null }) => c.resolutionDueAt);
      const firstNull = dues.indexOf(null);
      const timed = firstNull === -1 ? dues : dues.slice(0, firstNull);
      assert.deepEqual(timed, [...timed].sort());
      assert.ok(firstNull === -1 || dues.slice(firstNull).every((d: string | null) => d === null));
    });

    test('a policy that can never match, has no target, negative targets or an unknown calendar is refused with the field', async () => {
      const post = (body: Record<string, unknown>) =>
        t.call('supervisor', 'POST', '/api/v1/sla-policies', {
          name: `P${Math.random()}`,
          position: 1,
          calendarId: office,
          conditions: {},
          resolutionMinutes: 60,
          ...body,
        });
      let r = await post({ conditions: { categoryIds: ['01a20a03-0000-7000-8000-000000000000'] } });
      assert.equal(r.statusCode, 400);
      assert.equal(r.data.errors[0].field, '/body/conditions/categoryIds');
      r = await post({ conditions: { types: [] } });
      assert.equal(r.statusCode, 400);
      assert.equal(r.data.errors[0].field, '/body/conditions/types');
      r = await post({ resolutionMinutes: undefined });
      assert.equal(r.data.errors[0].field, '/body/resolutionMinutes');
      r = await post({ resolutionMinutes: -5 });
      assert.equal(r.data.errors[0].field, '/body/resolutionMinutes');
      r = await post({ calendarId: '01a20a03-0000-7000-8000-000000000000' });
      assert.equal(r.data.errors[0].field, '/body/calendarId');
      const list = await t.call('officer', 'GET', '/api/v1/sla-policies');
      assert.deepEqual(
        list.data.items.map((p: { name: string }) => p.name),
        ['Highly critical', 'Standard'],
      );
    });

    test('a deactivated policy no longer applies', async () => {
      const list = await t.call('supervisor', 'GET', '/api/v1/sla-policies');
      const critical = list.data.items.find((p: { name: string }) => p.name === 'Highly critical');
      const off = await t.call('supervisor', 'PATCH', `/api/v1/sla-policies/${critical.id}`, {
        active: false,
      });
      assert.equal(off.statusCode, 200, off.body);
      const { case: c } = await buildCase(t, { criticality: 'highly_critical' });
      assert.notEqual(c.slaPolicyId, critical.id);
    });
  });
}
