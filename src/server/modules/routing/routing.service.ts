import type { Selectable } from 'kysely';
import { ROUTED_CHANNELS, type RoutingOfferDto } from '../../../shared/contracts/routing.ts';
import type { Actor } from '../../platform/audit.ts';
import { type Ctx, nowIso } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { CasesTable } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { repeat } from '../../platform/loop.ts';
import { emit } from '../../platform/outbox.ts';
import type { Timers } from '../../platform/timers.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { CalendarsService } from '../sla/calendars.service.ts';
import type { AgentStates } from './agent-states.ts';
import { RoutingOffers } from './routing-offers.ts';
import { DEFAULT_CAPACITY, OFFER_EXPIRED, type QueueRow, RoutingPass } from './routing-pass.ts';
import { primaryLanguage } from './routing-rules.ts';

type CaseRow = Selectable<CasesTable>;
const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };
const LIVE = ['waiting', 'offered', 'assigned'];
const ROUTED: readonly string[] = ROUTED_CHANNELS;

/** What a channel asks for when it has a case to route (chat and SMS call this, or publish `routing.requested`). */
export interface EnqueueInput {
  caseId: string;
  channel: (typeof ROUTED_CHANNELS)[number];
  /** Skills the item needs, with the least proficiency (none by default). */
  skills?: { name: string; min: number }[];
  /**
   * The language this contact asks for (a chat's visitor chose it), over the customer record's
   * preferred language. Given for a case already waiting, it becomes that item's language.
   */
  language?: string | null | undefined;
}

/**
 * The routing engine's use-cases (issue 14, point 2): enqueue a case that came in on a channel,
 * offer it (the pass), accept, decline, time out, pull; end an item when its case moves on.
 */
export class RoutingService {
  private readonly ctx: Ctx;
  private readonly timers: Timers;
  private readonly deps: {
    cases: CasesService;
    timers: Timers;
    calendars: CalendarsService;
    agents: AgentStates;
  };
  readonly pass: RoutingPass;
  private readonly offers: RoutingOffers;
  private loop: { stop(): Promise<void> } | undefined;
  private queued: Promise<number> | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Bumped by every poke but a new item's; the last pass's no-room finding holds only at its epoch. */
  private epoch = 0;
  private noRoomEpoch = -1;
  /** After a pass that made offers commits (the app pokes the realtime dispatcher). */
  onOffered: () => void = () => {};
  onError: (err: unknown) => void = () => {};

  constructor(
    ctx: Ctx,
    deps: { cases: CasesService; timers: Timers; calendars: CalendarsService; agents: AgentStates },
  ) {
    this.ctx = ctx;
    this.timers = deps.timers;
    this.deps = { ...deps };
    this.pass = new RoutingPass(ctx, this.deps);
    this.pass.onOffered = () => this.onOffered();
    this.offers = new RoutingOffers(ctx, { cases: deps.cases, timers: deps.timers, poke: () => this.poke() });
    // A tick's time-outs together, so their locks are taken in the one order (see RoutingOffers).
    this.timers.onBatch(OFFER_EXPIRED, (trx, ts, now) =>
      this.offers.expire(trx, ts.map((t) => t.ref_id ?? '').filter(Boolean), now),
    );
  }

  /**
   * A routing pass. A call while a pass runs queues one more after it (the running one may have
   * read before the caller's change committed); calls while one is queued share it.
   */
  route(): Promise<number> {
    if (this.queued) return this.queued;
    const p = this.tail.then(async () => {
      this.queued = undefined;
      const epoch = this.epoch;
      const n = await this.pass.run();
      this.noRoomEpoch = this.pass.noRoom ? epoch : -1;
      return n;
    });
    this.queued = p;
    this.tail = p.catch(() => 0);
    return p;
  }

  /**
   * Route soon, after the caller's transaction has committed (the loop catches anything missed).
   * Something may have made room (a state, a capacity, an offer given back), so what the last pass
   * found nobody could take is forgotten.
   */
  poke(): void {
    this.epoch++;
    this.schedule();
  }

  /**
   * A new item was queued: route soon, unless the last pass, with nothing changed on this node
   * since, found nobody with room for its channel in its queue or its queue closed. A burst of
   * e-mail with nobody free then costs no pass per message; room made on another node is routed by
   * that node's pass, and this node's loop looks again within a second.
   */
  private pokeNew(channel: string, queueId: string): void {
    const nr = this.pass.noRoom;
    const futile =
      nr !== null &&
      this.noRoomEpoch === this.epoch &&
      (nr.closed.has(queueId) || (nr.served.has(queueId) && !nr.roomOn.get(queueId)?.has(channel)));
    if (!futile) this.schedule();
  }

  private schedule(): void {
    if (this.closed) return;
    setTimeout(() => {
      if (!this.closed) this.route().catch((err) => this.onError(err));
    }, 10).unref();
  }

  start(intervalMs: number): void {
    this.closed = false;
    this.loop ??= repeat(
      () => this.route(),
      intervalMs,
      (err) => this.onError(err),
      0,
    );
  }

