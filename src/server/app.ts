import fs from 'node:fs';
import path from 'node:path';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyServerOptions } from 'fastify';
import { Type } from 'typebox';
import { ProblemSchema } from '../shared/contracts/common.ts';
import { can } from '../shared/permissions.ts';
import { emailAdapter } from './channels/email/adapter.ts';
import { ImapFetchers } from './channels/email/imap-fetcher.ts';
import { ParsePool } from './channels/email/parse-pool.ts';
import { smsAdapter } from './channels/sms/adapter.ts';
import { auditRoutes } from './modules/audit/audit.routes.ts';
import { AuditService } from './modules/audit/audit.service.ts';
import { CaseDrafts } from './modules/cases/case-drafts.ts';
import { CaseSearch } from './modules/cases/case-search.ts';
import { CaseViews } from './modules/cases/case-views.ts';
import { casesRoutes } from './modules/cases/cases.routes.ts';
import { CasesService } from './modules/cases/cases.service.ts';
import { CategoriesService } from './modules/cases/categories.service.ts';
import { contactsRoutes } from './modules/contacts/contacts.routes.ts';
import { ContactsService } from './modules/contacts/contacts.service.ts';
import { ContactVerifications } from './modules/contacts/verification-gate.ts';
import { customersRoutes } from './modules/customers/customers.routes.ts';
import { CustomersService } from './modules/customers/customers.service.ts';
import { CommitmentsService } from './modules/followups/commitments.service.ts';
import { followupsRoutes } from './modules/followups/followups.routes.ts';
import { ProgressService } from './modules/followups/progress.service.ts';
import { helpPages } from './modules/knowledge/help.ts';
import { knowledgeRoutes } from './modules/knowledge/knowledge.routes.ts';
import { KnowledgeService } from './modules/knowledge/knowledge.service.ts';
import { KnowledgeTransfer } from './modules/knowledge/transfer.ts';
import type { ChannelOutbox } from './modules/messages/channel-outbox.ts';
import { chatRoutes } from './modules/messages/chat/chat.routes.ts';
import { ChatService } from './modules/messages/chat/chat.service.ts';
import { ChatFilesService } from './modules/messages/chat/chat-files.service.ts';
import { ChatMailService } from './modules/messages/chat/chat-mail.service.ts';
import { ChatOfficerService } from './modules/messages/chat/chat-officer.service.ts';
import { chatPages } from './modules/messages/chat/chat-pages.ts';
import { ChatSiteLinks } from './modules/messages/chat/chat-site-link.ts';
import { ChatSocket } from './modules/messages/chat/chat-socket.ts';
import { ChatTakes } from './modules/messages/chat/chat-take.ts';
import { ChatTransfers } from './modules/messages/chat/chat-transfer.ts';
import { ChatWidgetsService } from './modules/messages/chat/widgets.service.ts';
import { InboundService } from './modules/messages/inbound.service.ts';
import { MailboxesService } from './modules/messages/mailboxes.service.ts';
import { messagesRoutes } from './modules/messages/messages.routes.ts';
import { MessagesService } from './modules/messages/messages.service.ts';
import { OutboundService } from './modules/messages/outbound.service.ts';
import { MessageUploadsService } from './modules/messages/uploads.service.ts';
import { Mailer } from './modules/notifications/mailer.ts';
import { notificationsRoutes } from './modules/notifications/notifications.routes.ts';
import { NotificationsService } from './modules/notifications/notifications.service.ts';
import { Stream } from './modules/notifications/stream.ts';
import { AuthService } from './modules/people/auth.service.ts';
import { peopleRoutes } from './modules/people/people.routes.ts';
import { PeopleService } from './modules/people/people.service.ts';
import { PresenceConnections } from './modules/presence/connections.ts';
import { presenceRoutes } from './modules/presence/presence.routes.ts';
import { PresenceService } from './modules/presence/presence.service.ts';
import { PresenceReasons } from './modules/presence/reasons.service.ts';
import { PresenceAgentStates } from './modules/routing/agent-states.ts';
import { routingRoutes } from './modules/routing/routing.routes.ts';
import { RoutingService } from './modules/routing/routing.service.ts';
import { RoutingAdmin } from './modules/routing/routing-admin.service.ts';
import { RoutingPull } from './modules/routing/routing-pull.ts';
import { routingTransferRoutes } from './modules/routing/routing-transfer.routes.ts';
import { RoutingTransfers } from './modules/routing/routing-transfer.ts';
import { MergeData } from './modules/scripts/merge-data.ts';
import { scriptsRoutes } from './modules/scripts/scripts.routes.ts';
import { ScriptsService } from './modules/scripts/scripts.service.ts';
import { TemplatesService } from './modules/scripts/templates.service.ts';
import { searchRoutes } from './modules/search/search.routes.ts';
import { SearchService } from './modules/search/search.service.ts';
import { businessMsBetween } from './modules/sla/business-time.ts';
import { CalendarsService, toBusinessCalendar } from './modules/sla/calendars.service.ts';
import { EscalationsService, watchingRules } from './modules/sla/escalations.service.ts';
import { PoliciesService } from './modules/sla/policies.service.ts';
import { slaRoutes } from './modules/sla/sla.routes.ts';
import { SlaService } from './modules/sla/sla.service.ts';
import { smsRoutes } from './modules/sms/sms.routes.ts';
import { SmsService } from './modules/sms/sms.service.ts';
import { SmsEndpointsService } from './modules/sms/sms-endpoints.service.ts';
import { SmsReplies } from './modules/sms/sms-replies.service.ts';
import { createSmsSender } from './modules/sms/sms-sender.ts';
import { DisseminationsService } from './modules/solutions/disseminations.service.ts';
import { PolicyFlagsService } from './modules/solutions/policy-flags.service.ts';
import { solutionsRoutes } from './modules/solutions/solutions.routes.ts';
import { SolutionsService } from './modules/solutions/solutions.service.ts';
import { webhooksRoutes } from './modules/webhooks/webhooks.routes.ts';
import { WebhookSender } from './modules/webhooks/webhooks.sender.ts';
import { WebhooksService } from './modules/webhooks/webhooks.service.ts';
import { workspaceRoutes } from './modules/workspace/workspace.routes.ts';
import { WorkspaceService } from './modules/workspace/workspace.service.ts';
import { type Actor, SYSTEM_ACTOR } from './platform/audit.ts';
import type { Ctx } from './platform/context.ts';
import { parseJson } from './platform/db/schema.ts';
import { AppError } from './platform/errors.ts';
import { DomainEventBus } from './platform/events.ts';
import {
  clientErrorHandler,
  frameworkErrors,
  installClosingGuard,
  installErrorHandling,
  installInputHygiene,
  installSecurityHeaders,
  installValidators,
  loggerOptions,
} from './platform/http.ts';
import { installIdempotency } from './platform/idempotency.ts';
import { repeat } from './platform/loop.ts';
import { type Bus, LocalBus, PgBus } from './platform/realtime/bus.ts';
import { Dispatcher } from './platform/realtime/dispatcher.ts';
import { type Invalidation, RealtimeHub } from './platform/realtime/hub.ts';
import { Secrets } from './platform/secrets.ts';
import { Timers } from './platform/timers.ts';
import type { App, RouteAccess } from './platform/types.ts';

