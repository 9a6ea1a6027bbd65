import { addBusinessMs, type BusinessCalendar, businessMsBetween } from './business-time.ts';

/**
 * A live SLA clock, as pure functions over its state. Time is business time on the clock's calendar:
 * `elapsed_ms` is what has run before `running_since`; due and warning instants exist only while it runs.
 */
export const CLOCK_KINDS = ['first_response', 'next_update', 'resolution'] as const;
export type ClockKind = (typeof CLOCK_KINDS)[number];
export type ClockRunState = 'running' | 'paused' | 'stopped';

export interface ClockState {
  target_minutes: number;
  state: ClockRunState;
  cycle: number;
  elapsed_ms: number;
  running_since: string | null;
  warn_at: string | null;
  due_at: string | null;
  started_at: string;
  met_at: string | null;
  breached_at: string | null;
}

/** A clock turns amber when this share of its target is left. */
export const WARN_SHARE = 0.25;

const iso = (d: Date) => d.toISOString();

function times(cal: BusinessCalendar, c: ClockState, from: string): Pick<ClockState, 'warn_at' | 'due_at'> {
  const target = c.target_minutes * 60_000;
  const left = target - c.elapsed_ms;
  const start = new Date(from);
  // Already past the target (e.g. resumed after a breach): due and warning are now.
  if (left <= 0) return { warn_at: from, due_at: from };
  const warnLeft = target * WARN_SHARE;
  return {
    due_at: iso(addBusinessMs(cal, start, left)),
    warn_at: left > warnLeft ? iso(addBusinessMs(cal, start, left - warnLeft)) : from,
  };
}

/** Business time run so far, including the current run up to `now`. */
export function elapsedAt(cal: BusinessCalendar, c: ClockState, now: string): number {
  return c.state === 'running' && c.running_since
    ? c.elapsed_ms + businessMsBetween(cal, new Date(c.running_since), new Date(now))
    : c.elapsed_ms;
}

export function started(cal: BusinessCalendar, targetMinutes: number, now: string, cycle = 1): ClockState {
  const c: ClockState = {
    target_minutes: targetMinutes,
    state: 'running',
    cycle,
    elapsed_ms: 0,
    running_since: now,
    warn_at: null,
    due_at: null,
    started_at: now,
    met_at: null,
    breached_at: null,
  };
  return { ...c, ...times(cal, c, now) };
}

export function paused(cal: BusinessCalendar, c: ClockState, now: string): ClockState {
  if (c.state !== 'running') return c;
  return {
    ...c,
    state: 'paused',
    elapsed_ms: elapsedAt(cal, c, now),
    running_since: null,
    warn_at: null,
    due_at: null,
  };
}

/** Resume a paused clock, or restart a stopped one (a reopened case) from where it stopped. */
export function resumed(cal: BusinessCalendar, c: ClockState, now: string): ClockState {
  if (c.state === 'running') return c;
  const next: ClockState = { ...c, state: 'running', running_since: now, met_at: null };
  return { ...next, ...times(cal, next, now) };
}

/** The clock's goal was reached at `now`; a clock past its due time that no timer marked is marked breached here. */
export function met(cal: BusinessCalendar, c: ClockState, now: string): ClockState {
  if (c.state === 'stopped') return c;
  const breachedAt = c.breached_at ?? (c.due_at && c.due_at < now ? c.due_at : null);
  return {
    ...c,
    state: 'stopped',
    elapsed_ms: elapsedAt(cal, c, now),
    running_since: null,
    warn_at: null,
    due_at: null,
    met_at: now,
    breached_at: breachedAt,
  };
}

/** A new target (the case changed policy): time already run counts against it. */
export function retargeted(
  cal: BusinessCalendar,
  c: ClockState,
  targetMinutes: number,
  now: string,
): ClockState {
  if (c.state !== 'running') return { ...c, target_minutes: targetMinutes };
  const next: ClockState = {
    ...c,
    target_minutes: targetMinutes,
    elapsed_ms: elapsedAt(cal, c, now),
    running_since: now,
  };
  return { ...next, ...times(cal, next, now) };
}

/** One clock's state in words: running ones are ok / due soon / breached, stopped ones met (late) or cancelled. */
export function clockLight(
  c: Pick<ClockState, 'state' | 'met_at' | 'breached_at' | 'due_at' | 'warn_at'>,
  now: string,
): 'ok' | 'due_soon' | 'breached' | 'paused' | 'met' | 'met_late' | 'cancelled' {
  if (c.state === 'paused') return 'paused';
  if (c.state === 'stopped') {
    if (!c.met_at) return 'cancelled';
    return c.breached_at ? 'met_late' : 'met';
  }
  if (c.due_at && c.due_at <= now) return 'breached';
  return c.warn_at && c.warn_at <= now ? 'due_soon' : 'ok';
}

export type SlaLight = 'none' | 'ok' | 'due_soon' | 'breached' | 'paused';

/** The queue colour of a case from its denormalised SLA columns. */
export function lightOf(
  c: { sla_due_at: string | null; sla_warn_at: string | null; sla_paused: boolean | number },
  now: string,
): SlaLight {
  if (c.sla_due_at) {
    if (c.sla_due_at <= now) return 'breached';
    if (c.sla_warn_at && c.sla_warn_at <= now) return 'due_soon';
    return 'ok';
  }
  return c.sla_paused ? 'paused' : 'none';
}
