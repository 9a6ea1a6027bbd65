import { type Static, Type } from 'typebox';
import { CASE_TYPES } from '../vocabulary.ts';
import { Nullable, PageQuery, StringEnum, Timestamp, Uuid } from './common.ts';

export { CASE_TYPES } from '../vocabulary.ts';
export const CRITICALITIES = ['highly_critical', 'not_highly_critical'] as const;
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const CASE_STATUSES = [
  'new',
  'open',
  'pending_customer',
  'pending_action_party',
  'resolved',
  'closed',
] as const;
export const CASE_ACTIONS = [
  'open',
  'await_customer',
  'await_action_party',
  'resume',
  'resolve',
  'close',
  'reopen',
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type CaseAction = (typeof CASE_ACTIONS)[number];

const Subject = Type.String({ minLength: 1, maxLength: 300 });
const Description = Type.String({ maxLength: 20000 });

export const CaseCreate = Type.Object(
  {
    contactId: Uuid,
    type: StringEnum(CASE_TYPES),
    subject: Subject,
    description: Type.Optional(Nullable(Description)),
    categoryId: Type.Optional(Nullable(Uuid)),
    criticality: Type.Optional(StringEnum(CRITICALITIES)),
    priority: Type.Optional(StringEnum(PRIORITIES)),
    assigneeId: Type.Optional(Nullable(Uuid)),
    teamId: Type.Optional(Nullable(Uuid)),
    departmentId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export type CaseCreateDto = Static<typeof CaseCreate>;

export const CasePatch = Type.Object(
  {
    type: Type.Optional(StringEnum(CASE_TYPES)),
    subject: Type.Optional(Subject),
    description: Type.Optional(Nullable(Description)),
    categoryId: Type.Optional(Nullable(Uuid)),
    criticality: Type.Optional(StringEnum(CRITICALITIES)),
    priority: Type.Optional(StringEnum(PRIORITIES)),
    assigneeId: Type.Optional(Nullable(Uuid)),
    teamId: Type.Optional(Nullable(Uuid)),
    departmentId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CasePatchDto = Static<typeof CasePatch>;

export const CaseTransition = Type.Object(
  {
    action: StringEnum(CASE_ACTIONS),
    reason: Type.Optional(Type.String({ maxLength: 2000 })),
    resolutionSummary: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
    customerConfirmed: Type.Optional(
      Type.Boolean({ description: 'The customer confirmed the query was resolved to their satisfaction' }),
    ),
  },
  { additionalProperties: false },
);
export type CaseTransitionDto = Static<typeof CaseTransition>;

export const NoteCreate = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: 20000 }),
    visibility: StringEnum(['internal', 'public'] as const, {
      description: 'internal: staff only; public: a reply the customer sees',
    }),
    contactId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export type NoteCreateDto = Static<typeof NoteCreate>;
export const CaseDraftBody = Type.Object(
  {
    visibility: StringEnum(['internal', 'public'] as const),
    body: Type.String({ maxLength: 20000, description: 'Empty removes the draft' }),
  },
  { additionalProperties: false },
);
export const CaseDraft = Type.Object({
  visibility: StringEnum(['internal', 'public'] as const),
  body: Type.String(),
  updatedAt: Timestamp,
});
export type CaseDraftDto = Static<typeof CaseDraft>;

export const ReferralCreate = Type.Object(
  {
    mode: StringEnum(['transfer', 'signpost'] as const, {
      description:
        "transfer: the case moves to the department's queue; signpost: needs cannot be met here, the customer was given the department's or party's number",
    }),
    departmentId: Type.Optional(Nullable(Uuid)),
    partyName: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 200 }))),
    contactNumberGiven: Type.Optional(Nullable(Type.String({ minLength: 3, maxLength: 40 }))),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    urgent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ReferralCreateDto = Static<typeof ReferralCreate>;

export const Note = Type.Object({
  id: Uuid,
  caseId: Uuid,
  authorId: Uuid,
  visibility: Type.String(),
  body: Type.String(),
  contactId: Nullable(Uuid),
  createdAt: Timestamp,
});
export const Referral = Type.Object({
  id: Uuid,
  caseId: Uuid,
  mode: Type.String(),
  departmentId: Nullable(Uuid),
  partyName: Nullable(Type.String()),
  contactNumberGiven: Nullable(Type.String()),
  reason: Type.String(),
  urgent: Type.Boolean(),
  createdBy: Uuid,
  createdAt: Timestamp,
});
export const CaseEvent = Type.Object({
  id: Uuid,
  at: Timestamp,
  actorId: Nullable(Type.String()),
  kind: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
});

export const Case = Type.Object({
  id: Uuid,
  reference: Type.String(),
  type: StringEnum(CASE_TYPES),
  categoryId: Nullable(Uuid),
  criticality: StringEnum(CRITICALITIES),
  priority: StringEnum(PRIORITIES),
  status: StringEnum(CASE_STATUSES),
  subject: Type.String(),
  description: Nullable(Type.String()),
  customerId: Nullable(Uuid),
  assigneeId: Nullable(Uuid),
  teamId: Nullable(Uuid),
  departmentId: Nullable(Uuid),
  createdBy: Uuid,
  createdAt: Timestamp,
  updatedAt: Timestamp,
  resolvedAt: Nullable(Timestamp),
  closedAt: Nullable(Timestamp),
  resolutionSummary: Nullable(Type.String()),
  customerConfirmed: Nullable(Type.Boolean()),
  version: Type.Integer(),
  allowedActions: Type.Array(StringEnum(CASE_ACTIONS)),
  slaPolicyId: Nullable(Uuid),
  firstResponseDueAt: Nullable(Timestamp),
  resolutionDueAt: Nullable(Timestamp),
  nextUpdateDueAt: Nullable(Timestamp),
  /** The earliest due time of a running clock, and when it turns amber. */
  slaDueAt: Nullable(Timestamp),
  slaWarnAt: Nullable(Timestamp),
  /** The queue colour now: none (no SLA), ok, due_soon (amber), breached (red), paused. */
  slaState: StringEnum(['none', 'ok', 'due_soon', 'breached', 'paused'] as const),
  /** Set on a duplicate merged into another case: the case kept. */
  mergedIntoId: Nullable(Uuid),
});
export type CaseDto = Static<typeof Case>;

export const CaseDetail = Type.Object({
  ...Case.properties,
  contactIds: Type.Array(Uuid),
  notes: Type.Array(Note),
  referrals: Type.Array(Referral),
  timeline: Type.Array(CaseEvent),
});

const csv = (values: readonly string[]) =>
  Type.String({
    pattern: `^(${values.join('|')})(,(${values.join('|')}))*$`,
    description: `Comma-separated: ${values.join(', ')}`,
  });

export const CaseListQuery = Type.Object(
  {
    status: Type.Optional(csv(CASE_STATUSES)),
    type: Type.Optional(StringEnum(CASE_TYPES)),
    criticality: Type.Optional(StringEnum(CRITICALITIES)),
    assigneeId: Type.Optional(Uuid),
    teamId: Type.Optional(Uuid),
    departmentId: Type.Optional(Uuid),
    customerId: Type.Optional(Uuid),
    priority: Type.Optional(StringEnum(PRIORITIES)),
    unassigned: Type.Optional(Type.Boolean({ description: 'Only cases nobody owns yet' })),
    sort: Type.Optional(
      StringEnum(['newest', 'oldest', 'queue', 'due', 'updated'] as const, {
        description:
          'newest (default) or oldest by creation; queue: most urgent first — priority, then highly critical, then oldest; due: soonest due time of a running SLA clock first, then cases with no running clock, oldest first; updated: last changed first. Every order is paged with `cursor`.',
      }),
    ),
    sla: Type.Optional(
      StringEnum(['due_soon', 'breached', 'at_risk', 'on_track'] as const, {
        description:
          'due_soon: a running clock is amber; breached: a running clock is past due; at_risk: either; on_track: neither',
      }),
    ),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type CaseListQueryDto = Static<typeof CaseListQuery>;

/** What a saved view keeps: the list's filters and order (never a cursor). */
export const CaseMerge = Type.Object(
  {
    intoId: Type.String({
      format: 'uuid',
      description: 'The case to keep: this one is closed as its duplicate',
    }),
  },
  { additionalProperties: false },
);

export const CaseViewFilters = Type.Object(
  {
    status: Type.Optional(csv(CASE_STATUSES)),
    type: Type.Optional(StringEnum(CASE_TYPES)),
    criticality: Type.Optional(StringEnum(CRITICALITIES)),
    priority: Type.Optional(StringEnum(PRIORITIES)),
    assigneeId: Type.Optional(Uuid),
    unassigned: Type.Optional(Type.Boolean()),
    teamId: Type.Optional(Uuid),
    departmentId: Type.Optional(Uuid),
    sla: Type.Optional(StringEnum(['due_soon', 'breached', 'at_risk', 'on_track'] as const)),
  },
  { additionalProperties: false },
);
export type CaseViewFiltersDto = Static<typeof CaseViewFilters>;
const ViewSort = StringEnum(['newest', 'oldest', 'queue', 'due', 'updated'] as const);
export const CaseView = Type.Object({
  id: Uuid,
  name: Type.String(),
  ownerId: Uuid,
  /** Shared with this team (set by its leader); null: the owner's own view. */
  teamId: Nullable(Uuid),
  filters: CaseViewFilters,
  sort: ViewSort,
  position: Type.Integer(),
  /** Cases the view shows now, counted up to `countCap`; `count === countCap` reads "countCap or more". */
  count: Type.Integer(),
  countCap: Type.Integer(),
});
export type CaseViewDto = Static<typeof CaseView>;
export const CaseViewCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80 }),
    shared: Type.Optional(Type.Boolean({ description: 'Share with my team (team leaders and above)' })),
    filters: CaseViewFilters,
    sort: Type.Optional(ViewSort),
  },
  { additionalProperties: false },
);
export const CaseViewPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
    filters: Type.Optional(CaseViewFilters),
    sort: Type.Optional(ViewSort),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** One change applied to many cases, each on its own: a failure on one leaves the others done. */