export const API_PREFIX = '/api/v1';
const WEB_DIR = path.resolve(import.meta.dirname, '../../dist/web');
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export type Services = ReturnType<typeof buildServices>;

/** Services wired by hand: each gets the context and the services it calls (no container). */
export function buildServices(ctx: Ctx) {
  const people = new PeopleService(ctx);
  const auth = new AuthService(ctx);
  // Reactions subscribe to domain events (below) instead of the publisher calling them back, so
  // each service is built once, after the services it calls.
  const events = new DomainEventBus();
  const notifications = new NotificationsService(ctx);
  // Contacts depend on customers; customers unmask through the verification gate, a port of theirs.
  const verifications = new ContactVerifications(ctx);
  const customers = new CustomersService(
    ctx,
    (contactId, customerId, actor, trx) => verifications.isVerified(contactId, customerId, actor, trx),
    events,
  );
  const contacts = new ContactsService(ctx, { customers, verifications, notifications, people, events });
  const categories = new CategoriesService(ctx);
  const calendars = new CalendarsService(ctx);
  const policies = new PoliciesService(ctx);
  const timers = new Timers(ctx);
  // Presence (issue 14): on a contact while one is open, after-contact work when the last one ends.
  const presence = new PresenceService(ctx, {
    timers,
    reasons: new PresenceReasons(ctx),
    graceMs: ctx.config.presenceGraceSeconds * 1000,
  });
  events.on('contact.started', (trx, e) => presence.onContactStarted(trx, e.officerId));
  events.on('contact.ended', (trx, e) => presence.onContactEnded(trx, e.officerId));
  // cases → sla; escalations → cases, reacting to the clocks and to case changes through events.
  const sla = new SlaService(ctx, { calendars, policies, timers, rules: watchingRules, events });
  const cases = new CasesService(ctx, { contacts, people, sla, events });
  const escalations = new EscalationsService(ctx, { people, notifications, timers, cases });
  // Reactions run in the publisher's transaction, in the order subscribed here.
  events.on('case.changed', (trx, e) => escalations.onCaseChanged(trx, e.before, e.after));
  // Routing (issue 14, point 2): a case that came in on a channel waits in its team's queue and is
  // offered to one officer at a time. Presence's states are read through a narrow port (AgentStates).
  const routing = new RoutingService(ctx, {
    cases,
    timers,
    calendars,
    agents: new PresenceAgentStates(presence),
  });
  events.on('case.changed', (trx, e) => routing.onCaseChanged(trx, e.before, e.after, e.channel));
  events.on('routing.requested', async (trx, e) => {
    await routing.enqueue(trx, e);
  });
  const routingAdmin = new RoutingAdmin(ctx, { routing });
  const routingPull = new RoutingPull(ctx, { routing, cases });
  events.on('case.changed', async (trx, { before, after }) => {
    // What was said about a case that is now closed is withdrawn from the bells.
    if (after.status === 'closed' && before?.status !== 'closed')
      await notifications.withdrawForCase(trx, after.id);
  });
  // A case's search document is rewritten with its words, in the same transaction.
  // The e-mails of a case are words of its document too (issue 13); messages read only their own table.
  const messages = new MessagesService(ctx);
  const caseSearch = new CaseSearch(ctx, (trx, ids) => messages.searchTexts(trx, ids));
  events.on('case.changed', (trx, e) => caseSearch.onCaseChanged(trx, e.before, e.after));
  events.on('case.note_added', (trx, e) => caseSearch.reindex(trx, e.caseId));
  // A web chat line's words follow within seconds, a batch of cases at a time (the scheduler's
  // indexPending): rewritten in every line's transaction it was 4 of 13 statements, and grew with the chat.
  events.on('case.message_added', (trx, e) =>
    e.channel === 'chat' ? caseSearch.later(trx, e.caseId) : caseSearch.reindex(trx, e.caseId),
  );
  events.on('sla.breached', (trx, e) => escalations.breached(trx, e.clocks, e.at));
  events.on('sla.progress_due', (trx, e) => escalations.progressDue(trx, e.clocks, e.at));
  events.on('sla.rule_due', (trx, e) => escalations.ruleFired(trx, e.rules, e.at));
  const commitments = new CommitmentsService(ctx, { cases, notifications, people, timers, events });
  // A merged duplicate's follow-ups and words belong to the case kept.
  events.on('case.merged', (trx, e) => commitments.onCaseMerged(trx, e.fromId, e.intoId));
  events.on('case.merged', async (trx, e) => {
    await caseSearch.reindex(trx, e.intoId);
    await caseSearch.reindex(trx, e.fromId);
  });
  // A customer merge moves the loser's contacts, cases and follow-ups to the record kept.
  events.on('customer.merged', (trx, e) => contacts.onCustomerMerged(trx, e.loserId, e.winnerId));
  events.on('customer.merged', (trx, e) => cases.onCustomerMerged(trx, e.loserId, e.winnerId));
  events.on('customer.merged', (trx, e) => commitments.onCustomerMerged(trx, e.loserId, e.winnerId));
  const knowledge = new KnowledgeService(ctx, { timers, notifications });
  const kbTransfer = new KnowledgeTransfer(ctx, knowledge);
  const merge = new MergeData(ctx, { cases, customers, contacts, byEmail: (id) => messages.byEmail(id) });
  const progress = new ProgressService(ctx, { cases, escalations, sla, merge });
  const templates = new TemplatesService(ctx, { merge });
  const scripts = new ScriptsService(ctx, { merge });
  const disseminations = new DisseminationsService(ctx, { knowledge, notifications, timers });
  const solutions = new SolutionsService(ctx, { cases, knowledge, notifications, disseminations });
  const policyFlags = new PolicyFlagsService(ctx, { cases, notifications, timers });
  const mailer = new Mailer(ctx);
  // Messaging (issue 13): mailboxes and the inbound chain every channel feeds.
  const secrets = new Secrets(ctx.config);
  const mailboxes = new MailboxesService(ctx, { secrets });
  const caseDrafts = new CaseDrafts(ctx);
  const outbound = new OutboundService(ctx, {
    cases,
    caseDrafts,
    mailboxes,
    notifications,
    adapter: emailAdapter,
    events,
  });
  const messageUploads = new MessageUploadsService(ctx, { cases, mailboxes, outbound });
  // SMS (issue 14, point 5): numbers like mailboxes, the inbound chain's SMS steps, its own sender loop.
  const smsEndpoints = new SmsEndpointsService(ctx, { secrets });
  const sms = new SmsService(ctx, {
    cases,
    customers,
    contacts,
    endpoints: smsEndpoints,
    notifications,
    events,
  });
  const smsReplies = new SmsReplies(ctx, { cases, events });
  const smsSender = createSmsSender(ctx, {
    cases,
    endpoints: smsEndpoints,
    notifications,
    adapter: smsAdapter,
  });
  // A progress update sent by SMS is a text to the customer, queued with the update.
  events.on('case.progress_update_sent', async (trx, e) => {
    if (e.channel !== 'sms') return;
    const c = await cases.row(trx, e.caseId);
    await smsReplies.queueIn(trx, e.actor, c, { kind: 'progress_update', body: e.body });
  });
  // So is a follow-up promised by SMS, kept with the text the officer wrote.
  events.on('case.follow_up_sent', async (trx, e) => {
    if (e.channel !== 'sms') return;
    const c = await cases.row(trx, e.caseId);
    await smsReplies.queueIn(trx, e.actor, c, { kind: 'follow_up', body: e.body });
  });
  // A progress update sent by e-mail is an e-mail to the customer, queued with the update.
  events.on('case.progress_update_sent', async (trx, e) => {
    if (e.channel !== 'email') return;
    const c = await cases.row(trx, e.caseId);
    await outbound.queueIn(trx, e.actor, c, { kind: 'progress_update', body: e.body, cc: [] });
  });
  // So is a follow-up promised by e-mail, kept with the message the officer wrote.
  events.on('case.follow_up_sent', async (trx, e) => {
    if ((e.channel ?? 'email') !== 'email') return;
    const c = await cases.row(trx, e.caseId);
    await outbound.queueIn(trx, e.actor, c, { kind: 'follow_up', body: e.body, cc: [] });
  });
  // MIME parsing off the event loop, with a time limit and a memory ceiling of its own
  // (channels/email/parse-pool.ts); FRONTLINE_PARSE_WORKER=0 parses on the event loop instead.
  const parsePool = ctx.config.parseWorker ? new ParsePool() : null;
  const inbound = new InboundService(ctx, {
    cases,
    customers,
    contacts,
    notifications,
    mailboxes,
    events,
    parsers: { email: parsePool?.parse ?? emailAdapter.parseInbound, sms: smsAdapter.parseInbound },
    chains: { sms: sms.chain },
    outbound,
    // Mail on the officer's screen at once, not at the dispatcher's next poll (issue 13 benchmark).
    onCommitted: () => dispatcher.poke(),
  });
  // Web chat (issue 14): widgets, the visitor's side (socket), the officer's side.
  const chatWidgets = new ChatWidgetsService(ctx, { secrets });
  // Typing is never stored: straight onto the bus (NOTIFY on PostgreSQL reaches every node).
  const ephemeral = (invs: Invalidation[]) =>
    void bus
      .publishInTx(ctx.store.db, invs)
      .then(() => bus.afterCommit(invs))
      .catch((err: unknown) => dispatcher.onError(err));
  const chat = new ChatService(ctx, {
    cases,
    customers,
    contacts,
    events,
    widgets: chatWidgets,
    ephemeral,
    isOpen: async (calendarId, at) =>
      businessMsBetween(
        toBusinessCalendar(await calendars.get(calendarId)),
        at,
        new Date(at.getTime() + 60_000),
      ) > 0,
    // At work: available, on a contact or in after-contact work (not on a break, not offline).
    teamAvailable: async (teamId) => {
      const members = await ctx.store.db
        .selectFrom('users')
        .select('id')
        .where('team_id', '=', teamId)
        .execute();
      const states = await presence.statesOf(members.map((m) => m.id));
      return states.some((p) => p.state !== 'offline' && p.state !== 'break');
    },
  });
  // Accepting a chat's offer (its case assigned) takes the chat and its contact; closing its case ends it.
  const chatTakes = new ChatTakes(ctx, { cases, contacts, chat });
  events.on('case.changed', (trx, e) => chatTakes.onCaseChanged(trx, e.before, e.after, e.actor));
  // Ending a chat's contact on the contact screen ends the chat, by the officer (before the contact).
  events.on('contact.ending', (trx, e) => chatTakes.onContactEnding(trx, e.contactId, e.channel, e.actor));
  const chatOfficer = new ChatOfficerService(ctx, { cases, chat, takes: chatTakes, events, ephemeral });
  // A chat's site sign-in counts only once its officer, having verified the customer, confirms it.
  const chatSiteLinks = new ChatSiteLinks(ctx, { cases, contacts, customers });
  events.on('customer.merged', (trx, e) => chatSiteLinks.onCustomerMerged(trx, e.loserId, e.winnerId));
  // Transfer (issue 14, point 4): routing hands the case on; the chat tells its customer.
  const routingTransfers = new RoutingTransfers(ctx, {
    routing,
    cases,
    timers,
    chat: new ChatTransfers(ctx, { contacts }),
  });
  const chatMail = new ChatMailService(ctx, { chat, cases, events, outbound });
  const caseViews = new CaseViews(ctx);
  const workspace = new WorkspaceService({ cases, caseDrafts, customers, contacts, commitments, messages });
  const search = new SearchService({ caseSearch, customers, knowledge });
  const audit = new AuditService(ctx, { cases, customers });
  // Realtime: the dispatcher publishes the outbox to rooms, across nodes through PostgreSQL.
  const hub = new RealtimeHub();
  const bus: Bus =
    ctx.store.dialect === 'postgres' && ctx.store.pgClientConfig
      ? new PgBus(ctx.store, hub, (err) => dispatcher.onError(err))
      : new LocalBus(hub);
  const dispatcher: Dispatcher = new Dispatcher(ctx, bus);
  // Webhooks (issue 13.8): the fan-out runs in the dispatcher's claim, so each event is seen once.
  const webhooks = new WebhooksService(ctx, { secrets });
  const webhookSender = new WebhookSender(ctx, { webhooks, notifications });
  dispatcher.consume((trx, events) => webhooks.fanOut(trx, events));
  // Presence changed (seen once across nodes, after its commit): an offer to someone who left the
  // routable states goes back to its queue; someone newly available is routed to at once.
  // Gone offline with chats open, those chats go back to their queues first (routingTransfers, below).
  // A chat ended: its routed work is over (routing.onChatEnded).
  dispatcher.consume(async (trx, evs) => {
    for (const e of evs) {
      if (e.name === 'case.chat_changed') {
        const c = parseJson<{ id?: string; ended?: boolean }>(e.payload, {});
        if (c.id && c.ended) await routing.onChatEnded(trx, c.id);
      }
      if (e.name !== 'presence.changed') continue;
      const p = parseJson<{ id?: string; state?: string; by?: string | null }>(e.payload, {});
      if (p.id && p.state === 'offline') {
        const u = p.by
          ? await trx
              .selectFrom('users')
              .select(['id', 'role', 'team_id'])
              .where('id', '=', p.by)
              .executeTakeFirst()
          : undefined;
        const by: Actor = u
          ? { userId: u.id, role: u.role, via: 'session', teamId: u.team_id }
          : SYSTEM_ACTOR;
        await routingTransfers.returnChatsOf(trx, p.id, by, `offline:${e.id}`);
      }
      if (p.id && p.state) await routing.onAgentStateChanged(trx, p.id, p.state);
    }
  });
  // A person's desktops on this node: the last one gone for the grace period sets them offline.
  const presenceConnections = new PresenceConnections(presence, (err) => dispatcher.onError(err));
  const stream = new Stream(ctx, hub, { onConnect: (actor, ws) => presenceConnections.track(actor, ws) });
  // A visitor's message on the officer's screen at once, not at the dispatcher's next poll (issue 14 benchmark).
  const chatSocket = new ChatSocket({ chat, chatMail, hub, onCommitted: () => dispatcher.poke() });
  const chatFiles = new ChatFilesService(ctx, { chat });
  const imap = new ImapFetchers({ inbound, mailboxes, onError: (err) => background.onImapError(err) });
  const background: Background = new Background(
    timers,
    mailer,
    dispatcher,
    hub,
    inbound,
    outbound,
    imap,
    webhookSender,
    smsSender,
    caseSearch,
  );
  return {
    people,
    auth,
    contacts,
    customers,
    categories,
    cases,
    caseSearch,
    caseDrafts,
    caseViews,
    search,
    workspace,
    calendars,
    policies,
    sla,
    escalations,
    commitments,
    progress,
    knowledge,
    kbTransfer,
    templates,
    scripts,
    disseminations,
    solutions,
    policyFlags,
    notifications,
    timers,
    mailer,
    mailboxes,
    messages,
    inbound,
    parsePool,
    outbound,
    messageUploads,
    chatWidgets,
    chat,
    chatOfficer,
    chatSiteLinks,
    chatMail,
    chatSocket,
    chatFiles,
    sms,
    smsReplies,
    smsEndpoints,
    smsSender,
    routing,
    routingAdmin,
    routingPull,
    routingTransfers,
    audit,
    hub,
    dispatcher,
    stream,
    webhooks,
    webhookSender,
    background,
    presence,
    presenceConnections,
  };
}

