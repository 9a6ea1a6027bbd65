import type { CaseChatDto, ChatReplyDto, ChatSummaryDto } from '../../../../shared/contracts/chat.ts';
import { cleanChatText } from '../../../channels/chat/text.ts';
import { type Actor, audit } from '../../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/index.ts';
import { AppError, invalid } from '../../../platform/errors.ts';
import type { DomainEventBus } from '../../../platform/events.ts';
import { emit, emitMany } from '../../../platform/outbox.ts';
import type { Invalidation } from '../../../platform/realtime/hub.ts';
import type { CasesService } from '../../cases/cases.service.ts';
import { attachUploads } from '../uploads.service.ts';
import type { ChatService } from './chat.service.ts';
import { checkChatUploads } from './chat-files.service.ts';
import { languageTag } from './chat-intake.ts';
import { chatFooting } from './chat-officer.policy.ts';
import { presentSiteLink } from './chat-site-link.ts';
import {
  appendLine,
  type ConversationRow,
  chatRoom,
  lockConversation,
  lockLatest,
  queueInfo,
} from './chat-store.ts';
import type { ChatTakes } from './chat-take.ts';

/**
 * The officer's side of web chat (issue 14, point 4): a case's chat, replies (Enter in the chat
 * box; idempotent on the desktop's client id), read marks, typing, ending, and the officer's open
 * chats with their unread counts. Reading and writing a chat is reading and writing its case.
 */
export class ChatOfficerService {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly chat: ChatService;
  private readonly takes: ChatTakes;
  private readonly events: DomainEventBus;
  private readonly ephemeral: (invs: Invalidation[]) => void;

  constructor(
    ctx: Ctx,
    deps: {
      cases: CasesService;
      chat: ChatService;
      takes: ChatTakes;
      events: DomainEventBus;
      ephemeral: (invs: Invalidation[]) => void;
    },
  ) {
    this.ctx = ctx;
    this.cases = deps.cases;
    this.chat = deps.chat;
    this.takes = deps.takes;
    this.events = deps.events;
    this.ephemeral = deps.ephemeral;
  }

  /** The case's latest chat (a case may have had several: a returning visitor). */
  private async latest(trx: Executor, caseId: string): Promise<ConversationRow> {
    const c = await this.latestOrNull(trx, caseId);
    if (!c) throw new AppError('chat.not_found');
    return c;
  }

