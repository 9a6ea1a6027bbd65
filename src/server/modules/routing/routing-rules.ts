import type { RoutingStrategy } from '../../../shared/contracts/routing.ts';

/**
 * Who may be offered what, and who first: pure functions over what a routing pass has read, so the
 * rules are tested without a database and the pass only applies their answer.
 */

/**
 * Presence states in which a person takes routed work. On a contact counts: capacity, not the
 * state, is what keeps a person on one chat of three from a second (Omni-Channel's model).
 */
export const ROUTABLE_STATES: ReadonlySet<string> = new Set(['available', 'on_contact']);

/**
 * How long someone who declined an item, or let its offer time out, is not offered that item again
 * (whoever else could take it meanwhile: they may, and after it the item comes back to them, asked
 * last). Without it the only officer able to take an item had it back a second after declining it.
 */
export const DECLINE_COOLDOWN_MS = 120_000;

export interface Slot {
  capacity: number;
  load: number;
}

export interface Candidate {
  userId: string;
  teamId: string | null;
  state: string;
  /** Since when the person is in that state. */
  stateSince: string;
  /** Primary language subtags, lower case ("ms" for ms-MY). */
  languages: ReadonlySet<string>;
  skills: ReadonlyMap<string, number>;
  lastEndedAt: string | null;
  lastOfferedAt: string | null;
  slots: Map<string, Slot>;
}

export interface RoutableItem {
  id: string;
  channel: string;
  queueId: string;
  priority: number;
  /** Primary subtag of the customer's preferred language, or null. */
  language: string | null;
  skills: readonly { name: string; min: number }[];
  declinedBy: ReadonlySet<string>;
  /** Those who declined it or let it time out less than DECLINE_COOLDOWN_MS ago: not offered it now. */
  coolingDown?: ReadonlySet<string>;
  enqueuedAt: string;
}

/**
 * One entry of an item's `declined_by`: who declined it or let it time out, and when (the cool-down's
 * start). A bare user id — the officer who transferred the case, or a row written before the
 * cool-down — is asked last but has no cool-down.
 */
export type DeclineEntry = string | { userId: string; at: string };

/** An item's `declined_by` (parsed JSON) as who declined it and who of them is cooling down at `nowMs`. */
export function declines(
  entries: readonly DeclineEntry[],
  nowMs: number,
): { declinedBy: Set<string>; coolingDown: Set<string> } {
  const declinedBy = new Set<string>();
  const coolingDown = new Set<string>();
  for (const e of entries) {
    if (typeof e === 'string') declinedBy.add(e);
    else if (e && typeof e.userId === 'string') {
      declinedBy.add(e.userId);
      if (nowMs - Date.parse(e.at) < DECLINE_COOLDOWN_MS) coolingDown.add(e.userId);
    }
  }
  return { declinedBy, coolingDown };
}

/** `declined_by` with `userId`'s decline (or time-out) at `at`, replacing an earlier one of theirs. */
export function withDecline(entries: readonly DeclineEntry[], userId: string, at: string): DeclineEntry[] {
  return [...entries.filter((e) => (typeof e === 'string' ? e : e.userId) !== userId), { userId, at }];
}

/** "ms-MY" and "ms" ask for the same officer: languages match on their primary subtag. */
export function primaryLanguage(tag: string | null | undefined): string | null {
  const p = tag?.trim().split(/[-_]/)[0]?.toLowerCase();
  return p && /^[a-z]{2,8}$/.test(p) ? p : null;
}

export function hasCapacity(c: Candidate, channel: string): boolean {
  const s = c.slots.get(channel);
  return !!s && s.load < s.capacity;
}

/** Language and every required skill at or above its proficiency. */
export function matches(c: Candidate, item: RoutableItem): boolean {
  if (item.language && !c.languages.has(item.language)) return false;
  return item.skills.every((s) => (c.skills.get(s.name) ?? 0) >= s.min);
}

/**
 * Whether an item has waited long enough to go to someone without its language or skills: the
 * queue's relax wait (null: never), counted from when the item was first queued.
 */
export function isRelaxed(item: RoutableItem, relaxAfterSeconds: number | null, nowMs: number): boolean {
  return relaxAfterSeconds !== null && nowMs - Date.parse(item.enqueuedAt) >= relaxAfterSeconds * 1000;
}

/**
 * May `c` be offered `item` now: a routable state, room on the item's channel, the match (unless
 * relaxed), and not within the cool-down of their own decline or time-out of it.
 */
export function eligible(c: Candidate, item: RoutableItem, relaxed: boolean): boolean {
  return (
    ROUTABLE_STATES.has(c.state) &&
    hasCapacity(c, item.channel) &&
    (relaxed || matches(c, item)) &&
    !item.coolingDown?.has(c.userId)
  );
}

const max = (...xs: (string | null)[]): string =>
  xs.reduce<string>((a, b) => (b !== null && b > a ? b : a), '');

/** Idle since: the latest of entering the state, finishing routed work and being offered work. */
export function idleSince(c: Candidate): string {
  return max(c.stateSince, c.lastEndedAt, c.lastOfferedAt);
}

function busyness(c: Candidate): number {
  let load = 0;
  let capacity = 0;
  for (const s of c.slots.values()) {
    load += s.load;
    capacity += s.capacity;
  }
  return capacity ? load / capacity : 1;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The strategy's order between two eligible people (negative: `a` first). */
export function strategyOrder(strategy: RoutingStrategy, a: Candidate, b: Candidate): number {
  if (strategy === 'round_robin')
    return cmp(a.lastOfferedAt ?? '', b.lastOfferedAt ?? '') || cmp(a.userId, b.userId);
  if (strategy === 'least_busy')
    return busyness(a) - busyness(b) || cmp(idleSince(a), idleSince(b)) || cmp(a.userId, b.userId);
  return cmp(idleSince(a), idleSince(b)) || cmp(a.userId, b.userId);
}

/**
 * The person to offer `item` to, or undefined. Among the eligible: those who match the language
 * and skills first (a relaxed item still goes to a match when there is one), those who have not
 * declined or let it time out before those who have (a decliner is asked again, after the
 * cool-down, only when nobody else can take it), then the queue's strategy.
 */
export function pick(
  strategy: RoutingStrategy,
  candidates: readonly Candidate[],
  item: RoutableItem,
  relaxed: boolean,
): Candidate | undefined {
  let best: Candidate | undefined;
  let bestKey: [number, number] = [2, 2];
  for (const c of candidates) {
    if (!eligible(c, item, relaxed)) continue;
    const key: [number, number] = [matches(c, item) ? 0 : 1, item.declinedBy.has(c.userId) ? 1 : 0];
    const order =
      key[0] - bestKey[0] || key[1] - bestKey[1] || (best ? strategyOrder(strategy, c, best) : -1);
    if (order < 0) {
      best = c;
      bestKey = key;
    }
  }
  return best;
}