/**
 * The scheduler of one process: fire due timers (their events are published at once), send the
 * e-mail due, prune published outbox rows. Tests call tick() on a simulated clock instead of
 * start(); started, mail runs in a loop of its own so a slow SMTP server never delays a breach.
 */
export class Background {
  private readonly timers: Timers;
  private readonly mailer: Mailer;
  private readonly dispatcher: Dispatcher;
  private readonly hub: RealtimeHub;
  private readonly inbound: InboundService;
  private readonly outbound: OutboundService;
  private readonly imap: ImapFetchers;
  private readonly webhooks: WebhookSender;
  private readonly sms: ChannelOutbox | null;
  private readonly caseSearch: CaseSearch | null;
  private loops: { stop(): Promise<void> }[] = [];
  /** Where IMAP errors are reported once the loops run (the app's logger). */
  onImapError: (err: unknown) => void = () => {};
  constructor(
    timers: Timers,
    mailer: Mailer,
    dispatcher: Dispatcher,
    hub: RealtimeHub,
    inbound: InboundService,
    outbound: OutboundService,
    imap: ImapFetchers,
    webhooks: WebhookSender,
    sms: ChannelOutbox | null = null,
    caseSearch: CaseSearch | null = null,
  ) {
    this.caseSearch = caseSearch;
    this.webhooks = webhooks;
    this.sms = sms;
    this.outbound = outbound;
    this.imap = imap;
    this.timers = timers;
    this.mailer = mailer;
    this.dispatcher = dispatcher;
    this.hub = hub;
    this.inbound = inbound;
  }