  private latestOrNull(trx: Executor, caseId: string): Promise<ConversationRow | undefined> {
    return trx
      .selectFrom('chat_conversations')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** A case without a chat: case.not_found when there is no such case either, else chat.not_found. */
  private async noChat(trx: Executor, caseId: string): Promise<never> {
    await this.cases.row(trx, caseId);
    throw new AppError('chat.not_found');
  }

  async forCase(caseId: string): Promise<CaseChatDto> {
    return (await this.ofCase(caseId)) ?? (await this.noChat(this.ctx.store.db, caseId));
  }

  /** The case's chat; null when the case has none (the workspace asks of every case: no error). */
  async ofCase(caseId: string): Promise<CaseChatDto | null> {
    const db = this.ctx.store.db;
    await this.cases.row(this.ctx.store.db, caseId);
    const conv = await this.latestOrNull(db, caseId);
    if (!conv) return null;
    const c = await db
      .selectFrom('cases')
      .select('reference')
      .where('id', '=', caseId)
      .executeTakeFirstOrThrow();
    const q = await queueInfo(db, conv, c.reference, null);
    const entries = await db
      .selectFrom('chat_entries')
      .select(['message_id', 'seq'])
      .where('conversation_id', '=', conv.id)
      .orderBy('seq', 'desc')
      .limit(200)
      .execute();
    return {
      conversationId: conv.id,
      caseId,
      reference: c.reference,
      status: conv.status as CaseChatDto['status'],
      visitorName: conv.visitor_name,
      language: conv.language,
      languageTag: languageTag(conv.language),
      identifiedBySite: conv.external_id !== null,
      siteLink: await presentSiteLink(db, conv),
      officerId: conv.officer_id,
      lastSeq: conv.last_seq,
      unread: conv.officer_unread,
      officerReadSeq: conv.officer_read_seq,
      visitorReadSeq: conv.visitor_read_seq,
      seqs: Object.fromEntries(entries.map((e) => [e.message_id, e.seq])),
      position: q.position,
      waitMinutes: q.waitMinutes,
      startedAt: conv.started_at,
      endedAt: conv.ended_at,
    };
  }

  /**
   * An officer's message. The first answer takes the chat (waiting → active, the officer its
   * owner) and meets the case's first-response clock; the same client id again is the same message.
   */
  async reply(
    actor: Actor,
    caseId: string,
    input: ChatReplyDto,
  ): Promise<{ seq: number; messageId: string }> {
    const text = cleanChatText(input.text);
    const files = input.attachmentIds ?? [];
    if (!text && !files.length) throw invalid('/body/text', 'minLength', 'must not be empty', { limit: 1 });
    // Every statement here is a round trip on PostgreSQL while the chat is locked: the case is
    // looked up only when it has no chat (for the right 404), a reply sent again is found by
    // appendLine, and the case's row is written once (recordCustomerResponse sets updated_at).
    return tx(this.ctx, async (trx) => {
      const conv = (await lockLatest(this.ctx, trx, caseId)) ?? (await this.noChat(trx, caseId));
      if (conv.status === 'ended') {
        const known = await trx
          .selectFrom('chat_entries')
          .select(['seq', 'message_id'])
          .where('conversation_id', '=', conv.id)
          .where('client_id', '=', input.clientId)
          .executeTakeFirst();
        if (known) return { seq: known.seq, messageId: known.message_id };
        throw new AppError('chat.ended');
      }
      await chatFooting(trx, actor, conv, 'write');
      const at = nowIso(this.ctx);
      const me = await trx
        .selectFrom('users')
        .select('display_name')
        .where('id', '=', actor.userId)
        .executeTakeFirst();
      const line = await appendLine(trx, conv, {
        side: 'officer',
        clientId: input.clientId,
        text,
        authorId: actor.userId,
        fromName: me?.display_name ?? null,
        fromAddress: null,
        contactId: null,
        at,
      });
      if (line.duplicate) return { seq: line.seq, messageId: line.messageId };
      await checkChatUploads(trx, actor, caseId, files);
      await attachUploads(trx, actor, { id: line.messageId, case_id: caseId, created_at: at }, files);
      // Not yet taken (no offer accepted): the first answer takes it, its contact with it.
      if (conv.status === 'waiting') await this.takes.takeIn(trx, conv, actor.userId, actor, at);
      // (appendLine marked the chat read up to this line.)
      await this.cases.recordCustomerResponse(trx, caseId, at);
      await emitMany(trx, at, [
        { name: 'chat.message_added', payload: { id: conv.id, version: line.seq } },
        {
          name: 'case.message_sent',
          payload: {
            id: caseId,
            messageId: line.messageId,
            userIds: [
              actor.userId,
              ...(conv.officer_id && conv.officer_id !== actor.userId ? [conv.officer_id] : []),
            ],
          },
        },
      ]);
      await this.events.publish(trx, 'case.message_added', {
        caseId,
        messageId: line.messageId,
        direction: 'outbound',
        channel: 'chat',
      });
      return { seq: line.seq, messageId: line.messageId };
    });
  }

  /** The officer has read up to `seq`: the unread count falls, the visitor sees it read. */
  async read(actor: Actor, caseId: string, seq: number): Promise<{ unread: number }> {
    return tx(this.ctx, async (trx) => {
      const conv = (await lockLatest(this.ctx, trx, caseId)) ?? (await this.noChat(trx, caseId));
      // Only the handler's reading counts: a leader opening the case is no receipt to the customer.
      await chatFooting(trx, actor, conv, 'read');
      const upTo = Math.min(seq, conv.last_seq);
      if (upTo <= conv.officer_read_seq) return { unread: conv.officer_unread };
      const left = await trx
        .selectFrom('chat_entries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('conversation_id', '=', conv.id)
        .where('side', '=', 'visitor')
        .where('seq', '>', upTo)
        .executeTakeFirstOrThrow();
      const unread = Number(left.n);
      const at = nowIso(this.ctx);
      await trx
        .updateTable('chat_conversations')
        .set({ officer_read_seq: upTo, officer_unread: unread })
        .where('id', '=', conv.id)
        .execute();
      await emit(trx, at, 'chat.read', { id: conv.id, version: upTo });
      await emit(trx, at, 'case.chat_read', { id: caseId, version: upTo, userIds: [actor.userId] });
      return { unread };
    });
  }

  /** "The officer is typing" to the visitor: never stored. */
  async typing(actor: Actor, caseId: string, typing: boolean): Promise<void> {
    const db = this.ctx.store.db;
    const conv = (await this.latestOrNull(db, caseId)) ?? (await this.noChat(db, caseId));
    if (conv.status === 'ended') return;
    // The widget names the handler as the one typing: nobody else's typing may reach it.
    await chatFooting(db, actor, conv, 'write');
    this.ephemeral([
      { type: 'chat.officer_typing', id: conv.id, room: chatRoom(conv.id), version: typing ? 1 : 0 },
    ]);
  }

  /** The handler ends the chat (or anyone, one nobody has answered; or a leader, audited). */
  async end(actor: Actor, caseId: string): Promise<CaseChatDto> {
    await this.cases.row(this.ctx.store.db, caseId);
    await tx(this.ctx, async (trx) => {
      const conv = await lockConversation(this.ctx, trx, (await this.latest(trx, caseId)).id);
      if (conv.status === 'ended') return;
      const footing = await chatFooting(trx, actor, conv, 'end');
      await this.chat.endIn(trx, conv.id, actor);
      if (footing === 'leader')
        await audit(trx, {
          at: nowIso(this.ctx),
          actor,
          entityType: 'case',
          entityId: caseId,
          action: 'chat.ended_for_officer',
          before: { conversationId: conv.id, officerId: conv.officer_id, status: conv.status },
          after: { status: 'ended' },
        });
    });
    return this.forCase(caseId);
  }

  /**
   * The officer's open chats (answered by them) and the team's waiting ones, newest activity
   * first, with unread counts: the "My chats" list and the badges in the queues.
   */
  async mine(actor: Actor): Promise<ChatSummaryDto[]> {
    const rows = await this.ctx.store.db
      .selectFrom('chat_conversations as v')
      .innerJoin('cases as c', 'c.id', 'v.case_id')
      .select([
        'v.id',
        'v.case_id',
        'c.reference',
        'v.visitor_name',
        'v.status',
        'v.officer_unread',
        'v.officer_id',
        'v.updated_at',
      ])
      .where('v.status', '!=', 'ended')
      .where((eb) =>
        eb.or([
          eb('v.officer_id', '=', actor.userId),
          ...(actor.teamId
            ? [eb.and([eb('v.status', '=', 'waiting'), eb('v.team_id', '=', actor.teamId)])]
            : []),
        ]),
      )
      .orderBy('v.updated_at', 'desc')
      .limit(50)
      .execute();
    return rows.map((r) => ({
      conversationId: r.id,
      caseId: r.case_id,
      reference: r.reference,
      visitorName: r.visitor_name,
      status: r.status as ChatSummaryDto['status'],
      unread: r.officer_unread,
      mine: r.officer_id === actor.userId,
      updatedAt: r.updated_at,
    }));
  }
}
