import { randomBytes } from 'node:crypto';
import type { ChatLine, ChatStatusInfo, WidgetInfo } from '../../../../shared/contracts/chat-protocol.ts';
import { CHAT_FILE_EXTENSIONS, CHAT_FILE_LIMITS } from '../../../channels/chat/files.ts';
import { identityValid } from '../../../channels/chat/identity.ts';
import { CHAT_TEXT_MAX, cleanChatText } from '../../../channels/chat/text.ts';
import { type Actor, SYSTEM_ACTOR } from '../../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/index.ts';
import type { DomainEventBus } from '../../../platform/events.ts';
import { emit, emitMany } from '../../../platform/outbox.ts';
import type { Invalidation } from '../../../platform/realtime/hub.ts';
import { caseRoom } from '../../../platform/realtime/rooms.ts';
import type { CasesService } from '../../cases/cases.service.ts';
import type { ContactsService } from '../../contacts/contacts.service.ts';
import type { CustomersService } from '../../customers/customers.service.ts';
import { ChatInputError, cleanPreChat, type PreChat, visitorFor } from './chat-intake.ts';
import { type ChatOpenDeps, newConversation, openCase } from './chat-open.ts';
import { appendLine, type ConversationRow, linesAfter, lockConversation, queueInfo } from './chat-store.ts';
import type { ChatWidgetsService, WidgetRow } from './widgets.service.ts';

/** A visitor's socket once it said hello: who it is, and the identity the site vouched for. */
export interface VisitorSession {
  widget: WidgetRow;
  visitorId: string;
  /** The site's customer id, when its HMAC was valid (null otherwise). */
  externalId: string | null;
  conversationId: string | null;
}

/** An ended chat is still shown (and its transcript offered) to its visitor for this long. */
const ENDED_SHOWN_MS = 30 * 60_000;

/**
 * The visitor's side of web chat (issue 14, point 3): hello with a rotated token, the pre-chat
 * form opening a case in the widget's team queue, messages numbered per conversation and
 * deduplicated on the client's id, catch-up by seq, read marks, typing (never stored), leave a
 * message (an e-mail case) and the transcript by e-mail.
 *
 * Unlike mail, a chat message is not stored raw first: the socket's `ack` is what "accepted"
 * means to the widget, it is sent only after the message's transaction commits, and the widget
 * re-sends until it has one — the client id makes that safe.
 */
export class ChatService {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly customers: CustomersService;
  private readonly contacts: ContactsService;
  private readonly events: DomainEventBus;

  readonly widgets: ChatWidgetsService;
  private readonly ephemeral: (invs: Invalidation[]) => void;
  private readonly isOpen: (calendarId: string, at: Date) => Promise<boolean>;
  private readonly teamAvailable: ((teamId: string) => Promise<boolean>) | undefined;
  /** What opening a case needs (chat-open.ts). */
  private readonly opening: ChatOpenDeps;

  constructor(
    ctx: Ctx,
    deps: {
      cases: CasesService;
      customers: CustomersService;
      contacts: ContactsService;
      events: DomainEventBus;
      widgets: ChatWidgetsService;
      /** Typing: to the rooms now, on every node, never stored. */
      ephemeral: (invs: Invalidation[]) => void;
      /** Within the calendar's hours at that instant (the SLA module's business time). */
      isOpen: (calendarId: string, at: Date) => Promise<boolean>;
      /** Someone of the team is at work (presence); without it, any live desktop session of the team. */
      teamAvailable?: (teamId: string) => Promise<boolean>;
    },
  ) {
    this.ctx = ctx;
    this.cases = deps.cases;
    this.customers = deps.customers;
    this.contacts = deps.contacts;
    this.events = deps.events;
    this.widgets = deps.widgets;
    this.ephemeral = deps.ephemeral;
    this.isOpen = deps.isOpen;
    this.teamAvailable = deps.teamAvailable;
    this.opening = { ctx, ...deps };
  }

