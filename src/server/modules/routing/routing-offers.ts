import type { Selectable } from 'kysely';
import type { RoutingOfferDto } from '../../../shared/contracts/routing.ts';
import type { Actor } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { parseJson, type RoutingOffersTable } from '../../platform/db/schema.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { emit } from '../../platform/outbox.ts';
import type { Timers } from '../../platform/timers.ts';
import type { CasesService } from '../cases/cases.service.ts';
import { OFFER_EXPIRED } from './routing-pass.ts';
import { type DeclineEntry, ROUTABLE_STATES, withDecline } from './routing-rules.ts';

type OfferRow = Selectable<RoutingOffersTable>;

/** Code-unit order, the same in every process (ids are compared, not words). */
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * An offer's life after the pass made it (issue 14, point 2): the officer's banner, accept,
 * decline, time-out, withdrawal when the officer leaves the routable states. RoutingService keeps
 * the public entry points and hands them here; `poke` is its poke (room may have been made).
 *
 * Lock order on PostgreSQL, the same on every path that decides an offer or ends its item: the
 * case row (accept; a case write that ends the item: RoutingService.endItem), the offer's time-out
 * timer, the item, the offer, the officer's capacity. The time-out runs in the timer's transaction,
 * which holds the timer row from its claim: an answer that closed the offer before cancelling the
 * timer deadlocked with a time-out falling due at that moment. The item is locked before the offer
 * because endItem must read its state under a lock (a pass offering it at that moment otherwise
 * left a resolved case with an open offer), and it cannot know the offer before reading the item
 * (test/routing/routing-lock-order.test.ts runs each pair at once). Several offers at once (a
 * break withdrawing all of an officer's, a tick timing out several) take each step for all of them
 * before the next, in id order: offer by offer, a break held one offer's capacity row while
 * waiting for the next offer's timer, which a time-out held on its way to that same row.
 * The case is locked by CasesService.lock (FOR NO KEY UPDATE: it says why).
 */
export class RoutingOffers {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly timers: Timers;
  private readonly poke: () => void;

  constructor(ctx: Ctx, deps: { cases: CasesService; timers: Timers; poke: () => void }) {
    this.ctx = ctx;
    this.cases = deps.cases;
    this.timers = deps.timers;
    this.poke = deps.poke;
  }

  /**
   * The officer's open offers, oldest first, with what the strip shows. Several are open at once
   * when they have room for several (chat 3 by default): each is shown with its own countdown, as
   * Omni-Channel does, rather than one held back unseen while its time-out runs.
   */
  async myOffers(actor: Actor): Promise<RoutingOfferDto[]> {
    const rows = await this.ctx.store.db
      .selectFrom('routing_offers as o')
      .innerJoin('cases as c', 'c.id', 'o.case_id')
      .innerJoin('routing_items as i', 'i.id', 'o.item_id')
      .leftJoin('customers as cu', 'cu.id', 'c.customer_id')
      .select([
        'o.id',
        'o.case_id',
        'o.channel',
        'o.offered_at',
        'o.expires_at',
        'i.enqueued_at',
        'c.reference',
        'c.subject',
        'cu.display_name',
      ])
      .where('o.user_id', '=', actor.userId)
      .where('o.state', '=', 'open')
      .orderBy('o.offered_at')
      .orderBy('o.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      caseReference: r.reference,
      subject: r.subject,
      customerName: r.display_name ?? null,
      channel: r.channel as RoutingOfferDto['channel'],
      offeredAt: r.offered_at,
      expiresAt: r.expires_at,
      enqueuedAt: r.enqueued_at,
    }));
  }

  private async ownOffer(trx: Executor, actor: Actor, offerId: string): Promise<OfferRow> {
    const offer = await trx
      .selectFrom('routing_offers')
      .selectAll()
      .where('id', '=', offerId)
      .where('user_id', '=', actor.userId)
      .executeTakeFirst();
    if (!offer) throw notFound('routing_offer.not_found', offerId);
    if (offer.state !== 'open')
      throw new AppError('routing_offer.closed', `The offer was ${offer.state.replace('_', ' ')}`, {
        extra: { state: offer.state },
      });
    return offer;
  }

  /** Accept: the offer's case becomes the officer's, through the cases service (audited there). */
  async accept(actor: Actor, offerId: string): Promise<{ caseId: string; caseReference: string }> {
    const out = await tx(this.ctx, async (trx) => {
      const first = await this.ownOffer(trx, actor, offerId);
      // The case row first, as every case write does: no deadlock with a close of the same case.
      await this.cases.lock(trx, first.case_id);
      const offer = await this.ownOffer(trx, actor, offerId);
      const at = nowIso(this.ctx);
      // The timer, then the item, before the offer (see the class): a time-out firing now wins.
      await this.timers.cancel(trx, offer.id, [OFFER_EXPIRED]);
      await this.lockedItem(trx, offer.item_id);
      if (!(await this.closeOffer(trx, offer, 'accepted', at)))
        throw new AppError('routing_offer.closed', 'The offer is no longer open');
      await trx
        .updateTable('routing_items')
        .set((eb) => ({
          state: 'assigned',
          assigned_to: actor.userId,
          assigned_at: at,
          offered_to: null,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', offer.item_id)
        .execute();
      const c = await this.cases.updateIn(trx, actor, offer.case_id, { assigneeId: actor.userId });
      await emit(trx, at, 'routing.offer_changed', { id: actor.userId, userIds: [actor.userId] });
      const item = await trx
        .selectFrom('routing_items')
        .select('queue_id')
        .where('id', '=', offer.item_id)
        .executeTakeFirstOrThrow();
      await this.queueChanged(trx, item.queue_id, at);
      return { caseId: c.id, caseReference: c.reference };
    });
    return out;
  }

  /** Decline: the item goes back to its queue, for someone else first. */
  async decline(actor: Actor, offerId: string): Promise<void> {
    await tx(this.ctx, async (trx) => {
      const offer = await this.ownOffer(trx, actor, offerId);
      if (!(await this.giveBack(trx, [offer], 'declined', nowIso(this.ctx))).length)
        throw new AppError('routing_offer.closed', 'The offer is no longer open');
    });
    this.poke();
  }

  /** The offers' timers (a tick's batch): unanswered, they move on (the conditional update makes it once). */
  async expire(trx: Executor, offerIds: string[], now: string): Promise<void> {
    if (!offerIds.length) return;
    const offers = await trx
      .selectFrom('routing_offers')
      .selectAll()
      .where('id', 'in', offerIds)
      .where('state', '=', 'open')
      .execute();
    if ((await this.giveBack(trx, offers, 'timed_out', now)).length) this.poke();
  }

  /**
   * A person who left the routable states (a break, offline) keeps no open offer: each goes back
   * to its queue without counting as a decline. Presence calls this, in its transaction.
   */
  async onAgentStateChanged(trx: Executor, userId: string, state: string): Promise<void> {
    if (!ROUTABLE_STATES.has(state)) {
      const offers = await trx
        .selectFrom('routing_offers')
        .selectAll()
        .where('user_id', '=', userId)
        .where('state', '=', 'open')
        .execute();
      await this.giveBack(trx, offers, 'withdrawn', nowIso(this.ctx));
    }
    this.poke();
  }

  /**
   * Close open offers and put their items back waiting; returns those this closed (one no longer
   * open is left as it is). Each lock step of the class is taken for every offer before the next
   * step, each in id order, so two of these never wait on each other in a circle.
   */
  private async giveBack(trx: Executor, offers: OfferRow[], state: string, at: string): Promise<OfferRow[]> {
    if (!offers.length) return [];
    const byId = [...offers].sort((a, b) => cmp(a.id, b.id));
    // The timers (in the time-out's own transaction they are done already), the items, the offers.
    for (const o of byId) await this.timers.cancel(trx, o.id, [OFFER_EXPIRED]);
    const items = new Map(
      (
        await this.lockedItems(
          trx,
          byId.map((o) => o.item_id),
        )
      ).map((i) => [i.id, i]),
    );
    const closed: OfferRow[] = [];
    for (const o of byId) {
      if (!items.has(o.item_id)) throw new Error(`routing item ${o.item_id} of offer ${o.id} is missing`);
      if (await this.closeOffer(trx, o, state, at)) closed.push(o);
    }
    const queues = new Set<string>();
    for (const o of closed) {
      const item = items.get(o.item_id)!;
      // A decline or time-out is kept with its time: the pass leaves that officer out for the
      // cool-down, then asks them last. A withdrawal (a break, offline) counts as neither.
      const before = parseJson<DeclineEntry[]>(item.declined_by, []);
      const declined = state === 'withdrawn' ? before : withDecline(before, o.user_id, at);
      await trx
        .updateTable('routing_items')
        .set((eb) => ({
          state: 'waiting',
          offered_to: null,
          declined_by: JSON.stringify(declined),
          version: eb('version', '+', 1),
        }))
        .where('id', '=', item.id)
        .where('state', '=', 'offered')
        .execute();
      queues.add(item.queue_id);
    }
    // The capacity rows last, in (person, channel) order as the pass raises them.
    const rooms = closed
      .map((o) => [o.user_id, o.channel] as const)
      .sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]));
    for (const [userId, channel] of rooms) await this.release(trx, userId, channel);
    for (const userId of new Set(closed.map((o) => o.user_id)))
      await emit(trx, at, 'routing.offer_changed', { id: userId, userIds: [userId] });
    for (const queueId of queues) await this.queueChanged(trx, queueId, at);
    return closed;
  }

  /** An item's row, locked on PostgreSQL (in the order the class sets). */
  async lockedItem(trx: Executor, itemId: string) {
    return (await this.lockedItems(trx, [itemId]))[0];
  }

  /** Items' rows, locked on PostgreSQL in id order (ORDER BY comes before the row locks). */
  private lockedItems(trx: Executor, itemIds: string[]) {
    const q = trx.selectFrom('routing_items').selectAll().where('id', 'in', itemIds).orderBy('id');
    return (this.ctx.store.dialect === 'postgres' ? q.forUpdate() : q).execute();
  }

  /** The conditional update that makes accept, decline, time-out and withdrawal mutually exclusive. */
  async closeOffer(trx: Executor, offer: OfferRow, state: string, at: string): Promise<boolean> {
    const res = await trx
      .updateTable('routing_offers')
      .set({ state, decided_at: at })
      .where('id', '=', offer.id)
      .where('state', '=', 'open')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Free one of the person's room on the channel. */
  async release(trx: Executor, userId: string, channel: string): Promise<void> {
    await trx
      .updateTable('routing_capacity')
      .set((eb) => ({ load: eb('load', '-', 1) }))
      .where('user_id', '=', userId)
      .where('channel', '=', channel)
      .where('load', '>', 0)
      .execute();
  }

  /** Tell the queue's team that their queue changed (screens re-read it). */
  async queueChanged(trx: Executor, queueId: string, at: string): Promise<void> {
    const q = await trx
      .selectFrom('routing_queues')
      .select('team_id')
      .where('id', '=', queueId)
      .executeTakeFirst();
    if (q?.team_id) await emit(trx, at, 'routing.queue_changed', { id: queueId, teamIds: [q.team_id] });
  }
}
