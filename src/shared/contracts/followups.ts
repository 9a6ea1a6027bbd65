import { type Static, Type } from 'typebox';
import { COMMITMENT_METHODS, PROGRESS_CHANNELS } from '../vocabulary.ts';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';

export const COMMITMENT_STATES = ['open', 'kept', 'cancelled'] as const;

export const CommitmentCreate = Type.Object(
  {
    dueAt: Type.String({ format: 'date-time', description: 'When the officer promised to revert' }),
    method: StringEnum(COMMITMENT_METHODS),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    remindMinutes: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 1440, default: 15, description: 'Remind this long before' }),
    ),
  },
  { additionalProperties: false },
);
export type CommitmentCreateDto = Static<typeof CommitmentCreate>;
export const CommitmentPatch = Type.Object(
  {
    state: Type.Optional(StringEnum(['kept', 'cancelled'] as const)),
    dueAt: Type.Optional(Type.String({ format: 'date-time' })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CommitmentPatchDto = Static<typeof CommitmentPatch>;
/** Keeping a promise: for an e-mail follow-up, the e-mail the customer is sent. */
export const CommitmentKeep = Type.Object(
  {
    body: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 5000,
        description:
          'For an e-mail follow-up: the e-mail sent to the customer (threaded on the case, like a reply). For any other method: what was said, recorded.',
      }),
    ),
    withoutSending: Type.Optional(
      Type.Boolean({
        description:
          'Record an e-mail follow-up as kept without sending anything (the customer has no e-mail address, or was told another way). Said explicitly; never assumed.',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CommitmentKeepDto = Static<typeof CommitmentKeep>;
export const Commitment = Type.Object({
  id: Uuid,
  caseId: Uuid,
  caseReference: Type.String(),
  caseSubject: Type.String(),
  customerId: Nullable(Uuid),
  customerName: Nullable(Type.String()),
  officerId: Uuid,
  method: StringEnum(COMMITMENT_METHODS),
  dueAt: Timestamp,
  remindMinutes: Type.Integer(),
  note: Nullable(Type.String()),
  state: StringEnum(COMMITMENT_STATES),
  overdue: Type.Boolean(),
  createdAt: Timestamp,
  completedAt: Nullable(Timestamp),
});
export type CommitmentDto = Static<typeof Commitment>;
export const CommitmentListQuery = Type.Object(
  {
    officerId: Type.Optional(Uuid),
    caseId: Type.Optional(Uuid),
    state: Type.Optional(StringEnum([...COMMITMENT_STATES, 'all'] as const, { default: 'open' })),
  },
  { additionalProperties: false },
);

export const ProgressUpdateDraft = Type.Object({
  needed: Type.Boolean({ description: 'The resolution target is amber or red' }),
  resolutionDueAt: Nullable(Timestamp),
  channel: StringEnum(PROGRESS_CHANNELS),
  body: Type.String(),
});
export const ProgressUpdateCreate = Type.Object(
  {
    channel: StringEnum(PROGRESS_CHANNELS),
    body: Type.String({ minLength: 1, maxLength: 5000 }),
    withoutSending: Type.Optional(
      Type.Boolean({
        description:
          'By e-mail: record the update without sending it (the customer has no e-mail address). Said explicitly; never assumed.',
      }),
    ),
  },
  { additionalProperties: false },
);
export const ProgressUpdateSent = Type.Object({ contactId: Uuid, noteId: Uuid, sentAt: Timestamp });