  /** A visitor's question opens a case in the widget's team queue (chat-open.ts): a chat's, or a left message's. */
  openCase(
    trx: Executor,
    s: VisitorSession,
    p: { name: string; email: string; question: string; language: string | null },
    at: string,
    how: { prefix: string; channel: 'chat' | 'email' },
  ) {
    return openCase(this.opening, trx, s, p, at, how);
  }

  /**
   * A socket introduces itself. A known token (or the one before it: another tab may still hold
   * it) resumes the visitor and is replaced; anything else is a new visitor. Only hashes are kept.
   */
  async hello(
    widget: WidgetRow,
    token: string | null,
    identity: { id: string; hash: string } | null,
  ): Promise<{
    session: VisitorSession;
    token: string;
    info: WidgetInfo;
    conversation: ChatStatusInfo | null;
  }> {
    const fresh = randomBytes(32).toString('base64url');
    const at = nowIso(this.ctx);
    const externalId =
      identity &&
      identity.id.length <= 200 &&
      identityValid(this.widgets.secretOf(widget), identity.id, identity.hash)
        ? identity.id
        : null;
    const visitorId = await tx(this.ctx, (trx) => visitorFor(trx, widget.id, token, fresh, at));
    const conv = await this.currentConversation(this.ctx.store.db, visitorId);
    const session: VisitorSession = { widget, visitorId, externalId, conversationId: conv?.id ?? null };
    return {
      session,
      token: fresh,
      info: await this.info(widget, externalId !== null),
      conversation: conv ? await this.statusOf(this.ctx.store.db, conv) : null,
    };
  }

  /** Within hours, and someone of the team at work (presence; else any live session of the team). */
  async info(widget: WidgetRow, identified: boolean): Promise<WidgetInfo> {
    const now = this.ctx.clock.now();
    const open = widget.calendar_id ? await this.isOpen(widget.calendar_id, now) : true;
    const available = this.teamAvailable
      ? await this.teamAvailable(widget.team_id)
      : Boolean(
          await this.ctx.store.db
            .selectFrom('sessions as s')
            .innerJoin('users as u', 'u.id', 's.user_id')
            .select('s.id')
            .where('u.team_id', '=', widget.team_id)
            .where('s.expires_at', '>', now.toISOString())
            .limit(1)
            .executeTakeFirst(),
        );
    const files = { maxBytes: CHAT_FILE_LIMITS.fileBytes, extensions: CHAT_FILE_EXTENSIONS };
    return { name: widget.name, open, available, identified, maxText: CHAT_TEXT_MAX, files };
  }

