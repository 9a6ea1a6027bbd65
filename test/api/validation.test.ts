import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Env,
  type QueryCase,
  routeNamesOnly,
  UNKNOWN,
  urlOf,
  validationSuite,
} from '../helpers/validation.ts';
import { knowledgeValidation } from '../knowledge/validation.cases.ts';
import { notificationsValidation } from '../platform/notifications.validation.cases.ts';
import { scriptsValidation } from '../scripts/validation.cases.ts';
import { slaValidation } from '../sla/validation.cases.ts';
import { auditValidation } from '../store/audit.validation.cases.ts';
import { casesValidation } from '../store/cases.validation.cases.ts';
import { chatValidation } from '../store/chat.validation.cases.ts';
import { contactsValidation } from '../store/contacts.validation.cases.ts';
import { customersValidation } from '../store/customers.validation.cases.ts';
import { followupsValidation } from '../store/followups.validation.cases.ts';
import { messagesValidation } from '../store/messages.validation.cases.ts';
import { presenceValidation } from '../store/presence.validation.cases.ts';
import { routingValidation } from '../store/routing.validation.cases.ts';
import { searchValidation } from '../store/search.validation.cases.ts';
import { smsValidation } from '../store/sms.validation.cases.ts';
import { webhooksValidation } from '../store/webhooks.validation.cases.ts';
import { peopleValidation } from './people.validation.cases.ts';

/**
 * Bad input, the part shared by every route. Each module keeps its own cases beside its tests
 * (…/validation.cases.ts, run by the sibling validation test); here the route table checks that
 * together they cover every route that takes a body or a path id, and the cases no single module
 * owns run: malformed ids, paging through the lists, and query-string errors in general. The
 * generic bad bodies every JSON route must refuse (unknown field, malformed JSON, wrong media
 * type, too large…) and the every-table-unchanged check live in test/helpers/validation.ts and run
 * with each module's routes.
 */
const MODULES = [
  knowledgeValidation,
  scriptsValidation,
  peopleValidation,
  customersValidation,
  contactsValidation,
  casesValidation,
  followupsValidation,
  slaValidation,
  notificationsValidation,
  auditValidation,
  searchValidation,
  messagesValidation,
  webhooksValidation,
  chatValidation,
  smsValidation,
  presenceValidation,
  routingValidation,
];

/** Writes that take no body (their path ids are covered below). */
const BODILESS = [
  'POST /api/v1/auth/logout',
  'POST /api/v1/users/:id/unlock',
  'POST /api/v1/escalations/:id/acknowledge',
  'POST /api/v1/notifications/:id/read',
  'POST /api/v1/notifications/read-all',
  'POST /api/v1/kb/articles/:id/submit',
  'POST /api/v1/kb/articles/:id/archive',
  'POST /api/v1/disseminations/:id/remind',
  'POST /api/v1/disseminations/:id/acknowledge',
  'POST /api/v1/messages/:id/retry',
  'POST /api/v1/webhooks/:id/rotate-secret',
  'POST /api/v1/chat-widgets/:id/rotate-secret',
  'POST /api/v1/cases/:id/chat/end',
  'POST /api/v1/cases/:id/chat/site-link/confirm',
  'POST /api/v1/webhooks/:id/test',
  'POST /api/v1/webhook-deliveries/:id/retry',
  'POST /api/v1/routing/offers/:id/accept',
  'POST /api/v1/routing/offers/:id/decline',
  'POST /api/v1/routing/pull',
];

const forged = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

/** Paging on the three big lists: the same refusals for each. */
const PAGING: QueryCase[] = [];
for (const list of ['/api/v1/cases', '/api/v1/contacts', '/api/v1/customers']) {
  PAGING.push(
    { name: `${list} limit=0`, role: 'officer', url: () => `${list}?limit=0`, fields: ['/query/limit'] },
    {
      name: `${list} limit=201`,
      role: 'officer',
      url: () => `${list}?limit=201`,
      fields: ['/query/limit'],
    },
    {
      name: `${list} limit=ten`,
      role: 'officer',
      url: () => `${list}?limit=ten`,
      fields: ['/query/limit'],
    },
    {
      name: `${list} limit=1.5`,
      role: 'officer',
      url: () => `${list}?limit=1.5`,
      fields: ['/query/limit'],
    },
    {
      name: `${list} limit twice`,
      role: 'officer',
      url: () => `${list}?limit=1&limit=2`,
      fields: ['/query/limit'],
    },
    {
      name: `${list} cursor=!!`,
      role: 'officer',
      url: () => `${list}?cursor=!!`,
      fields: ['/query/cursor'],
    },
    {
      name: `${list} cursor too long`,
      role: 'officer',
      url: () => `${list}?cursor=${'a'.repeat(201)}`,
      fields: ['/query/cursor'],
    },
    {
      name: `${list} cursor not one the server issued`,
      role: 'officer',
      url: () => `${list}?cursor=abc`,
      fields: ['/query/cursor'],
    },
    {
      name: `${list} cursor of the wrong arity`,
      role: 'officer',
      url: () => `${list}?cursor=${forged(['2026-11-23T09:00:00.000Z'])}`,
      fields: ['/query/cursor'],
    },
    {
      name: `${list} unknown parameter`,
      role: 'officer',
      url: () => `${list}?sort=name`,
      fields: ['/query/sort'],
    },
  );
}

const names = (list: { route: string }[]) => list.map((x) => x.route);
const BODY_ROUTES = MODULES.flatMap((m) => names(m.body?.(routeNamesOnly()) ?? []));
const ID_ROUTES = MODULES.flatMap((m) => names(m.ids?.(routeNamesOnly()) ?? []));
/** Every module's query cases and the paging ones, with the fixtures of the database being run. */
const allQueries = (v: Env): QueryCase[] => [...PAGING, ...MODULES.flatMap((m) => m.queries?.(v) ?? [])];

