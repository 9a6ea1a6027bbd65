import type { QueryCase, ValidationCases } from '../helpers/validation.ts';

/**
 * The one search box (GET /search): the bad query strings it must refuse, each naming its field.
 * Run by search.validation.test.ts beside this file; test/api/validation.test.ts lists it with the others.
 */
const url = (qs: string) => () => `/api/v1/search?${qs}`;

export const searchValidation: ValidationCases = {
  queries: (): QueryCase[] => [
    { name: '/api/v1/search without q', role: 'officer', url: url('kind=cases'), fields: ['/query/q'] },
    { name: '/api/v1/search q blank', role: 'officer', url: url('q=%20%20%20'), fields: ['/query/q'] },
    {
      name: '/api/v1/search q of 201 characters',
      role: 'officer',
      url: url(`q=${'a'.repeat(201)}`),
      fields: ['/query/q'],
    },
    {
      name: '/api/v1/search unknown kind, status and type',
      role: 'officer',
      url: url('q=bill&kind=invoices&status=open,lost&type=memo'),
      fields: ['/query/kind', '/query/status', '/query/type'],
    },
    {
      name: '/api/v1/search dates that are not days, an owner that is not an id',
      role: 'officer',
      url: url('q=bill&from=yesterday&to=2026-13-01&assigneeId=me'),
      fields: ['/query/from', '/query/to', '/query/assigneeId'],
    },
    {
      name: '/api/v1/search to before from',
      role: 'officer',
      url: url('q=bill&from=2026-02-02&to=2026-02-01'),
      fields: ['/query/to'],
    },
    { name: '/api/v1/search limit=0', role: 'officer', url: url('q=bill&limit=0'), fields: ['/query/limit'] },
    {
      name: '/api/v1/search limit=51',
      role: 'officer',
      url: url('q=bill&limit=51'),
      fields: ['/query/limit'],
    },
    {
      name: '/api/v1/search unknown parameter',
      role: 'officer',
      url: url('q=bill&teamId=x'),
      fields: ['/query/teamId'],
    },
  ],
};