  private async currentConversation(trx: Executor, visitorId: string): Promise<ConversationRow | null> {
    const c = await trx
      .selectFrom('chat_conversations')
      .selectAll()
      .where('visitor_id', '=', visitorId)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!c) return null;
    if (
      c.status === 'ended' &&
      Date.parse(c.ended_at ?? c.updated_at) < this.ctx.clock.now().getTime() - ENDED_SHOWN_MS
    )
      return null;
    return c;
  }

  async statusOf(trx: Executor, conv: ConversationRow): Promise<ChatStatusInfo> {
    const c = await trx
      .selectFrom('cases')
      .select('reference')
      .where('id', '=', conv.case_id)
      .executeTakeFirstOrThrow();
    const officer = conv.officer_id
      ? await trx
          .selectFrom('users')
          .select('display_name')
          .where('id', '=', conv.officer_id)
          .executeTakeFirst()
      : undefined;
    return queueInfo(trx, conv, c.reference, officer?.display_name ?? null);
  }

  async status(s: VisitorSession): Promise<ChatStatusInfo | null> {
    if (!s.conversationId) return null;
    // Every open widget asks this with its 15 s heartbeat: the conversation, its case's reference
    // and its officer's name in one statement (statusOf's three).
    const { reference, officer_name, ...conv } = await this.ctx.store.db
      .selectFrom('chat_conversations as v')
      .innerJoin('cases as c', 'c.id', 'v.case_id')
      .leftJoin('users as u', 'u.id', 'v.officer_id')
      .selectAll('v')
      .select(['c.reference', 'u.display_name as officer_name'])
      .where('v.id', '=', s.conversationId)
      .executeTakeFirstOrThrow();
    return queueInfo(this.ctx.store.db, conv, reference, officer_name ?? null);
  }

  /** The pre-chat form cleaned to text (chat-intake.ts). */
  preChat(input: PreChat) {
    return cleanPreChat(input);
  }

  /**
   * The pre-chat form: a case in the widget's team queue (as an e-mail to a mailbox of that team
   * would open), the question as its first message, `chat.started` for routing. Sent twice (a
   * reconnect before the answer), it is the same chat: a visitor has one open chat at a time.
   */
  async start(s: VisitorSession, input: PreChat): Promise<{ conversation: ChatStatusInfo; seq: number }> {
    const p = this.preChat(input);
    const { conv, info, seq } = await tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      // The visitor row serialises two tabs starting at once.
      await trx.updateTable('chat_visitors').set({ seen_at: at }).where('id', '=', s.visitorId).execute();
      const open = await trx
        .selectFrom('chat_conversations')
        .select('id')
        .where('visitor_id', '=', s.visitorId)
        .where('status', '!=', 'ended')
        .executeTakeFirst();
      if (open) {
        const conv = await lockConversation(this.ctx, trx, open.id);
        const line = await this.addVisitorLine(trx, conv, input.clientId, p.question, at);
        return { conv, seq: line.seq, info: await this.statusOf(trx, conv) };
      }
      const { conv, seq } = await newConversation(this.opening, trx, s, p, input.clientId, at);
      return { conv, seq, info: await this.statusOf(trx, conv) };
    });
    s.conversationId = conv.id;
    return { conversation: info, seq };
  }

  /** A visitor's line and what it sets off (a file's message too: chat-files.service.ts). */
  async addVisitorLine(trx: Executor, conv: ConversationRow, clientId: string, text: string, at: string) {
    const line = await appendLine(trx, conv, {
      side: 'visitor',
      clientId,
      text,
      authorId: null,
      fromName: conv.visitor_name,
      fromAddress: conv.visitor_email,
      contactId: conv.contact_id,
      at,
    });
    if (line.duplicate) return line;
    await this.cases.touch(trx, conv.case_id, at);
    await emitMany(trx, at, [
      { name: 'chat.message_added', payload: { id: conv.id, version: line.seq } },
      {
        name: 'case.message_received',
        payload: {
          id: conv.case_id,
          messageId: line.messageId,
          ...(conv.officer_id ? { userIds: [conv.officer_id] } : {}),
        },
      },
    ]);
    await this.events.publish(trx, 'case.message_added', {
      caseId: conv.case_id,
      messageId: line.messageId,
      direction: 'inbound',
      channel: 'chat',
    });
    return line;
  }

  /** A visitor's message: its seq, the same one however often it is sent. */
  async send(s: VisitorSession, clientId: string, raw: string): Promise<{ seq: number; duplicate: boolean }> {
    if (!s.conversationId) throw new ChatInputError('chat.not_found');
    const text = cleanChatText(raw);
    if (!text) throw new ChatInputError('request.invalid', 'text');
    const convId = s.conversationId;
    return tx(this.ctx, async (trx) => {
      const conv = await lockConversation(this.ctx, trx, convId);
      // A message sent again is found by appendLine (under the lock); only an ended chat, which
      // takes no new line, looks for it here.
      if (conv.status === 'ended') {
        const known = await trx
          .selectFrom('chat_entries')
          .select('seq')
          .where('conversation_id', '=', conv.id)
          .where('client_id', '=', clientId)
          .executeTakeFirst();
        if (known) return { seq: known.seq, duplicate: true };
        throw new ChatInputError('chat.ended');
      }
      const line = await this.addVisitorLine(trx, conv, clientId, text, nowIso(this.ctx));
      return { seq: line.seq, duplicate: line.duplicate };
    });
  }

  async sync(s: VisitorSession, after: number): Promise<{ items: ChatLine[]; more: boolean }> {
    if (!s.conversationId) return { items: [], more: false };
    return linesAfter(this.ctx.store.db, s.conversationId, Math.max(0, Math.floor(after)));
  }

  /**
   * The visitor has read up to `seq` (read receipts for the officer). Only the officer's side has
   * receipts to show: a mark that passes none of its lines — the widget marks each of its own
   * messages read as it comes back — writes nothing and tells no one (it was a transaction and an
   * invalidation to the whole team for every message a visitor sent). The receipt goes to the
   * case's room, where the chat box shows it; no one's list changes with it. True when it wrote
   * (the socket pokes the dispatcher only then).
   */
  async read(s: VisitorSession, seq: number): Promise<boolean> {
    const convId = s.conversationId;
    if (!convId) return false;
    // Outside the transaction: every line up to `seq` has committed (the widget has it).
    const news = await this.ctx.store.db
      .selectFrom('chat_entries as e')
      .innerJoin('chat_conversations as c', 'c.id', 'e.conversation_id')
      .select('e.seq')
      .where('e.conversation_id', '=', convId)
      .where('e.side', '!=', 'visitor')
      .whereRef('e.seq', '>', 'c.visitor_read_seq')
      .where('e.seq', '<=', Math.floor(seq))
      .limit(1)
      .executeTakeFirst();
    if (!news) return false;
    return tx(this.ctx, async (trx) => {
      const conv = await lockConversation(this.ctx, trx, convId);
      const upTo = Math.min(Math.floor(seq), conv.last_seq);
      if (upTo <= conv.visitor_read_seq) return false;
      const at = nowIso(this.ctx);
      await trx
        .updateTable('chat_conversations')
        .set({ visitor_read_seq: upTo })
        .where('id', '=', conv.id)
        .execute();
      await emit(trx, at, 'case.chat_read', { id: conv.case_id, version: upTo, teamIds: [] });
      return true;
    });
  }

  typing(s: VisitorSession, caseId: string, typing: boolean): void {
    void s;
    this.ephemeral([
      { type: 'case.chat_typing', id: caseId, room: caseRoom(caseId), version: typing ? 1 : 0 },
    ]);
  }

  /** The case a session's conversation belongs to (typing needs it without a transaction). */
  async caseOf(conversationId: string): Promise<string | null> {
    const r = await this.ctx.store.db
      .selectFrom('chat_conversations')
      .select('case_id')
      .where('id', '=', conversationId)
      .executeTakeFirst();
    return r?.case_id ?? null;
  }

  /** The visitor closes the chat. */
  async end(s: VisitorSession): Promise<void> {
    const convId = s.conversationId;
    if (!convId) return;
    await tx(this.ctx, (trx) => this.endIn(trx, convId, null));
  }

  /** End a chat (by its visitor, `by` null, or an officer): once; the case stays as it is. */
  async endIn(trx: Executor, convId: string, by: Actor | null): Promise<ConversationRow> {
    const conv = await lockConversation(this.ctx, trx, convId);
    if (conv.status === 'ended') return conv;
    const at = nowIso(this.ctx);
    await trx
      .updateTable('chat_conversations')
      .set({ status: 'ended', ended_at: at, updated_at: at })
      .where('id', '=', conv.id)
      .execute();
    // The officer's contact in progress ends with the chat (presence: after-contact work).
    if (conv.contact_id) await this.contacts.written.end(trx, conv.contact_id, by ?? SYSTEM_ACTOR, at);
    await this.cases.event(trx, conv.case_id, at, by ?? SYSTEM_ACTOR, 'chat.ended', {
      conversationId: conv.id,
      by: by ? 'officer' : 'customer',
    });
    await emit(trx, at, 'chat.changed', { id: conv.id });
    await emit(trx, at, 'case.chat_changed', {
      id: conv.case_id,
      // Routing frees the chat's room, after this commits (app.ts): see RoutingService.onChatEnded.
      ended: true,
      ...(conv.officer_id ? { userIds: [conv.officer_id] } : {}),
    });
    return { ...conv, status: 'ended', ended_at: at, updated_at: at };
  }
}

export type { ConversationRow };
export { ChatInputError, type PreChat };
