import { type Static, Type } from 'typebox';
import { PARTICULARS } from '../vocabulary.ts';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';
import { ChannelSchema } from './customers.ts';

export { PARTICULARS, type Particular } from '../vocabulary.ts';
export const ParticularSchema = StringEnum(PARTICULARS);

/** Channels an officer logs by hand; the others arrive through channel adapters. */
export const MANUAL_CHANNELS = ['phone', 'walk_in'] as const;

export const ContactCreate = Type.Object(
  {
    channel: StringEnum(MANUAL_CHANNELS),
    direction: StringEnum(['inbound', 'outbound'] as const),
    customerId: Type.Optional(Nullable(Uuid)),
    startedAt: Type.Optional(Type.String({ format: 'date-time' })),
    fromAddress: Type.Optional(
      Nullable(Type.String({ maxLength: 200, description: 'Caller number, if shown' })),
    ),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 20000 }))),
  },
  { additionalProperties: false },
);
export const ContactPatch = Type.Object(
  {
    customerId: Type.Optional(Nullable(Uuid)),
    notes: Type.Optional(Nullable(Type.String({ maxLength: 20000 }))),
    end: Type.Optional(Type.Literal(true, { description: 'Ends the contact now; its duration is recorded' })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const VerificationCheck = Type.Object(
  { particular: ParticularSchema, result: StringEnum(['match', 'mismatch', 'not_provided'] as const) },
  { additionalProperties: false },
);
export const VerificationBody = Type.Object(
  { checks: Type.Array(VerificationCheck, { minItems: 1, maxItems: 20 }) },
  { additionalProperties: false },
);
export const Verification = Type.Object({
  id: Uuid,
  contactId: Uuid,
  officerId: Uuid,
  at: Timestamp,
  checks: Type.Array(Type.Object({ particular: Type.String(), result: Type.String() })),
  result: StringEnum(['passed', 'failed'] as const),
  satisfiesPolicy: Type.Boolean(),
  /** Particulars the policy still needs before account details are shown or changed. */
  missing: Type.Array(Type.String()),
});
export type VerificationDto = Static<typeof Verification>;

export const Contact = Type.Object({
  id: Uuid,
  channel: ChannelSchema,
  direction: Type.String(),
  customerId: Nullable(Uuid),
  officerId: Uuid,
  startedAt: Timestamp,
  endedAt: Nullable(Timestamp),
  durationSeconds: Nullable(Type.Integer()),
  fromAddress: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  verified: Type.Boolean({ description: 'The verification policy is met on this contact' }),
  caseIds: Type.Array(Uuid),
});
export type ContactDto = Static<typeof Contact>;

export const VerificationPolicy = Type.Object(
  {
    required: Type.Array(ParticularSchema, { uniqueItems: true, maxItems: 8 }),
    anyOf: Type.Array(ParticularSchema, { uniqueItems: true, maxItems: 8 }),
    anyOfCount: Type.Integer({ minimum: 0, maximum: 8 }),
  },
  { additionalProperties: false },
);
export type VerificationPolicyDto = Static<typeof VerificationPolicy>;

export const StandardPhrases = Type.Object(
  {
    greeting: Type.String({
      minLength: 1,
      maxLength: 500,
      description: '{officer} is replaced by the officer’s name',
    }),
    closing: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type StandardPhrasesDto = Static<typeof StandardPhrases>;
