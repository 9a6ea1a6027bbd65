import type { Selectable } from 'kysely';
import { ChannelError, classify, type FailureClass, type SendResult } from '../../channels/contract.ts';
import { SYSTEM_ACTOR } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { MessagesTable } from '../../platform/db/schema.ts';
import { LeasedBatches } from '../../platform/leased-batches.ts';
import { emit } from '../../platform/outbox.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';

type MessageRow = Selectable<MessagesTable>;

/** A claimed message is the claimer's for this long; past it (the sender died) it is claimed again. */
const LEASE_MS = 5 * 60_000;
const BATCH = 20;
/**
 * One send's limit, whatever the adapter's own (SMTP's per-step timeouts, the SMS provider's 10 s):
 * well inside the lease, so a send that hangs is recorded as retryable before another sender may
 * claim the message and send it alongside.
 */
export const SEND_LIMIT_MS = 2 * 60_000;
/** After this many failed tries a message is dead-lettered (state `failed`), for an administrator to retry. */
export const MAX_SEND_ATTEMPTS = 8;
/** Wait before try n+1: 30 s, 1 min, 2 min … capped at an hour. */
export const sendBackoffMs = (attempts: number) =>
  Math.min(30_000 * 2 ** Math.max(attempts - 1, 0), 3_600_000);

export type SendHealth = { ok: true } | { ok: false; failure: FailureClass; error: string };

/** What one channel gives the outbox loop: its adapter call and how the answer maps onto the message. */
export interface OutboxChannel {
  readonly channel: 'email' | 'sms';
  /** How a dead-letter notification names one of its messages ("e-mail", "text message"). */
  readonly noun: string;
  /**
   * Send one claimed message through the adapter (the endpoint's settings read first); runs with
   * no transaction open. A ChannelError says how it failed; any other error counts as retryable.
   */
  send(m: MessageRow): Promise<SendResult>;
  /** Whether a failure of this class dead-letters the message at once, before its tries run out. */
  givesUp(failure: FailureClass): boolean;
  /** Columns a success sets beside the state and times (SMS: the provider's id, its source key). */
  sentColumns(result: SendResult): { source_key?: string | null };
  /**
   * States a delivery report may set before the sender has recorded its send (an SMS provider's
   * callback can outrun it): they stand, and the send's record is added to them.
   */
  readonly reportedFirst: readonly string[];
  /** The sending endpoint's health after a try (the mailbox, the SMS number). */
  recordHealth(endpointId: string, health: SendHealth): Promise<void>;
}

/**
 * The loop that sends a channel's outbound messages (e-mail, SMS): claim a batch with a lease in
 * one short transaction (SKIP LOCKED on PostgreSQL), commit, call the adapter with no transaction
 * open and a time limit, then record each result in a short transaction of its own — sent, or
 * queued again after a back-off, or given up (`failed`: the dead letter an administrator may retry,
 * its author and the case's owner told). Delivery is at least once: a crash between the far side's
 * answer and the record sends the message again once its lease runs out, with the same id.
 */
export class ChannelOutbox {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly notifications: NotificationsService;
  private readonly ch: OutboxChannel;
  private readonly loop: LeasedBatches<MessageRow>;
  /** One send's limit (tests shorten it). */
  sendLimitMs = SEND_LIMIT_MS;

  constructor(
    ctx: Ctx,
    deps: { cases: CasesService; notifications: NotificationsService },
    channel: OutboxChannel,
  ) {
    this.ctx = ctx;
    this.cases = deps.cases;
    this.notifications = deps.notifications;
    this.ch = channel;
    this.loop = new LeasedBatches(ctx, {
      batch: BATCH,
      claim: (trx, now) => this.claim(trx, now),
      deliver: (m) => this.deliver(m),
    });
  }

  /** Send what is due; one run at a time per process. Returns the number sent. */
  drain(): Promise<number> {
    return this.loop.drain();
  }

  private async claim(trx: Executor, now: string): Promise<MessageRow[]> {
    const lease = new Date(Date.parse(now) + LEASE_MS).toISOString();
    let q = trx
      .selectFrom('messages')
      .selectAll()
      .where('channel', '=', this.ch.channel)
      .where('direction', '=', 'outbound')
      // Queued and due, or a sender that died mid-send: its lease ran out.
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
  }

  /** The channel's send, bounded by `sendLimitMs`. */
  private async send(m: MessageRow): Promise<SendResult> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ChannelError('retryable', `No answer within ${this.sendLimitMs / 1000} s`)),
        this.sendLimitMs,
      );
    });
    try {
      return await Promise.race([this.ch.send(m), limit]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Send one claimed message with no transaction open, then record what happened. */
  private async deliver(m: MessageRow): Promise<boolean> {
    let failure: ChannelError | null = null;
    let result: SendResult | null = null;
    try {
      result = await this.send(m);
    } catch (err) {
      failure = classify(err);
    }
    const at = nowIso(this.ctx);
    if (m.endpoint_id)
      await this.ch.recordHealth(
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
      const reported = !failure && this.ch.reportedFirst.includes(current.state);
      // Someone else took it over (our lease ran out mid-send): theirs to record.
      const ours =
        current.state === 'sending' &&
        current.lease_until &&
        m.lease_until &&
        Date.parse(current.lease_until) === Date.parse(m.lease_until);
      if (!ours && !reported) return;
      const channel = this.ch.channel;
      if (!failure) {
        await trx
          .updateTable('messages')
          .set({
            ...(reported ? {} : { state: 'sent', state_reason: result?.response?.slice(0, 500) ?? null }),
            ...(result ? this.ch.sentColumns(result) : {}),
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
          channel,
        });
        await emit(trx, at, 'case.message_sent', { id: m.case_id, messageId: m.id });
        return;
      }
      const giveUp = this.ch.givesUp(failure.failure) || m.attempts >= MAX_SEND_ATTEMPTS;
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
          channel,
          reason: failure.message.slice(0, 300),
        });
        const c = await this.cases.row(trx, m.case_id);
        await this.notifications.notify(trx, {
          userIds: [m.author_id, c.assignee_id],
          kind: 'message.failed',
          topic: `message.failed:${m.id}`,
          title: `${c.reference}: ${this.ch.noun} could not be sent`,
          body: failure.message.slice(0, 300),
          caseId: c.id,
        });
        await emit(trx, at, 'case.message_failed', { id: m.case_id, messageId: m.id });
      }
    });
    return failure === null;
  }
}
