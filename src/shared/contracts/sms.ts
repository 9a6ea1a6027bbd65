import { type Static, Type } from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';
import { CHANNEL_HEALTH } from './mailboxes.ts';

/** How an SMS endpoint reaches its provider: a Twilio-compatible REST API (Twilio, or the local simulator). */
export const SMS_PROVIDERS = ['twilio'] as const;

const fields = {
  /** Any written form; stored and shown in E.164 (read with FRONTLINE_DEFAULT_REGION). */
  number: Type.String({ minLength: 3, maxLength: 32, pattern: '^[+\\d][\\d\\s().-]*$' }),
  displayName: Type.String({ minLength: 1, maxLength: 100 }),
  provider: StringEnum(SMS_PROVIDERS),
  baseUrl: Type.String({ format: 'uri', maxLength: 500, pattern: '^https?://' }),
  accountSid: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' }),
  authToken: Type.String({
    minLength: 1,
    maxLength: 200,
    description: 'Write-only: stored encrypted, never returned',
  }),
  teamId: Nullable(Uuid),
  active: Type.Boolean(),
};

export const SmsEndpointCreate = Type.Object(
  {
    number: fields.number,
    displayName: fields.displayName,
    provider: Type.Optional(fields.provider),
    baseUrl: fields.baseUrl,
    accountSid: fields.accountSid,
    authToken: fields.authToken,
    teamId: Type.Optional(fields.teamId),
    active: Type.Optional(fields.active),
  },
  { additionalProperties: false },
);
export type SmsEndpointCreateDto = Static<typeof SmsEndpointCreate>;
export const SmsEndpointPatch = Type.Partial(SmsEndpointCreate, {
  additionalProperties: false,
  minProperties: 1,
});
export type SmsEndpointPatchDto = Static<typeof SmsEndpointPatch>;

export const SmsEndpoint = Type.Object({
  id: Uuid,
  number: Type.String(),
  displayName: Type.String(),
  provider: StringEnum(SMS_PROVIDERS),
  baseUrl: Type.String(),
  accountSid: Type.String(),
  hasAuthToken: Type.Boolean(),
  teamId: Nullable(Type.String()),
  active: Type.Boolean(),
  health: StringEnum(CHANNEL_HEALTH),
  lastInboundAt: Nullable(Timestamp),
  lastError: Nullable(Type.String()),
  lastErrorAt: Nullable(Timestamp),
  /** The path to give the provider for incoming texts and for delivery reports (after the server's address). */
  inboundPath: Type.String(),
  statusPath: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: Type.Integer(),
});
export type SmsEndpointDto = Static<typeof SmsEndpoint>;

export const SmsReplyCreate = Type.Object(
  { body: Type.String({ minLength: 1, maxLength: 1600 }) },
  { additionalProperties: false },
);
export type SmsReplyCreateDto = Static<typeof SmsReplyCreate>;

/** Whom an SMS reply on a case would go to, from which number, and whether it may be sent. */
export const SmsRecipient = Type.Object({
  /** The customer's number (masked for roles without particulars), or null when the case has none. */
  to: Nullable(Type.String()),
  from: Nullable(Type.String()),
  /** The case came in by SMS: the composer offers SMS first. */
  bySms: Type.Boolean(),
  /** The number texted STOP: nothing may be sent until it texts START. */
  optedOut: Type.Boolean(),
  /** When it texted STOP; null when it has not opted out. */
  optedOutAt: Nullable(Timestamp),
});
export type SmsRecipientDto = Static<typeof SmsRecipient>;
