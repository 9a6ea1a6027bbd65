import path from 'node:path';
import type { Selectable } from 'kysely';
import type { ChannelAdapter, OutboundMessage } from '../../channels/contract.ts';
import type { SmtpTarget } from '../../channels/email/adapter.ts';
import { type Actor, audit } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { type MessagesTable, parseJson } from '../../platform/db/schema.ts';
import { AppError, fieldError } from '../../platform/errors.ts';
import type { DomainEventBus } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';
import type { CaseDrafts } from '../cases/case-drafts.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { ChannelOutbox, type OutboxChannel } from './channel-outbox.ts';
import type { MailboxesService, MailboxRow } from './mailboxes.service.ts';
import { queueOutbound } from './queue-outbound.ts';
import { replyHtml } from './reply-format.ts';
import { attachUploads } from './uploads.service.ts';

type MessageRow = Selectable<MessagesTable>;

const escapeHtml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Plain text as HTML paragraphs: the reply is sent as HTML with the text as its alternative. */
export function textToHtml(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}

/** The subject a reply carries: the case's, once "Re:", with its reference so any reply threads. */
export function replySubject(subject: string, reference: string): string {
  const base = subject.replace(/\s*\[CS-\d+\]\s*/gi, ' ').trim();
  const re = /^re:/i.test(base) ? base : `Re: ${base}`;
  return `${re} [${reference}]`;
}

/** What we send a customer: an officer's reply, an automatic acknowledgement, a progress update, a kept follow-up. */
export type OutboundKind = 'reply' | 'acknowledgement' | 'progress_update' | 'follow_up' | 'transcript';

/**
 * Who wrote each kind. Only what the system writes by itself is marked automatic (RFC 3834
 * `Auto-Submitted: auto-replied`, and Exchange's `X-Auto-Response-Suppress` so no out-of-office
 * answers it): a person's words must read as a person's, or the customer's mail program files them
 * away as machine mail and their own automatic replies are held back from someone who wrote.
 * A kind added here must say which it is.
 */
const WRITTEN_BY: Readonly<Record<OutboundKind, 'person' | 'system'>> = {
  reply: 'person',
  acknowledgement: 'system',
  progress_update: 'person',
  follow_up: 'person',
  // A chat's transcript, sent on the visitor's request by the system (issue 14).
  transcript: 'system',
};

export function outboundHeaders(kind: OutboundKind, caseId: string): Record<string, string> {
  const automatic = (WRITTEN_BY[kind] ?? 'system') === 'system';
  return automatic
    ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All', 'X-Frontline-Case': caseId }
    : { 'X-Frontline-Case': caseId };
}

export interface ReplyInput {
  body: string;
  cc?: string[] | undefined;
  /** Files uploaded for it (uploads.service.ts), moved onto the reply in its transaction. */
  attachmentIds?: string[] | undefined;
}

/**
 * What leaves for customers (issue 13, point 7): replies written in the workspace and automatic
 * acknowledgements are queued as messages in the case's transaction, then sent by `drain()` — the
 * channel outbox loop (channel-outbox.ts): claim, commit, send, record, with retries, back-off and
 * a dead-letter state an administrator can retry. A reply meets the first-response clock when it is sent.
 * Delivery is at least once: a crash between the SMTP answer and the record sends it again, with
 * the same Message-ID (which receivers deduplicate).
 */
export class OutboundService {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly caseDrafts: CaseDrafts;
  private readonly mailboxes: MailboxesService;
  private readonly adapter: ChannelAdapter<SmtpTarget>;
  private readonly sender: ChannelOutbox;
  private readonly eventBus: DomainEventBus;

  constructor(
    ctx: Ctx,
    deps: {
      cases: CasesService;
      caseDrafts: CaseDrafts;
      mailboxes: MailboxesService;
      notifications: NotificationsService;
      adapter: ChannelAdapter<SmtpTarget>;
      events: DomainEventBus;
    },
  ) {
    this.eventBus = deps.events;
    this.ctx = ctx;
    this.cases = deps.cases;
    this.caseDrafts = deps.caseDrafts;
    this.mailboxes = deps.mailboxes;
    this.adapter = deps.adapter;
    this.sender = new ChannelOutbox(ctx, deps, this.emailChannel());
  }

  /** An officer's reply by e-mail from the workspace: queued now, sent by the sender loop. */
  async reply(actor: Actor, caseId: string, input: ReplyInput): Promise<MessageRow> {
    return tx(this.ctx, async (trx) => {
      const c = await this.cases.row(trx, caseId);
      if (c.status === 'closed') throw new AppError('case.closed');
      const msg = await this.queueIn(trx, actor, c, { kind: 'reply', body: input.body, cc: input.cc ?? [] });
      await attachUploads(trx, actor, msg, input.attachmentIds ?? []);
      await this.caseDrafts.clear(trx, actor.userId, caseId);
      return msg;
    });
  }

