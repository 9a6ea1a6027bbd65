import type { Selectable } from 'kysely';
import { type Actor, SYSTEM_ACTOR } from '../../../platform/audit.ts';
import { type Ctx, nowIso } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/index.ts';
import type { CasesTable } from '../../../platform/db/schema.ts';
import { emit } from '../../../platform/outbox.ts';
import type { CasesService } from '../../cases/cases.service.ts';
import type { ContactsService } from '../../contacts/contacts.service.ts';
import type { ChatService } from './chat.service.ts';
import { siteLinkOf } from './chat-site-link.ts';
import { type ConversationRow, lockConversation } from './chat-store.ts';

const DONE = new Set(['resolved', 'closed']);

/**
 * Who has a chat (issue 14): an officer takes a waiting chat by accepting its offer (or being
 * assigned its case, or pulling it) or by answering it first, whichever comes first. From then the
 * chat is with them — the widget says so at once, not at the first reply — and the chat's contact is
 * theirs, in progress (contacts' written-contacts.ts), until the chat ends. A case resolved or
 * closed with its chat open ends the chat.
 */
export class ChatTakes {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly contacts: ContactsService;
  private readonly chat: ChatService;
  constructor(ctx: Ctx, deps: { cases: CasesService; contacts: ContactsService; chat: ChatService }) {
    this.ctx = ctx;
    this.cases = deps.cases;
    this.contacts = deps.contacts;
    this.chat = deps.chat;
  }

  /** A waiting chat (locked by the caller) becomes the officer's, and so does its contact. */
  async takeIn(
    trx: Executor,
    conv: ConversationRow,
    officerId: string,
    by: Actor,
    at: string,
  ): Promise<void> {
    const contactId = conv.contact_id
      ? await this.contacts.written.take(trx, conv.contact_id, officerId, by, at)
      : null;
    // After a transfer the next officer has a new contact. A confirmed site sign-in is the visitor's
    // and stands on it too; what the officer before verified by questions was their judgment, and
    // stays on their contact (verification unmasks only for the contact's handler).
    if (contactId && contactId !== conv.contact_id && conv.external_id) {
      const link = await siteLinkOf(trx, conv.widget_id, conv.external_id);
      if (link) await this.contacts.recordSiteSignIn(trx, contactId, link, at);
    }
    await trx
      .updateTable('chat_conversations')
      .set({
        status: 'active',
        officer_id: officerId,
        // A transferred chat is taken again: its first answer stays the one its wait is measured by.
        answered_at: conv.answered_at ?? at,
        contact_id: contactId ?? conv.contact_id,
        updated_at: at,
      })
      .where('id', '=', conv.id)
      .execute();
    await this.cases.event(trx, conv.case_id, at, by, 'chat.answered', {
      conversationId: conv.id,
      officerId,
    });
    // Answered first, before any offer was accepted: the case becomes theirs too, so routing stops
    // offering a chat someone is already in (an item handed over by hand leaves routing). Taken by
    // an assignment, the case is theirs already and nothing changes here.
    const c = await this.cases.row(trx, conv.case_id);
    if (!c.assignee_id) await this.cases.updateIn(trx, by, conv.case_id, { assigneeId: officerId });
    await emit(trx, at, 'chat.changed', { id: conv.id });
    await emit(trx, at, 'case.chat_changed', { id: conv.case_id, userIds: [officerId] });
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

  /**
   * `case.changed`: assigned while its chat waits, the chat is taken; resolved or closed, it ends —
   * in the name of whoever changed the case (the officer accepting its offer, pulling it, or closing it).
   */
  async onCaseChanged(
    trx: Executor,
    before: Selectable<CasesTable> | null,
    after: Selectable<CasesTable>,
    actor: Actor = SYSTEM_ACTOR,
  ): Promise<void> {
    if (!before) return;
    const ending =
      (DONE.has(after.status) || after.merged_into_id !== null) &&
      !(DONE.has(before.status) || before.merged_into_id !== null);
    const assigned = after.assignee_id !== null && after.assignee_id !== before.assignee_id;
    if (!ending && !assigned) return;
    const found = await this.open(trx, after.id);
    if (!found) return;
    if (ending) {
      await this.chat.endIn(trx, found.id, actor);
      return;
    }
    const conv = await lockConversation(this.ctx, trx, found.id);
    if (conv.status === 'waiting' && after.assignee_id)
      await this.takeIn(trx, conv, after.assignee_id, actor, nowIso(this.ctx));
  }

  /**
   * `contact.ending`: the officer ends a chat's contact on the contact screen — the chat ends with
   * it, by them, and its end ends the contact (so the customer is not left "chatting with" someone
   * in after-contact work). The case row first, then the conversation: the lock order.
   */
  async onContactEnding(trx: Executor, contactId: string, channel: string, actor: Actor): Promise<void> {
    if (channel !== 'chat') return;
    const found = await trx
      .selectFrom('chat_conversations')
      .select(['id', 'case_id'])
      .where('contact_id', '=', contactId)
      .where('status', '!=', 'ended')
      .executeTakeFirst();
    if (!found) return;
    // The case first (CasesService.lock says why not FOR UPDATE: the visitor may be ending the chat).
    await this.cases.lock(trx, found.case_id);
    // Still this contact's once locked: a transfer meanwhile gave the chat to someone else's contact.
    const conv = await lockConversation(this.ctx, trx, found.id);
    if (conv.contact_id === contactId && conv.status !== 'ended') await this.chat.endIn(trx, conv.id, actor);
  }
}
