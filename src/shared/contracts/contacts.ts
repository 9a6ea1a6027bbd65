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
    end: Type.Optional(
      Type.Literal(true, {
        description:
          'Ends the contact now; its duration is recorded. A live chat’s contact ends its chat too, in the caller’s name',
      }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const VerificationAnswer = Type.Object(
  {
    particular: ParticularSchema,
    value: Type.String({
      minLength: 1,
      maxLength: 200,
      description:
        'What the caller gave; the server compares it with the record and never returns the record',
    }),
  },
  { additionalProperties: false },
);
export const VerificationBody = Type.Object(
  { answers: Type.Array(VerificationAnswer, { minItems: 1, maxItems: 20 }) },
  { additionalProperties: false },
);
/** `no_record`: nothing on file to compare with (it cannot count towards the policy). */
export const CHECK_RESULTS = ['match', 'mismatch', 'no_record'] as const;
export const VerificationCheck = Type.Object({
  particular: Type.String(),
  result: StringEnum(CHECK_RESULTS),
});
export const VerificationState = Type.Object({
  /** The latest result per particular on this contact. */
  checks: Type.Array(VerificationCheck),
  satisfiesPolicy: Type.Boolean(),
  /** Particulars the policy still needs before account details are shown or changed. */
  missing: Type.Array(Type.String()),
  /** Mismatched answers so far on this contact; at `maxMismatches` verification is locked. */
  mismatches: Type.Integer(),
  maxMismatches: Type.Integer(),
  locked: Type.Boolean({ description: 'Too many mismatches: the team leader has been told' }),
});
export type VerificationStateDto = Static<typeof VerificationState>;
export const Verification = Type.Object({
  id: Uuid,
  contactId: Uuid,
  officerId: Uuid,
  at: Timestamp,
  /** This attempt's results, one per answer. */
  checks: Type.Array(VerificationCheck),
  result: StringEnum(['passed', 'failed'] as const),
  satisfiesPolicy: Type.Boolean(),
  missing: Type.Array(Type.String()),
  state: VerificationState,
});
export type VerificationDto = Static<typeof Verification>;

/** The unsaved parts of the contact's form, kept on the server per contact (opaque to it). */
export const ContactDraft = Type.Record(Type.String({ maxLength: 40 }), Type.Unknown(), {
  maxProperties: 40,
});
export const ContactDraftBody = Type.Object({ data: ContactDraft }, { additionalProperties: false });

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
  verified: Type.Boolean({
    description: 'The verification policy is met on this contact, and it still unmasks (open, or in wrap-up)',
  }),
  verification: Nullable(VerificationState),
  /** The cases logged on this contact (one per enquiry), oldest first. */
  caseIds: Type.Array(Uuid),
  /** The handler's unsaved form; only the handling officer sees it. */
  draft: Nullable(ContactDraft),
});
export const CurrentContact = Type.Object({ contact: Nullable(Contact) });
export type ContactDto = Static<typeof Contact>;

export const VerificationPolicy = Type.Object(
  {
    required: Type.Array(ParticularSchema, { uniqueItems: true, maxItems: 8 }),
    anyOf: Type.Array(ParticularSchema, { uniqueItems: true, maxItems: 8 }),
    anyOfCount: Type.Integer({ minimum: 0, maximum: 8 }),
    maxMismatches: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10,
        description:
          'Mismatched answers on one contact before verification locks and the team leader is told (3)',
      }),
    ),
    wrapUpMinutes: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 120,
        description: 'How long after a contact ends its verification still unmasks, for wrap-up (10)',
      }),
    ),
    siteSignIn: Type.Optional(
      Type.Array(ParticularSchema, {
        uniqueItems: true,
        maxItems: 8,
        description:
          'The particulars a web chat visitor signed in on the site (a valid HMAC of the site’s customer id) counts as matched, once an officer who verified the customer confirmed that site account as them (POST /cases/:id/chat/site-link/confirm); each must be in `required` or `anyOf`. Empty or absent: a site sign-in counts for nothing',
      }),
    ),
  },
  { additionalProperties: false },
);
export type VerificationPolicyDto = Static<typeof VerificationPolicy>;

export const StandardPhrases = Type.Object(
  {
    greeting: Type.String({
      minLength: 1,
      maxLength: 500,
      description: '{{officer.name}} is replaced by the officer’s name (the one template syntax)',
    }),
    closing: Type.String({ minLength: 1, maxLength: 500 }),
    writtenGreeting: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description:
          'The greeting on a contact in writing (a chat, an e-mail, a text), as `greeting` is on a call; left out of a write, it stays as it is',
      }),
    ),
    writtenClosing: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 500,
        description: 'The closing on a contact in writing; left out of a write, it stays as it is',
      }),
    ),
  },
  { additionalProperties: false },
);
export type StandardPhrasesDto = Static<typeof StandardPhrases>;
