import { type Static, Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from './common.ts';

export const Notification = Type.Object({
  id: Uuid,
  kind: Type.String(),
  caseId: Nullable(Uuid),
  escalationId: Nullable(Uuid),
  title: Type.String(),
  body: Type.String(),
  /** The instant the text is about (a due time): the reader shows it in their own zone. */
  at: Nullable(Timestamp),
  urgent: Type.Boolean(),
  createdAt: Timestamp,
  readAt: Nullable(Timestamp),
});
export type NotificationDto = Static<typeof Notification>;

/** A page of my notifications, newest first, with the totals the bell shows. */
export const NotificationList = Type.Object({
  items: Type.Array(Notification),
  /** All my unread notifications, however many the page holds. */
  unread: Type.Integer(),
  /** Of those, the urgent ones. */
  urgent: Type.Integer(),
});
export type NotificationListDto = Static<typeof NotificationList>;
