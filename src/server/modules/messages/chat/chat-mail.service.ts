import type { ChatLine } from '../../../../shared/contracts/chat-protocol.ts';
import { audit, SYSTEM_ACTOR } from '../../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../../platform/context.ts';
import type { DomainEventBus } from '../../../platform/events.ts';
import { newId } from '../../../platform/ids.ts';
import { emit } from '../../../platform/outbox.ts';
import type { CasesService } from '../../cases/cases.service.ts';
import type { OutboundService } from '../outbound.service.ts';
import { ChatInputError, type ChatService, type PreChat, type VisitorSession } from './chat.service.ts';
import { askForLanguage } from './chat-intake.ts';
import { linesAfter, lockConversation } from './chat-store.ts';

/**
 * What web chat sends by e-mail (issue 14): a message left when nobody can chat becomes an e-mail
 * case, and a chat's transcript goes to the visitor through the outbound e-mail path.
 */
export class ChatMailService {
  private readonly ctx: Ctx;
  private readonly chat: ChatService;
  private readonly cases: CasesService;
  private readonly events: DomainEventBus;
  private readonly outbound: OutboundService;

  constructor(
    ctx: Ctx,
    deps: {
      chat: ChatService;
      cases: CasesService;
      events: DomainEventBus;
      outbound: OutboundService;
    },
  ) {
    this.ctx = ctx;
    this.chat = deps.chat;
    this.cases = deps.cases;
    this.events = deps.events;
    this.outbound = deps.outbound;
  }

  /**
   * Outside hours or with nobody there: the visitor leaves a message, which becomes an e-mail case
   * in the widget's team queue — answered by e-mail to the address given (the composer's default
   * for a case that came by e-mail). The same message sent twice is one case.
   */
  async leave(s: VisitorSession, input: PreChat): Promise<{ reference: string }> {
    const p = this.chat.preChat(input);
    const key = `chat-left:${s.visitorId}:${input.clientId}`;
    return tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      await trx.updateTable('chat_visitors').set({ seen_at: at }).where('id', '=', s.visitorId).execute();
      const seen = await trx
        .selectFrom('messages as m')
        .innerJoin('cases as c', 'c.id', 'm.case_id')
        .select('c.reference')
        .where('m.channel', '=', 'email')
        .where('m.source_key', '=', key)
        .executeTakeFirst();
      if (seen) return { reference: seen.reference };
      const { customerId, contactId, created, subject } = await this.chat.openCase(trx, s, p, at, {
        prefix: '',
        channel: 'email',
      });
      const messageId = newId();
      await trx
        .insertInto('messages')
        .values({
          id: messageId,
          case_id: created.id,
          contact_id: contactId,
          channel: 'email',
          direction: 'inbound',
          kind: 'message',
          endpoint_id: null,
          raw_id: null,
          source_key: key,
          in_reply_to: null,
          refs: '[]',
          from_address: p.email,
          from_name: p.name,
          to_addresses: '[]',
          cc_addresses: '[]',
          subject,
          body_text: p.question,
          body_html: null,
          remote_images: false,
          author_id: null,
          state: 'received',
          state_reason: null,
          attempts: 0,
          next_attempt_at: null,
          lease_until: null,
          created_at: created.createdAt,
          sent_at: at,
          updated_at: at,
        })
        .execute();
      await this.cases.event(trx, created.id, at, SYSTEM_ACTOR, 'chat.message_left', {
        widget: s.widget.name,
        from: p.email,
        language: p.language,
      });
      await audit(trx, {
        at,
        actor: SYSTEM_ACTOR,
        entityType: 'case',
        entityId: created.id,
        action: 'chat.message_left',
        after: { messageId, customerId, contactId },
      });
      await emit(trx, at, 'case.message_received', { id: created.id, messageId });
      await askForLanguage(this.events, trx, created.id, p.language, 'email');
      await this.events.publish(trx, 'case.message_added', {
        caseId: created.id,
        messageId,
        direction: 'inbound',
      });
      return { reference: created.reference };
    });
  }

  /** The chat's lines by e-mail to the address the visitor gave, through the outbound e-mail path. */
  async transcript(s: VisitorSession): Promise<void> {
    const convId = s.conversationId;
    if (!convId) throw new ChatInputError('chat.not_found');
    await tx(this.ctx, async (trx) => {
      const conv = await lockConversation(this.ctx, trx, convId);
      const lines: ChatLine[] = [];
      for (let after = 0; ; ) {
        const page = await linesAfter(trx, conv.id, after);
        lines.push(...page.items);
        if (!page.more || !page.items.length) break;
        after = page.items.at(-1)!.seq;
      }
      const c = await this.cases.row(trx, conv.case_id);
      const body = [
        `The transcript of your chat (${c.reference}), as you asked.`,
        '',
        ...lines.map(
          (l) =>
            `[${l.at.slice(0, 16).replace('T', ' ')} UTC] ${l.side === 'visitor' ? conv.visitor_name : (l.author ?? 'Frontline')}: ${[l.text, ...l.attachments.map((a) => `[file: ${a.filename}]`)].filter(Boolean).join(' ')}`,
        ),
      ].join('\n');
      await this.outbound.queueIn(trx, SYSTEM_ACTOR, c, { kind: 'transcript', body, cc: [] });
    });
  }
}
