import { type Static, Type } from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';
import { ROUTED_CHANNELS } from './routing.ts';

/**
 * Transfer (issue 14, point 4): the officer handling a routed case (a chat, or an e-mail or SMS case
 * that came through routing) hands it to another officer or to a team's queue, with a note.
 */

/** Name an officer (`toUserId`) or a team's queue (`toTeamId`), one of the two. */
export const RoutingTransferCreate = Type.Object(
  {
    caseId: Uuid,
    /** Made when the officer opened the dialog: the same id again (a double click) is the same transfer. */
    clientId: Uuid,
    toUserId: Type.Optional(Uuid),
    toTeamId: Type.Optional(Uuid),
    /** The context for whoever takes it: what was asked, what was done, what is left. */
    note: Type.String({ minLength: 1, maxLength: 2000 }),
  },
  { additionalProperties: false },
);
export type RoutingTransferCreateDto = Static<typeof RoutingTransferCreate>;

/** A transfer as the case shows it: who handed it to whom, with what note, and where it stands now. */
export const RoutingTransfer = Type.Object({
  id: Uuid,
  caseId: Uuid,
  channel: StringEnum(ROUTED_CHANNELS),
  fromUserId: Uuid,
  fromName: Type.String(),
  toUserId: Nullable(Uuid),
  toName: Nullable(Type.String()),
  toTeamId: Nullable(Uuid),
  toTeamName: Nullable(Type.String()),
  note: Type.String(),
  /** offered: waiting for the officer's answer; queued: waiting in the queue; taken: someone accepted; over: the case moved on. */
  state: StringEnum(['offered', 'queued', 'taken', 'over'] as const),
  createdAt: Timestamp,
});
export type RoutingTransferDto = Static<typeof RoutingTransfer>;
export const RoutingTransferList = Type.Object({ items: Type.Array(RoutingTransfer) });

export const RoutingTransferQuery = Type.Object({ caseId: Uuid }, { additionalProperties: false });

/** Someone a case may be transferred to, with whether they can take it now. */
export const TransferOfficer = Type.Object({
  userId: Uuid,
  displayName: Type.String(),
  teamId: Nullable(Uuid),
  teamName: Nullable(Type.String()),
  /** Their presence state (offline when they have none). */
  state: Type.String(),
  /** available: may be offered it now; offline / away: not in a routable state; full: no room on the channel. */
  availability: StringEnum(['available', 'offline', 'away', 'full'] as const),
});
export const TransferQueue = Type.Object({
  teamId: Uuid,
  name: Type.String(),
  /** Items waiting or offered in the team's queue now. */
  waiting: Type.Integer(),
});
export const RoutingTransferTargets = Type.Object({
  channel: StringEnum(ROUTED_CHANNELS),
  officers: Type.Array(TransferOfficer),
  queues: Type.Array(TransferQueue),
});
export type RoutingTransferTargetsDto = Static<typeof RoutingTransferTargets>;
