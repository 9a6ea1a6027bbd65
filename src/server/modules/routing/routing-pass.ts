import type { ExpressionBuilder, Selectable } from 'kysely';
import type { RoutingStrategy } from '../../../shared/contracts/routing.ts';
import { ROLE_PERMISSIONS } from '../../../shared/permissions.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { type Database, parseJson, type RoutingQueuesTable } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';
import type { Timers } from '../../platform/timers.ts';
import { businessMsBetween } from '../sla/business-time.ts';
import { type CalendarsService, toBusinessCalendar } from '../sla/calendars.service.ts';
import type { AgentStates } from './agent-states.ts';
import {
  type Candidate,
  type DeclineEntry,
  declines,
  isRelaxed,
  pick,
  primaryLanguage,
  ROUTABLE_STATES,
  type RoutableItem,
} from './routing-rules.ts';

export type QueueRow = Selectable<RoutingQueuesTable>;
export const OFFER_EXPIRED = 'routing.offer_expired';
/** What a person without a saved profile may take at once. */
export const DEFAULT_CAPACITY: Readonly<Record<string, number>> = { email: 1, chat: 3, sms: 2 };
/** The roles that take routed work (everyone who handles contacts). */
export const ROUTED_ROLES = Object.entries(ROLE_PERMISSIONS)
  .filter(([role, p]) => p.has('cases.write') && role !== 'administrator')
  .map(([role]) => role);

const BATCH = 200;
const MAX_BATCHES = 100;

/** A pass's finding that nobody could take more (RoutingPass.noRoom). */
export interface NoRoom {
  closed: Set<string>;
  served: Set<string>;
  /** For each open queue, the channels someone serving it had room on (pull-mode e-mail left out). */
  roomOn: Map<string, Set<string>>;
}

/**
 * For each queue, the channels on which someone who serves it (its team; everyone for the default
 * queue) is in a routable state with room. E-mail of a pull-mode queue is never offered.
 */
export function roomBy(queues: readonly QueueRow[], people: readonly Candidate[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const q of queues) {
    const chans = new Set<string>();
    for (const c of people) {
      if (!ROUTABLE_STATES.has(c.state)) continue; // on a break, in after-contact work: no offers
      if (q.team_id && c.teamId !== q.team_id) continue;
      for (const [ch, slot] of c.slots) if (slot.load < slot.capacity) chans.add(ch);
    }
    if (q.email_pull) chans.delete('email');
    if (chans.size) out.set(q.id, chans);
  }
  return out;
}

/** `queue_id = ? and channel in (…)` for each queue with room, or'ed. */
function onRoom(room: ReadonlyMap<string, ReadonlySet<string>>) {
  return (eb: ExpressionBuilder<Database, 'routing_items'>) =>
    eb.or(
      [...room].map(([queueId, chans]) =>
        eb.and([eb('queue_id', '=', queueId), eb('channel', 'in', [...chans])]),
      ),
    );
}

/** What a batch changes in its candidates (loads, last offer), and a function that puts it back. */
function checkpoint(people: Candidate[], contended: boolean): () => boolean {
  const saved = people.map((p) => ({
    p,
    lastOfferedAt: p.lastOfferedAt,
    loads: [...p.slots.values()].map((slot) => [slot, slot.load] as const),
  }));
  return () => {
    for (const { p, lastOfferedAt, loads } of saved) {
      p.lastOfferedAt = lastOfferedAt;
      for (const [slot, load] of loads) slot.load = load;
    }
    return contended;
  };
}

/**
 * Rows as a pass reads them into the pure rules. Who is cooling down after declining the item comes
 * from the row itself (`declined_by` holds when), so the cool-down costs the pass no query.
 */
function toItem(
  r: {
    id: string;
    channel: string;
    queue_id: string;
    priority: number;
    language: string | null;
    skills: unknown;
    declined_by: unknown;
    enqueued_at: string;
  },
  nowMs: number,
): RoutableItem {
  return {
    id: r.id,
    channel: r.channel,
    queueId: r.queue_id,
    priority: r.priority,
    language: r.language,
    skills: parseJson<{ name: string; min: number }[]>(r.skills, []),
    ...declines(parseJson<DeclineEntry[]>(r.declined_by, []), nowMs),
    enqueuedAt: r.enqueued_at,
  };
}