  private async fire() {
    const fired = await this.timers.tick();
    await this.dispatcher.drain();
    await this.dispatcher.pruneIfDue();
    return fired;
  }

  async tick() {
    const fired = await this.fire();
    const mailed = await this.mailer.drain();
    const inbound = await this.inbound.processPending();
    const sent = await this.outbound.drain();
    const texts = (await this.sms?.drain()) ?? 0;
    const webhooks = await this.webhooks.drain();
    const indexed = (await this.caseSearch?.indexPending()) ?? 0;
    return { ...fired, mailed, inbound, sent, texts, webhooks, indexed };
  }

  start(intervalMs: number, onError: (err: unknown) => void): void {
    if (this.loops.length) return;
    this.onImapError = onError;
    this.loops = [
      repeat(() => this.fire(), intervalMs, onError, 0),
      repeat(() => this.mailer.drain(), intervalMs, onError, 0),
      // Customers' mail leaves in its own loop: a slow mail server never holds staff notifications.
      repeat(() => this.outbound.drain(), intervalMs, onError, 0),
      // What was stored and not yet made a message (a crash, a database error) is taken up again.
      repeat(() => this.inbound.processPending(), Math.max(intervalMs, 10_000), onError, 0),
      // IMAP mailboxes: a fetcher each (IDLE), following the mailboxes' settings as they change.
      repeat(() => this.imap.sync(), Math.max(intervalMs, 30_000), onError, 0),
      // Webhooks in their own loop: a receiver that hangs until the timeout holds up nothing else.
      repeat(() => this.webhooks.drain(), intervalMs, onError, 0),
      // Texts in their own loop too: a provider that hangs until the timeout holds up no e-mail.
      ...(this.sms ? [repeat(() => this.sms!.drain(), intervalMs, onError, 0)] : []),
      // Chat lines' words into their cases' search documents, batched (case-search.ts `later`).
      ...(this.caseSearch ? [repeat(() => this.caseSearch!.indexPending(), intervalMs, onError, 0)] : []),
    ];
  }

