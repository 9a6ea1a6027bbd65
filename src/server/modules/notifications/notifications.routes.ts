import { Type } from 'typebox';
import { IdParams } from '../../../shared/contracts/common.ts';
import { Notification, NotificationList } from '../../../shared/contracts/notifications.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { NotificationsService } from './notifications.service.ts';
import type { Stream } from './stream.ts';

export function notificationsRoutes(app: App, s: { notifications: NotificationsService; stream: Stream }) {
  const tags = ['notifications'];
  app.get(
    '/notifications',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        description:
          'My notifications with my unread and urgent totals: urgent escalations awaiting acknowledgement first (longest waiting first), then newest first.',
        querystring: Type.Object(
          {
            unread: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: NotificationList },
      },
    },
    async (req) =>
      s.notifications.list(actorOf(req), { unread: req.query.unread, limit: req.query.limit ?? 50 }),
  );
  app.post(
    '/notifications/:id/read',
    {
      config: { access: 'authenticated' },
      schema: { tags, params: IdParams, response: { 200: Notification } },
    },
    async (req) => s.notifications.markRead(actorOf(req), req.params.id),
  );
  app.post(
    '/notifications/read-all',
    {
      config: { access: 'authenticated' },
      schema: {
        tags,
        description:
          'Mark all my unread notifications read, except urgent escalations still awaiting acknowledgement (they stay, first, until acknowledged or withdrawn).',
        response: {
          200: Type.Object({
            read: Type.Integer(),
            kept: Type.Integer({ description: 'Unread left: urgent escalations awaiting acknowledgement' }),
          }),
        },
      },
    },
    async (req) => s.notifications.markAllRead(actorOf(req)),
  );
  s.stream.route(app);
}