/**
 * One routing pass: overflow what waited too long, then offer the waiting items of open queues, by
 * priority and age, a batch per transaction. On PostgreSQL the batch's items are claimed with
 * FOR UPDATE SKIP LOCKED (two nodes never work on one item) and each person's load is raised by a
 * conditional update below capacity, in user order (no deadlock between nodes); a raise that fails
 * (another node took the room first) leaves the item waiting for the next pass.
 */
export class RoutingPass {
  private readonly ctx: Ctx;
  private readonly deps: { agents: AgentStates; timers: Timers; calendars: CalendarsService };
  /** Called after a batch that made offers commits (tests count them; the service pokes realtime). */
  onOffered: (n: number) => void = () => {};
  /**
   * What the last pass found it could not serve, or null when it did not get that far: queues
   * closed by their hours, and for the open ones the channels someone had room on. The service
   * skips the pass after a new item this says nobody could take (see RoutingService.pokeNew).
   */
  noRoom: NoRoom | null = null;
  /** A raise of someone's load lost to another node in this pass (see run). */
  private contended = false;

  constructor(ctx: Ctx, deps: { agents: AgentStates; timers: Timers; calendars: CalendarsService }) {
    this.ctx = ctx;
    this.deps = deps;
  }

  /** Which queues are open now, by their business calendar (none: always open). */
  async openQueues(trx: Executor, queues: QueueRow[], nowMs: number): Promise<Set<string>> {
    const out = new Set<string>();
    const cals = new Map<string, boolean>();
    for (const q of queues) {
      if (!q.calendar_id) {
        out.add(q.id);
        continue;
      }
      let open = cals.get(q.calendar_id);
      if (open === undefined) {
        const cal = toBusinessCalendar(await this.deps.calendars.get(q.calendar_id, trx));
        open = businessMsBetween(cal, new Date(nowMs), new Date(nowMs + 1000)) > 0;
        cals.set(q.calendar_id, open);
      }
      if (open) out.add(q.id);
    }
    return out;
  }

