import type { Actor } from '../../../platform/audit.ts';
import { type Ctx, nowIso } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/index.ts';
import { emit } from '../../../platform/outbox.ts';
import type { ContactsService } from '../../contacts/contacts.service.ts';
import { appendLine, type ConversationRow, lockConversation } from './chat-store.ts';

/**
 * The chat's side of a transfer (issue 14, point 4), called by routing's transfer through a narrow
 * port so that routing never writes chat tables. The customer is told in a neutral line and the chat
 * waits for its next officer, who takes it as a new chat is taken (chat-take.ts).
 */
export class ChatTransfers {
  private readonly ctx: Ctx;
  private readonly contacts: ContactsService | undefined;
  /** With contacts, the passing officer's contact ends at the transfer (the next one gets a new one). */
  constructor(ctx: Ctx, deps: { contacts?: ContactsService } = {}) {
    this.ctx = ctx;
    this.contacts = deps.contacts;
  }

  private async open(trx: Executor, caseId: string): Promise<ConversationRow | undefined> {
    return trx
      .selectFrom('chat_conversations')
      .selectAll()
      .where('case_id', '=', caseId)
      .where('status', '!=', 'ended')
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  /** The case's open chat, if any, and who answers it. */
  async live(trx: Executor, caseId: string): Promise<{ officerId: string | null } | null> {
    const c = await this.open(trx, caseId);
    return c ? { officerId: c.officer_id } : null;
  }

  /** The cases whose chats the officer is answering now (an officer gone offline hands them back). */
  async handledBy(trx: Executor, officerId: string): Promise<string[]> {
    const rows = await trx
      .selectFrom('chat_conversations')
      .select('case_id')
      .where('officer_id', '=', officerId)
      .where('status', '=', 'active')
      .orderBy('case_id')
      .execute();
    return rows.map((r) => r.case_id);
  }

  /**
   * A system line to the customer (its client id is the transfer's, so it is written once), and the
   * chat back to waiting without an officer, in the team it now queues in. What was said stays.
   */
  async transferred(
    trx: Executor,
    caseId: string,
    m: { key: string; text: string; teamId: string | null; by: Actor },
  ): Promise<void> {
    const found = await this.open(trx, caseId);
    if (!found) return;
    const conv = await lockConversation(this.ctx, trx, found.id);
    const at = nowIso(this.ctx);
    const line = await appendLine(trx, conv, {
      side: 'system',
      clientId: m.key,
      text: m.text,
      authorId: null,
      fromName: null,
      fromAddress: null,
      contactId: null,
      at,
    });
    if (line.duplicate) return;
    await trx
      .updateTable('chat_conversations')
      .set({ status: 'waiting', officer_id: null, team_id: m.teamId ?? conv.team_id, updated_at: at })
      .where('id', '=', conv.id)
      .execute();
    if (conv.contact_id && this.contacts) await this.contacts.written.end(trx, conv.contact_id, m.by, at);
    await emit(trx, at, 'chat.message_added', { id: conv.id, version: line.seq });
    await emit(trx, at, 'chat.changed', { id: conv.id });
    await emit(trx, at, 'case.message_sent', { id: caseId, messageId: line.messageId });
    await emit(trx, at, 'case.chat_changed', {
      id: caseId,
      ...(conv.officer_id ? { userIds: [conv.officer_id] } : {}),
    });
  }
}
