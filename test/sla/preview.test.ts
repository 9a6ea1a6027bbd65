import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildContact, buildCustomer } from '../helpers/factories.ts';
import { assertUnchanged, snapshot } from '../helpers/validation.ts';

const ALWAYS = Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), [['00:00', '24:00']]]));
const OFFICE = Object.fromEntries([1, 2, 3, 4, 5].map((d) => [String(d), [['09:00', '18:00']]]));

for (const dialect of await dialects()) {
  describe(`SLA policy preview on ${dialect}`, () => {
    let t: TestApp;
    // Friday 27 Nov 2026, 16:00 in Singapore.
    const clock = fixedClock('2026-11-27T08:00:00.000Z');
    let office: string;
    let critical: string;
    let complaints: string;
    let standard: string;
    let billing: string;
    let warnRule: string;
    const preview = (body: Record<string, unknown>) =>
      t.call('supervisor', 'POST', '/api/v1/sla-policies/preview', {
        criticality: 'not_highly_critical',
        priority: 'normal',
        ...body,
      });

    before(async () => {
      t = await makeTestApp(dialect, { clock });
      const post = async (path: string, body: unknown) => {
        const r = await t.call('supervisor', 'POST', path, body);
        assert.equal(r.statusCode, 201, r.body);
        return r.data.id as string;
      };
      const hotline = await post('/api/v1/calendars', {
        name: 'Hotline',
        timeZone: 'Asia/Singapore',
        hours: ALWAYS,
      });
      // Monday 30 Nov is a holiday: office time runs Friday 16:00–18:00, then Tuesday from 09:00.
      office = await post('/api/v1/calendars', {
        name: 'Office',
        timeZone: 'Asia/Singapore',
        hours: OFFICE,
        holidays: [{ date: '2026-11-30', name: 'Company day' }],
      });
      billing = (await t.call('supervisor', 'POST', '/api/v1/case-categories', { name: 'Billing' })).data.id;
      critical = await post('/api/v1/sla-policies', {
        name: 'Highly critical',
        position: 10,
        calendarId: hotline,
        conditions: { criticalities: ['highly_critical'] },
        firstResponseMinutes: 15,
        nextUpdateMinutes: 60,
        resolutionMinutes: 240,
      });
      complaints = await post('/api/v1/sla-policies', {
        name: 'Billing complaints by phone',
        position: 20,
        calendarId: office,
        conditions: {
          types: ['complaint'],
          categoryIds: [billing],
          channels: ['phone'],
          segments: ['premium'],
        },
        firstResponseMinutes: 60,
        resolutionMinutes: 4 * 60,
      });
      standard = await post('/api/v1/sla-policies', {
        name: 'Standard',
        position: 100,
        calendarId: office,
        conditions: { types: ['general_enquiry', 'complaint', 'request_for_action'] },
        resolutionMinutes: 9 * 60,
        nextUpdateMinutes: 3 * 60,
      });
      warnRule = await post('/api/v1/escalation-rules', {
        name: 'Warn 30 minutes before',
        position: 1,
        clock: 'resolution',
        offsetMinutes: -30,
        actions: { notify: ['assignee'] },
      });
    });
    after(() => t.close());

    test('the policy the engine chooses, with the due times and rules a new case would get — and the case gets them', async () => {
      const before = await snapshot(t);
      const r = await preview({
        type: 'complaint',
        categoryId: billing,
        channel: 'phone',
        segment: 'premium',
      });
      assert.equal(r.statusCode, 200, r.body);
      assertUnchanged(before, await snapshot(t), 'a preview');
      const p = r.data;
      assert.equal(p.at, '2026-11-27T08:00:00.000Z');
      assert.deepEqual(p.policy, { id: complaints, name: 'Billing complaints by phone', position: 20 });
      assert.deepEqual(p.calendar, { id: office, name: 'Office', timeZone: 'Asia/Singapore' });
      // Tried in order: the critical policy does not hold for criticality; the complaints one does.
      assert.deepEqual(
        p.considered.map((c: { id: string; unmet: string[] }) => [c.id, c.unmet]),
        [
          [critical, ['criticalities']],
          [complaints, []],
        ],
      );
      // 60 business minutes from Friday 16:00 SGT: 17:00 SGT. 240: 2 h on Friday, Monday is a holiday,
      // 2 h on Tuesday → Tuesday 11:00 SGT (03:00 UTC). next_update waits for the first response.
      assert.deepEqual(p.clocks, [
        {
          kind: 'first_response',
          targetMinutes: 60,
          dueAt: '2026-11-27T09:00:00.000Z',
          warnAt: '2026-11-27T08:45:00.000Z',
        },
        {
          kind: 'resolution',
          targetMinutes: 240,
          dueAt: '2026-12-01T03:00:00.000Z',
          warnAt: '2026-12-01T02:00:00.000Z',
        },
      ]);
      assert.deepEqual(p.rules, [
        {
          id: warnRule,
          name: 'Warn 30 minutes before',
          clock: 'resolution',
          offsetMinutes: -30,
          at: '2026-12-01T02:30:00.000Z',
        },
      ]);
      assert.equal(p.urgent, null);

      // A case created now with the same facts gets exactly that.
      const customer = await buildCustomer(t, { segment: 'premium' });
      const contact = await buildContact(t, customer.id);
      const c = await t.services.cases.create(t.users.officer.actor, {
        contactId: contact.id,
        type: 'complaint',
        categoryId: billing,
        subject: 'Charged twice',
      });
      assert.equal(c.slaPolicyId, complaints);
      assert.equal(c.firstResponseDueAt, p.clocks[0].dueAt);
      assert.equal(c.resolutionDueAt, p.clocks[1].dueAt);
      assert.equal(c.nextUpdateDueAt, null);
      const sla = (await t.call('supervisor', 'GET', `/api/v1/cases/${c.id}/sla`)).data;
      assert.equal(sla.policy.id, complaints);
      assert.deepEqual(
        sla.clocks.map((k: { kind: string; dueAt: string; warnAt: string }) => [k.kind, k.dueAt, k.warnAt]),
        p.clocks.map((k: { kind: string; dueAt: string; warnAt: string }) => [k.kind, k.dueAt, k.warnAt]),
      );
    });

    test('one condition off (another segment) falls through to the next policy; without a first-response target the update clock starts', async () => {
      const r = await preview({
        type: 'complaint',
        categoryId: billing,
        channel: 'phone',
        segment: 'business',
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.data.policy.id, standard);
      assert.deepEqual(r.data.considered[1], {
        id: complaints,
        name: 'Billing complaints by phone',
        position: 20,
        unmet: ['segments'],
      });
      assert.deepEqual(
        r.data.clocks.map((k: { kind: string }) => k.kind),
        ['next_update', 'resolution'],
      );
    });

    test('a highly critical case: the round-the-clock policy and the acknowledgement time of its urgent escalation', async () => {
      const put = await t.call('supervisor', 'PUT', '/api/v1/settings/sla', {
        ...(await t.call('supervisor', 'GET', '/api/v1/settings/sla')).data,
        urgentAckMinutes: 10,
      });
      assert.equal(put.statusCode, 200, put.body);
      const r = await preview({
        type: 'general_enquiry',
        criticality: 'highly_critical',
        priority: 'urgent',
      });
      assert.equal(r.data.policy.id, critical);
      assert.deepEqual(r.data.considered.length, 1);
      assert.equal(r.data.clocks[0].dueAt, '2026-11-27T08:15:00.000Z');
      assert.deepEqual(r.data.urgent, { ackMinutes: 10, ackDueAt: '2026-11-27T08:10:00.000Z' });
    });

    test('at a chosen instant; and no policy at all', async () => {
      // Tuesday 1 Dec, 09:00 SGT: the full resolution target fits in the day.
      const at = await preview({ type: 'general_enquiry', at: '2026-12-01T09:00:00+08:00' });
      assert.equal(at.data.at, '2026-12-01T01:00:00.000Z');
      assert.equal(at.data.policy.id, standard);
      assert.equal(
        at.data.clocks.find((k: { kind: string }) => k.kind === 'resolution').dueAt,
        '2026-12-01T10:00:00.000Z',
      );
      const none = await preview({ type: 'compliment' });
      assert.equal(none.statusCode, 200, none.body);
      assert.equal(none.data.policy, null);
      assert.deepEqual(none.data.clocks, []);
      assert.deepEqual(
        none.data.considered.map((c: { id: string }) => c.id),
        [critical, complaints, standard],
      );
    });

    test('an inactive policy is not tried', async () => {
      await t.call('supervisor', 'PATCH', `/api/v1/sla-policies/${complaints}`, { active: false });
      const r = await preview({
        type: 'complaint',
        categoryId: billing,
        channel: 'phone',
        segment: 'premium',
      });
      assert.equal(r.data.policy.id, standard);
      assert.ok(!r.data.considered.some((c: { id: string }) => c.id === complaints));
      await t.call('supervisor', 'PATCH', `/api/v1/sla-policies/${complaints}`, { active: true });
    });

    test('a calendar patch replaces its holidays, sorted, one per date', async () => {
      const r = await t.call('supervisor', 'PATCH', `/api/v1/calendars/${office}`, {
        holidays: [
          { date: '2026-12-25', name: 'Christmas Day' },
          { date: '2026-11-30', name: 'Company day' },
          { date: '2026-12-25', name: 'Christmas' },
        ],
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(r.data.holidays, [
        { date: '2026-11-30', name: 'Company day' },
        { date: '2026-12-25', name: 'Christmas' },
      ]);
    });
  });
}
