import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import {
  type BodyRoute,
  type IdRoute,
  type QueryCase,
  UNKNOWN,
  type ValidationCases,
} from '../helpers/validation.ts';

/** The endpoint and a pending delivery of the database being run (setup makes them). */
let hookId = '';
let pendingId = '';

/**
 * Webhooks (issue 13.8): the bad input each route must refuse. Run by webhooks.validation.test.ts
 * beside this file; test/api/validation.test.ts checks that, with the other modules' lists, every
 * route with a body or a path id is covered. The endpoint is inactive, so the other requests'
 * events queue nothing for it (a refused request must change no table).
 */
export const webhooksValidation: ValidationCases = {
  setup: async (v) => {
    hookId = (
      await v.t.services.webhooks.create(SYSTEM_ACTOR, {
        url: 'https://hooks.example.com/validation',
        events: ['case.created'],
        active: false,
      })
    ).id;
    pendingId = (await v.t.services.webhooks.test(SYSTEM_ACTOR, hookId)).id;
  },
  body: (): BodyRoute[] => [
    {
      route: 'POST /api/v1/webhooks',
      role: 'administrator',
      valid: () => ({ url: 'https://hooks.example.com/new', events: ['case.created'], active: false }),
      cases: [
        { name: 'missing url and events', body: {}, fields: ['/body/url', '/body/events'] },
        {
          name: 'no events',
          body: { url: 'https://hooks.example.com/x', events: [] },
          fields: ['/body/events'],
        },
        {
          name: 'an event that is not in the catalogue',
          body: { url: 'https://hooks.example.com/x', events: ['case.created', 'notification.created'] },
          fields: ['/body/events/1'],
        },
        {
          name: 'an event twice',
          body: { url: 'https://hooks.example.com/x', events: ['case.created', 'case.created'] },
          fields: ['/body/events'],
        },
        {
          name: 'a URL that is not http(s)',
          body: { url: 'ftp://hooks.example.com/x', events: ['*'] },
          fields: ['/body/url'],
          message: /^must be an http:\/\/ or https:\/\/ address/,
        },
        {
          name: 'a URL with a password in it',
          body: { url: 'https://me:secret@hooks.example.com/x', events: ['*'] },
          fields: ['/body/url'],
        },
        {
          name: 'a loopback URL (SSRF)',
          body: { url: 'http://127.0.0.1:6379/', events: ['*'] },
          fields: ['/body/url'],
          message: /internal address \(127\.0\.0\.1\)/,
        },
        {
          name: 'the cloud metadata address (SSRF)',
          body: { url: 'http://169.254.169.254/latest/meta-data/', events: ['*'] },
          fields: ['/body/url'],
        },
        {
          name: 'a URL over 2,000 characters',
          body: { url: `https://hooks.example.com/${'x'.repeat(2000)}`, events: ['*'] },
          fields: ['/body/url'],
        },
        {
          name: 'a description over 500 characters and active not a boolean',
          body: {
            url: 'https://hooks.example.com/x',
            events: ['*'],
            description: 'x'.repeat(501),
            active: 'yes',
          },
          fields: ['/body/description', '/body/active'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/webhooks/:id',
      role: 'administrator',
      id: () => hookId,
      valid: () => ({ description: 'Renamed' }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        { name: 'events emptied', body: { events: [] }, fields: ['/body/events'] },
        { name: 'a private URL', body: { url: 'http://10.0.0.8/' }, fields: ['/body/url'] },
        {
          name: 'a stale If-Match → 412',
          body: { description: 'x' },
          headers: { 'if-match': '"99"' },
          status: 412,
          code: 'request.precondition_failed',
        },
        {
          name: 'an If-Match that is not a version',
          body: { description: 'x' },
          headers: { 'if-match': 'abc' },
          fields: ['/headers/if-match'],
        },
      ],
    },
  ],
  ids: (): IdRoute[] => [
    { route: 'GET /api/v1/webhooks/:id', role: 'administrator', notFound: 'webhook.not_found' },
    {
      route: 'PATCH /api/v1/webhooks/:id',
      role: 'administrator',
      body: () => ({ description: 'x' }),
      notFound: 'webhook.not_found',
    },
    { route: 'DELETE /api/v1/webhooks/:id', role: 'administrator', notFound: 'webhook.not_found' },
    {
      route: 'POST /api/v1/webhooks/:id/rotate-secret',
      role: 'administrator',
      notFound: 'webhook.not_found',
    },
    { route: 'POST /api/v1/webhooks/:id/test', role: 'administrator', notFound: 'webhook.not_found' },
    { route: 'GET /api/v1/webhooks/:id/deliveries', role: 'administrator', notFound: 'webhook.not_found' },
    {
      route: 'POST /api/v1/webhook-deliveries/:id/retry',
      role: 'administrator',
      notFound: 'webhook_delivery.not_found',
    },
  ],
  // Any endpoint id: the query is refused before the endpoint is looked up (and test/api/validation.test.ts
  // runs these without this module's setup).
  queries: (): QueryCase[] => [
    {
      name: 'deliveries limit=0',
      role: 'administrator',
      url: () => `/api/v1/webhooks/${UNKNOWN}/deliveries?limit=0`,
      fields: ['/query/limit'],
    },
    {
      name: 'deliveries limit=101',
      role: 'administrator',
      url: () => `/api/v1/webhooks/${UNKNOWN}/deliveries?limit=101`,
      fields: ['/query/limit'],
    },
    {
      name: 'deliveries state=sent',
      role: 'administrator',
      url: () => `/api/v1/webhooks/${UNKNOWN}/deliveries?state=sent`,
      fields: ['/query/state'],
    },
    {
      name: 'deliveries with a cursor the server never issued',
      role: 'administrator',
      url: () => `/api/v1/webhooks/${UNKNOWN}/deliveries?cursor=abc`,
      fields: ['/query/cursor'],
    },
  ],
  extra: (v) => {
    test('retrying a delivery that is still pending → 409 webhook_delivery.pending, nothing changed', async () => {
      await v.rejected(
        'retry a pending delivery',
        'administrator',
        'POST',
        `/api/v1/webhook-deliveries/${pendingId}/retry`,
        {},
        { status: 409, code: 'webhook_delivery.pending' },
      );
    });
    test('the secret is shown on create only: never in a read', async () => {
      const r = await v.t.call('administrator', 'GET', `/api/v1/webhooks/${hookId}`);
      assert.equal(r.statusCode, 200, r.body);
      assert.ok(!('secret' in r.data), 'no secret in a read');
      const stored = await v.t.ctx.store.db
        .selectFrom('webhook_endpoints')
        .select('secret')
        .where('id', '=', hookId)
        .executeTakeFirstOrThrow();
      assert.match(stored.secret, /^v1:/, 'sealed at rest');
    });
  },
};
