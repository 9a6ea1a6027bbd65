import { DateTime, IANAZone } from 'luxon';
import { type FieldError, fieldError } from '../../platform/errors.ts';

/**
 * A business calendar: when a team is open, in its own time zone. Billing keeps office hours, the
 * hotline runs 24/7; SLA clocks run only while the calendar is open.
 */
export interface BusinessCalendar {
  /** IANA zone, e.g. "Asia/Singapore" or "Europe/London". */
  timeZone: string;
  /** Open intervals per ISO weekday (1 = Monday … 7 = Sunday), local "HH:mm"; "24:00" ends a day. */
  hours: Partial<Record<1 | 2 | 3 | 4 | 5 | 6 | 7, [string, string][]>>;
  /** Local dates ("YYYY-MM-DD") closed all day. */
  holidays: string[];
}

export const ALWAYS_OPEN = (timeZone: string): BusinessCalendar => ({
  timeZone,
  hours: Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [d, [['00:00', '24:00']]])),
  holidays: [],
});

const MAX_DAYS = 3 * 366;
const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
};
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** What is wrong with a calendar, as field problems (empty when it is usable). */
export function calendarProblems(cal: BusinessCalendar): FieldError[] {
  const out: FieldError[] = [];
  if (!IANAZone.isValidZone(cal.timeZone))
    out.push(fieldError('/body/timeZone', 'timeZone', 'is not an IANA time zone'));
  let open = 0;
  for (const [day, intervals] of Object.entries(cal.hours)) {
    const sorted = [...(intervals ?? [])].sort((a, b) => minutesOf(a[0]) - minutesOf(b[0]));
    sorted.forEach(([from, to], i) => {
      const field = `/body/hours/${day}/${i}`;
      if (!HHMM.test(from) || !HHMM.test(to) || from === '24:00')
        out.push(fieldError(field, 'intervalFormat', 'must be "HH:mm"–"HH:mm"'));
      else if (minutesOf(from) >= minutesOf(to))
        out.push(fieldError(field, 'endsAfterStart', 'must end after it starts'));
      else open += minutesOf(to) - minutesOf(from);
      const prev = sorted[i - 1];
      if (prev && minutesOf(from) < minutesOf(prev[1]))
        out.push(fieldError(field, 'overlapsPrevious', 'overlaps the interval before it'));
    });
  }
  if (open === 0) out.push(fieldError('/body/hours', 'neverOpen', 'the calendar is never open'));
  for (const [i, h] of cal.holidays.entries()) {
    if (!DateTime.fromISO(h, { zone: cal.timeZone }).isValid)
      out.push(fieldError(`/body/holidays/${i}`, 'date', 'is not a date'));
  }
  return out;
}

/** The open periods of one local day, as UTC milliseconds; DST gaps and overlaps resolved by the zone rules. */
function openPeriodsOfDay(cal: BusinessCalendar, day: DateTime): [number, number][] {
  if (cal.holidays.includes(day.toISODate()!)) return [];
  const intervals = [...(cal.hours[day.weekday as 1 | 2 | 3 | 4 | 5 | 6 | 7] ?? [])].sort(
    (x, y) => minutesOf(x[0]) - minutesOf(y[0]),
  );
  return intervals.map(([from, to]) => {
    const at = (hhmm: string) =>
      hhmm === '24:00'
        ? day.plus({ days: 1 }).startOf('day').toMillis()
        : day
            .set({ hour: Number(hhmm.slice(0, 2)), minute: Number(hhmm.slice(3)), second: 0, millisecond: 0 })
            .toMillis();
    return [at(from), at(to)];
  });
}

/** One local day of a calendar: its open periods (UTC ms) and the instant the next local day starts. */
interface Day {
  periods: [number, number][];
  next: number;
}

/**
 * Days already worked out, by calendar and the day's first instant. Every new case plans its clocks
 * through the same few days, and the time-zone arithmetic (Intl offsets, in luxon) is most of an SLA
 * plan's cost; a calendar's days never change, and an edited calendar is another key.
 */
const days = new Map<string, Day>();
const DAYS_KEPT = 20_000;
const calendarKey = (cal: BusinessCalendar): string =>
  `${cal.timeZone}|${JSON.stringify(cal.hours)}|${cal.holidays.join(',')}`;

function dayStarting(cal: BusinessCalendar, key: string, startMs: number): Day {
  const k = `${key}|${startMs}`;
  let d = days.get(k);
  if (!d) {
    const day = DateTime.fromMillis(startMs, { zone: cal.timeZone });
    d = { periods: openPeriodsOfDay(cal, day), next: day.plus({ days: 1 }).toMillis() };
    if (days.size >= DAYS_KEPT) days.clear();
    days.set(k, d);
  }
  return d;
}

/** Open periods intersecting [fromMs, toMs), in order. */
function* openPeriods(
  cal: BusinessCalendar,
  fromMs: number,
  toMs = Number.POSITIVE_INFINITY,
): Generator<[number, number]> {
  const key = calendarKey(cal);
  let start = DateTime.fromMillis(fromMs, { zone: cal.timeZone }).startOf('day').toMillis();
  for (let i = 0; i < MAX_DAYS && start < toMs; i++) {
    const day = dayStarting(cal, key, start);
    for (const [a, b] of day.periods) {
      const s = Math.max(a, fromMs);
      const e = Math.min(b, toMs);
      if (s < e) yield [s, e];
    }
    start = day.next;
  }
}

/** Business milliseconds between two instants (0 when b is not after a). */
export function businessMsBetween(cal: BusinessCalendar, a: Date, b: Date): number {
  let total = 0;
  for (const [s, e] of openPeriods(cal, a.getTime(), b.getTime())) total += e - s;
  return total;
}

/** The instant `ms` business milliseconds after `start` (start itself when ms is 0). */
export function addBusinessMs(cal: BusinessCalendar, start: Date, ms: number): Date {
  if (ms < 0) throw new RangeError('negative business time');
  if (ms === 0) return new Date(start);
  let left = ms;
  for (const [s, e] of openPeriods(cal, start.getTime())) {
    if (e - s >= left) return new Date(s + left);
    left -= e - s;
  }
  throw new RangeError(`the calendar is not open for that long within ${MAX_DAYS} days`);
}
