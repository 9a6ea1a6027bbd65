import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  ALWAYS_OPEN,
  addBusinessMs,
  type BusinessCalendar,
  businessMsBetween,
  calendarProblems,
} from '../../src/server/modules/sla/business-time.ts';

const H = 3_600_000;
const office = (timeZone: string, holidays: string[] = []): BusinessCalendar => ({
  timeZone,
  hours: {
    1: [['09:00', '17:00']],
    2: [['09:00', '17:00']],
    3: [['09:00', '17:00']],
    4: [['09:00', '17:00']],
    5: [['09:00', '17:00']],
  },
  holidays,
});
// Lunch closed: two intervals a day.
const billing: BusinessCalendar = {
  timeZone: 'Asia/Singapore',
  hours: Object.fromEntries(
    [1, 2, 3, 4, 5].map((d) => [
      d,
      [
        ['13:00', '18:00'],
        ['09:00', '12:00'],
      ],
    ]),
  ),
  holidays: ['2026-12-25'],
};
const d = (iso: string) => new Date(iso);

describe('business time: worked examples', () => {
  const sg = office('Asia/Singapore', ['2026-12-25']);

  test('over a night: 2 business hours from Thursday 16:00 is Friday 10:00', () => {
    // 2026-11-26 is a Thursday; Singapore is UTC+8.
    assert.equal(
      addBusinessMs(sg, d('2026-11-26T08:00:00Z'), 2 * H).toISOString(),
      '2026-11-27T02:00:00.000Z',
    );
  });

  test('over a weekend: 2 business hours from Friday 16:00 is Monday 10:00', () => {
    assert.equal(
      addBusinessMs(sg, d('2026-11-27T08:00:00Z'), 2 * H).toISOString(),
      '2026-11-30T02:00:00.000Z',
    );
  });

  test('over a holiday: Christmas Day is skipped', () => {
    // Thursday 24 Dec 16:00 + 2 h → Friday 25th is a holiday → Monday 28th 10:00.
    assert.equal(
      addBusinessMs(sg, d('2026-12-24T08:00:00Z'), 2 * H).toISOString(),
      '2026-12-28T02:00:00.000Z',
    );
    assert.equal(businessMsBetween(sg, d('2026-12-24T00:00:00Z'), d('2026-12-29T00:00:00Z')), 8 * H + 8 * H);
  });

  test('a start outside hours begins counting at the next opening', () => {
    // Saturday 03:00 local + 30 min → Monday 09:30.
    assert.equal(
      addBusinessMs(sg, d('2026-11-27T19:00:00Z'), 0.5 * H).toISOString(),
      '2026-11-30T01:30:00.000Z',
    );
  });

  test('lunch closed: intervals are used in time order even when listed out of order', () => {
    // Monday 11:00 + 2 h → 1 h before lunch, 1 h after: 14:00.
    assert.equal(
      addBusinessMs(billing, d('2026-11-30T03:00:00Z'), 2 * H).toISOString(),
      '2026-11-30T06:00:00.000Z',
    );
  });

  test('DST spring forward: a 24/7 day in London is 23 hours long', () => {
    const london = ALWAYS_OPEN('Europe/London');
    assert.equal(businessMsBetween(london, d('2026-03-29T00:00:00Z'), d('2026-03-29T23:00:00Z')), 23 * H);
    // Saturday noon to Sunday noon local is 23 real hours across the change.
    assert.equal(businessMsBetween(london, d('2026-03-28T12:00:00Z'), d('2026-03-29T11:00:00Z')), 23 * H);
  });

  test('DST fall back: office hours stay 8 real hours; the 25-hour day counts 25 on a 24/7 calendar', () => {
    const london = office('Europe/London');
    // Monday 26 Oct 2026 is the first weekday after the change: 09:00–17:00 GMT.
    assert.equal(
      addBusinessMs(london, d('2026-10-26T09:00:00Z'), 8 * H).toISOString(),
      '2026-10-26T17:00:00.000Z',
    );
    // Friday 23 Oct 09:00 BST (08:00Z) + 9 h → Monday 10:00 GMT.
    assert.equal(
      addBusinessMs(london, d('2026-10-23T08:00:00Z'), 9 * H).toISOString(),
      '2026-10-26T10:00:00.000Z',
    );
    const always = ALWAYS_OPEN('Europe/London');
    assert.equal(businessMsBetween(always, d('2026-10-24T23:00:00Z'), d('2026-10-26T00:00:00Z')), 25 * H);
  });

  test('across calendars: the same start and target give different due times', () => {
    const start = d('2026-11-27T08:00:00Z'); // Friday 16:00 in Singapore
    assert.equal(
      addBusinessMs(ALWAYS_OPEN('Asia/Singapore'), start, 4 * H).toISOString(),
      '2026-11-27T12:00:00.000Z',
    );
    assert.equal(addBusinessMs(sg, start, 4 * H).toISOString(), '2026-11-30T04:00:00.000Z');
    assert.equal(
      addBusinessMs(office('Europe/London'), start, 4 * H).toISOString(),
      '2026-11-27T13:00:00.000Z',
    );
  });

  test('a calendar that is never open cannot give a due time', () => {
    assert.throws(
      () => addBusinessMs({ timeZone: 'UTC', hours: {}, holidays: [] }, d('2026-01-01T00:00:00Z'), H),
      RangeError,
    );
  });
});

