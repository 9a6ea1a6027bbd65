import { type Static, Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from './common.ts';

export const Notification = Type.Object({
  id: Uuid,
  kind: Type.String(),
  caseId: Nullable(Uuid),
  escalationId: Nullable(Uuid),
  /** The customer a notice is about when it names no case (a verification lock): the bell links there. */
  customerId: Nullable(Uuid),
  title: Type.String(),
  body: Type.String(),
  /** The instant the text is about (a due time): the reader shows it in their own zone. */
  at: Nullable(Timestamp),
  urgent: Type.Boolean(),
  createdAt: Timestamp,
  readAt: Nullable(Timestamp),
  /**
   * An urgent escalation still waiting for acknowledgement: it lists first and "mark all read"
   * leaves it, until it is acknowledged (by anyone in the chain) or withdrawn.
   */
  awaitsAcknowledgement: Type.Boolean(),
});
export type NotificationDto = Static<typeof Notification>;

/**
 * A page of my notifications with the totals the bell shows: urgent escalations awaiting
 * acknowledgement first (the longest waiting first), then the rest newest first.
 */
export const NotificationList = Type.Object({
  items: Type.Array(Notification),
  /** All my unread notifications, however many the page holds. */
  unread: Type.Integer(),
  /** Of those, the urgent ones. */
  urgent: Type.Integer(),
});
export type NotificationListDto = Static<typeof NotificationList>;