await validationSuite('every route', {
  queries: () => PAGING,
  extra: (v) => {
    test('every route that takes a body is covered here', async () => {
      const withBody = v.t.routes
        .filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method))
        .map((r) => `${r.method} ${r.url}`)
        .filter((route) => !BODILESS.includes(route))
        .sort();
      assert.deepEqual(BODY_ROUTES.sort(), withBody);
      // The exceptions really declare no body, and every write covered here declares one.
      const spec = (await v.t.call(null, 'GET', '/api/v1/openapi.json')).data;
      const declaresBody = (route: string) => {
        const [m, url] = route.split(' ') as [string, string];
        const op = spec.paths[url.replace(/:(\w+)/g, '{$1}')]?.[m.toLowerCase()];
        assert.ok(op, `${route} is in the API description`);
        return op.requestBody !== undefined;
      };
      assert.deepEqual(BODILESS.filter(declaresBody), [], 'writes excused here that declare a body');
      assert.deepEqual(
        withBody.filter((r) => !declaresBody(r)),
        [],
        'writes covered here that declare no body',
      );
    });

    test('no route is covered by two modules', () => {
      const twice = (list: string[]) => list.filter((r, i) => list.indexOf(r) !== i);
      assert.deepEqual(twice(BODY_ROUTES), [], 'body routes listed twice');
      assert.deepEqual(twice(ID_ROUTES), [], 'id routes listed twice');
    });

    test('every route with a path id is covered here', () => {
      const withId = v.t.routes
        .filter((r) => r.url.includes(':id'))
        .map((r) => `${r.method} ${r.url}`)
        .sort();
      assert.deepEqual(ID_ROUTES.sort(), withId);
    });

    test('malformed ids of every shape → 400 /params/id', async () => {
      for (const bad of [
        'nope',
        '123',
        UNKNOWN.slice(0, -1),
        `${UNKNOWN}0`,
        UNKNOWN.replaceAll('-', ''),
        `${UNKNOWN.slice(0, -1)}g`,
        "'; drop table cases; --",
        '\u0000',
        ' ',
      ]) {
        await v.rejected(
          `GET /api/v1/cases/${JSON.stringify(bad)}`,
          'officer',
          'GET',
          urlOf('GET /api/v1/cases/:id', bad),
          {},
          { status: 400, code: 'request.invalid', fields: ['/params/id'] },
        );
      }
    });

    test('an id in upper case names the same record (UUIDs are case-insensitive on input)', {}, async () => {
      const r = await v.t.call('officer', 'GET', `/api/v1/cases/${v.fx.caseId.toUpperCase()}`);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.data.id, v.fx.caseId);
    });

    test('query-string errors point into /query/… as errors.ts documents (and as the cursor check does)', {}, async () => {
      const wrong: string[] = [];
      for (const q of allQueries(v)) {
        const r = await v.t.call(q.role, 'GET', q.url());
        const got = [
          ...new Set<string>((r.data?.errors ?? []).map((e: { field: string }) => e.field)),
        ].sort();
        if (JSON.stringify(got) !== JSON.stringify([...q.fields].sort()))
          wrong.push(`${q.name}: ${got.join(', ')}`);
      }
      assert.deepEqual(wrong, []);
    });

    test('limits at the edges of the range are accepted (1 and 200)', async () => {
      for (const list of ['/api/v1/cases', '/api/v1/contacts', '/api/v1/customers']) {
        for (const limit of [1, 200]) {
          const r = await v.t.call('officer', 'GET', `${list}?limit=${limit}`);
          assert.equal(r.statusCode, 200, `${list}?limit=${limit}: ${r.body}`);
          assert.ok(r.data.items.length <= limit);
        }
      }
    });

    test('a cursor the server issued pages on', async () => {
      for (const list of ['/api/v1/cases', '/api/v1/contacts', '/api/v1/customers']) {
        const first = await v.t.call('officer', 'GET', `${list}?limit=1`);
        assert.equal(first.statusCode, 200, first.body);
        assert.equal(typeof first.data.nextCursor, 'string', `${list} has more than one row`);
        const next = await v.t.call('officer', 'GET', `${list}?limit=1&cursor=${first.data.nextCursor}`);
        assert.equal(next.statusCode, 200, next.body);
        assert.notEqual(next.data.items[0]?.id, first.data.items[0].id);
      }
    });

    for (const list of ['/api/v1/cases', '/api/v1/contacts', '/api/v1/customers']) {
      test(`${list}: a well-formed cursor the server never issued → 400 /query/cursor`, {}, async () => {
        for (const parts of [
          ['x', 'y'],
          [1, 2],
          ['2026-11-23T09:00:00.000Z', 'not-a-uuid'],
        ]) {
          await v.rejected(
            `${list} cursor ${JSON.stringify(parts)}`,
            'officer',
            'GET',
            `${list}?cursor=${forged(parts)}`,
            {},
            { status: 400, code: 'request.invalid', fields: ['/query/cursor'] },
          );
        }
      });
    }

    test('a NUL character in a search never breaks the query (200 or 400, not 500)', {}, async () => {
      for (const url of [
        '/api/v1/departments?q=%00',
        '/api/v1/customers?q=Tan%00Mei',
        '/api/v1/customers?q=12%003',
      ]) {
        const r = await v.t.call('officer', 'GET', url);
        assert.ok(r.statusCode === 200 || r.statusCode === 400, `${url}: ${r.statusCode} ${r.body}`);
        if (r.statusCode === 400)
          assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
      }
    });
  },
});
