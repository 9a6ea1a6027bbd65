import { DateTime } from 'luxon';

/** A day of the centre, as instants: [from, to). 23 or 25 hours on the days clocks change. */
export function dayBounds(date: string, timeZone: string): { from: string; to: string } {
  const start = DateTime.fromISO(date, { zone: timeZone }).startOf('day');
  return { from: start.toUTC().toISO()!, to: start.plus({ days: 1 }).toUTC().toISO()! };
}

/** The centre's day an instant falls on (YYYY-MM-DD). */
export function dayOf(at: string, timeZone: string): string {
  return DateTime.fromISO(at, { zone: 'utc' }).setZone(timeZone).toISODate()!;
}

/** The centre's midnights strictly inside (from, to): where a closed stint is cut into days. */
export function midnightsBetween(from: string, to: string, timeZone: string): string[] {
  const out: string[] = [];
  const end = Date.parse(to);
  let m = DateTime.fromISO(from, { zone: 'utc' }).setZone(timeZone).startOf('day').plus({ days: 1 });
  while (m.toMillis() < end) {
    out.push(m.toUTC().toISO()!);
    m = m.plus({ days: 1 });
  }
  return out;
}

export interface Stint {
  user_id: string;
  state: string;
  reason_id: string | null;
  started_at: string;
  ended_at: string | null;
}

/**
 * Seconds in each (person, state, reason) within [from, to): each stint clipped to the window, an
 * open one counted up to `now`. Keys are `user\0state\0reason`.
 */
export function sumStints(
  stints: readonly Stint[],
  from: string,
  to: string,
  now: string,
): Map<string, number> {
  const lo = Date.parse(from);
  const hi = Math.min(Date.parse(to), Date.parse(now));
  const out = new Map<string, number>();
  for (const s of stints) {
    const a = Math.max(Date.parse(s.started_at), lo);
    const b = Math.min(s.ended_at ? Date.parse(s.ended_at) : Number.POSITIVE_INFINITY, hi);
    if (b <= a) continue;
    const key = `${s.user_id}\u0000${s.state}\u0000${s.reason_id ?? ''}`;
    out.set(key, (out.get(key) ?? 0) + (b - a));
  }
  for (const [k, ms] of out) out.set(k, Math.round(ms / 1000));
  return out;
}
