import type { Selectable } from 'kysely';
import { toE164 } from '../../../shared/phone.ts';
import type { Actor } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { type MessagesTable, parseJson } from '../../platform/db/schema.ts';
import { AppError, fieldError } from '../../platform/errors.ts';
import type { DomainEventBus } from '../../platform/events.ts';
import type { CasesService } from '../cases/cases.service.ts';
import { queueOutbound } from '../messages/queue-outbound.ts';
import { optOutOf } from './sms.service.ts';
import type { SmsEndpointRow } from './sms-endpoints.service.ts';

type MessageRow = Selectable<MessagesTable>;

/**
 * Texts to customers (issue 14, point 5): an officer's reply and a progress update by SMS, queued on
 * the case in its transaction for the SMS sender loop (sms-sender.ts) — to the number that texted in
 * (else the customer's mobile), from the number it texted (else the team's), never to a number that
 * opted out.
 */
export class SmsReplies {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly eventBus: DomainEventBus;

  constructor(ctx: Ctx, deps: { cases: CasesService; events: DomainEventBus }) {
    this.ctx = ctx;
    this.cases = deps.cases;
    this.eventBus = deps.events;
  }

  /** The number an SMS on this case goes to: the number that texted in, else the customer's first mobile. */
  async recipient(trx: Executor, caseId: string, customerId: string | null): Promise<string | null> {
    const first = await trx
      .selectFrom('messages')
      .select('from_address')
      .where('case_id', '=', caseId)
      .where('channel', '=', 'sms')
      .where('direction', '=', 'inbound')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (first?.from_address) return first.from_address;
    if (!customerId) return null;
    const cu = await trx
      .selectFrom('customers')
      .select('phones')
      .where('id', '=', customerId)
      .executeTakeFirst();
    const phones = parseJson<{ kind?: string; number: string }[]>(cu?.phones, []);
    const pick = phones.find((p) => p.kind === 'mobile') ?? phones[0];
    return pick ? toE164(pick.number, this.ctx.config.defaultRegion) : null;
  }

  /** The endpoint a case's texts leave from: the one the customer texted, else its team's, else the first active. */
  async endpointFor(trx: Executor, caseId: string): Promise<SmsEndpointRow | null> {
    const last = await trx
      .selectFrom('messages')
      .select('endpoint_id')
      .where('case_id', '=', caseId)
      .where('channel', '=', 'sms')
      .where('endpoint_id', 'is not', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (last?.endpoint_id) {
      const e = await trx
        .selectFrom('sms_endpoints')
        .selectAll()
        .where('id', '=', last.endpoint_id)
        .where('active', '=', true)
        .executeTakeFirst();
      if (e) return e;
    }
    const c = await trx.selectFrom('cases').select('team_id').where('id', '=', caseId).executeTakeFirst();
    if (c?.team_id) {
      const e = await trx
        .selectFrom('sms_endpoints')
        .selectAll()
        .where('team_id', '=', c.team_id)
        .where('active', '=', true)
        .orderBy('created_at')
        .executeTakeFirst();
      if (e) return e;
    }
    return (
      (await trx
        .selectFrom('sms_endpoints')
        .selectAll()
        .where('active', '=', true)
        .orderBy('created_at')
        .executeTakeFirst()) ?? null
    );
  }

  /**
   * Queue a text on a case in the caller's transaction (a reply, a progress update). Refused,
   * naming the field, when the customer has no number or it has opted out (STOP), or no number is
   * set up to send from.
   */
  async queueIn(
    trx: Executor,
    actor: Actor,
    c: { id: string; customer_id: string | null },
    m: { kind: 'reply' | 'progress_update' | 'follow_up'; body: string },
  ): Promise<MessageRow> {
    const to = await this.recipient(trx, c.id, c.customer_id);
    if (!to)
      throw new AppError('sms.no_number', 'The customer has no mobile number to text', {
        errors: [fieldError('/body/body', 'noRecipient', 'the customer has no mobile number')],
      });
    const stop = await optOutOf(trx, to);
    // The title says it; no field is at fault (the text is fine, the number may not be texted).
    if (stop)
      throw new AppError('sms.opted_out', undefined, {
        extra: { optedOutAt: stop.at, keyword: stop.keyword },
      });
    const endpoint = await this.endpointFor(trx, c.id);
    if (!endpoint) throw new AppError('sms.no_endpoint', 'No active SMS number is set up to send from');
    // The provider's MessageSid becomes the source key once it has answered.
    return queueOutbound(trx, { cases: this.cases, events: this.eventBus }, actor, c.id, nowIso(this.ctx), {
      channel: 'sms',
      kind: m.kind,
      endpointId: endpoint.id,
      from: { address: endpoint.number, name: null },
      to,
      text: m.body,
    });
  }

  /** An officer's text from the workspace: queued now, sent by the SMS sender loop. */
  reply(actor: Actor, caseId: string, input: { body: string }): Promise<MessageRow> {
    return tx(this.ctx, async (trx) => {
      const c = await this.cases.row(trx, caseId);
      if (c.status === 'closed') throw new AppError('case.closed');
      return this.queueIn(trx, actor, c, { kind: 'reply', body: input.body });
    });
  }

  /** Who a text on this case would go to and from, for the composer. */
  async recipientOf(caseId: string): Promise<{
    to: string | null;
    from: string | null;
    bySms: boolean;
    optedOut: boolean;
    optedOutAt: string | null;
  }> {
    const db = this.ctx.store.db;
    const c = await this.cases.row(db, caseId);
    const to = await this.recipient(db, caseId, c.customer_id);
    const endpoint = await this.endpointFor(db, caseId);
    const bySms = Boolean(
      await db
        .selectFrom('messages')
        .select('id')
        .where('case_id', '=', caseId)
        .where('channel', '=', 'sms')
        .executeTakeFirst(),
    );
    const stop = to ? await optOutOf(db, to) : null;
    return {
      to,
      from: endpoint?.number ?? null,
      bySms,
      optedOut: stop !== null,
      optedOutAt: stop?.at ?? null,
    };
  }
}
