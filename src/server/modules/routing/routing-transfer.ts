import type { Selectable } from 'kysely';
import type { RoutedChannel } from '../../../shared/contracts/routing.ts';
import type {
  RoutingTransferCreateDto,
  RoutingTransferDto,
  RoutingTransferTargetsDto,
} from '../../../shared/contracts/routing-transfer.ts';
import { can } from '../../../shared/permissions.ts';
import { type Actor, audit } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { CasesTable } from '../../platform/db/schema.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';
import type { Timers } from '../../platform/timers.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { RoutingService } from './routing.service.ts';
import { OFFER_EXPIRED, type QueueRow, ROUTED_ROLES } from './routing-pass.ts';
import { ROUTABLE_STATES } from './routing-rules.ts';
import { presentTransfers, transferTargets } from './routing-transfer.present.ts';

type CaseRow = Selectable<CasesTable>;
const LIVE = ['waiting', 'offered', 'assigned'];
const ROUTED: readonly string[] = ['email', 'chat', 'sms'];

/** What a transfer needs from web chat (wired in app.ts: routing never writes chat tables). */
export interface TransferChat {
  /** The case's open chat, if any, and the officer answering it. */
  live(trx: Executor, caseId: string): Promise<{ officerId: string | null } | null>;
  /** The cases whose chats the officer is answering now. */
  handledBy(trx: Executor, officerId: string): Promise<string[]>;
  /** Tell the customer in a neutral line (written once per `key`); the chat waits for its next officer. */
  transferred(
    trx: Executor,
    caseId: string,
    m: { key: string; text: string; teamId: string | null; by: Actor },
  ): Promise<void>;
}

/** What the customer reads: no internal names (the officer offered it may decline, and teams are internal). */
export const CUSTOMER_LINE = {
  officer: 'You are being transferred to another officer. Everything you have written stays with us.',
  queue: 'You are being transferred to another team. Everything you have written stays with us.',
} as const;

/**
 * Transfer (issue 14, point 4): the officer handling a routed case hands it, with a note, to another
 * officer or to a team's queue. As in Salesforce Omni-Channel and Twilio Flex (not Chatwoot's plain
 * reassignment), an officer receives it as a routing offer to accept or decline: declined or timed
 * out, it waits in their team's queue for the next officer like any routed item (the note goes with
 * it). An officer offline, away or with no room on the channel is refused with a 409, never queued
 * silently: the transferring officer keeps the case and may pick the queue instead. The transferring
 * officer's routed item ends at once, so their room on the channel frees up.
 *
 * It calls the routing service (endItem, enqueue) and writes only the offer a pass would write;
 * the offer is then answered through the ordinary accept / decline / time-out.
 */
export class RoutingTransfers {
  private readonly ctx: Ctx;
  private readonly routing: RoutingService;
  private readonly cases: CasesService;
  private readonly timers: Timers;
  private readonly chat: TransferChat;

  constructor(
    ctx: Ctx,
    deps: { routing: RoutingService; cases: CasesService; timers: Timers; chat: TransferChat },
  ) {
    this.ctx = ctx;
    this.routing = deps.routing;
    this.cases = deps.cases;
    this.timers = deps.timers;
    this.chat = deps.chat;
  }

  /** Transfer a case; the same client id again returns the first transfer (`created` false). */
  async transfer(
    actor: Actor,
    input: RoutingTransferCreateDto,
  ): Promise<{ transfer: RoutingTransferDto; created: boolean }> {
    const note = input.note.trim();
    if (!note) throw invalid('/body/note', 'minLength', 'must not be blank', { limit: 1 });
    if (!input.toUserId && !input.toTeamId)
      throw invalid('/body/toUserId', 'required', 'name an officer (toUserId) or a team (toTeamId)');
    if (input.toUserId && input.toTeamId)
      throw invalid('/body/toTeamId', 'oneOf', 'name an officer or a team, not both');
    const out = await tx(this.ctx, async (trx) => {
      // The case row first, as every case write does; a double click waits here for the first.
      await this.cases.lock(trx, input.caseId);
      const seen = await trx
        .selectFrom('routing_transfers')
        .selectAll()
        .where('client_id', '=', input.clientId)
        .executeTakeFirst();
      if (seen) {
        if (seen.case_id !== input.caseId || seen.from_user_id !== actor.userId)
          throw new AppError('idempotency.key_reused', 'That clientId named another transfer');
        return { id: seen.id, created: false };
      }
      return { id: await this.transferIn(trx, actor, input, note), created: true };
    });
    // The queue's pass after the commit (enqueue's own poke may run before it).
    this.routing.poke();
    const [transfer] = await presentTransfers(this.ctx.store.db, { id: out.id });
    return { transfer: transfer!, created: out.created };
  }

