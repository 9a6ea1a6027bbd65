import { type Static, Type } from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';

const HHMM = Type.String({
  pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$',
  description: 'Local time "HH:mm"; "24:00" ends the day',
});
const Interval = Type.Tuple([HHMM, HHMM]);
const DayHours = Type.Array(Interval, { maxItems: 6 });
const Weekdays = Type.Object(
  {
    '1': Type.Optional(DayHours),
    '2': Type.Optional(DayHours),
    '3': Type.Optional(DayHours),
    '4': Type.Optional(DayHours),
    '5': Type.Optional(DayHours),
    '6': Type.Optional(DayHours),
    '7': Type.Optional(DayHours),
  },
  { additionalProperties: false, description: 'Open intervals per ISO weekday: 1 = Monday … 7 = Sunday' },
);
export const Holiday = Type.Object(
  { date: Type.String({ format: 'date' }), name: Type.String({ minLength: 1, maxLength: 120 }) },
  { additionalProperties: false },
);
export type HolidayDto = Static<typeof Holiday>;

export const CalendarCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    timeZone: Type.String({
      minLength: 1,
      maxLength: 64,
      description: 'IANA time zone, e.g. Asia/Singapore',
    }),
    hours: Weekdays,
    holidays: Type.Optional(Type.Array(Holiday, { maxItems: 1000 })),
  },
  { additionalProperties: false },
);
export type CalendarCreateDto = Static<typeof CalendarCreate>;
export const CalendarPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    hours: Type.Optional(Weekdays),
    holidays: Type.Optional(
      Type.Array(Holiday, { maxItems: 1000, description: 'The whole list: replaces the holidays kept' }),
    ),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type CalendarPatchDto = Static<typeof CalendarPatch>;
export const HolidayImport = Type.Object(
  {
    holidays: Type.Array(Holiday, { minItems: 1, maxItems: 1000 }),
    replace: Type.Optional(Type.Boolean({ description: 'Replace the list instead of adding to it' })),
  },
  { additionalProperties: false },
);
export type HolidayImportDto = Static<typeof HolidayImport>;

export const Calendar = Type.Object({
  id: Uuid,
  name: Type.String(),
  timeZone: Type.String(),
  hours: Type.Record(Type.String(), Type.Array(Type.Array(Type.String()))),
  holidays: Type.Array(Type.Object({ date: Type.String(), name: Type.String() })),
  weeklyOpenHours: Type.Number({ description: 'Open hours in a week without holidays' }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type CalendarDto = Static<typeof Calendar>;

const Ids = (what: string) =>
  Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true, description: `Any of these ${what}` });
const Values = <T extends readonly string[]>(values: T) =>
  Type.Array(Type.Unsafe<T[number]>({ type: 'string', enum: [...values] }), {
    minItems: 1,
    uniqueItems: true,
  });
export const PolicyConditions = Type.Object(
  {
    types: Type.Optional(
      Values(['general_enquiry', 'request_for_action', 'complaint', 'compliment', 'feedback'] as const),
    ),
    categoryIds: Type.Optional(Ids('categories')),
    criticalities: Type.Optional(Values(['highly_critical', 'not_highly_critical'] as const)),
    priorities: Type.Optional(Values(['low', 'normal', 'high', 'urgent'] as const)),
    channels: Type.Optional(Values(['phone', 'email', 'chat', 'sms', 'letter', 'walk_in'] as const)),
    segments: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { minItems: 1, uniqueItems: true }),
    ),
  },
  {
    additionalProperties: false,
    description: 'Every condition given must hold; one left out matches anything',
  },
);
export type PolicyConditionsDto = Static<typeof PolicyConditions>;
const Minutes = Type.Integer({
  minimum: 1,
  maximum: 525_600,
  description: 'Business minutes on the policy’s calendar',
});

const PauseOn = Type.Array(
  Type.Unsafe<'pending_customer' | 'pending_action_party'>({
    type: 'string',
    enum: ['pending_customer', 'pending_action_party'],
  }),
  {
    maxItems: 2,
    uniqueItems: true,
    description: 'Statuses in which the clocks stop (default: waiting on the customer)',
  },
);

