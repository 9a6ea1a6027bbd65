import { audit, SYSTEM_ACTOR } from '../../../platform/audit.ts';
import type { Ctx } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/index.ts';
import type { DomainEventBus } from '../../../platform/events.ts';
import { newId } from '../../../platform/ids.ts';
import { emit } from '../../../platform/outbox.ts';
import type { CasesService } from '../../cases/cases.service.ts';
import type { ContactsService } from '../../contacts/contacts.service.ts';
import type { CustomersService } from '../../customers/customers.service.ts';
import type { VisitorSession } from './chat.service.ts';
import { askForLanguage, identifyVisitor } from './chat-intake.ts';
import { siteLinkOf } from './chat-site-link.ts';
import { appendLine, type ConversationRow } from './chat-store.ts';

/** What opening a chat or a left message needs of the other modules. */
export interface ChatOpenDeps {
  ctx: Ctx;
  cases: CasesService;
  customers: CustomersService;
  contacts: ContactsService;
  events: DomainEventBus;
}

/**
 * A visitor's question opens a case in the widget's team queue (as an e-mail to a mailbox of that
 * team would): the visitor's customer record (chat-intake.ts), the contact, and the case, its
 * subject the question's first line after `prefix` — a chat's, or a message left for e-mail.
 */
export async function openCase(
  d: ChatOpenDeps,
  trx: Executor,
  s: VisitorSession,
  p: { name: string; email: string; question: string; language: string | null },
  at: string,
  how: { prefix: string; channel: 'chat' | 'email' },
) {
  const { widget, externalId } = s;
  const customerId = await identifyVisitor(d.ctx, d.customers, trx, {
    widgetId: widget.id,
    externalId,
    name: p.name,
    email: p.email,
    language: p.language,
  });
  const contactId = await d.contacts.logInbound(trx, {
    channel: how.channel,
    customerId,
    fromAddress: p.email,
    caseId: null,
    at,
  });
  const firstLine = p.question.split('\n')[0]!;
  const subject = `${how.prefix}${firstLine.length > 120 ? `${firstLine.slice(0, 117)}…` : firstLine}`;
  const created = await d.cases.createIn(trx, SYSTEM_ACTOR, {
    contactId,
    type: 'general_enquiry',
    subject,
    description: p.question,
    teamId: widget.team_id,
    assigneeId: null,
  });
  return { customerId, contactId, created, subject };
}

/**
 * A visitor's first question, with no open chat: the case (openCase), the conversation waiting in
 * the widget's team, the question as its first line, and `chat.started` for routing — inside the
 * caller's transaction, which holds the visitor row (two tabs starting at once are one chat).
 */
export async function newConversation(
  d: ChatOpenDeps,
  trx: Executor,
  s: VisitorSession,
  p: { name: string; email: string; question: string; language: string | null },
  clientId: string,
  at: string,
): Promise<{ conv: ConversationRow; seq: number }> {
  const { customerId, contactId, created } = await openCase(d, trx, s, p, at, {
    prefix: 'Chat: ',
    channel: 'chat',
  });
  // Only a valid HMAC sets externalId; a forged or absent one records nothing, and so does a link
  // no officer has confirmed (the gate checks that the link is confirmed and names this customer).
  const link = s.externalId ? await siteLinkOf(trx, s.widget.id, s.externalId) : null;
  if (link) await d.contacts.recordSiteSignIn(trx, contactId, link, at);
  const conv: ConversationRow = {
    id: newId(),
    widget_id: s.widget.id,
    visitor_id: s.visitorId,
    team_id: s.widget.team_id,
    case_id: created.id,
    customer_id: customerId,
    contact_id: contactId,
    status: 'waiting',
    visitor_name: p.name,
    visitor_email: p.email,
    language: p.language,
    external_id: s.externalId,
    officer_id: null,
    last_seq: 0,
    visitor_read_seq: 0,
    officer_read_seq: 0,
    officer_unread: 0,
    started_at: at,
    answered_at: null,
    ended_at: null,
    updated_at: at,
  };
  await trx.insertInto('chat_conversations').values(conv).execute();
  const line = await appendLine(trx, conv, {
    side: 'visitor',
    clientId: clientId,
    text: p.question,
    authorId: null,
    fromName: p.name,
    fromAddress: p.email,
    contactId,
    at,
    // Filed at the case's own instant: the desktop shows the enquiry once (as for e-mail).
    messageAt: created.createdAt,
  });
  await d.cases.event(trx, created.id, at, SYSTEM_ACTOR, 'chat.started', {
    conversationId: conv.id,
    widget: s.widget.name,
    language: p.language,
    identifiedBySite: s.externalId !== null,
  });
  await audit(trx, {
    at,
    actor: SYSTEM_ACTOR,
    entityType: 'case',
    entityId: created.id,
    action: 'chat.started',
    after: { conversationId: conv.id, customerId, contactId, identifiedBySite: s.externalId !== null },
  });
  await emit(trx, at, 'chat.started', { id: conv.id, caseId: created.id, teamIds: [conv.team_id] });
  await emit(trx, at, 'case.message_received', { id: created.id, messageId: line.messageId });
  await d.events.publish(trx, 'chat.started', {
    conversationId: conv.id,
    caseId: created.id,
    teamId: conv.team_id,
    language: p.language,
  });
  await askForLanguage(d.events, trx, created.id, p.language, 'chat');
  await d.events.publish(trx, 'case.message_added', {
    caseId: created.id,
    messageId: line.messageId,
    direction: 'inbound',
  });
  return { conv, seq: line.seq };
}