  /**
   * An officer gone offline — signed out by a team leader, or their last desktop gone for the grace
   * period — with chats still open: each goes back to its team's queue, as a transfer by whoever set
   * them offline, so no customer is left "chatting with" someone who has gone (the widget reads the
   * neutral transfer line). Once per presence change: `key` makes each transfer's client id.
   */
  async returnChatsOf(trx: Executor, officerId: string, by: Actor, key: string): Promise<number> {
    const caseIds = await this.chat.handledBy(trx, officerId);
    if (!caseIds.length) return 0;
    const who = await trx
      .selectFrom('users')
      .select(['id', 'display_name'])
      .where('id', 'in', [officerId, by.userId])
      .execute();
    const name = (id: string) => who.find((u) => u.id === id)?.display_name ?? 'The officer';
    const note =
      by.userId === officerId || by.via === 'system'
        ? `Back to the queue: ${name(officerId)} went offline with the chat open.`
        : `Back to the queue: ${name(by.userId)} set ${name(officerId)} offline with the chat open.`;
    let n = 0;
    for (const caseId of caseIds) {
      const clientId = `${key}:${caseId}`;
      // The case row first, as every case write does (the lock order: case, timer, item, offer, capacity).
      await this.cases.lock(trx, caseId);
      const seen = await trx
        .selectFrom('routing_transfers')
        .select('id')
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      const c = await this.cases.row(trx, caseId);
      if (seen || !c.team_id || ['resolved', 'closed'].includes(c.status) || c.merged_into_id) continue;
      await this.transferIn(trx, by, { caseId, toTeamId: c.team_id, clientId, note }, note, officerId);
      n++;
    }
    return n;
  }

