import { test } from 'node:test';
import {
  type Env,
  type IdRoute,
  type QueryCase,
  urlOf,
  type ValidationCases,
} from '../helpers/validation.ts';

/**
 * Notifications: the bad input each route must refuse, beyond the generic bad bodies every JSON
 * route gets. Run by notifications.validation.test.ts beside this file; test/api/validation.test.ts checks that, with the
 * other modules' lists, every route with a body or a path id is covered.
 */
export const notificationsValidation: ValidationCases = {
  ids: (): IdRoute[] => [
    { route: 'POST /api/v1/notifications/:id/read', role: 'officer', notFound: 'notification.not_found' },
  ],
  queries: (): QueryCase[] => [
    {
      name: '/api/v1/notifications limit=0',
      role: 'officer',
      url: () => '/api/v1/notifications?limit=0',
      fields: ['/query/limit'],
    },
    {
      name: '/api/v1/notifications limit=201, unread=yes',
      role: 'officer',
      url: () => '/api/v1/notifications?limit=201&unread=yes',
      fields: ['/query/limit', '/query/unread'],
    },
    {
      name: '/api/v1/notifications unknown parameter',
      role: 'officer',
      url: () => '/api/v1/notifications?userId=x',
      fields: ['/query/userId'],
    },
  ],
  extra: (v: Env) => {
    test("another user's notification is as good as missing → 404 notification.not_found", async () => {
      await v.rejected(
        "POST /api/v1/notifications/:id/read on the supervisor's notification",
        'officer',
        'POST',
        urlOf('POST /api/v1/notifications/:id/read', v.fx.supervisorNotificationId),
        {},
        { status: 404, code: 'notification.not_found' },
      );
    });
  },
};