  /**
   * Queue one message on a case in the caller's transaction. To: the requester (the address the
   * case's first mail came from, else the customer's first address); Cc: the case's followers and
   * any given; threaded under the latest message we received.
   */
  async queueIn(
    trx: Executor,
    actor: Actor,
    c: { id: string; reference: string; subject: string; customer_id: string | null },
    m: { kind: OutboundKind; body: string; cc: string[] },
  ): Promise<MessageRow> {
    const at = nowIso(this.ctx);
    const last = await trx
      .selectFrom('messages')
      .select(['source_key', 'refs', 'in_reply_to', 'endpoint_id', 'from_address'])
      .where('case_id', '=', c.id)
      .where('channel', '=', 'email')
      .where('direction', '=', 'inbound')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const mailbox = await this.mailboxFor(trx, c.id, last?.endpoint_id ?? null);
    const to = await this.requester(trx, c.id, c.customer_id);
    if (!to)
      throw new AppError('request.invalid', 'The customer has no e-mail address to reply to', {
        errors: [fieldError('/body/body', 'noRecipient', 'the customer has no e-mail address')],
      });
    const followers = await trx
      .selectFrom('case_followers')
      .select(['address', 'name'])
      .where('case_id', '=', c.id)
      .execute();
    const own = await this.mailboxes.ownAddresses(trx);
    const cc = [
      ...new Map(
        [
          ...followers.map((f) => ({ address: f.address, name: f.name })),
          ...m.cc.map((a) => ({ address: a.toLowerCase(), name: null })),
        ]
          .filter((a) => a.address !== to && !own.has(a.address))
          .map((a) => [a.address, a]),
      ).values(),
    ];
    const id = newId();
    const domain =
      (mailbox?.address ?? this.ctx.config.mailFrom).split('@')[1]?.replace(/>.*$/, '') || 'frontline.local';
    // RFC 5322 3.6.4: the parent's References (or, lacking them, its In-Reply-To), then the parent.
    const parentRefs = last ? parseJson<string[]>(last.refs, []) : [];
    const refs = last
      ? [
          ...(parentRefs.length ? parentRefs : last.in_reply_to ? [last.in_reply_to] : []),
          ...(last.source_key ? [last.source_key] : []),
        ].slice(-20)
      : [];
    const signature = mailbox?.signature ? `\n\n-- \n${mailbox.signature}` : '';
    return queueOutbound(trx, { cases: this.cases, events: this.eventBus }, actor, c.id, at, {
      id,
      channel: 'email',
      kind: m.kind,
      endpointId: mailbox?.id ?? null,
      sourceKey: `${id}.${c.reference.toLowerCase()}@${domain}`,
      inReplyTo: last?.source_key ?? null,
      refs,
      from: { address: mailbox?.address ?? null, name: mailbox?.display_name ?? null },
      to,
      cc: m.kind === 'reply' ? cc : [],
      subject: replySubject(c.subject, c.reference),
      text: `${m.body}${signature}`,
      // A person's words are light Markdown, sent as HTML beside the text; what the system writes is plain.
      html: WRITTEN_BY[m.kind] === 'person' ? replyHtml(m.body, mailbox?.signature ?? null) : null,
    });
  }

  /** The mailbox a case's mail leaves from: the one its customer wrote to, else its team's, else any. */
  async mailboxFor(trx: Executor, caseId: string, endpointId: string | null): Promise<MailboxRow | null> {
    if (endpointId) {
      const r = await trx.selectFrom('mailboxes').selectAll().where('id', '=', endpointId).executeTakeFirst();
      if (r) return r;
    }
    const c = await trx.selectFrom('cases').select('team_id').where('id', '=', caseId).executeTakeFirst();
    let q = trx.selectFrom('mailboxes').selectAll().where('active', '=', true).orderBy('created_at').limit(1);
    if (c?.team_id) {
      const team = await q.where('team_id', '=', c.team_id).executeTakeFirst();
      if (team) return team;
    }
    q = trx.selectFrom('mailboxes').selectAll().where('active', '=', true).orderBy('created_at').limit(1);
    return (await q.executeTakeFirst()) ?? null;
  }

