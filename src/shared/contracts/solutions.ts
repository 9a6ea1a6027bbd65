import { type Static, Type } from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';
import { KB_AUDIENCES, KB_KINDS } from './knowledge.ts';

export const SOLUTION_STATUSES = ['proposed', 'agreed', 'declined'] as const;
export const POLICY_FLAG_STATUSES = ['open', 'answered'] as const;

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max, pattern: '\\S' });
const Days = (dflt: number, description: string) =>
  Type.Optional(Type.Integer({ minimum: 1, maximum: 30, default: dflt, description }));

export const SolutionCreate = Type.Object(
  {
    caseId: Type.Optional(Uuid),
    problem: Type.String({ ...Text(2000), description: 'The problem as customers meet it' }),
    solution: Type.String({ ...Text(10_000), description: 'The response to apply consistently (Markdown)' }),
  },
  { additionalProperties: false },
);
export type SolutionCreateDto = Static<typeof SolutionCreate>;

export const SolutionCommentCreate = Type.Object({ body: Text(4000) }, { additionalProperties: false });

export const SolutionAgree = Type.Object(
  {
    title: Type.String({ minLength: 3, maxLength: 200, pattern: '\\S' }),
    kind: Type.Optional(StringEnum(KB_KINDS, { default: 'faq' })),
    audience: Type.Optional(StringEnum(KB_AUDIENCES, { default: 'internal' })),
    tags: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' }), {
        maxItems: 20,
        uniqueItems: true,
      }),
    ),
    teamIds: Type.Array(Uuid, {
      minItems: 1,
      maxItems: 50,
      uniqueItems: true,
      description: 'Every member of these teams must acknowledge reading it',
    }),
    acknowledgeWithinDays: Days(3, 'Reminders go to those who have not acknowledged after this'),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type SolutionAgreeDto = Static<typeof SolutionAgree>;

export const SolutionDecline = Type.Object({ note: Text(2000) }, { additionalProperties: false });

export const SolutionComment = Type.Object({
  id: Uuid,
  authorId: Uuid,
  authorName: Type.String(),
  body: Type.String(),
  createdAt: Timestamp,
});

export const Solution = Type.Object({
  id: Uuid,
  caseId: Nullable(Uuid),
  caseReference: Nullable(Type.String()),
  problem: Type.String(),
  solution: Type.String(),
  status: StringEnum(SOLUTION_STATUSES),
  proposedBy: Uuid,
  proposedByName: Type.String(),
  teamId: Nullable(Uuid),
  decidedBy: Nullable(Uuid),
  decidedByName: Nullable(Type.String()),
  decidedAt: Nullable(Timestamp),
  decisionNote: Nullable(Type.String()),
  articleId: Nullable(Uuid),
  disseminationId: Nullable(Uuid),
  commentCount: Type.Integer(),
  comments: Type.Array(SolutionComment),
  createdAt: Timestamp,
});
export type SolutionDto = Static<typeof Solution>;

export const SolutionListQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(SOLUTION_STATUSES)),
    caseId: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const DisseminationCreate = Type.Object(
  {
    teamIds: SolutionAgree.properties.teamIds,
    acknowledgeWithinDays: Days(3, 'Reminders go to those who have not acknowledged after this'),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type DisseminationCreateDto = Static<typeof DisseminationCreate>;

export const DisseminationRecipient = Type.Object({
  userId: Uuid,
  name: Type.String(),
  teamId: Nullable(Uuid),
  acknowledgedAt: Nullable(Timestamp),
});

export const Dissemination = Type.Object({
  id: Uuid,
  articleId: Uuid,
  articleSlug: Type.String(),
  title: Type.String(),
  solutionId: Nullable(Uuid),
  note: Nullable(Type.String()),
  teams: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
  sentBy: Nullable(Uuid),
  sentByName: Nullable(Type.String()),
  sentAt: Timestamp,
  dueAt: Timestamp,
  reminders: Type.Integer(),
  lastRemindedAt: Nullable(Timestamp),
  total: Type.Integer(),
  acknowledged: Type.Integer(),
  /** Who has not acknowledged yet, then who has (the team leader's view). */
  recipients: Type.Array(DisseminationRecipient),
});
export type DisseminationDto = Static<typeof Dissemination>;

export const DisseminationListQuery = Type.Object(
  {
    articleId: Type.Optional(Uuid),
    pending: Type.Optional(Type.Boolean({ description: 'Only those some recipient has not acknowledged' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);

export const Reading = Type.Object({
  disseminationId: Uuid,
  articleId: Uuid,
  articleSlug: Type.String(),
  title: Type.String(),
  note: Nullable(Type.String()),
  sentByName: Nullable(Type.String()),
  sentAt: Timestamp,
  dueAt: Timestamp,
  overdue: Type.Boolean(),
  acknowledgedAt: Nullable(Timestamp),
});
export type ReadingDto = Static<typeof Reading>;

export const ReadingListQuery = Type.Object(
  { all: Type.Optional(Type.Boolean({ description: 'Include what I have acknowledged' })) },
  { additionalProperties: false },
);

export const RemindResult = Type.Object({ reminded: Type.Integer() });

export const PolicyFlagCreate = Type.Object(
  {
    authorityId: Uuid,
    policy: Type.String({ ...Text(2000), description: 'The company policy or procedure in question' }),
    customerNeed: Type.String({
      ...Text(2000),
      description: 'What the customer needs that it does not meet',
    }),
    evidence: Type.String({ ...Text(10_000), description: 'What happened, with references' }),
    answerWithinDays: Days(5, 'When the answer is due'),
  },
  { additionalProperties: false },
);
export type PolicyFlagCreateDto = Static<typeof PolicyFlagCreate>;

export const PolicyFlagAnswer = Type.Object({ answer: Text(10_000) }, { additionalProperties: false });

export const PolicyFlag = Type.Object({
  id: Uuid,
  caseId: Uuid,
  caseReference: Type.String(),
  caseSubject: Type.String(),
  raisedBy: Uuid,
  raisedByName: Type.String(),
  authorityId: Uuid,
  authorityName: Type.String(),
  policy: Type.String(),
  customerNeed: Type.String(),
  evidence: Type.String(),
  status: StringEnum(POLICY_FLAG_STATUSES),
  answer: Nullable(Type.String()),
  answeredBy: Nullable(Uuid),
  answeredByName: Nullable(Type.String()),
  answeredAt: Nullable(Timestamp),
  dueAt: Timestamp,
  overdue: Type.Boolean(),
  createdAt: Timestamp,
});
export type PolicyFlagDto = Static<typeof PolicyFlag>;

export const PolicyFlagListQuery = Type.Object(
  {
    caseId: Type.Optional(Uuid),
    for: Type.Optional(
      StringEnum(['me', 'raised', 'all'] as const, {
        default: 'me',
        description: 'Flags I must answer, flags I raised, or all (leaders)',
      }),
    ),
    status: Type.Optional(StringEnum(POLICY_FLAG_STATUSES)),
  },
  { additionalProperties: false },
);