  /**
   * A pass. Its officers are read once and their loads raised in memory as it offers, so a raise
   * another node won first (the conditional update below capacity) leaves this pass thinking
   * someone full who is not: it runs again on fresh reads, up to twice, rather than leave an item
   * waiting beside an officer with room until the next poke.
   */
  async run(): Promise<number> {
    let total = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      this.contended = false;
      total += await this.runOnce();
      if (!this.contended) break;
    }
    return total;
  }

  private async runOnce(): Promise<number> {
    this.noRoom = null;
    const now = nowIso(this.ctx);
    const nowMs = Date.parse(now);
    const queues = await this.ctx.store.db.selectFrom('routing_queues').selectAll().execute();
    if (!queues.length) return 0;
    await this.overflow(queues, now, nowMs);
    const open = await this.openQueues(this.ctx.store.db, queues, nowMs);
    const served = queues.filter((q) => open.has(q.id));
    const closed = new Set(queues.filter((q) => !open.has(q.id)).map((q) => q.id));
    const servedIds = new Set(served.map((q) => q.id));
    if (!served.length) {
      this.noRoom = { closed, served: servedIds, roomOn: new Map() };
      return 0;
    }
    const waiting = await this.ctx.store.db
      .selectFrom('routing_items')
      .select('id')
      .where('state', '=', 'waiting')
      .where(
        'queue_id',
        'in',
        served.map((q) => q.id),
      )
      .limit(1)
      .executeTakeFirst();
    if (!waiting) return 0;
    await this.ensureRows(served, now);
    // Only the queues and channels someone has room on are read: nobody free (everyone busy, away,
    // offline, or full on e-mail with room only for chats) reads nothing. A pass runs after every
    // item queued, so without this a burst of e-mail with nobody free re-read waiting items each time.
    const people = await this.candidates(this.ctx.store.db, served);
    const room = roomBy(served, people);
    const fits = room.size
      ? await this.ctx.store.db
          .selectFrom('routing_items')
          .select('id')
          .where('state', '=', 'waiting')
          .where(onRoom(room))
          .limit(1)
          .executeTakeFirst()
      : undefined;
    if (!fits) {
      this.noRoom = { closed, served: servedIds, roomOn: room };
      return 0;
    }
    let total = 0;
    let after: [number, string, string] | null = null;
    for (let i = 0; i < MAX_BATCHES; i++) {
      // The batch raises loads in memory as it decides; a transaction run again (tx() retries a
      // deadlock) starts from the loads as they were, not from its rolled-back attempt's.
      const restore = checkpoint(people, this.contended);
      const r = await tx(this.ctx, (trx) => {
        this.contended = restore();
        return this.batch(trx, served, people, after, now, nowMs);
      });
      total += r.offered;
      if (r.offered) this.onOffered(r.offered);
      if (!r.last || r.done) break;
      after = r.last;
    }
    return total;
  }

  /** Items waiting past their queue's overflow time move to the overflow queue (their age is kept). */
  private async overflow(queues: QueueRow[], now: string, nowMs: number): Promise<void> {
    const moving = queues.filter((q) => q.overflow_queue_id && q.overflow_after_seconds !== null);
    if (!moving.length) return;
    await tx(this.ctx, async (trx) => {
      for (const q of moving) {
        const before = new Date(nowMs - (q.overflow_after_seconds ?? 0) * 1000).toISOString();
        await trx
          .updateTable('routing_items')
          .set((eb) => ({ queue_id: q.overflow_queue_id!, queued_at: now, version: eb('version', '+', 1) }))
          .where('state', '=', 'waiting')
          .where('queue_id', '=', q.id)
          .where('queued_at', '<=', before)
          .execute();
      }
    });
  }

  /**
   * Someone who never had a routing profile takes the defaults (no languages or skills, the
   * default capacity): their rows are written here, in a transaction of their own before any
   * batch, so that a batch only ever locks rows that exist (no insert racing another node's).
   */
  private async ensureRows(queues: QueueRow[], now: string): Promise<void> {
    const teams = queues.map((q) => q.team_id);
    let uq = this.ctx.store.db
      .selectFrom('users as u')
      .leftJoin('routing_profiles as p', 'p.user_id', 'u.id')
      .select('u.id')
      .where('p.user_id', 'is', null)
      .where('u.role', 'in', ROUTED_ROLES);
    if (!teams.includes(null)) uq = uq.where('u.team_id', 'in', teams as string[]);
    const ids = (await uq.execute()).map((u) => u.id);
    if (!ids.length) return;
    await tx(this.ctx, async (trx) => {
      for (let i = 0; i < ids.length; i += 300) {
        const part = ids.slice(i, i + 300);
        await trx
          .insertInto('routing_profiles')
          .values(
            part.map((id) => ({
              user_id: id,
              languages: '[]',
              skills: '[]',
              last_ended_at: null,
              last_offered_at: null,
              version: 1,
              updated_at: now,
            })),
          )
          .onConflict((oc) => oc.column('user_id').doNothing())
          .execute();
        await trx
          .insertInto('routing_capacity')
          .values(
            part.flatMap((user_id) =>
              Object.entries(DEFAULT_CAPACITY).map(([channel, capacity]) => ({
                user_id,
                channel,
                capacity,
                load: 0,
              })),
            ),
          )
          .onConflict((oc) => oc.columns(['user_id', 'channel']).doNothing())
          .execute();
      }
    });
  }

  /** The people who serve these queues, with their profiles, capacity and state. */
  async candidates(trx: Executor, queues: QueueRow[]): Promise<Candidate[]> {
    const teams = queues.map((q) => q.team_id);
    let uq = trx
      .selectFrom('users as u')
      .leftJoin('routing_profiles as p', 'p.user_id', 'u.id')
      .select(['u.id', 'u.team_id', 'p.languages', 'p.skills', 'p.last_ended_at', 'p.last_offered_at'])
      .where('u.active', '=', this.ctx.store.dialect === 'sqlite' ? (1 as never) : true)
      .where('u.role', 'in', ROUTED_ROLES);
    // The default queue (cases without a team) is served by everyone; a team's queue by its members.
    if (!teams.includes(null)) uq = uq.where('u.team_id', 'in', teams as string[]);
    const users = await uq.execute();
    if (!users.length) return [];
    const ids = users.map((u) => u.id);
    const states = await this.deps.agents.states(trx, ids);
    const routable = users.filter((u) => states.has(u.id));
    if (!routable.length) return [];
    const rIds = routable.map((u) => u.id);
    const caps = await trx.selectFrom('routing_capacity').selectAll().where('user_id', 'in', rIds).execute();
    const slots = new Map<string, Candidate['slots']>();
    for (const c of caps) {
      const m = slots.get(c.user_id) ?? new Map();
      m.set(c.channel, { capacity: c.capacity, load: c.load });
      slots.set(c.user_id, m);
    }
    return routable.map((u) => {
      const st = states.get(u.id)!;
      const skills = parseJson<{ name: string; level: number }[]>(u.skills, []);
      return {
        userId: u.id,
        teamId: u.team_id,
        state: st.state,
        stateSince: st.since,
        languages: new Set(
          parseJson<string[]>(u.languages, [])
            .map(primaryLanguage)
            .filter((l): l is string => !!l),
        ),
        skills: new Map(skills.map((s) => [s.name, s.level])),
        lastEndedAt: u.last_ended_at,
        lastOfferedAt: u.last_offered_at,
        slots: slots.get(u.id) ?? new Map(),
      };
    });
  }

  /**
   * One batch of waiting items, offered to `people` — read once for the whole pass, their loads
   * raised in memory as offers are made. (Read again for each batch, they cost a pass with 500
   * officers and 2,000 items waiting for languages nobody free speaks ten reads of every officer's
   * profile, state and capacity.) A load raised meanwhile by another node is caught where it is
   * written: the conditional update below capacity.
   */
  private async batch(
    trx: Executor,
    queues: QueueRow[],
    candidates: Candidate[],
    after: [number, string, string] | null,
    now: string,
    nowMs: number,
  ): Promise<{ offered: number; last: [number, string, string] | null; done: boolean }> {
    // Only where someone still has room (as the offers so far left it).
    const room = roomBy(queues, candidates);
    if (!room.size) return { offered: 0, last: null, done: true };
    let q = trx
      .selectFrom('routing_items')
      .select([
        'id',
        'case_id',
        'channel',
        'queue_id',
        'priority',
        'language',
        'skills',
        'declined_by',
        'enqueued_at',
      ])
      .where('state', '=', 'waiting')
      .where(onRoom(room))
      .orderBy('priority')
      .orderBy('enqueued_at')
      .orderBy('id')
      .limit(BATCH);
    if (after)
      q = q.where((eb) =>
        eb.or([
          eb('priority', '>', after[0]),
          eb.and([eb('priority', '=', after[0]), eb('enqueued_at', '>', after[1])]),
          eb.and([eb('priority', '=', after[0]), eb('enqueued_at', '=', after[1]), eb('id', '>', after[2])]),
        ]),
      );
    const rows = await (this.ctx.store.dialect === 'postgres' ? q.forUpdate().skipLocked() : q).execute();
    if (!rows.length) return { offered: 0, last: null, done: true };
    const lastRow = rows[rows.length - 1]!;
    const last: [number, string, string] = [lastRow.priority, lastRow.enqueued_at, lastRow.id];
    const byId = new Map(queues.map((x) => [x.id, x]));

    // Decide in memory (priority and age order), then apply.
    const chosen: { item: RoutableItem; caseId: string; user: Candidate; queue: QueueRow }[] = [];
    for (const r of rows) {
      const item = toItem(r, nowMs);
      const queue = byId.get(item.queueId)!;
      const serving = queue.team_id ? candidates.filter((c) => c.teamId === queue.team_id) : candidates;
      const user = pick(
        queue.strategy as RoutingStrategy,
        serving,
        item,
        isRelaxed(item, queue.relax_after_seconds, nowMs),
      );
      if (!user) continue;
      user.slots.get(item.channel)!.load++;
      user.lastOfferedAt = now;
      chosen.push({ item, caseId: r.case_id, user, queue });
    }
    const offered = await this.apply(trx, chosen, now, nowMs);
    return { offered, last, done: rows.length < BATCH };
  }

  /** Raise loads (in user order), then write the offers, their items, timers and invalidations. */
  private async apply(
    trx: Executor,
    chosen: { item: RoutableItem; caseId: string; user: Candidate; queue: QueueRow }[],
    now: string,
    nowMs: number,
  ): Promise<number> {
    if (!chosen.length) return 0;
    const groups = new Map<string, typeof chosen>();
    for (const c of chosen) {
      const k = `${c.user.userId}\u0000${c.item.channel}`;
      const g = groups.get(k) ?? [];
      g.push(c);
      groups.set(k, g);
    }
    const kept: typeof chosen = [];
    for (const k of [...groups.keys()].sort()) {
      const g = groups.get(k)!;
      const [userId, channel] = k.split('\u0000') as [string, string];
      let n = g.length;
      // Usually one statement; if another node took some of the room meanwhile, as much as is left.
      while (n > 0) {
        const res = await trx
          .updateTable('routing_capacity')
          .set((eb) => ({ load: eb('load', '+', n) }))
          .where('user_id', '=', userId)
          .where('channel', '=', channel)
          .where((eb) => eb(eb('load', '+', n), '<=', eb.ref('capacity')))
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) === 1) break;
        n--;
      }
      if (n < g.length) this.contended = true;
      kept.push(...g.slice(0, n));
    }
    if (!kept.length) return 0;
    const offers = kept.map((c) => ({
      id: newId(),
      item_id: c.item.id,
      case_id: c.caseId,
      user_id: c.user.userId,
      channel: c.item.channel,
      state: 'open',
      offered_at: now,
      expires_at: new Date(nowMs + c.queue.offer_timeout_seconds * 1000).toISOString(),
      decided_at: null,
    }));
    for (let i = 0; i < offers.length; i += 500)
      await trx
        .insertInto('routing_offers')
        .values(offers.slice(i, i + 500))
        .execute();
    const byUser = new Map<string, string[]>();
    for (const c of kept) byUser.set(c.user.userId, [...(byUser.get(c.user.userId) ?? []), c.item.id]);
    for (const [userId, itemIds] of byUser) {
      const res = await trx
        .updateTable('routing_items')
        .set((eb) => ({ state: 'offered', offered_to: userId, version: eb('version', '+', 1) }))
        .where('id', 'in', itemIds)
        .where('state', '=', 'waiting')
        .executeTakeFirst();
      // The items were claimed by this transaction: anything else is a broken invariant, not a race.
      if (Number(res.numUpdatedRows) !== itemIds.length) throw new Error('a claimed routing item changed');
    }
    const users = [...byUser.keys()].sort();
    await trx
      .updateTable('routing_profiles')
      .set({ last_offered_at: now })
      .where('user_id', 'in', users)
      .execute();
    for (let i = 0; i < offers.length; i += 500)
      await this.deps.timers.scheduleMany(
        trx,
        offers
          .slice(i, i + 500)
          .map((o) => ({ kind: OFFER_EXPIRED, dueAt: o.expires_at, refId: o.id, caseId: o.case_id })),
      );
    // Invalidations: each person's offer, and the queues' team leaders.
    for (const u of users) await emit(trx, now, 'routing.offer_changed', { id: u, userIds: [u] });
    const teams = [...new Set(kept.map((c) => c.queue.team_id).filter((t): t is string => !!t))];
    if (teams.length) await emit(trx, now, 'routing.queue_changed', { id: teams[0], teamIds: teams });
    return kept.length;
  }
}
