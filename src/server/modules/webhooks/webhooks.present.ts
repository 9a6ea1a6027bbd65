import type { Selectable } from 'kysely';
import type {
  WEBHOOK_DELIVERY_STATES,
  WebhookDeliveryDto,
  WebhookDto,
} from '../../../shared/contracts/webhooks.ts';
import {
  parseJson,
  type WebhookAttemptsTable,
  type WebhookDeliveriesTable,
  type WebhookEndpointsTable,
} from '../../platform/db/schema.ts';

export type EndpointRow = Selectable<WebhookEndpointsTable>;
export type DeliveryRow = Selectable<WebhookDeliveriesTable>;
export type AttemptRow = Selectable<WebhookAttemptsTable>;

/** What an integrator receives (the Standard Webhooks payload shape). */
export interface WebhookBody {
  type: string;
  timestamp: string;
  data: Record<string, unknown>;
}

/**
 * Keys of an outbox payload that route realtime invalidations to the desktop's rooms (platform/
 * realtime/rooms.ts): internal, and not part of the event an integrator is promised.
 */
const ROUTING = new Set(['teamIds', 'userIds', 'departmentIds']);

/**
 * The body sent for an outbox event. Events are invalidations — `{id, version?, …ids}` — not the
 * record: the integrator fetches what it needs by id with an API token, so a webhook never carries
 * more than the token may read, and an old retry never carries stale data.
 */
export function eventBody(name: string, at: string, payload: unknown): WebhookBody {
  const p = parseJson<Record<string, unknown>>(payload, {});
  const data = Object.fromEntries(Object.entries(p).filter(([k]) => !ROUTING.has(k)));
  return { type: name, timestamp: new Date(at).toISOString(), data };
}

export function endpointEvents(r: Pick<EndpointRow, 'events'>): string[] {
  return parseJson<string[]>(r.events, []);
}

export function presentWebhook(r: EndpointRow): WebhookDto {
  return {
    id: r.id,
    url: r.url,
    description: r.description,
    events: endpointEvents(r),
    status: !r.active ? 'inactive' : r.disabled_at ? 'disabled' : 'active',
    active: Boolean(r.active),
    disabledAt: r.disabled_at,
    disabledReason: r.disabled_reason,
    consecutiveFailures: r.consecutive_failures,
    failingSince: r.failing_since,
    lastSuccessAt: r.last_success_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

export function presentDelivery(d: DeliveryRow, attempts: AttemptRow[]): WebhookDeliveryDto {
  return {
    id: d.id,
    webhookId: d.endpoint_id,
    eventId: d.event_id,
    event: d.event_name,
    eventAt: d.event_at,
    state: d.state as (typeof WEBHOOK_DELIVERY_STATES)[number],
    attempts: d.attempts,
    nextAttemptAt: d.state === 'pending' ? d.next_attempt_at : null,
    lastStatus: d.last_status,
    lastError: d.last_error,
    lastAttemptAt: d.last_attempt_at,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
    payload: parseJson<unknown>(d.payload, null),
    attemptLog: attempts.map((a) => ({
      attempt: a.attempt,
      at: a.at,
      status: a.status,
      error: a.error,
      responseExcerpt: a.response_excerpt,
      durationMs: a.duration_ms,
    })),
  };
}
