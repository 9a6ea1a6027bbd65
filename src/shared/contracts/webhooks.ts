import { type Static, Type } from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';

/**
 * The events an integrator may subscribe to: the outbox's domain events (`noun.verb`) that are about
 * records an integrator can fetch. Notifications (a person's bell) are not among them. A name added
 * here is a promise to integrators: its `data` keeps its shape.
 */
export const WEBHOOK_EVENTS = [
  'case.created',
  'case.updated',
  'case.assigned',
  'case.status_changed',
  'case.reopened',
  'case.escalated',
  'case.referred',
  'case.signposted',
  'case.merged',
  'case.merge_received',
  'case.note_added',
  'case.message_received',
  'case.message_queued',
  'case.message_sent',
  'case.message_delivered',
  'case.message_failed',
  'case.message_bounced',
  'customer.created',
  'customer.updated',
  'customer.merged',
  'account.created',
  'account.updated',
  'contact.created',
  'contact.updated',
  'contact.ended',
  'contact.verified',
  'contact.verification_locked',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];
/** Sent by `POST /webhooks/:id/test` only, whatever the endpoint subscribes to. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

export const WEBHOOK_DELIVERY_STATES = ['pending', 'succeeded', 'failed'] as const;
/** active; inactive (switched off by an administrator); disabled (by the sender, after repeated failure). */
export const WEBHOOK_STATUSES = ['active', 'inactive', 'disabled'] as const;

const fields = {
  url: Type.String({
    minLength: 1,
    maxLength: 2000,
    description: 'http:// or https://, without a user name or password; private addresses are refused',
  }),
  description: Nullable(Type.String({ maxLength: 500 })),
  events: Type.Array(StringEnum([...WEBHOOK_EVENTS, '*']), {
    minItems: 1,
    maxItems: WEBHOOK_EVENTS.length + 1,
    uniqueItems: true,
    description: "The event names to send, or ['*'] for all",
  }),
  active: Type.Boolean(),
};

export const WebhookCreate = Type.Object(
  {
    url: fields.url,
    description: Type.Optional(fields.description),
    events: fields.events,
    active: Type.Optional(fields.active),
  },
  { additionalProperties: false },
);
export type WebhookCreateDto = Static<typeof WebhookCreate>;

export const WebhookPatch = Type.Object(
  {
    url: Type.Optional(fields.url),
    description: Type.Optional(fields.description),
    events: Type.Optional(fields.events),
    active: Type.Optional(
      Type.Boolean({
        description: 'true also re-enables an endpoint the sender disabled, and resets its failure count',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type WebhookPatchDto = Static<typeof WebhookPatch>;

export const Webhook = Type.Object({
  id: Uuid,
  url: Type.String(),
  description: Nullable(Type.String()),
  events: Type.Array(Type.String()),
  status: StringEnum(WEBHOOK_STATUSES),
  active: Type.Boolean(),
  disabledAt: Nullable(Timestamp),
  disabledReason: Nullable(Type.String()),
  consecutiveFailures: Type.Integer(),
  failingSince: Nullable(Timestamp),
  lastSuccessAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: Type.Integer(),
});
export type WebhookDto = Static<typeof Webhook>;

/** The endpoint as created: with its signing secret, shown this once. */
export const WebhookWithSecret = Type.Object({
  ...Webhook.properties,
  secret: Type.String({ description: 'whsec_<base64>: shown once; keep it to verify signatures' }),
});
export type WebhookWithSecretDto = Static<typeof WebhookWithSecret>;

export const WebhookSecret = Type.Object({
  secret: Type.String({ description: 'The new whsec_… key, shown once' }),
  previousValidUntil: Timestamp,
});

export const WebhookAttempt = Type.Object({
  attempt: Type.Integer(),
  at: Timestamp,
  /** The HTTP status, or null when no answer came (timeout, refused, DNS). */
  status: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  /** The first bytes of the answer's body. */
  responseExcerpt: Nullable(Type.String()),
  durationMs: Type.Integer(),
});

export const WebhookDelivery = Type.Object({
  id: Uuid,
  webhookId: Uuid,
  eventId: Type.String(),
  event: Type.String(),
  eventAt: Timestamp,
  state: StringEnum(WEBHOOK_DELIVERY_STATES),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(Timestamp),
  lastStatus: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  lastAttemptAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** The body sent (signed as is). */
  payload: Type.Unknown(),
  /** The attempts, newest first (at most 20). */
  attemptLog: Type.Array(WebhookAttempt),
});
export type WebhookDeliveryDto = Static<typeof WebhookDelivery>;

export const DeliveriesQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
    cursor: Type.Optional(Type.String({ maxLength: 200, pattern: '^[A-Za-z0-9_-]+$' })),
    state: Type.Optional(StringEnum(WEBHOOK_DELIVERY_STATES)),
  },
  { additionalProperties: false },
);