  /** Stop the loops (start() may be called again). */
  async stop(): Promise<void> {
    const ls = this.loops;
    this.loops = [];
    await Promise.all(ls.map((l) => l.stop()));
    await this.imap.stop();
  }

  /** Stop for good: the loops, the dispatcher, the sockets, the mail transport. */
  async close(): Promise<void> {
    await this.stop();
    await this.dispatcher.close();
    this.hub.disconnectAll();
    this.mailer.close();
  }
}

export interface RouteInfo {
  method: string;
  url: string;
  access: RouteAccess;
}

/** Build the HTTP app without listening (tests use inject()). */
export async function buildApp(ctx: Ctx, opts: { logger?: FastifyServerOptions['logger'] } = {}) {
  const services = buildServices(ctx);
  const app = Fastify({
    logger: loggerOptions(opts.logger, ctx.config.logLevel),
    bodyLimit: ctx.config.bodyLimitBytes,
    trustProxy: process.env.FRONTLINE_TRUST_PROXY === '1',
    routerOptions: { ignoreTrailingSlash: true },
    // Errors raised before any route runs answer problem+json like every other (platform/http.ts).
    frameworkErrors,
    clientErrorHandler,
    return503OnClosing: false,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  installValidators(app);
  installErrorHandling(app);
  installInputHygiene(app);
  await installSecurityHeaders(app, API_PREFIX);
  installClosingGuard(app);
  installIdempotency(app, ctx);
  // JSON only: a text/plain body is refused with 415 rather than parsed as a string.
  app.removeContentTypeParser('text/plain');
  await app.register(cookie);
  await app.register(websocket, { options: { maxPayload: 4096 } });
  app.addHook('onClose', async () => {
    await services.routing.stop();
    await services.background.close();
    await services.parsePool?.close();
  });
  services.dispatcher.onError = (err) => app.log.error({ err }, 'realtime dispatch failed');
  services.routing.onError = (err) => app.log.error({ err }, 'routing pass failed');
  services.routing.onOffered = () => services.dispatcher.poke();
  // A listening app publishes the outbox (a safety poll, and LISTEN on PostgreSQL); apps that
  // only answer inject() (tests) publish when poked or ticked.
  app.addHook('onListen', async () => {
    await services.dispatcher.start();
    services.routing.start(1000);
  });
  // Desktops held by a listening node are marked seen on a beat (presence's offline grace).
  app.addHook('onListen', async () => services.presenceConnections.start());
  app.addHook('onClose', async () => services.presenceConnections.stop());
  // A write's events are published as soon as its response is sent (its transaction committed).
  app.addHook('onResponse', async (req) => {
    if (!SAFE_METHODS.has(req.method)) services.dispatcher.poke();
  });
  app.decorateRequest('actor', null);

  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (r) => {
    // The docs UI's own routes (static assets) are public by nature.
    if (!r.url.startsWith(API_PREFIX) || r.url.startsWith(`${API_PREFIX}/docs`) || r.method === 'HEAD')
      return;
    const access = r.config?.access;
    // Default deny: an API route that does not say who may call it is a programming error.
    if (!access) throw new Error(`Route ${String(r.method)} ${r.url} declares no access`);
    for (const m of [r.method].flat()) routes.push({ method: String(m), url: r.url, access });
  });

  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config?.access;
    if (!access || access === 'public') return;
    const who = await services.auth.authenticate(req.headers.authorization, req.cookies.frontline_session);
    if (!who) throw new AppError('auth.unauthenticated');
    req.actor = who.actor;
    const csrf = req.headers['x-csrf-token'];
    if (
      who.csrfToken &&
      !SAFE_METHODS.has(req.method) &&
      !AuthService.csrfMatches(who.csrfToken, typeof csrf === 'string' ? csrf : undefined)
    ) {
      throw new AppError('auth.csrf_failed');
    }
    if (access !== 'authenticated' && !can(who.actor.role, access)) {
      throw new AppError('auth.forbidden', `Your role (${who.actor.role}) lacks ${access}`);
    }
  });

  await app.register(swagger, {
    // Shared schemas appear under their $id (e.g. #/components/schemas/Problem).
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => String(json.$id ?? `def-${i}`) },
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Frontline API',
        version: '1',
        description:
          'Contact-centre platform API. Errors are RFC 9457 application/problem+json with a stable `code` and, for validation, an `errors` list of `{field, message, rule, params}`: `rule` names what is wrong (a JSON Schema keyword or a named check) and `params` its values, for a client that shows the problem in its own words; `message` says it in English.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'frontline_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
  });
  app.addSchema(ProblemSchema);
  await app.register(swaggerUi, { routePrefix: `${API_PREFIX}/docs` });

  await app.register(
    async (api) => {
      const a = api as unknown as App;
      a.get(
        '/health',
        {
          config: { access: 'public' },
          schema: {
            tags: ['platform'],
            security: [],
            response: {
              200: Type.Object({
                status: Type.Literal('ok'),
                db: Type.Union([Type.Literal('sqlite'), Type.Literal('postgres')]),
              }),
            },
          },
        },
        async () => {
          // Bounded, and a write probe on SQLite: a read-only or full database is not healthy.
          await ctx.store.ping(ctx.config.db.healthTimeoutMs);
          return { status: 'ok' as const, db: ctx.store.dialect };
        },
      );
      a.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
        openapi(app),
      );
      peopleRoutes(a, { ...services, secureCookies: ctx.config.secureCookies });
      customersRoutes(a, services);
      contactsRoutes(a, services);
      casesRoutes(a, services);
      slaRoutes(a, services);
      notificationsRoutes(a, services);
      followupsRoutes(a, services);
      knowledgeRoutes(a, services);
      scriptsRoutes(a, services);
      solutionsRoutes(a, services);
      searchRoutes(a, services);
      workspaceRoutes(a, services);
      auditRoutes(a, services);
      messagesRoutes(a, services);
      webhooksRoutes(a, services);
      routingRoutes(a, services);
      routingTransferRoutes(a, services);
      chatRoutes(a, services);
      smsRoutes(a, { ...services, config: ctx.config });
      presenceRoutes(a, services);
    },
    { prefix: API_PREFIX },
  );

  // Public help pages: server-rendered, no script, readable without login.
  helpPages(app, services.knowledge);
  // Web chat: /widget.js for any site, and the demo centre's page embedding it (/demo/widget).
  chatPages(app, services.chatWidgets);

  // The agent desktop (built by `npm run build`, which `npm start` and `npm test` run first).
  if (fs.existsSync(path.join(WEB_DIR, 'index.html'))) {
    await app.register(fastifyStatic, { root: WEB_DIR, prefix: '/', index: 'index.html' });
  } else {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply
        .type('text/html')
        .send(
          '<!doctype html><meta charset="utf-8"><title>Frontline</title><h1>Frontline</h1><p>The desktop is not built: run <code>npm run build</code>. The API is at <a href="/api/v1/docs">/api/v1/docs</a>.</p>',
        ),
    );
  }

  await app.ready();
  return { app, services, routes };
}

const docs = new WeakMap<App, unknown>();
/** The OpenAPI document, with the problem+json answer every operation may give. */
function openapi(app: App): unknown {
  if (docs.has(app)) return docs.get(app);
  const doc = app.swagger() as {
    paths?: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  };
  for (const ops of Object.values(doc.paths ?? {})) {
    for (const op of Object.values(ops)) {
      op.responses = {
        ...op.responses,
        '4XX': {
          description: 'Problem',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
        '5XX': {
          description: 'Problem',
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        },
      };
    }
  }
  docs.set(app, doc);
  return doc;
}