  /**
   * `returnedFrom`: the officer whose chat goes back to the queue because they went offline — no
   * authorization asked of whoever set them offline (a leader may; the system does), and that
   * officer is the one asked last.
   */
  private async transferIn(
    trx: Executor,
    actor: Actor,
    input: RoutingTransferCreateDto,
    note: string,
    returnedFrom?: string,
  ): Promise<string> {
    const c = await this.cases.row(trx, input.caseId);
    if (['resolved', 'closed'].includes(c.status) || c.merged_into_id)
      throw new AppError('case.closed', `The case is ${c.merged_into_id ? 'merged' : c.status}`);
    const conv = await this.chat.live(trx, c.id);
    if (!returnedFrom) await this.authorize(trx, actor, c, conv);
    const item = await trx
      .selectFrom('routing_items')
      .selectAll()
      .where('case_id', '=', c.id)
      .where('state', 'in', LIVE)
      .executeTakeFirst();
    const channel = await this.channelOf(trx, c.id, item?.channel, conv !== null);
    const at = nowIso(this.ctx);

    // The target, refused before anything changes (the transaction would undo it anyway).
    let officer: { id: string; display_name: string; team_id: string | null } | null = null;
    let teamId: string | null;
    if (input.toUserId) {
      officer = await this.availableOfficer(trx, actor, input.toUserId, c, channel);
      teamId = officer.team_id ?? c.team_id;
    } else {
      const team = await trx
        .selectFrom('teams')
        .select('id')
        .where('id', '=', input.toTeamId!)
        .executeTakeFirst();
      if (!team) throw notFound('team.not_found', input.toTeamId);
      teamId = team.id;
    }

    // The transferring officer's item ends (their room frees up); the case waits for its next owner.
    if (item) await this.routing.endItem(trx, item.id);
    const patch: { assigneeId?: null; teamId?: string | null } = {};
    if (c.assignee_id) patch.assigneeId = null;
    if (teamId !== c.team_id) patch.teamId = teamId;
    if (Object.keys(patch).length) await this.cases.updateIn(trx, actor, c.id, patch);
    // The language the ended item asked for (a chat's visitor may have chosen it) goes with the case.
    const itemId = await this.routing.enqueue(trx, { caseId: c.id, channel, language: item?.language });
    const queue = await this.routing.queueFor(trx, teamId);
    // Whoever passed it on is asked last, should it come back to their queue.
    await trx
      .updateTable('routing_items')
      .set({ declined_by: JSON.stringify([returnedFrom ?? actor.userId]) })
      .where('id', '=', itemId)
      .execute();
    if (officer) await this.offer(trx, itemId, c.id, officer.id, channel, queue, at);

    const id = newId();
    await trx
      .insertInto('routing_transfers')
      .values({
        id,
        client_id: input.clientId,
        case_id: c.id,
        item_id: itemId,
        channel,
        from_user_id: actor.userId,
        to_user_id: officer?.id ?? null,
        to_queue_id: queue.id,
        note,
        created_at: at,
      })
      .execute();
    await this.chat.transferred(trx, c.id, {
      key: `transfer:${id}`,
      text: officer ? CUSTOMER_LINE.officer : CUSTOMER_LINE.queue,
      teamId,
      by: actor,
    });
    // The context stays on the case for whoever opens it, as an internal note.
    await this.cases.noteIn(trx, actor, c.id, { visibility: 'internal', body: note });
    const teamName = teamId
      ? ((await trx.selectFrom('teams').select('name').where('id', '=', teamId).executeTakeFirst())?.name ??
        null)
      : null;
    const data = {
      transferId: id,
      channel,
      toUserId: officer?.id ?? null,
      toName: officer?.display_name ?? null,
      toTeamId: teamId,
      toTeamName: teamName,
      note,
    };
    await this.cases.event(trx, c.id, at, actor, 'routing.transferred', data);
    await audit(trx, {
      at,
      actor,
      entityType: 'case',
      entityId: c.id,
      action: 'routing.transferred',
      before: { assigneeId: c.assignee_id, teamId: c.team_id, itemId: item?.id ?? null },
      // Both sides name the owner and the team: the case waits unowned, in the team it now queues in.
      after: { assigneeId: null, teamId, itemId, ...data },
    });
    return id;
  }

  /**
   * The officer handling it (the case's owner, or the one answering its chat) transfers it; so may a
   * team leader of its team, a supervisor or an administrator (presence.team: they watch the queues).
   */
  private async authorize(
    trx: Executor,
    actor: Actor,
    c: CaseRow,
    conv: { officerId: string | null } | null,
  ): Promise<void> {
    if (c.assignee_id === actor.userId || conv?.officerId === actor.userId) return;
    if (can(actor.role, 'presence.team')) {
      if (actor.role !== 'team_leader') return;
      const own =
        actor.teamId !== undefined
          ? actor.teamId
          : ((
              await trx
                .selectFrom('users')
                .select('team_id')
                .where('id', '=', actor.userId)
                .executeTakeFirst()
            )?.team_id ?? null);
      if (own && own === c.team_id) return;
    }
    throw new AppError('routing_transfer.not_yours');
  }

  /** The channel it is routed on: its live item's, its open chat's, or the channel it came in on. */
  private async channelOf(
    trx: Executor,
    caseId: string,
    itemChannel: string | undefined,
    chat: boolean,
  ): Promise<RoutedChannel> {
    if (itemChannel && ROUTED.includes(itemChannel)) return itemChannel as RoutedChannel;
    if (chat) return 'chat';
    const first = await trx
      .selectFrom('contact_cases as cc')
      .innerJoin('contacts as k', 'k.id', 'cc.contact_id')
      .select('k.channel')
      .where('cc.case_id', '=', caseId)
      .orderBy('cc.created_at')
      .limit(1)
      .executeTakeFirst();
    if (first && ROUTED.includes(first.channel)) return first.channel as RoutedChannel;
    throw new AppError('routing_transfer.not_routed', undefined, {
      extra: { channel: first?.channel ?? null },
    });
  }