export const PolicyCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    position: Type.Integer({
      minimum: 0,
      maximum: 10_000,
      description: 'Lower is tried first; the first match applies',
    }),
    calendarId: Uuid,
    conditions: PolicyConditions,
    firstResponseMinutes: Type.Optional(Minutes),
    nextUpdateMinutes: Type.Optional(Minutes),
    resolutionMinutes: Type.Optional(Minutes),
    pauseOn: Type.Optional(PauseOn),
  },
  { additionalProperties: false },
);
export type PolicyCreateDto = Static<typeof PolicyCreate>;
export const PolicyPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    active: Type.Optional(Type.Boolean()),
    calendarId: Type.Optional(Uuid),
    conditions: Type.Optional(PolicyConditions),
    firstResponseMinutes: Type.Optional(Type.Union([Minutes, Type.Null()])),
    nextUpdateMinutes: Type.Optional(Type.Union([Minutes, Type.Null()])),
    resolutionMinutes: Type.Optional(Type.Union([Minutes, Type.Null()])),
    pauseOn: Type.Optional(PauseOn),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type PolicyPatchDto = Static<typeof PolicyPatch>;
export const Policy = Type.Object({
  id: Uuid,
  name: Type.String(),
  position: Type.Integer(),
  active: Type.Boolean(),
  calendarId: Uuid,
  conditions: Type.Record(Type.String(), Type.Array(Type.String())),
  firstResponseMinutes: Type.Union([Type.Integer(), Type.Null()]),
  nextUpdateMinutes: Type.Union([Type.Integer(), Type.Null()]),
  resolutionMinutes: Type.Union([Type.Integer(), Type.Null()]),
  pauseOn: Type.Array(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type PolicyDto = Static<typeof Policy>;

export const CLOCKS = ['first_response', 'next_update', 'resolution'] as const;

export const RuleActions = Type.Object(
  {
    notify: Type.Optional(Values(['assignee', 'team_leader', 'supervisor'] as const)),
    reassignTo: Type.Optional(StringEnum(['team_leader', 'supervisor'] as const)),
    raisePriority: Type.Optional(StringEnum(['high', 'urgent'] as const)),
    email: Type.Optional(Type.Boolean({ description: 'Also e-mail whoever is notified' })),
  },
  { additionalProperties: false, description: 'At least one of notify, reassignTo, raisePriority' },
);
export type RuleActionsDto = Static<typeof RuleActions>;
const Offset = Type.Integer({
  minimum: -10_080,
  maximum: 10_080,
  description: 'Minutes from the clock’s due time: negative before the breach, 0 at it, positive after',
});
export const EscalationRuleCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    position: Type.Integer({ minimum: 0, maximum: 10_000 }),
    clock: StringEnum(CLOCKS),
    offsetMinutes: Offset,
    conditions: Type.Optional(PolicyConditions),
    actions: RuleActions,
  },
  { additionalProperties: false },
);
export type EscalationRuleCreateDto = Static<typeof EscalationRuleCreate>;
export const EscalationRulePatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
    active: Type.Optional(Type.Boolean()),
    clock: Type.Optional(StringEnum(CLOCKS)),
    offsetMinutes: Type.Optional(Offset),
    conditions: Type.Optional(PolicyConditions),
    actions: Type.Optional(RuleActions),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type EscalationRulePatchDto = Static<typeof EscalationRulePatch>;
export const EscalationRule = Type.Object({
  id: Uuid,
  name: Type.String(),
  position: Type.Integer(),
  active: Type.Boolean(),
  clock: StringEnum(CLOCKS),
  offsetMinutes: Type.Integer(),
  conditions: Type.Record(Type.String(), Type.Array(Type.String())),
  actions: RuleActions,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type EscalationRuleDto = Static<typeof EscalationRule>;

export const Escalation = Type.Object({
  id: Uuid,
  caseId: Uuid,
  caseReference: Type.String(),
  caseSubject: Type.String(),
  level: Type.Integer({
    description: '1 the action party’s team leader, 2 the supervisors, 3 the administrators',
  }),
  targetUserId: Nullable(Uuid),
  targetRole: Type.String(),
  reason: Type.String(),
  urgent: Type.Boolean(),
  ruleId: Nullable(Uuid),
  raisedAt: Timestamp,
  ackDueAt: Nullable(Timestamp),
  acknowledgedAt: Nullable(Timestamp),
  acknowledgedBy: Nullable(Uuid),
  supersededAt: Nullable(Timestamp),
});
export type EscalationDto = Static<typeof Escalation>;
export const EscalationListQuery = Type.Object(
  {
    open: Type.Optional(Type.Boolean({ description: 'Only those still waiting for acknowledgement' })),
    mine: Type.Optional(Type.Boolean({ description: 'Only those addressed to me' })),
    caseId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);

export const SlaSettings = Type.Object(
  {
    urgentAckMinutes: Type.Integer({
      minimum: 1,
      maximum: 1440,
      description: 'An urgent escalation not acknowledged within this many minutes climbs a level',
    }),
    progressUpdateTemplate: Type.String({
      minLength: 1,
      maxLength: 2000,
      description:
        'The same {{variables}} as templates, e.g. {{customer.name}} {{case.reference}} {{officer.name}} {{case.dueAt}} {{case.subject}}; dates in the case calendar’s zone',
    }),
  },
  { additionalProperties: false },
);
export type SlaSettingsDto = Static<typeof SlaSettings>;

const ClockView = Type.Object({
  kind: StringEnum(CLOCKS),
  state: StringEnum(['running', 'paused', 'stopped'] as const),
  cycle: Type.Integer(),
  targetMinutes: Type.Integer(),
  elapsedMinutes: Type.Integer({ description: 'Business minutes run' }),
  leftMinutes: Nullable(Type.Integer({ description: 'Business minutes left; negative when past due' })),
  startedAt: Timestamp,
  dueAt: Nullable(Timestamp),
  warnAt: Nullable(Timestamp),
  metAt: Nullable(Timestamp),
  breachedAt: Nullable(Timestamp),
  light: StringEnum(['ok', 'due_soon', 'breached', 'paused', 'met', 'met_late', 'cancelled'] as const),
  targetFrom: Nullable(
    Type.Object(
      {
        kind: StringEnum(['policy', 'mailbox'] as const),
        name: Type.String({ description: "The policy's name, or the mailbox's address" }),
      },
      { description: 'Where the target came from: the policy, or the mailbox the case was opened by' },
    ),
  ),
});
export const CaseSla = Type.Object({
  policy: Nullable(Type.Object({ id: Uuid, name: Type.String(), pauseOn: Type.Array(Type.String()) })),
  clocks: Type.Array(ClockView),
  history: Type.Array(
    Type.Object({
      clock: Type.String(),
      cycle: Type.Integer(),
      event: Type.String({ description: 'started, paused, resumed, met, breached, retargeted, cancelled' }),
      at: Timestamp,
      dueAt: Nullable(Timestamp),
      elapsedMinutes: Type.Integer(),
      data: Type.Record(Type.String(), Type.Unknown()),
    }),
  ),
});

/** A sample case, as the policy rules see it: what the preview answers for. */
export const PolicyPreviewRequest = Type.Object(
  {
    type: StringEnum([
      'general_enquiry',
      'request_for_action',
      'complaint',
      'compliment',
      'feedback',
    ] as const),
    categoryId: Type.Optional(Nullable(Uuid)),
    criticality: StringEnum(['highly_critical', 'not_highly_critical'] as const),
    priority: StringEnum(['low', 'normal', 'high', 'urgent'] as const),
    channel: Type.Optional(
      Nullable(StringEnum(['phone', 'email', 'chat', 'sms', 'letter', 'walk_in'] as const)),
    ),
    segment: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 40 }))),
    at: Type.Optional(Timestamp),
  },
  { additionalProperties: false },
);
export type PolicyPreviewRequestDto = Static<typeof PolicyPreviewRequest>;
export const PolicyPreview = Type.Object({
  at: Timestamp,
  policy: Nullable(Type.Object({ id: Uuid, name: Type.String(), position: Type.Integer() })),
  calendar: Nullable(Type.Object({ id: Uuid, name: Type.String(), timeZone: Type.String() })),
  clocks: Type.Array(
    Type.Object({
      kind: StringEnum(CLOCKS),
      targetMinutes: Type.Integer(),
      dueAt: Timestamp,
      warnAt: Nullable(Timestamp),
    }),
    { description: 'The clocks a case created at `at` starts, with the due times it gets' },
  ),
  considered: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      position: Type.Integer(),
      unmet: Type.Array(Type.String(), {
        description: 'The conditions that do not hold (empty: it matches)',
      }),
    }),
    { description: 'Active policies in the order they are tried, up to the one chosen' },
  ),
  rules: Type.Array(
    Type.Object({
      id: Uuid,
      name: Type.String(),
      clock: StringEnum(CLOCKS),
      offsetMinutes: Type.Integer(),
      at: Timestamp,
    }),
    { description: 'Escalation rules that would watch those clocks, and when each would act' },
  ),
  urgent: Nullable(
    Type.Object(
      { ackMinutes: Type.Integer(), ackDueAt: Timestamp },
      { description: 'A highly critical case escalates at once and must be acknowledged by then' },
    ),
  ),
});
export type PolicyPreviewDto = Static<typeof PolicyPreview>;
