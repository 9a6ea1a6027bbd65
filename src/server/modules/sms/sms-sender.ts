import type { Selectable } from 'kysely';
import { type ChannelAdapter, ChannelError } from '../../channels/contract.ts';
import type { SmsTarget } from '../../channels/sms/adapter.ts';
import { SYSTEM_ACTOR } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { MessagesTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { emit } from '../../platform/outbox.ts';
import type { CasesService } from '../cases/cases.service.ts';
import { MAX_SEND_ATTEMPTS, sendBackoffMs } from '../messages/outbound.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { SmsEndpointsService } from './sms-endpoints.service.ts';

type MessageRow = Selectable<MessagesTable>;

const LEASE_MS = 5 * 60_000;
const BATCH = 20;

/**
 * The SMS sender loop: claim due texts (a transaction), send each with none open (the provider's
 * API, with a time limit), record what happened (a transaction) — the e-mail sender's discipline,
 * with its retries, back-off and dead letters. The provider's MessageSid becomes the message's
 * source key; the delivery reports that follow find the message by our id in their callback URL.
 */
export class SmsSender {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly endpoints: SmsEndpointsService;
  private readonly notifications: NotificationsService;
  private readonly adapter: ChannelAdapter<SmsTarget>;
  private running: Promise<number> | undefined;

  constructor(
    ctx: Ctx,
    deps: {
      cases: CasesService;
      endpoints: SmsEndpointsService;
      notifications: NotificationsService;
      adapter: ChannelAdapter<SmsTarget>;
    },
  ) {
    this.ctx = ctx;
    this.cases = deps.cases;
    this.endpoints = deps.endpoints;
    this.notifications = deps.notifications;
    this.adapter = deps.adapter;
  }

  /** Send what is due; one run at a time per process. Returns the number sent. */
  drain(): Promise<number> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.claim();
      for (const m of batch) if (await this.deliver(m)) total++;
      if (batch.length < BATCH) return total;
    }
  }

  private claim(): Promise<MessageRow[]> {
    const now = nowIso(this.ctx);
    const lease = new Date(Date.parse(now) + LEASE_MS).toISOString();
    return tx(this.ctx, async (trx) => {
      let q = trx
        .selectFrom('messages')
        .selectAll()
        .where('channel', '=', 'sms')
        .where('direction', '=', 'outbound')
        .where('state', 'in', ['queued', 'sending'])
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .limit(BATCH);
      if (this.ctx.store.dialect === 'postgres') q = q.forUpdate().skipLocked();
      const rows = await q.execute();
      if (rows.length)
        await trx
          .updateTable('messages')
          .set((eb) => ({
            state: 'sending',
            next_attempt_at: lease,
            lease_until: lease,
            attempts: eb('attempts', '+', 1),
          }))
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
      return rows.map((r) => ({
        ...r,
        state: 'sending',
        attempts: r.attempts + 1,
        next_attempt_at: lease,
        lease_until: lease,
      }));
    });
  }

  private async deliver(m: MessageRow): Promise<boolean> {
    let failure: ChannelError | null = null;
    let providerId: string | null = null;
    let response: string | null = null;
    try {
      const endpoint = await this.endpoints.row(this.ctx.store.db, m.endpoint_id ?? '');
      const target = this.endpoints.target(endpoint, this.ctx.config.publicUrl ?? null);
      // Our id in the callback URL: a report that outruns our record of the MessageSid still finds it.
      if (target.statusCallback) target.statusCallback += `?m=${encodeURIComponent(m.id)}`;
      const r = await this.adapter.send(
        {
          id: m.id,
          from: { address: m.from_address ?? endpoint.number, name: null },
          to: parseJson(m.to_addresses, []),
          cc: [],
          subject: '',
          text: m.body_text,
          html: null,
          inReplyTo: null,
          references: [],
          messageId: m.id,
          headers: {},
          attachments: [],
        },
        target,
      );
      providerId = r.providerId;
      response = r.response;
    } catch (err) {
      failure =
        err instanceof ChannelError
          ? err
          : new ChannelError('permanent', err instanceof Error ? err.message : String(err));
    }
    const at = nowIso(this.ctx);
    if (m.endpoint_id)
      await this.endpoints.recordHealth(
        m.endpoint_id,
        failure ? { ok: false, failure: failure.failure, error: failure.message } : { ok: true },
      );
    await tx(this.ctx, async (trx) => {
      const current = await trx
        .selectFrom('messages')
        .select(['state', 'lease_until'])
        .where('id', '=', m.id)
        .executeTakeFirst();
      if (!current) return;
      // A delivery report got here first (delivered, failed): it stands; we add the sid and the sending.
      const reported = current.state === 'delivered' || (current.state === 'failed' && !failure);
      const ours =
        current.state === 'sending' &&
        current.lease_until &&
        m.lease_until &&
        Date.parse(current.lease_until) === Date.parse(m.lease_until);
      if (!ours && !reported) return;
      if (!failure) {
        await trx
          .updateTable('messages')
          .set({
            ...(reported ? {} : { state: 'sent', state_reason: response?.slice(0, 500) ?? null }),
            source_key: providerId,
            sent_at: at,
            next_attempt_at: null,
            lease_until: null,
            updated_at: at,
          })
          .where('id', '=', m.id)
          .execute();
        if (m.kind === 'reply' || m.kind === 'progress_update' || m.kind === 'follow_up')
          await this.cases.recordCustomerResponse(trx, m.case_id, at);
        await this.cases.event(trx, m.case_id, at, SYSTEM_ACTOR, 'message.sent', {
          messageId: m.id,
          kind: m.kind,
          channel: 'sms',
        });
        await emit(trx, at, 'case.message_sent', { id: m.case_id, messageId: m.id });
        return;
      }
      const giveUp = failure.failure !== 'retryable' || m.attempts >= MAX_SEND_ATTEMPTS;
      await trx
        .updateTable('messages')
        .set({
          state: giveUp ? 'failed' : 'queued',
          state_reason: `${failure.failure}: ${failure.message}`.slice(0, 1000),
          next_attempt_at: giveUp ? null : new Date(Date.parse(at) + sendBackoffMs(m.attempts)).toISOString(),
          lease_until: null,
          updated_at: at,
        })
        .where('id', '=', m.id)
        .execute();
      if (giveUp) {
        await this.cases.event(trx, m.case_id, at, SYSTEM_ACTOR, 'message.failed', {
          messageId: m.id,
          channel: 'sms',
          reason: failure.message.slice(0, 300),
        });
        const c = await this.cases.row(trx, m.case_id);
        await this.notifications.notify(trx, {
          userIds: [m.author_id, c.assignee_id],
          kind: 'message.failed',
          topic: `message.failed:${m.id}`,
          title: `${c.reference}: text message could not be sent`,
          body: failure.message.slice(0, 300),
          caseId: c.id,
        });
        await emit(trx, at, 'case.message_failed', { id: m.case_id, messageId: m.id });
      }
    });
    return failure === null;
  }
}
