import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addBusinessMs } from '../../src/server/modules/sla/business-time.ts';
import { toBusinessCalendar } from '../../src/server/modules/sla/calendars.service.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';

const OFFICE = {
  name: 'Billing office hours',
  timeZone: 'Asia/Singapore',
  hours: {
    '1': [['09:00', '17:00']],
    '2': [['09:00', '17:00']],
    '3': [['09:00', '17:00']],
    '4': [['09:00', '17:00']],
    '5': [['09:00', '17:00']],
  },
};

for (const dialect of await dialects()) {
  describe(`business calendars on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t.close());

    test('a supervisor creates a calendar; everyone reads it; its hours drive business time', async () => {
      const r = await t.call('supervisor', 'POST', '/api/v1/calendars', {
        ...OFFICE,
        holidays: [{ date: '2026-12-25', name: 'Christmas Day' }],
      });
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(r.data.weeklyOpenHours, 40);
      const got = await t.call('officer', 'GET', `/api/v1/calendars/${r.data.id}`);
      assert.equal(got.statusCode, 200);
      assert.deepEqual(got.data.holidays, [{ date: '2026-12-25', name: 'Christmas Day' }]);
      // Thursday 24 Dec 16:00 + 2 business hours → Monday 28 Dec 10:00 (Christmas skipped).
      const due = addBusinessMs(
        toBusinessCalendar(got.data),
        new Date('2026-12-24T08:00:00Z'),
        2 * 3_600_000,
      );
      assert.equal(due.toISOString(), '2026-12-28T02:00:00.000Z');
      const list = await t.call('trainer', 'GET', '/api/v1/calendars');
      assert.ok(list.data.items.some((c: { id: string }) => c.id === r.data.id));
      const audit = await t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_id', '=', r.data.id)
        .execute();
      assert.deepEqual(
        audit.map((a) => a.action),
        ['calendar.created'],
      );
    });

    test('overlapping or reversed hours, unknown zones and never-open calendars are refused with the field, writing nothing', async () => {
      const count = async () =>
        (await t.ctx.store.db.selectFrom('business_calendars').select('id').execute()).length;
      const n = await count();
      let r = await t.call('supervisor', 'POST', '/api/v1/calendars', {
        ...OFFICE,
        name: 'Bad',
        hours: {
          '1': [
            ['09:00', '12:00'],
            ['11:30', '13:00'],
          ],
          '2': [['18:00', '09:00']],
        },
      });
      assert.equal(r.statusCode, 400);
      assert.deepEqual(r.data.errors.map((e: { field: string }) => e.field).sort(), [
        '/body/hours/1/1',
        '/body/hours/2/0',
      ]);
      r = await t.call('supervisor', 'POST', '/api/v1/calendars', {
        ...OFFICE,
        name: 'Mars',
        timeZone: 'Mars/Olympus',
      });
      assert.equal(r.data.errors[0].field, '/body/timeZone');
      r = await t.call('supervisor', 'POST', '/api/v1/calendars', { ...OFFICE, name: 'Never', hours: {} });
      assert.equal(r.data.errors[0].field, '/body/hours');
      r = await t.call('supervisor', 'POST', '/api/v1/calendars', {
        ...OFFICE,
        name: 'Bad time',
        hours: { '1': [['9am', '17:00']] },
      });
      assert.equal(r.statusCode, 400);
      assert.equal(await count(), n);
    });

    test('names are unique; PATCH changes hours with the same checks', async () => {
      const a = await t.call('supervisor', 'POST', '/api/v1/calendars', {
        ...OFFICE,
        name: 'Hotline',
        hours: { '1': [['00:00', '24:00']] },
      });
      assert.equal(a.statusCode, 201, a.body);
      const dup = await t.call('supervisor', 'POST', '/api/v1/calendars', { ...OFFICE, name: 'Hotline' });
      assert.equal(dup.statusCode, 409);
      assert.equal(dup.data.code, 'calendar.name_taken');
      const bad = await t.call('supervisor', 'PATCH', `/api/v1/calendars/${a.data.id}`, {
        hours: { '1': [['10:00', '09:00']] },
      });
      assert.equal(bad.statusCode, 400);
      const ok = await t.call('supervisor', 'PATCH', `/api/v1/calendars/${a.data.id}`, {
        hours: { '1': [['00:00', '24:00']], '7': [['00:00', '24:00']] },
      });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.data.weeklyOpenHours, 48);
    });

    test('holidays import: added sorted without duplicates, or replacing the list', async () => {
      const c = await t.call('supervisor', 'POST', '/api/v1/calendars', {
        ...OFFICE,
        name: 'Import test',
        holidays: [{ date: '2026-12-25', name: 'Christmas Day' }],
      });
      let r = await t.call('supervisor', 'POST', `/api/v1/calendars/${c.data.id}/holidays`, {
        holidays: [
          { date: '2026-08-10', name: 'National Day (observed)' },
          { date: '2026-12-25', name: 'Christmas Day' },
          { date: '2026-01-01', name: "New Year's Day" },
        ],
      });
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(
        r.data.holidays.map((h: { date: string }) => h.date),
        ['2026-01-01', '2026-08-10', '2026-12-25'],
      );
      r = await t.call('supervisor', 'POST', `/api/v1/calendars/${c.data.id}/holidays`, {
        holidays: [{ date: '2027-01-01', name: "New Year's Day" }],
        replace: true,
      });
      assert.deepEqual(
        r.data.holidays.map((h: { date: string }) => h.date),
        ['2027-01-01'],
      );
      r = await t.call('supervisor', 'POST', `/api/v1/calendars/${c.data.id}/holidays`, {
        holidays: [{ date: '2027-02-30', name: 'Nope' }],
      });
      assert.equal(r.statusCode, 400);
    });
  });
}