describe('business calendars are validated', () => {
  test('overlaps, reversed intervals, bad zones, bad dates and never-open calendars are refused with the field', () => {
    assert.deepEqual(calendarProblems(office('Asia/Singapore')), []);
    const bad = calendarProblems({
      timeZone: 'Mars/Olympus',
      hours: {
        1: [
          ['09:00', '12:00'],
          ['11:00', '13:00'],
        ],
        2: [['17:00', '09:00']],
      },
      holidays: ['2026-02-30'],
    });
    const fields = bad.map((p) => p.field).sort();
    assert.deepEqual(fields, ['/body/holidays/0', '/body/hours/1/1', '/body/hours/2/0', '/body/timeZone']);
    assert.deepEqual(calendarProblems({ timeZone: 'UTC', hours: {}, holidays: [] }), [
      { field: '/body/hours', message: 'the calendar is never open', rule: 'neverOpen' },
    ]);
  });
});

describe('business time: properties', () => {
  const zones = ['Asia/Singapore', 'Europe/London', 'America/New_York', 'Australia/Sydney'];
  const calendars = fc.constantFrom(
    ...zones.flatMap((z) => [
      office(z, ['2026-12-25', '2027-01-01']),
      ALWAYS_OPEN(z),
      { ...billing, timeZone: z },
    ]),
  );
  // Instants over two years, so weekends, holidays and both DST changes are visited.
  const instant = fc
    .integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 11, 31) })
    .map((t) => new Date(t));
  const duration = fc.integer({ min: 0, max: 200 * H });

  test('adding then measuring gives back the same business time', () => {
    fc.assert(
      fc.property(calendars, instant, duration, (cal, start, ms) => {
        assert.equal(businessMsBetween(cal, start, addBusinessMs(cal, start, ms)), ms);
      }),
      { numRuns: 300 },
    );
  });

  test('pausing and resuming never loses or adds time: any split of a period sums to the whole', () => {
    fc.assert(
      fc.property(
        calendars,
        instant,
        fc.array(fc.integer({ min: 0, max: 60 * 24 * H }), { minLength: 2, maxLength: 8 }),
        (cal, base, offsets) => {
          const sorted = offsets
            .map((o) => new Date(base.getTime() + o))
            .sort((a, b) => a.getTime() - b.getTime());
          const whole = businessMsBetween(cal, sorted[0]!, sorted.at(-1)!);
          // Alternate running and paused segments: running + paused = whole, and each part is ≥ 0.
          let running = 0;
          let paused = 0;
          for (let i = 1; i < sorted.length; i++) {
            const part = businessMsBetween(cal, sorted[i - 1]!, sorted[i]!);
            assert.ok(part >= 0);
            if (i % 2) running += part;
            else paused += part;
          }
          assert.equal(running + paused, whole);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('due times never go backwards as the target grows', () => {
    fc.assert(
      fc.property(calendars, instant, duration, duration, (cal, start, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        assert.ok(addBusinessMs(cal, start, lo).getTime() <= addBusinessMs(cal, start, hi).getTime());
      }),
      { numRuns: 300 },
    );
  });
});
