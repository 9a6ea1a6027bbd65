import { sql } from 'kysely';
import { audit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';
import { LeasedBatches } from '../../platform/leased-batches.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { DeliveryRow, EndpointRow } from './webhooks.present.ts';
import type { WebhooksService } from './webhooks.service.ts';
import { signatureHeader } from './webhooks.signing.ts';
import { type PostResult, post } from './webhooks.transport.ts';

/** Deliveries claimed (and sent side by side) per round. */
const BATCH = 20;
/** Tries of one delivery before it is `failed` (an administrator may retry it). */
export const MAX_ATTEMPTS = 8;
/**
 * Wait after try n (1-based): 30 s, 2 min, 10 min, 30 min, 2 h, 5 h, 10 h — the eighth try comes
 * about 17¾ hours after the first (the Standard Webhooks example schedule, shortened to about a day).
 */
export const RETRY_DELAYS_MS = [30_000, 120_000, 600_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];
/** Up to this fraction earlier, at random, so that deliveries failed together do not retry together. */
const JITTER = 0.1;
/**
 * An endpoint is disabled when it has failed this many attempts in a row AND has been failing (no
 * success) for DISABLE_AFTER_MS: a burst of failures during a short outage of a busy receiver
 * disables nothing, and a single old failure of a quiet one neither. A 410 Gone disables at once.
 */
export const DISABLE_AFTER_FAILURES = 10;
export const DISABLE_AFTER_MS = 24 * 3_600_000;
/** Finished deliveries (and their attempts) are kept this long in the log. */
export const KEEP_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 3_600_000;
const PRUNE_BATCH = 500;

export const retryDelayMs = (attempts: number) =>
  RETRY_DELAYS_MS[Math.min(Math.max(attempts, 1), RETRY_DELAYS_MS.length) - 1]!;

const USER_AGENT = 'Frontline-Webhooks/1 (+https://www.standardwebhooks.com)';

/**
 * Sends webhook deliveries (issue 13, point 8) as the outbound mail sender does: claim a batch with
 * a lease in one short transaction (SKIP LOCKED on PostgreSQL), commit, POST with no transaction
 * open and a timeout, then record each answer in a short transaction of its own. A sender that dies
 * mid-send leaves its lease to run out; the delivery is claimed again and sent with the same
 * `webhook-id`, which receivers deduplicate on (delivery is at least once).
 */
export class WebhookSender {
  private readonly ctx: Ctx;
  private readonly webhooks: WebhooksService;
  private readonly notifications: NotificationsService;
  private readonly loop: LeasedBatches<DeliveryRow>;
  private lastPrune = 0;
  /** One POST's limit, from the first byte sent to the last read (the spec recommends 15–30 s). */
  timeoutMs = 15_000;

  constructor(ctx: Ctx, deps: { webhooks: WebhooksService; notifications: NotificationsService }) {
    this.ctx = ctx;
    this.webhooks = deps.webhooks;
    this.notifications = deps.notifications;
    this.loop = new LeasedBatches(ctx, {
      batch: BATCH,
      claim: (trx, now) => this.claim(trx, now),
      deliver: (d) => this.deliver(d),
      // Side by side: one slow receiver does not hold up the others' deliveries.
      together: true,
      after: () => this.pruneIfDue(),
    });
  }

  /** Send what is due; one run at a time per process. Resolves with the number that succeeded. */
  drain(): Promise<number> {
    return this.loop.drain();
  }

  private async claim(trx: Executor, now: string): Promise<DeliveryRow[]> {
    // Past the timeout and the record: a lease that runs out means the sender died.
    const lease = new Date(Date.parse(now) + this.timeoutMs + 60_000).toISOString();
    let q = trx
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      // Never to an endpoint switched off or disabled: its deliveries wait, unsent.
      .where('endpoint_id', 'in', (eb) =>
        eb
          .selectFrom('webhook_endpoints')
          .select('id')
          .where('active', '=', true)
          .where('disabled_at', 'is', null),
      )
      .orderBy('next_attempt_at')
      .limit(BATCH);
    if (this.ctx.store.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    if (!rows.length) return [];
    await trx
      .updateTable('webhook_deliveries')
      .set((eb) => ({ next_attempt_at: lease, lease_until: lease, attempts: eb('attempts', '+', 1) }))
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => ({
      ...r,
      attempts: r.attempts + 1,
      next_attempt_at: lease,
      lease_until: lease,
    }));
  }

  /** POST one claimed delivery (no transaction open), then record the answer. */
  private async deliver(d: DeliveryRow): Promise<boolean> {
    const ep = await this.ctx.store.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .where('id', '=', d.endpoint_id)
      .executeTakeFirst();
    if (!ep) return false;
    const at = nowIso(this.ctx);
    const body = JSON.stringify(parseJson<unknown>(d.payload, null));
    const timestamp = Math.floor(Date.parse(at) / 1000);
    const result = await post(
      ep.url,
      body,
      {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'webhook-id': d.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signatureHeader(this.webhooks.signingSecrets(ep, at), d.id, timestamp, body),
      },
      { timeoutMs: this.timeoutMs, allowPrivate: this.ctx.config.webhooksAllowPrivate },
    );
    await this.record(d, ep, result);
    return isSuccess(result);
  }

  private async record(d: DeliveryRow, ep: EndpointRow, r: PostResult): Promise<void> {
    const at = nowIso(this.ctx);
    const ok = isSuccess(r);
    const error = ok ? null : (r.error ?? `HTTP ${r.status}`).slice(0, 1000);
    await tx(this.ctx, async (trx) => {
      const current = await trx
        .selectFrom('webhook_deliveries')
        .select(['state', 'lease_until'])
        .where('id', '=', d.id)
        .executeTakeFirst();
      // Deleted with its endpoint meanwhile: nothing to record.
      if (!current) return;
      await trx
        .insertInto('webhook_attempts')
        .values({
          id: newId(),
          delivery_id: d.id,
          attempt: d.attempts,
          at,
          status: r.status,
          error,
          response_excerpt: r.excerpt,
          duration_ms: r.durationMs,
        })
        .execute();
      // Someone else took it over (our lease ran out mid-send, or it was retried by hand): theirs.
      const ours =
        current.state === 'pending' &&
        current.lease_until !== null &&
        d.lease_until !== null &&
        Date.parse(current.lease_until) === Date.parse(d.lease_until);
      if (!ours) return;
      if (ok) {
        await trx
          .updateTable('webhook_deliveries')
          .set({
            state: 'succeeded',
            next_attempt_at: null,
            lease_until: null,
            last_status: r.status,
            last_error: null,
            last_attempt_at: at,
            updated_at: at,
          })
          .where('id', '=', d.id)
          .execute();
        await trx
          .updateTable('webhook_endpoints')
          .set({ consecutive_failures: 0, failing_since: null, last_success_at: at })
          .where('id', '=', ep.id)
          .execute();
        return;
      }
      const giveUp = d.attempts >= MAX_ATTEMPTS;
      const wait = Math.min(
        Math.max(retryDelayMs(d.attempts) * (1 - Math.random() * JITTER), r.retryAfterMs ?? 0),
        DISABLE_AFTER_MS,
      );
      await trx
        .updateTable('webhook_deliveries')
        .set({
          state: giveUp ? 'failed' : 'pending',
          next_attempt_at: giveUp ? null : new Date(Date.parse(at) + wait).toISOString(),
          lease_until: null,
          last_status: r.status,
          last_error: error,
          last_attempt_at: at,
          updated_at: at,
        })
        .where('id', '=', d.id)
        .execute();
      await trx
        .updateTable('webhook_endpoints')
        .set({
          consecutive_failures: sql<number>`consecutive_failures + 1`,
          failing_since: sql<string>`coalesce(failing_since, ${at})`,
        })
        .where('id', '=', ep.id)
        .execute();
      await this.disableIfDue(trx, ep.id, at, r);
    });
  }

  /** Disable an endpoint that keeps failing (or said 410 Gone), once, and tell the administrators. */
  private async disableIfDue(trx: Executor, id: string, at: string, r: PostResult): Promise<void> {
    const ep = await trx.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    if (!ep || ep.disabled_at) return;
    const failingMs = ep.failing_since ? Date.parse(at) - Date.parse(ep.failing_since) : 0;
    let reason: string | null = null;
    if (r.status === 410) reason = 'The receiver answered 410 Gone: it wants no more webhooks';
    else if (ep.consecutive_failures >= DISABLE_AFTER_FAILURES && failingMs >= DISABLE_AFTER_MS)
      reason = `${ep.consecutive_failures} attempts in a row failed over ${Math.floor(failingMs / 3_600_000)} hours; the last: ${(r.error ?? `HTTP ${r.status}`).slice(0, 200)}`;
    if (!reason) return;
    await trx
      .updateTable('webhook_endpoints')
      .set({ disabled_at: at, disabled_reason: reason, version: ep.version + 1, updated_at: at })
      .where('id', '=', id)
      .where('disabled_at', 'is', null)
      .execute();
    await audit(trx, {
      at,
      actor: SYSTEM_ACTOR,
      entityType: 'webhook',
      entityId: id,
      action: 'webhook.disabled',
      after: { reason },
    });
    const admins = await trx
      .selectFrom('users')
      .select('id')
      .where('role', '=', 'administrator')
      .where('active', '=', true)
      .execute();
    let host = ep.url;
    try {
      host = new URL(ep.url).host;
    } catch {
      // the URL as stored
    }
    await this.notifications.notify(trx, {
      userIds: admins.map((a) => a.id),
      kind: 'webhook.disabled',
      topic: `webhook.disabled:${id}:${at}`,
      title: `Webhook to ${host} disabled`,
      body: `${reason}. Nothing more is sent to it until an administrator switches it on again.`,
      email: true,
    });
  }

  private async pruneIfDue(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.prune();
  }

  /** Delete finished deliveries older than KEEP_MS with their attempts, in small batches. */
  async prune(): Promise<number> {
    const cutoff = new Date(this.ctx.clock.now().getTime() - KEEP_MS).toISOString();
    let total = 0;
    for (;;) {
      const n = await tx(this.ctx, async (trx) => {
        const ids = (
          await trx
            .selectFrom('webhook_deliveries')
            .select('id')
            .where('state', 'in', ['succeeded', 'failed'])
            .where('updated_at', '<', cutoff)
            .limit(PRUNE_BATCH)
            .execute()
        ).map((r) => r.id);
        if (!ids.length) return 0;
        await trx.deleteFrom('webhook_attempts').where('delivery_id', 'in', ids).execute();
        await trx.deleteFrom('webhook_deliveries').where('id', 'in', ids).execute();
        return ids.length;
      });
      total += n;
      if (n < PRUNE_BATCH) return total;
    }
  }
}

const isSuccess = (r: PostResult) => r.status !== null && r.status >= 200 && r.status < 300;
