import {
  WEBHOOK_EVENTS,
  WEBHOOK_TEST_EVENT,
  type WebhookCreateDto,
  type WebhookDeliveryDto,
  type WebhookDto,
  type WebhookPatchDto,
  type WebhookWithSecretDto,
} from '../../../shared/contracts/webhooks.ts';
import { type Actor, audit, diff } from '../../platform/audit.ts';
import { type Ctx, decodeCursor, encodeCursor, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { ClaimedEvent } from '../../platform/realtime/dispatcher.ts';
import type { Secrets } from '../../platform/secrets.ts';
import {
  type AttemptRow,
  type DeliveryRow,
  type EndpointRow,
  endpointEvents,
  eventBody,
  presentDelivery,
  presentWebhook,
} from './webhooks.present.ts';
import { newSecret } from './webhooks.signing.ts';
import { urlProblem } from './webhooks.transport.ts';

const SUBSCRIBABLE: ReadonlySet<string> = new Set(WEBHOOK_EVENTS);
/** After a rotation the old key still signs (beside the new one) this long: receivers switch without a gap. */
export const PREVIOUS_SECRET_MS = 24 * 3_600_000;
/** Attempts shown with each delivery in the log. */
const ATTEMPTS_SHOWN = 20;
/** Delivery rows inserted per statement by the fan-out. */
const INSERT_CHUNK = 200;

/**
 * Webhook endpoints for integrators (issue 13, point 8) and the fan-out of events to them. The
 * sending lives in webhooks.sender.ts. Administrators (channels.manage) manage endpoints; the
 * signing secret is sealed at rest and shown once, when made or rotated.
 */
export class WebhooksService {
  private readonly ctx: Ctx;
  private readonly secrets: Secrets;

  constructor(ctx: Ctx, deps: { secrets: Secrets }) {
    this.ctx = ctx;
    this.secrets = deps.secrets;
  }

  async list(): Promise<WebhookDto[]> {
    const rows = await this.ctx.store.db
      .selectFrom('webhook_endpoints')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(presentWebhook);
  }

  async get(id: string): Promise<WebhookDto> {
    return presentWebhook(await this.row(this.ctx.store.db, id));
  }

  async row(trx: Executor, id: string): Promise<EndpointRow> {
    const r = await trx.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('webhook.not_found', id);
    return r;
  }

  /** The keys to sign with now: the current one, and the previous one within a day of a rotation. */
  signingSecrets(r: EndpointRow, at: string): string[] {
    const keys = [this.secrets.open(r.secret)];
    if (r.previous_secret && r.previous_secret_until && Date.parse(r.previous_secret_until) > Date.parse(at))
      keys.push(this.secrets.open(r.previous_secret));
    return keys;
  }

  private checkUrl(url: string): void {
    const p = urlProblem(url, this.ctx.config.webhooksAllowPrivate);
    if (!p) return;
    if (p.rule === 'httpUrl')
      throw invalid(
        '/body/url',
        'httpUrl',
        'must be an http:// or https:// address, without a user name or password',
      );
    throw invalid(
      '/body/url',
      'privateAddress',
      `points at an internal address (${p.host}): webhooks go to public addresses only`,
      { host: p.host },
    );
  }

  async create(actor: Actor, input: WebhookCreateDto): Promise<WebhookWithSecretDto> {
    this.checkUrl(input.url);
    const at = nowIso(this.ctx);
    const secret = newSecret();
    const row: EndpointRow = {
      id: newId(),
      url: input.url,
      description: input.description ?? null,
      events: JSON.stringify(input.events.includes('*') ? ['*'] : input.events),
      secret: this.secrets.seal(secret),
      previous_secret: null,
      previous_secret_until: null,
      active: input.active ?? true,
      disabled_at: null,
      disabled_reason: null,
      consecutive_failures: 0,
      failing_since: null,
      last_success_at: null,
      created_by: actor.via === 'system' ? null : actor.userId,
      created_at: at,
      updated_at: at,
      version: 1,
    };
    return tx(this.ctx, async (trx) => {
      await trx
        .insertInto('webhook_endpoints')
        .values(row as never)
        .execute();
      const presented = presentWebhook(row);
      // The secret is never audited: the trail is readable by supervisors.
      await audit(trx, {
        at,
        actor,
        entityType: 'webhook',
        entityId: row.id,
        action: 'webhook.created',
        after: presented,
      });
      return { ...presented, secret };
    });
  }

  async update(
    actor: Actor,
    id: string,
    input: WebhookPatchDto,
    ifMatch: number | undefined,
  ): Promise<WebhookDto> {
    if (input.url !== undefined) this.checkUrl(input.url);
    return tx(this.ctx, async (trx) => {
      const before = await this.row(trx, id);
      if (ifMatch !== undefined && ifMatch !== before.version)
        throw new AppError('request.precondition_failed', `The webhook is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      const next: EndpointRow = { ...before, updated_at: nowIso(this.ctx), version: before.version + 1 };
      if (input.url !== undefined) next.url = input.url;
      if (input.description !== undefined) next.description = input.description;
      const events = input.events ?? endpointEvents(before);
      // Always written as JSON text: PostgreSQL hands jsonb back parsed, and node-postgres would
      // send a parsed array back as an SQL array.
      next.events = JSON.stringify(events.includes('*') ? ['*'] : events);
      if (input.active !== undefined) next.active = input.active;
      // Switched on (again): a disable by the sender is lifted and its record of failures cleared.
      if (input.active === true) {
        next.disabled_at = null;
        next.disabled_reason = null;
        next.consecutive_failures = 0;
        next.failing_since = null;
      }
      await trx
        .updateTable('webhook_endpoints')
        .set(next as never)
        .where('id', '=', id)
        .execute();
      const presented = presentWebhook(next);
      await audit(trx, {
        at: next.updated_at,
        actor,
        entityType: 'webhook',
        entityId: id,
        action: 'webhook.updated',
        ...diff(
          presentWebhook(before) as unknown as Record<string, unknown>,
          presented as unknown as Record<string, unknown>,
        ),
      });
      return presented;
    });
  }

  /** Remove an endpoint with its delivery log; a send in flight records nothing afterwards. */
  async remove(actor: Actor, id: string): Promise<void> {
    await tx(this.ctx, async (trx) => {
      const before = await this.row(trx, id);
      await trx
        .deleteFrom('webhook_attempts')
        .where('delivery_id', 'in', (eb) =>
          eb.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id),
        )
        .execute();
      await trx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute();
      await trx.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
      await audit(trx, {
        at: nowIso(this.ctx),
        actor,
        entityType: 'webhook',
        entityId: id,
        action: 'webhook.deleted',
        before: presentWebhook(before),
      });
    });
  }

  /** A new signing key, shown once; the old one keeps signing beside it for a day. */
  async rotateSecret(actor: Actor, id: string): Promise<{ secret: string; previousValidUntil: string }> {
    return tx(this.ctx, async (trx) => {
      const before = await this.row(trx, id);
      const at = nowIso(this.ctx);
      const secret = newSecret();
      const until = new Date(Date.parse(at) + PREVIOUS_SECRET_MS).toISOString();
      await trx
        .updateTable('webhook_endpoints')
        .set({
          secret: this.secrets.seal(secret),
          previous_secret: before.secret,
          previous_secret_until: until,
          updated_at: at,
          version: before.version + 1,
        })
        .where('id', '=', id)
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'webhook',
        entityId: id,
        action: 'webhook.secret_rotated',
        after: { previousValidUntil: until },
      });
      return { secret, previousValidUntil: until };
    });
  }

  /** Queue a `webhook.test` delivery, whatever the endpoint subscribes to. */
  async test(actor: Actor, id: string): Promise<WebhookDeliveryDto> {
    return tx(this.ctx, async (trx) => {
      const ep = await this.row(trx, id);
      const at = nowIso(this.ctx);
      const deliveryId = newId();
      const row: DeliveryRow = {
        id: deliveryId,
        endpoint_id: ep.id,
        event_id: deliveryId,
        event_name: WEBHOOK_TEST_EVENT,
        event_at: at,
        payload: JSON.stringify(eventBody(WEBHOOK_TEST_EVENT, at, { webhookId: ep.id })),
        state: 'pending',
        attempts: 0,
        next_attempt_at: at,
        lease_until: null,
        last_status: null,
        last_error: null,
        last_attempt_at: null,
        created_at: at,
        updated_at: at,
      };
      await trx
        .insertInto('webhook_deliveries')
        .values(row as never)
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'webhook',
        entityId: id,
        action: 'webhook.tested',
        after: { deliveryId },
      });
      return presentDelivery(row, []);
    });
  }

  /**
   * The fan-out, run by the realtime dispatcher inside the transaction that marks these events
   * published: each event becomes a delivery for every active endpoint subscribed to it. That
   * transaction takes each outbox row exactly once (and PostgreSQL's SKIP LOCKED shares rows between
   * nodes), the outbox is pruned only once published, and (endpoint, event) is unique: no event is
   * missed or delivered twice to one endpoint, without a cursor to keep (a cursor over ids would skip
   * an event whose transaction commits after a later id was read). Events older than an endpoint
   * are not sent to it.
   */
  async fanOut(trx: Executor, events: ClaimedEvent[]): Promise<number> {
    const wanted = events.filter((e) => SUBSCRIBABLE.has(e.name));
    if (!wanted.length) return 0;
    const endpoints = await trx
      .selectFrom('webhook_endpoints')
      .select(['id', 'events', 'created_at'])
      .where('active', '=', true)
      .where('disabled_at', 'is', null)
      .execute();
    if (!endpoints.length) return 0;
    const at = nowIso(this.ctx);
    const rows: DeliveryRow[] = [];
    for (const ep of endpoints) {
      const names = new Set(endpointEvents(ep));
      const since = Date.parse(ep.created_at);
      for (const e of wanted) {
        if (!names.has('*') && !names.has(e.name)) continue;
        if (Date.parse(e.created_at) < since) continue;
        rows.push({
          id: newId(),
          endpoint_id: ep.id,
          event_id: e.id,
          event_name: e.name,
          event_at: e.created_at,
          payload: JSON.stringify(eventBody(e.name, e.created_at, e.payload)),
          state: 'pending',
          attempts: 0,
          next_attempt_at: at,
          lease_until: null,
          last_status: null,
          last_error: null,
          last_attempt_at: null,
          created_at: at,
          updated_at: at,
        });
      }
    }
    for (let i = 0; i < rows.length; i += INSERT_CHUNK)
      await trx
        .insertInto('webhook_deliveries')
        .values(rows.slice(i, i + INSERT_CHUNK) as never)
        .onConflict((oc) => oc.columns(['endpoint_id', 'event_id']).doNothing())
        .execute();
    return rows.length;
  }

  /** An endpoint's delivery log, newest first, paged by an opaque cursor. */
  async deliveries(
    id: string,
    q: { limit?: number | undefined; cursor?: string | undefined; state?: string | undefined },
  ): Promise<{ items: WebhookDeliveryDto[]; nextCursor: string | null }> {
    // A bad cursor is the request's fault whichever endpoint it names: 400 before 404.
    const after = decodeCursor(q.cursor);
    const db = this.ctx.store.db;
    await this.row(db, id);
    const limit = q.limit ?? 20;
    let query = db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('endpoint_id', '=', id)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1);
    if (q.state) query = query.where('state', '=', q.state);
    if (after)
      query = query.where((eb) =>
        eb.or([
          eb('created_at', '<', after[0]),
          eb.and([eb('created_at', '=', after[0]), eb('id', '<', after[1])]),
        ]),
      );
    const rows = await query.execute();
    const page = rows.slice(0, limit);
    const attempts = await this.attemptsOf(
      db,
      page.map((d) => d.id),
    );
    const last = page.at(-1);
    return {
      items: page.map((d) => presentDelivery(d, attempts.get(d.id) ?? [])),
      nextCursor:
        rows.length > limit && last ? encodeCursor(new Date(last.created_at).toISOString(), last.id) : null,
    };
  }

  private async attemptsOf(trx: Executor, ids: string[]): Promise<Map<string, AttemptRow[]>> {
    const out = new Map<string, AttemptRow[]>();
    if (!ids.length) return out;
    const rows = await trx
      .selectFrom('webhook_attempts')
      .selectAll()
      .where('delivery_id', 'in', ids)
      .orderBy('at', 'desc')
      .orderBy('attempt', 'desc')
      .execute();
    for (const a of rows) {
      const list = out.get(a.delivery_id) ?? [];
      if (list.length < ATTEMPTS_SHOWN) list.push(a);
      out.set(a.delivery_id, list);
    }
    return out;
  }

  async delivery(id: string): Promise<WebhookDeliveryDto> {
    const db = this.ctx.store.db;
    const d = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    if (!d) throw notFound('webhook_delivery.not_found', id);
    return presentDelivery(d, (await this.attemptsOf(db, [id])).get(id) ?? []);
  }

  /**
   * Send a delivery again, from a fresh count of attempts (a failed one after the receiver was
   * fixed, or a succeeded one the receiver lost). It goes once its endpoint is active.
   */
  async retry(actor: Actor, id: string): Promise<WebhookDeliveryDto> {
    return tx(this.ctx, async (trx) => {
      const d = await trx
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      if (!d) throw notFound('webhook_delivery.not_found', id);
      if (d.state === 'pending')
        throw new AppError(
          'webhook_delivery.pending',
          'The delivery is still pending: it will be tried again',
          {
            extra: { nextAttemptAt: d.next_attempt_at },
          },
        );
      const at = nowIso(this.ctx);
      const next: DeliveryRow = {
        ...d,
        state: 'pending',
        attempts: 0,
        next_attempt_at: at,
        lease_until: null,
        updated_at: at,
      };
      await trx
        .updateTable('webhook_deliveries')
        .set({ state: 'pending', attempts: 0, next_attempt_at: at, lease_until: null, updated_at: at })
        .where('id', '=', id)
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'webhook',
        entityId: d.endpoint_id,
        action: 'webhook.delivery_retried',
        after: { deliveryId: id, event: d.event_name },
      });
      return presentDelivery(next, (await this.attemptsOf(trx, [id])).get(id) ?? []);
    });
  }
}
