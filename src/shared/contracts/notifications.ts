import { type Static, Type } from 'typebox';
import { Nullable, Timestamp, Uuid } from './common.ts';

export const Notification = Type.Object({
  id: Uuid,
  kind: Type.String(),
  caseId: Nullable(Uuid),
  escalationId: Nullable(Uuid),
  title: Type.String(),
  body: Type.String(),
  urgent: Type.Boolean(),
  createdAt: Timestamp,
  readAt: Nullable(Timestamp),
});
export type NotificationDto = Static<typeof Notification>;
