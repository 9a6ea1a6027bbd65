import { type Static, Type } from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';

/** An agent's state (issue 14, point 1): what routing will ask before offering work. */
export const PRESENCE_STATES = ['available', 'on_contact', 'after_contact_work', 'break', 'offline'] as const;
export type PresenceState = (typeof PRESENCE_STATES)[number];
/** Who set the current state: the person, the system (a contact, a timer, a lost connection), a team leader. */
export const PRESENCE_SETTERS = ['self', 'system', 'leader'] as const;

/** One person's current state, with since when and why. */
export const Presence = Type.Object({
  userId: Uuid,
  displayName: Type.String(),
  state: StringEnum(PRESENCE_STATES),
  since: Timestamp,
  reasonId: Nullable(Uuid),
  reasonName: Nullable(Type.String()),
  setBy: StringEnum(PRESENCE_SETTERS),
  /** For after-contact work: when the system returns the person to available. */
  until: Nullable(Timestamp),
  version: Type.Integer(),
});
export type PresenceDto = Static<typeof Presence>;

/** What a person may set themselves: on a contact and after-contact work are the system's. */
export const PresenceSet = Type.Object(
  {
    state: StringEnum(['available', 'break', 'offline'] as const),
    /** Required for a break: one of the active reasons. */
    reasonId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
/** A team leader may only sign an officer out (Genesys lets supervisors log agents out). */
export const PresenceLeaderSet = Type.Object(
  { state: StringEnum(['offline'] as const) },
  { additionalProperties: false },
);

export const PresenceTeamQuery = Type.Object(
  { teamId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
export const PresenceTeam = Type.Object({ teamId: Nullable(Uuid), items: Type.Array(Presence) });

export const PresenceReason = Type.Object({
  id: Uuid,
  name: Type.String(),
  active: Type.Boolean(),
  position: Type.Integer(),
  version: Type.Integer(),
});
export type PresenceReasonDto = Static<typeof PresenceReason>;
const ReasonName = Type.String({ minLength: 1, maxLength: 60 });
export const PresenceReasonCreate = Type.Object(
  { name: ReasonName, position: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
  { additionalProperties: false },
);
export const PresenceReasonPatch = Type.Object(
  {
    name: Type.Optional(ReasonName),
    active: Type.Optional(Type.Boolean()),
    position: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** The administrator's settings: how long after-contact work lasts before the system ends it. */
export const PresenceSettings = Type.Object(
  {
    /** 0: no wrap-up, straight back to available. */
    afterContactWorkSeconds: Type.Integer({ minimum: 0, maximum: 3600 }),
  },
  { additionalProperties: false },
);
export type PresenceSettingsDto = Static<typeof PresenceSettings>;

export const TimeInStateQuery = Type.Object(
  {
    teamId: Type.Optional(Uuid),
    /** A day in the centre's time zone; today when left out. */
    date: Type.Optional(Type.String({ format: 'date' })),
  },
  { additionalProperties: false },
);
/** Seconds one person spent in one state (and reason) during the day. */
export const TimeInStateRow = Type.Object({
  userId: Uuid,
  displayName: Type.String(),
  state: StringEnum(PRESENCE_STATES),
  reasonId: Nullable(Uuid),
  reasonName: Nullable(Type.String()),
  seconds: Type.Integer(),
});
export const TimeInState = Type.Object({
  teamId: Nullable(Uuid),
  date: Type.String(),
  timeZone: Type.String(),
  from: Timestamp,
  to: Timestamp,
  items: Type.Array(TimeInStateRow),
});
export type TimeInStateDto = Static<typeof TimeInState>;