  async requester(trx: Executor, caseId: string, customerId: string | null): Promise<string | null> {
    const first = await trx
      .selectFrom('messages')
      .select('from_address')
      .where('case_id', '=', caseId)
      .where('direction', '=', 'inbound')
      .where('kind', '=', 'message')
      // A texted case's number is no e-mail address.
      .where('channel', '=', 'email')
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    if (first?.from_address) return first.from_address;
    if (!customerId) return null;
    const cu = await trx
      .selectFrom('customers')
      .select('emails')
      .where('id', '=', customerId)
      .executeTakeFirst();
    return parseJson<string[]>(cu?.emails, [])[0]?.toLowerCase() ?? null;
  }

  /** Send the e-mail that is due (the channel outbox loop); returns the number sent. */
  drain(): Promise<number> {
    return this.sender.drain();
  }

  /** The e-mail channel of the outbox loop: the SMTP call and nothing else of its own. */
  private emailChannel(): OutboxChannel {
    return {
      channel: 'email',
      noun: 'e-mail',
      send: async (m) => this.adapter.send(await this.compose(m), await this.target(m)),
      // An authentication failure waits for an administrator: tried again, it may then go.
      givesUp: (failure) => failure === 'permanent',
      // The SMTP queue id is not kept: the message is known by its own Message-ID.
      sentColumns: () => ({}),
      // A success report only moves a message on from `sent` (delivery-state.ts).
      reportedFirst: [],
      recordHealth: (id, health) => this.mailboxes.recordHealth(id, health),
    };
  }

  private async compose(m: MessageRow): Promise<OutboundMessage> {
    const attachments = await this.ctx.store.db
      .selectFrom('message_attachments')
      .select(['filename', 'content_type', 'data', 'content_id'])
      .where('message_id', '=', m.id)
      .execute();
    return {
      id: m.id,
      from: { address: m.from_address ?? this.ctx.config.mailFrom, name: m.from_name },
      to: parseJson(m.to_addresses, []),
      cc: parseJson(m.cc_addresses, []),
      subject: m.subject ?? '',
      text: m.body_text,
      html: m.body_html ?? textToHtml(m.body_text),
      inReplyTo: m.in_reply_to,
      references: parseJson<string[]>(m.refs, []),
      messageId: m.source_key!,
      headers: outboundHeaders(m.kind as OutboundKind, m.case_id),
      attachments: attachments
        .filter((a) => a.data)
        .map((a) => ({
          filename: a.filename,
          contentType: a.content_type,
          data: a.data!,
          ...(a.content_id ? { contentId: a.content_id } : {}),
        })),
    };
  }

  private async target(m: MessageRow): Promise<SmtpTarget> {
    const box = m.endpoint_id
      ? await this.mailboxes.row(this.ctx.store.db, m.endpoint_id).catch(() => null)
      : null;
    const conn = box ? this.mailboxes.connection(box).smtp : null;
    if (conn)
      return {
        kind: 'smtp',
        host: conn.host,
        port: conn.port,
        tls: conn.tls,
        user: conn.user,
        password: conn.password,
      };
    if (this.ctx.config.smtpUrl) return { kind: 'url', url: this.ctx.config.smtpUrl };
    return { kind: 'folder', dir: path.join(this.ctx.config.dataDir, 'mail', 'outbound') };
  }

  /** Messages that gave up (the dead letters), newest first, for an administrator. */
  async failed(limit = 50): Promise<MessageRow[]> {
    return this.ctx.store.db
      .selectFrom('messages')
      .selectAll()
      .where('state', '=', 'failed')
      .orderBy('updated_at', 'desc')
      .limit(limit)
      .execute();
  }

  /** Send a dead-lettered message again (after the administrator fixed its mailbox). */
  async retry(actor: Actor, id: string): Promise<MessageRow> {
    return tx(this.ctx, async (trx) => {
      const m = await trx.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
      if (!m || m.direction !== 'outbound')
        throw new AppError('message.not_found', `No such outbound message: ${id}`);
      if (m.state !== 'failed')
        throw new AppError('message.not_failed', `The message is ${m.state}, not failed`, {
          extra: { state: m.state },
        });
      const at = nowIso(this.ctx);
      const next = {
        ...m,
        state: 'queued',
        attempts: 0,
        next_attempt_at: at,
        state_reason: null,
        updated_at: at,
      };
      await trx
        .updateTable('messages')
        .set({ state: 'queued', attempts: 0, next_attempt_at: at, state_reason: null, updated_at: at })
        .where('id', '=', id)
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'case',
        entityId: m.case_id,
        action: 'message.retried',
        after: { messageId: id },
      });
      await emit(trx, at, 'case.message_queued', { id: m.case_id, messageId: id });
      return next;
    });
  }
}