  /** Stop the loop and the pokes; waits for a running pass. */
  async stop(): Promise<void> {
    this.closed = true;
    await this.loop?.stop();
    this.loop = undefined;
    await this.tail;
  }

  /** A person's capacity rows, with the defaults if they never had a profile (pull mode needs them). */
  async ensureCapacityRows(trx: Executor, userId: string): Promise<void> {
    await trx
      .insertInto('routing_capacity')
      .values(
        Object.entries(DEFAULT_CAPACITY).map(([channel, capacity]) => ({
          user_id: userId,
          channel,
          capacity,
          load: 0,
        })),
      )
      .onConflict((oc) => oc.columns(['user_id', 'channel']).doNothing())
      .execute();
  }

  /** Read presence through another port (the presence service when it is wired; a test's states). */
  setAgentStates(agents: AgentStates): void {
    this.deps.agents = agents;
  }

  /** The queue of a team (null: the default queue), created with defaults on first need. */
  async queueFor(trx: Executor, teamId: string | null): Promise<QueueRow> {
    const key = teamId ?? 'default';
    const found = await trx
      .selectFrom('routing_queues')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    if (found) return found;
    await trx
      .insertInto('routing_queues')
      .values({
        id: newId(),
        key,
        team_id: teamId,
        strategy: 'longest_idle',
        offer_timeout_seconds: 30,
        relax_after_seconds: 120,
        overflow_after_seconds: null,
        overflow_queue_id: null,
        calendar_id: null,
        email_pull: false,
        version: 1,
        updated_at: nowIso(this.ctx),
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    return trx.selectFrom('routing_queues').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
  }

  /**
   * Queue a case for routing, in the caller's transaction; a case already queued (the event seen
   * twice) keeps its item. The language the contact asks for (input.language), else the customer's
   * preferred language, asks for that language.
   */
  async enqueue(trx: Executor, input: EnqueueInput, row?: CaseRow): Promise<string> {
    const asked = primaryLanguage(input.language);
    const live = await trx
      .selectFrom('routing_items')
      .select(['id', 'state', 'language'])
      .where('case_id', '=', input.caseId)
      .where('state', 'in', LIVE)
      .executeTakeFirst();
    if (live) {
      // A new chat's case is queued by case.changed as it is created, with the customer's language;
      // the chat then names the one its visitor chose. An offer already made is left as it is.
      if (asked && asked !== live.language && live.state === 'waiting')
        await trx
          .updateTable('routing_items')
          .set((eb) => ({ language: asked, version: eb('version', '+', 1) }))
          .where('id', '=', live.id)
          .where('state', '=', 'waiting')
          .execute();
      return live.id;
    }
    // A case just created comes with its row: only its customer's language is read.
    const c = row
      ? {
          team_id: row.team_id,
          priority: row.priority,
          preferred_language: row.customer_id
            ? ((
                await trx
                  .selectFrom('customers')
                  .select('preferred_language')
                  .where('id', '=', row.customer_id)
                  .executeTakeFirst()
              )?.preferred_language ?? null)
            : null,
        }
      : await trx
          .selectFrom('cases as c')
          .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
          .select(['c.team_id', 'c.priority', 'cu.preferred_language'])
          .where('c.id', '=', input.caseId)
          .executeTakeFirst();
    if (!c) throw notFound('case.not_found', input.caseId);
    const queue = await this.queueFor(trx, c.team_id);
    const at = nowIso(this.ctx);
    const id = newId();
    await trx
      .insertInto('routing_items')
      .values({
        id,
        case_id: input.caseId,
        channel: input.channel,
        queue_id: queue.id,
        priority: PRIORITY_RANK[c.priority] ?? 2,
        language: asked ?? primaryLanguage(c.preferred_language),
        skills: JSON.stringify(input.skills ?? []),
        state: 'waiting',
        offered_to: null,
        assigned_to: null,
        declined_by: '[]',
        enqueued_at: at,
        queued_at: at,
        assigned_at: null,
        ended_at: null,
        version: 1,
      })
      .execute();
    await emit(trx, at, 'routing.queue_changed', { id: queue.id, teamIds: [c.team_id] });
    this.pokeNew(input.channel, queue.id);
    return id;
  }

  /**
   * `case.changed`: a new case without an owner that came in on a routed channel is queued; a
   * queued case that is closed, resolved, handed to someone else or left waiting for the customer
   * leaves routing (and frees its officer's room).
   */
  async onCaseChanged(
    trx: Executor,
    before: CaseRow | null,
    after: CaseRow,
    channel?: string,
  ): Promise<void> {
    if (!before) {
      if (after.assignee_id) return;
      // The case module says which channel opened the case; a publisher that does not is asked.
      const ch =
        channel ??
        (
          await trx
            .selectFrom('contact_cases as cc')
            .innerJoin('contacts as c', 'c.id', 'cc.contact_id')
            .select('c.channel')
            .where('cc.case_id', '=', after.id)
            .where('c.channel', 'in', ROUTED)
            .executeTakeFirst()
        )?.channel;
      if (ch && ROUTED.includes(ch))
        await this.enqueue(trx, { caseId: after.id, channel: ch as EnqueueInput['channel'] }, after);
      return;
    }
    const item = await trx
      .selectFrom('routing_items')
      .selectAll()
      .where('case_id', '=', after.id)
      .where('state', 'in', LIVE)
      .executeTakeFirst();
    if (!item) return;
    const finished = ['resolved', 'closed'].includes(after.status) || !!after.merged_into_id;
    const handedOver =
      after.assignee_id !== before.assignee_id && after.assignee_id !== (item.assigned_to ?? null);
    const waitingOnCustomer = after.status === 'pending_customer' && item.state === 'assigned';
    if (finished || handedOver || waitingOnCustomer) return this.endItem(trx, item.id);
    // A waiting item follows its case's priority: raised to urgent, it is served first from the
    // next pass on (its age is kept). An item already offered or taken keeps its place.
    const rank = PRIORITY_RANK[after.priority] ?? 2;
    if (item.state === 'waiting' && rank !== item.priority) {
      const at = nowIso(this.ctx);
      await trx
        .updateTable('routing_items')
        .set((eb) => ({ priority: rank, version: eb('version', '+', 1) }))
        .where('id', '=', item.id)
        .where('state', '=', 'waiting')
        .execute();
      await this.offers.queueChanged(trx, item.queue_id, at);
      this.poke();
    }
  }

  /**
   * Take an item out of routing: a waiting one is cancelled, an offer withdrawn, accepted work done.
   * The item is read under its lock (the order is RoutingOffers'): a pass offering it at this moment
   * is waited for, and its offer withdrawn, rather than left open on a case that moved on.
   */
  async endItem(trx: Executor, itemId: string): Promise<void> {
    const at = nowIso(this.ctx);
    const item = await this.offers.lockedItem(trx, itemId);
    if (!item || !LIVE.includes(item.state)) return;
    if (item.state === 'offered') {
      const offer = await trx
        .selectFrom('routing_offers')
        .selectAll()
        .where('item_id', '=', itemId)
        .where('state', '=', 'open')
        .executeTakeFirst();
      if (offer && (await this.offers.closeOffer(trx, offer, 'withdrawn', at)))
        await this.offers.release(trx, offer.user_id, item.channel);
    }
    const done = item.state === 'assigned';
    const res = await trx
      .updateTable('routing_items')
      .set((eb) => ({
        state: done ? 'done' : 'cancelled',
        ended_at: at,
        offered_to: null,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', itemId)
      .where('state', '=', item.state)
      .executeTakeFirst();
    if (done && Number(res.numUpdatedRows) === 1 && item.assigned_to) {
      await this.offers.release(trx, item.assigned_to, item.channel);
      await trx
        .updateTable('routing_profiles')
        .set({ last_ended_at: at })
        .where('user_id', '=', item.assigned_to)
        .execute();
    }
    await this.offers.queueChanged(trx, item.queue_id, at);
    this.poke();
  }

  /**
   * A chat ended with its case still open (after its commit, from the dispatcher): the chat's routed
   * work is over. Answered, its officer's chat room frees up at once (as Omni-Channel frees capacity
   * when a chat closes) rather than when the case is resolved — they may keep the case. Never
   * answered (the visitor gave up waiting), it is not offered as a chat to someone who cannot reach
   * the visitor any more: it waits as the e-mail follow-up it has become (the visitor gave an address).
   */
  async onChatEnded(trx: Executor, caseId: string): Promise<void> {
    // The case row first (the lock order: case, timer, item, offer, capacity).
    await this.deps.cases.lock(trx, caseId);
    const item = await trx
      .selectFrom('routing_items')
      .select(['id', 'state', 'channel', 'language'])
      .where('case_id', '=', caseId)
      .where('state', 'in', LIVE)
      .executeTakeFirst();
    if (item?.channel !== 'chat') return;
    await this.endItem(trx, item.id);
    if (item.state !== 'assigned')
      await this.enqueue(trx, { caseId, channel: 'email', language: item.language });
  }

  /** The server's time, as offers' time-outs are counted (the desktop's countdown allows for its own clock). */
  now(): string {
    return nowIso(this.ctx);
  }

  /** The officer's open offers, oldest first, with what the strip shows. */
  myOffers(actor: Actor): Promise<RoutingOfferDto[]> {
    return this.offers.myOffers(actor);
  }

  /** Accept: the offer's case becomes the officer's, through the cases service (audited there). */
  accept(actor: Actor, offerId: string): Promise<{ caseId: string; caseReference: string }> {
    return this.offers.accept(actor, offerId);
  }

  /** Decline: the item goes back to its queue, for someone else first. */
  decline(actor: Actor, offerId: string): Promise<void> {
    return this.offers.decline(actor, offerId);
  }

  /**
   * A person who left the routable states (a break, offline) keeps no open offer: each goes back
   * to its queue without counting as a decline. Presence calls this, in its transaction.
   */
  onAgentStateChanged(trx: Executor, userId: string, state: string): Promise<void> {
    return this.offers.onAgentStateChanged(trx, userId, state);
  }
}
