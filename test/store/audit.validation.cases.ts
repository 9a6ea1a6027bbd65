import type { Env, IdRoute, QueryCase, ValidationCases } from '../helpers/validation.ts';

const forged = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');

/**
 * The audit trail and record histories: the bad input each route must refuse. Run by
 * audit.validation.test.ts beside this file; test/api/validation.test.ts checks that, with the other
 * modules' lists, every route with a path id is covered.
 */
export const auditValidation: ValidationCases = {
  ids: (): IdRoute[] => [
    { route: 'GET /api/v1/cases/:id/history', role: 'officer', notFound: 'case.not_found' },
    { route: 'GET /api/v1/customers/:id/history', role: 'officer', notFound: 'customer.not_found' },
  ],
  queries: (v: Env): QueryCase[] => {
    const audit = (name: string, query: string, fields: string[]): QueryCase => ({
      name: `/api/v1/audit ${name}`,
      role: 'supervisor',
      url: () => `/api/v1/audit?${query}`,
      fields,
    });
    const history: QueryCase[] = [];
    for (const [kind, id] of [
      ['cases', () => v.fx.caseId],
      ['customers', () => v.fx.customer.id],
    ] as const) {
      const url = (q: string) => () => `/api/v1/${kind}/${id()}/history?${q}`;
      history.push(
        {
          name: `${kind} history: unknown parameter`,
          role: 'officer',
          url: url('actorId=x'),
          fields: ['/query/actorId'],
        },
        { name: `${kind} history: limit=0`, role: 'officer', url: url('limit=0'), fields: ['/query/limit'] },
        {
          name: `${kind} history: limit=201`,
          role: 'officer',
          url: url('limit=201'),
          fields: ['/query/limit'],
        },
        {
          name: `${kind} history: cursor=!!`,
          role: 'officer',
          url: url('cursor=!!'),
          fields: ['/query/cursor'],
        },
        {
          name: `${kind} history: a cursor the server never issued`,
          role: 'officer',
          url: url(`cursor=${forged(['2026-11-23T09:00:00.000Z', 'not-a-uuid'])}`),
          fields: ['/query/cursor'],
        },
      );
    }
    return [
      audit('entityId without entityType', 'entityId=abc', ['/query/entityType']),
      audit('entityType without entityId', 'entityType=case', ['/query/entityId']),
      audit('an entityType that is not a name', 'entityType=Case%3B&entityId=abc', ['/query/entityType']),
      audit('an entityId with a quote', "entityType=case&entityId=a'b", ['/query/entityId']),
      audit('an actorId that is neither a UUID nor system', 'actorId=me', ['/query/actorId']),
      audit('an action with spaces', 'action=case%20updated', ['/query/action']),
      audit('an action over 80 characters', `action=${'a'.repeat(81)}`, ['/query/action']),
      audit('from and to that are not date-times', 'from=yesterday&to=2026-11-23', [
        '/query/from',
        '/query/to',
      ]),
      audit('from on 31 February', 'from=2026-02-31T00:00:00Z', ['/query/from']),
      audit('a leap-second from (valid RFC 3339, not an instant here)', 'from=2026-12-31T23:59:60Z', [
        '/query/from',
      ]),
      audit('to before from', 'from=2026-11-23T10:00:00Z&to=2026-11-23T09:00:00Z', ['/query/to']),
      audit(
        'to equal to from (an empty window)',
        'from=2026-11-23T10:00:00Z&to=2026-11-23T18:00:00%2B08:00',
        ['/query/to'],
      ),
      audit('limit=0', 'limit=0', ['/query/limit']),
      audit('limit=201', 'limit=201', ['/query/limit']),
      audit('a cursor the server never issued', `cursor=${forged(['x', 'y'])}`, ['/query/cursor']),
      audit('a cursor of the wrong arity', `cursor=${forged(['2026-11-23T09:00:00.000Z'])}`, [
        '/query/cursor',
      ]),
      audit('unknown parameter', 'q=tan', ['/query/q']),
      audit('action twice', 'action=a&action=b', ['/query/action']),
      ...history,
    ];
  },
};
