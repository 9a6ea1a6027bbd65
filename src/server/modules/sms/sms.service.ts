import type { Selectable } from 'kysely';
import { toE164 } from '../../../shared/phone.ts';
import type { InboundMessage } from '../../channels/contract.ts';
import { smsKeyword } from '../../channels/sms/keywords.ts';
import { isSmsStatus, type SmsStatus } from '../../channels/sms/twilio.ts';
import { audit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { InboundRawTable } from '../../platform/db/schema.ts';
import type { DomainEventBus } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { CustomersService } from '../customers/customers.service.ts';
import type { Outcome } from '../messages/inbound.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { SmsEndpointRow, SmsEndpointsService } from './sms-endpoints.service.ts';

type RawRow = Selectable<InboundRawTable>;

/**
 * A text continues the number's SMS conversation when that conversation's case is not closed and
 * its last text (either way) is at most this old; otherwise it opens a new case. SMS has no
 * headers to thread by, and a week matches the e-mail subject window's default.
 */
export const SMS_THREAD_WINDOW_DAYS = 7;

/** Delivery states in the order they happen; a report never moves a message back (reports can arrive out of order). */
const RANK: Record<string, number> = { queued: 0, sending: 1, sent: 2, delivered: 3, failed: 3 };

/** What a provider's MessageStatus means for our message: null changes nothing. */
function stateFor(status: SmsStatus): 'sent' | 'delivered' | 'failed' | null {
  if (status === 'sent') return 'sent';
  if (status === 'delivered') return 'delivered';
  if (status === 'undelivered' || status === 'failed') return 'failed';
  return null;
}

/**
 * SMS on the messaging core (issue 14, point 5): the inbound chain's SMS steps (dedupe on the
 * provider's message id → carrier keywords → identify by number → thread → persist → emit), the
 * delivery reports, and the opt-out that STOP and START set. Sending is sms-outbound.service.ts.
 */
export class SmsService {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly customers: CustomersService;
  private readonly contacts: ContactsService;
  private readonly endpoints: SmsEndpointsService;
  private readonly notifications: NotificationsService;
  private readonly eventBus: DomainEventBus;

  constructor(
    ctx: Ctx,
    deps: {
      cases: CasesService;
      customers: CustomersService;
      contacts: ContactsService;
      endpoints: SmsEndpointsService;
      notifications: NotificationsService;
      events: DomainEventBus;
    },
  ) {
    this.ctx = ctx;
    this.cases = deps.cases;
    this.customers = deps.customers;
    this.contacts = deps.contacts;
    this.endpoints = deps.endpoints;
    this.notifications = deps.notifications;
    this.eventBus = deps.events;
  }

  /** The number as E.164 when it reads as one, else as the provider gave it. */
  e164(n: string): string {
    return toE164(n, this.ctx.config.defaultRegion) ?? n.trim();
  }

  /** The inbound chain's SMS steps, in the item's transaction (InboundService runs it by channel). */
  chain = async (trx: Executor, raw: RawRow, msg: InboundMessage, at: string): Promise<Outcome> => {
    if (!msg.from || !msg.sourceId) return { result: 'ignored', reason: 'no_sender' };
    const from = this.e164(msg.from.address);
    const endpoint = raw.endpoint_id
      ? ((await trx
          .selectFrom('sms_endpoints')
          .selectAll()
          .where('id', '=', raw.endpoint_id)
          .executeTakeFirst()) ?? null)
      : null;
    // The same text under another raw row cannot happen (the raw key is the MessageSid), but a
    // message written by another path with the same id must not be doubled either.
    const seen = await trx
      .selectFrom('messages')
      .select('id')
      .where('channel', '=', 'sms')
      .where('source_key', '=', msg.sourceId)
      .executeTakeFirst();
    if (seen) return { result: 'ignored', reason: 'duplicate', detail: seen.id };

    const customer = await this.customers.findByPhone(trx, from);
    // START, UNSTOP or YES from a number that never opted out is a customer answering ("Yes"), not
    // a keyword: it goes on the case like any text. STOP and its synonyms always opt out.
    const word = smsKeyword(msg.text);
    const keyword = word?.action === 'opt_in' && !(await optedOut(trx, from)) ? null : word;
    if (keyword) {
      await this.setOptOut(trx, {
        number: from,
        optOut: keyword.action === 'opt_out',
        keyword: keyword.keyword,
        customerId: customer?.id ?? null,
        endpointId: endpoint?.id ?? null,
        at,
      });
      return {
        result: 'ignored',
        reason: keyword.action === 'opt_out' ? 'sms_opt_out' : 'sms_opt_in',
        detail: keyword.keyword,
      };
    }

    let customerId = customer?.id ?? null;
    let customerCreated = false;
    if (!customerId) {
      customerId = await this.customers.createFromPhone(trx, SYSTEM_ACTOR, { number: from, channel: 'sms' });
      customerCreated = true;
    }
    let caseId = await this.conversation(trx, customerId, at);
    let reopened = false;
    if (caseId) {
      const c = await this.cases.row(trx, caseId);
      if (c.status === 'resolved') {
        await this.cases.transitionIn(trx, SYSTEM_ACTOR, c.id, {
          action: 'reopen',
          reason: 'The customer texted again',
        });
        reopened = true;
      } else if (c.status === 'pending_customer')
        await this.cases.transitionIn(trx, SYSTEM_ACTOR, c.id, {
          action: 'resume',
          reason: 'The customer answered',
        });
    }
    const contactId = await this.contacts.logInbound(trx, {
      channel: 'sms',
      customerId,
      fromAddress: from,
      caseId: null,
      at,
    });
    let caseCreated = false;
    // The text that opens a case is filed at the case's own instant: the desktop shows the enquiry
    // once, as the text (as for e-mail and chat), not again above it.
    let messageAt = at;
    if (!caseId) {
      const firstLine = msg.text.split('\n')[0]!.trim().slice(0, 80);
      const created = await this.cases.createIn(trx, SYSTEM_ACTOR, {
        contactId,
        type: 'general_enquiry',
        // Not the number: a subject is shown in full wherever the case is listed.
        subject: firstLine ? `Text: ${firstLine}` : 'Text message',
        description: msg.text.slice(0, 20000) || null,
        teamId: endpoint?.team_id ?? null,
        assigneeId: null,
      });
      caseId = created.id;
      caseCreated = true;
      messageAt = created.createdAt;
    } else await this.contacts.linkCase(trx, contactId, caseId, at);

    const messageId = newId();
    await trx
      .insertInto('messages')
      .values({
        id: messageId,
        case_id: caseId,
        contact_id: contactId,
        channel: 'sms',
        direction: 'inbound',
        kind: 'message',
        endpoint_id: endpoint?.id ?? null,
        raw_id: raw.id,
        source_key: msg.sourceId,
        in_reply_to: null,
        refs: '[]',
        from_address: from,
        from_name: null,
        to_addresses: JSON.stringify(msg.to.map((a) => ({ address: this.e164(a.address), name: null }))),
        cc_addresses: '[]',
        subject: null,
        body_text: msg.text,
        body_html: null,
        remote_images: false,
        author_id: null,
        state: 'received',
        state_reason: null,
        attempts: 0,
        next_attempt_at: null,
        lease_until: null,
        created_at: messageAt,
        sent_at: null,
        updated_at: at,
      } as never)
      .execute();
    await this.cases.event(trx, caseId, at, SYSTEM_ACTOR, 'message.received', {
      messageId,
      channel: 'sms',
      from,
      kind: 'message',
    });
    await this.cases.touch(trx, caseId, at);
    await audit(trx, {
      at,
      actor: SYSTEM_ACTOR,
      entityType: 'case',
      entityId: caseId,
      action: 'message.received',
      after: { messageId, channel: 'sms', from, contactId },
    });
    await emit(trx, at, 'case.message_received', { id: caseId, messageId });
    await this.eventBus.publish(trx, 'case.message_added', { caseId, messageId, direction: 'inbound' });
    return {
      result: 'message',
      caseId,
      messageId,
      acknowledgementId: null,
      threadedBy: null,
      caseCreated,
      customerCreated,
      reopened,
      followUpOf: null,
    };
  };

  /** The customer's SMS conversation a new text joins: a case not closed, texted within the window. */
  async conversation(trx: Executor, customerId: string, at: string): Promise<string | null> {
    const since = new Date(Date.parse(at) - SMS_THREAD_WINDOW_DAYS * 86_400_000).toISOString();
    const last = await trx
      .selectFrom('messages as m')
      .innerJoin('cases as c', 'c.id', 'm.case_id')
      .select(['c.id'])
      .where('m.channel', '=', 'sms')
      .where('c.customer_id', '=', customerId)
      .where('c.status', '!=', 'closed')
      .where('m.created_at', '>=', since)
      .orderBy('m.created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return last?.id ?? null;
  }

  /** STOP or START from a number: the opt-out list, the customer's consent (audited), the case's timeline. */
  async setOptOut(
    trx: Executor,
    o: {
      number: string;
      optOut: boolean;
      keyword: string;
      customerId: string | null;
      endpointId: string | null;
      at: string;
    },
  ): Promise<void> {
    if (o.optOut)
      await trx
        .insertInto('sms_opt_outs')
        .values({
          number: o.number,
          keyword: o.keyword,
          customer_id: o.customerId,
          endpoint_id: o.endpointId,
          opted_out_at: o.at,
        })
        .onConflict((oc) => oc.column('number').doNothing())
        .execute();
    else await trx.deleteFrom('sms_opt_outs').where('number', '=', o.number).execute();
    if (!o.customerId) return;
    await this.customers.setSmsConsent(trx, SYSTEM_ACTOR, o.customerId, !o.optOut, o.keyword);
    const open = await this.conversation(trx, o.customerId, o.at);
    if (open) {
      await this.cases.event(trx, open, o.at, SYSTEM_ACTOR, o.optOut ? 'sms.opted_out' : 'sms.opted_in', {
        number: o.number,
        keyword: o.keyword,
      });
      await emit(trx, o.at, 'case.updated', { id: open });
    }
  }

  /**
   * A delivery report (the provider's status callback) for one of our texts, found by our id in
   * the callback's URL or by the provider's MessageSid. Moves its state forward only; a failure
   * is said on the case and to its author and owner. Idempotent: the same report again changes nothing.
   */
  async deliveryReport(
    endpoint: SmsEndpointRow,
    r: { ourId: string | null; sid: string | null; status: string; errorCode: string | null },
  ): Promise<{ messageId: string | null; state: string | null }> {
    if (!isSmsStatus(r.status)) return { messageId: null, state: null };
    const next = stateFor(r.status);
    return tx(this.ctx, async (trx) => {
      let q = trx
        .selectFrom('messages')
        .selectAll()
        .where('channel', '=', 'sms')
        .where('direction', '=', 'outbound')
        .where('endpoint_id', '=', endpoint.id);
      if (r.ourId) q = q.where('id', '=', r.ourId);
      else if (r.sid) q = q.where('source_key', '=', r.sid);
      else return { messageId: null, state: null };
      const m = await q.executeTakeFirst();
      if (!m) return { messageId: null, state: null };
      if (!next || (RANK[next] ?? 0) <= (RANK[m.state] ?? 0)) return { messageId: m.id, state: m.state };
      const at = nowIso(this.ctx);
      const reason = next === 'failed' ? `${r.status}${r.errorCode ? ` (error ${r.errorCode})` : ''}` : null;
      const moved = await trx
        .updateTable('messages')
        .set({
          state: next,
          ...(reason ? { state_reason: reason } : {}),
          ...(r.sid && !m.source_key ? { source_key: r.sid } : {}),
          updated_at: at,
        })
        .where('id', '=', m.id)
        .where('state', '=', m.state)
        .executeTakeFirst();
      if (!Number(moved.numUpdatedRows)) return { messageId: m.id, state: m.state };
      if (next === 'delivered' || next === 'failed') {
        await this.cases.event(
          trx,
          m.case_id,
          at,
          SYSTEM_ACTOR,
          next === 'delivered' ? 'message.delivered' : 'message.failed',
          {
            messageId: m.id,
            channel: 'sms',
            ...(reason ? { reason } : {}),
          },
        );
        if (next === 'failed') {
          const c = await this.cases.row(trx, m.case_id);
          await this.notifications.notify(trx, {
            userIds: [m.author_id, c.assignee_id],
            kind: 'message.failed',
            topic: `message.failed:${m.id}`,
            title: `${c.reference}: text message not delivered`,
            body: reason ?? '',
            caseId: c.id,
          });
        }
      }
      await emit(trx, at, next === 'failed' ? 'case.message_failed' : 'case.message_sent', {
        id: m.case_id,
        messageId: m.id,
      });
      return { messageId: m.id, state: next };
    });
  }
}

/** Whether the number texted STOP (and not START since). */
export async function optedOut(trx: Executor, number: string): Promise<boolean> {
  return (await optOutOf(trx, number)) !== null;
}

/** The number's opt-out, if it texted STOP (and not START since): when, and the word it used. */
export async function optOutOf(
  trx: Executor,
  number: string,
): Promise<{ at: string; keyword: string } | null> {
  const r = await trx
    .selectFrom('sms_opt_outs')
    .select(['opted_out_at', 'keyword'])
    .where('number', '=', number)
    .executeTakeFirst();
  return r ? { at: r.opted_out_at, keyword: r.keyword } : null;
}
