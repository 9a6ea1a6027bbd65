import { type Static, Type } from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';

/** The channels whose cases are routed (calls later). */
export const ROUTED_CHANNELS = ['email', 'chat', 'sms'] as const;
export type RoutedChannel = (typeof ROUTED_CHANNELS)[number];
/** How a queue picks among the eligible: longest idle, least busy, or in turn. */
export const ROUTING_STRATEGIES = ['longest_idle', 'least_busy', 'round_robin'] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

/** An offer of one item to the officer: accept or decline before it expires. */
export const RoutingOffer = Type.Object({
  id: Uuid,
  caseId: Uuid,
  caseReference: Type.String(),
  subject: Type.String(),
  customerName: Nullable(Type.String()),
  channel: StringEnum(ROUTED_CHANNELS),
  offeredAt: Timestamp,
  expiresAt: Timestamp,
  /** When the item joined the queue: the customer's wait so far. */
  enqueuedAt: Timestamp,
});
export type RoutingOfferDto = Static<typeof RoutingOffer>;
/** The officer's open offers: the desktop shows each, with its own countdown. */
export const MyRoutingOffer = Type.Object({
  /** The oldest open offer, or null (the first of `offers`). */
  offer: Nullable(RoutingOffer),
  /** Every open offer, oldest first. */
  offers: Type.Array(RoutingOffer),
  /** Whether my queue leaves e-mail to be pulled ("Next e-mail") instead of offering it. */
  emailPull: Type.Boolean(),
  /** The server's clock when it answered: a countdown to `expiresAt` allows for the client's. */
  serverNow: Timestamp,
});

/** What accepting or pulling gave the officer: the case is theirs. */
export const RoutingTaken = Type.Object({ caseId: Uuid, caseReference: Type.String() });
export const RoutingPullResult = Type.Object({ item: Nullable(RoutingTaken) });

const Language = Type.String({
  minLength: 2,
  maxLength: 35,
  pattern: '^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$',
  description: 'BCP 47 tag, e.g. ms, en, zh-Hans',
});
const SkillName = Type.String({ minLength: 1, maxLength: 60, pattern: '^[a-z0-9][a-z0-9_-]*$' });
export const Proficiency = Type.Integer({ minimum: 1, maximum: 5 });
export const RoutingSkill = Type.Object(
  { name: SkillName, level: Proficiency },
  { additionalProperties: false },
);
/** Capacity per channel: how many items of it at once (0: none of that channel). */
export const RoutingCapacity = Type.Object(
  {
    email: Type.Integer({ minimum: 0, maximum: 20 }),
    chat: Type.Integer({ minimum: 0, maximum: 20 }),
    sms: Type.Integer({ minimum: 0, maximum: 20 }),
  },
  { additionalProperties: false },
);

/** An officer's routing profile, with their current load per channel. */
export const RoutingProfile = Type.Object({
  userId: Uuid,
  displayName: Type.String(),
  teamId: Nullable(Uuid),
  languages: Type.Array(Type.String()),
  skills: Type.Array(RoutingSkill),
  capacity: RoutingCapacity,
  load: RoutingCapacity,
  version: Type.Integer(),
});
export type RoutingProfileDto = Static<typeof RoutingProfile>;
export const RoutingProfileList = Type.Object({ items: Type.Array(RoutingProfile) });
export const RoutingProfilePut = Type.Object(
  {
    languages: Type.Array(Language, { maxItems: 10, uniqueItems: true }),
    skills: Type.Array(RoutingSkill, { maxItems: 30 }),
    capacity: RoutingCapacity,
  },
  { additionalProperties: false },
);
export type RoutingProfilePutDto = Static<typeof RoutingProfilePut>;
export const RoutingProfilesQuery = Type.Object(
  { teamId: Type.Optional(Uuid) },
  { additionalProperties: false },
);

/** A queue's settings (one per team; "default" serves cases without a team). */
export const RoutingQueue = Type.Object({
  id: Uuid,
  teamId: Nullable(Uuid),
  name: Type.String(),
  strategy: StringEnum(ROUTING_STRATEGIES),
  offerTimeoutSeconds: Type.Integer(),
  relaxAfterSeconds: Nullable(Type.Integer()),
  overflowAfterSeconds: Nullable(Type.Integer()),
  overflowQueueId: Nullable(Uuid),
  calendarId: Nullable(Uuid),
  emailPull: Type.Boolean(),
  /** Whether the queue's business hours are open now (a closed queue offers nothing). */
  open: Type.Boolean(),
  version: Type.Integer(),
});
export type RoutingQueueDto = Static<typeof RoutingQueue>;
export const RoutingQueueList = Type.Object({ items: Type.Array(RoutingQueue) });
export const RoutingQueuePatch = Type.Object(
  {
    strategy: Type.Optional(StringEnum(ROUTING_STRATEGIES)),
    offerTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 600 })),
    relaxAfterSeconds: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 86400 }))),
    overflowAfterSeconds: Type.Optional(Nullable(Type.Integer({ minimum: 10, maximum: 86400 }))),
    overflowQueueId: Type.Optional(Nullable(Uuid)),
    calendarId: Type.Optional(Nullable(Uuid)),
    emailPull: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type RoutingQueuePatchDto = Static<typeof RoutingQueuePatch>;

/** One item in a queue as a team leader sees it. */
export const RoutingQueueItem = Type.Object({
  id: Uuid,
  caseId: Uuid,
  caseReference: Type.String(),
  subject: Type.String(),
  channel: StringEnum(ROUTED_CHANNELS),
  priority: Type.Integer(),
  language: Nullable(Type.String()),
  /** Skills the item asks for, with the least proficiency. */
  skills: Type.Array(Type.Object({ name: Type.String(), min: Type.Integer() })),
  state: StringEnum(['waiting', 'offered'] as const),
  offeredTo: Nullable(Type.String()),
  /** 1 = next. */
  position: Type.Integer(),
  enqueuedAt: Timestamp,
  waitingSeconds: Type.Integer(),
  /** From the queue's recent handle times and the people who can take the channel now. */
  expectedWaitSeconds: Type.Integer(),
});
export const RoutingQueueState = Type.Object({
  queue: RoutingQueue,
  items: Type.Array(RoutingQueueItem),
});
export type RoutingQueueStateDto = Static<typeof RoutingQueueState>;
export const RoutingQueueStateQuery = Type.Object(
  { teamId: Type.Optional(Uuid) },
  { additionalProperties: false },
);