export const CaseBulk = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          id: Uuid,
          version: Type.Optional(
            Type.Integer({ minimum: 1, description: 'As If-Match: the version you saw' }),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    change: Type.Object(
      {
        assigneeId: Type.Optional(Nullable(Uuid)),
        teamId: Type.Optional(Nullable(Uuid)),
        priority: Type.Optional(StringEnum(PRIORITIES)),
        action: Type.Optional(StringEnum(CASE_ACTIONS)),
        resolutionSummary: Type.Optional(Type.String({ minLength: 1, maxLength: 5000 })),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  },
  { additionalProperties: false },
);
export type CaseBulkDto = Static<typeof CaseBulk>;
export const CaseBulkResult = Type.Object({
  results: Type.Array(
    Type.Object({
      id: Uuid,
      ok: Type.Boolean(),
      version: Type.Optional(Type.Integer()),
      /** Why this case was not changed: the problem's code and title. */
      code: Type.Optional(Type.String()),
      message: Type.Optional(Type.String()),
    }),
  ),
});

export const CaseCountsQuery = Type.Object(
  { assigneeId: Type.Optional(Uuid), teamId: Type.Optional(Uuid), departmentId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export const CaseCounts = Type.Object({
  byStatus: Type.Record(Type.String(), Type.Integer()),
  open: Type.Integer({ description: 'Not yet resolved or closed' }),
  highlyCritical: Type.Integer({ description: 'Open and highly critical' }),
  dueSoon: Type.Integer({ description: 'A running SLA clock is amber' }),
  breached: Type.Integer({ description: 'A running SLA clock is past due' }),
});

export const Category = Type.Object({
  id: Uuid,
  parentId: Nullable(Uuid),
  name: Type.String(),
  path: Type.String({ description: 'Names from the root, joined by " › "' }),
  active: Type.Boolean(),
  position: Type.Integer(),
});
export const CategoryCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    parentId: Type.Optional(Nullable(Uuid)),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
  },
  { additionalProperties: false },
);
export const CategoryPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    parentId: Type.Optional(Nullable(Uuid)),
    active: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/**
 * The members a 412 `request.precondition_failed` adds to the problem when a case write names an
 * older version in `If-Match`: the version now, and who made the last change and when (`changedBy`
 * is null when an automatic rule made it).
 */
export const CaseConflict = Type.Object({
  currentVersion: Type.Integer(),
  changedBy: Nullable(Type.Object({ id: Uuid, displayName: Type.String() })),
  changedAt: Timestamp,
});
export type CaseConflictDto = Static<typeof CaseConflict>;
