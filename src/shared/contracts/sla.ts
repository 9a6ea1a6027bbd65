import { type Static, Type } from 'typebox';
import { Timestamp, Uuid } from './common.ts';

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
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type PolicyDto = Static<typeof Policy>;