  /** The officer, if they may be offered it now; their room on the channel is taken here (a conditional raise). */
  private async availableOfficer(
    trx: Executor,
    actor: Actor,
    userId: string,
    c: CaseRow,
    channel: RoutedChannel,
  ) {
    const u = await trx
      .selectFrom('users')
      .select(['id', 'display_name', 'team_id', 'role', 'active'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!u) throw notFound('user.not_found', userId);
    if (u.id === c.assignee_id || u.id === actor.userId)
      throw new AppError('routing_transfer.same_officer', undefined, { extra: { userId } });
    if (!u.active || !ROUTED_ROLES.includes(u.role))
      throw new AppError(
        'routing_transfer.officer_unavailable',
        `${u.display_name} does not take routed work`,
        {
          extra: { userId, state: 'not_routed' },
        },
      );
    const queue = await this.routing.queueFor(trx, u.team_id);
    const me = (await this.routing.pass.candidates(trx, [queue])).find((x) => x.userId === u.id);
    const state = me?.state ?? 'offline';
    if (!ROUTABLE_STATES.has(state))
      throw new AppError(
        'routing_transfer.officer_unavailable',
        `${u.display_name} is ${state.replace(/_/g, ' ')}`,
        {
          extra: { userId, state },
        },
      );
    await this.routing.ensureCapacityRows(trx, u.id);
    const room = await trx
      .updateTable('routing_capacity')
      .set((eb) => ({ load: eb('load', '+', 1) }))
      .where('user_id', '=', u.id)
      .where('channel', '=', channel)
      .where((eb) => eb('load', '<', eb.ref('capacity')))
      .executeTakeFirst();
    if (Number(room.numUpdatedRows) !== 1)
      throw new AppError(
        'routing_transfer.officer_at_capacity',
        `${u.display_name} has no room for a ${channel}`,
        {
          extra: { userId, channel },
        },
      );
    return u;
  }

  /** The offer a pass would make, to this officer (their load was raised by availableOfficer). */
  private async offer(
    trx: Executor,
    itemId: string,
    caseId: string,
    userId: string,
    channel: string,
    queue: QueueRow,
    at: string,
  ): Promise<void> {
    const offerId = newId();
    const expires = new Date(Date.parse(at) + queue.offer_timeout_seconds * 1000).toISOString();
    await trx
      .insertInto('routing_offers')
      .values({
        id: offerId,
        item_id: itemId,
        case_id: caseId,
        user_id: userId,
        channel,
        state: 'open',
        offered_at: at,
        expires_at: expires,
        decided_at: null,
      })
      .execute();
    const res = await trx
      .updateTable('routing_items')
      .set((eb) => ({ state: 'offered', offered_to: userId, version: eb('version', '+', 1) }))
      .where('id', '=', itemId)
      .where('state', '=', 'waiting')
      .executeTakeFirst();
    // Made in this transaction a moment ago: anything else is a broken invariant, not a race.
    if (Number(res.numUpdatedRows) !== 1) throw new Error('a transferred routing item changed');
    await trx
      .updateTable('routing_profiles')
      .set({ last_offered_at: at })
      .where('user_id', '=', userId)
      .execute();
    await this.timers.schedule(trx, { kind: OFFER_EXPIRED, dueAt: expires, refId: offerId, caseId });
    await emit(trx, at, 'routing.offer_changed', { id: userId, userIds: [userId] });
    if (queue.team_id)
      await emit(trx, at, 'routing.queue_changed', { id: queue.id, teamIds: [queue.team_id] });
  }

  /** A case's transfers, newest first (the receiving officer reads the note beside the chat). */
  async forCase(caseId: string): Promise<RoutingTransferDto[]> {
    await this.cases.row(this.ctx.store.db, caseId);
    return presentTransfers(this.ctx.store.db, { caseId });
  }

  /** Who a case may go to now (routing-transfer.present.ts): officers with their room, and the queues. */
  async targets(actor: Actor, caseId: string): Promise<RoutingTransferTargetsDto> {
    const db = this.ctx.store.db;
    const c = await this.cases.row(db, caseId);
    const item = await db
      .selectFrom('routing_items')
      .select('channel')
      .where('case_id', '=', c.id)
      .where('state', 'in', LIVE)
      .executeTakeFirst();
    const channel = await this.channelOf(db, c.id, item?.channel, (await this.chat.live(db, c.id)) !== null);
    return transferTargets(this.ctx, this.routing.pass, {
      channel,
      actorId: actor.userId,
      assigneeId: c.assignee_id,
    });
  }
}
