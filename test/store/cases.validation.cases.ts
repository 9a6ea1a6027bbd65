import {
  type BodyRoute,
  type Env,
  type IdRoute,
  type QueryCase,
  UNKNOWN,
  type ValidationCases,
} from '../helpers/validation.ts';

/**
 * Cases and case categories: the bad input each route must refuse, beyond the generic bad bodies every JSON
 * route gets. Run by cases.validation.test.ts beside this file; test/api/validation.test.ts checks that, with the
 * other modules' lists, every route with a body or a path id is covered.
 */
export const casesValidation: ValidationCases = {
  body: (v: Env): BodyRoute[] => [
    {
      route: 'POST /api/v1/cases',
      role: 'officer',
      valid: () => ({ contactId: v.fx.contact.id, type: 'complaint', subject: 'Charged twice' }),
      cases: [
        {
          name: 'missing every required field',
          body: {},
          fields: ['/body/contactId', '/body/type', '/body/subject'],
        },
        {
          name: 'a bad UUID, an unknown type, an empty subject',
          body: { contactId: 'c1', type: 'rant', subject: '' },
          fields: ['/body/contactId', '/body/type', '/body/subject'],
        },
        {
          name: 'a number for an enum, a boolean for a string',
          body: () => ({
            contactId: v.fx.contact.id,
            type: 'complaint',
            subject: 'x',
            priority: 3,
            description: false,
          }),
          fields: ['/body/priority', '/body/description'],
        },
        {
          name: 'an unknown contact → 404 contact.not_found',
          body: { contactId: UNKNOWN, type: 'complaint', subject: 'x' },
          status: 404,
          code: 'contact.not_found',
          fields: ['/body/contactId'],
        },
        ...(
          [
            ['categoryId', 'category.not_found'],
            ['assigneeId', 'user.not_found'],
            ['teamId', 'team.not_found'],
            ['departmentId', 'department.not_found'],
          ] as const
        ).map(([field, code]) => ({
          name: `an unknown ${field} → 404 ${code}`,
          body: () => ({ contactId: v.fx.contact.id, type: 'complaint', subject: 'x', [field]: UNKNOWN }),
          status: 404,
          code,
          fields: [`/body/${field}`],
        })),
      ],
    },
    {
      route: 'PATCH /api/v1/cases/:id',
      role: 'officer',
      id: () => v.fx.caseId,
      valid: () => ({ priority: 'high' }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        {
          name: 'an unknown priority, a number for a string',
          body: { priority: 'asap', subject: 5 },
          fields: ['/body/priority', '/body/subject'],
        },
        {
          name: 'an If-Match that is not a version',
          body: { priority: 'high' },
          headers: { 'if-match': '"abc"' },
          fields: ['/headers/if-match'],
        },
        {
          name: 'a stale If-Match → 412 request.precondition_failed',
          body: { priority: 'high' },
          headers: { 'if-match': '"99"' },
          status: 412,
          code: 'request.precondition_failed',
        },
        {
          name: 'an unknown assignee → 404 user.not_found',
          body: { assigneeId: UNKNOWN },
          status: 404,
          code: 'user.not_found',
          fields: ['/body/assigneeId'],
        },
      ],
    },
    {
      route: 'POST /api/v1/cases/:id/transitions',
      role: 'officer',
      id: () => v.fx.caseId,
      valid: () => ({ action: 'await_customer' }),
      cases: [
        { name: 'missing action', body: {}, fields: ['/body/action'] },
        {
          name: 'an unknown action, a string for a boolean',
          body: { action: 'explode', customerConfirmed: 'yes' },
          fields: ['/body/action', '/body/customerConfirmed'],
        },
        {
          name: 'an empty resolution summary',
          body: { action: 'resolve', resolutionSummary: '' },
          fields: ['/body/resolutionSummary'],
        },
        {
          name: 'closing an open case → 409 case.transition_not_allowed',
          body: { action: 'close' },
          status: 409,
          code: 'case.transition_not_allowed',
        },
        {
          name: 'resolving without a summary → 422 case.resolution_required',
          body: { action: 'resolve' },
          status: 422,
          code: 'case.resolution_required',
          fields: ['/body/resolutionSummary'],
        },
      ],
    },
    {
      route: 'POST /api/v1/cases/:id/notes',
      role: 'officer',
      id: () => v.fx.caseId,
      valid: () => ({ body: 'Called back', visibility: 'internal' }),
      cases: [
        { name: 'missing body and visibility', body: {}, fields: ['/body/body', '/body/visibility'] },
        {
          name: 'a number for a string, an unknown visibility',
          body: { body: 5, visibility: 'everyone' },
          fields: ['/body/body', '/body/visibility'],
        },
        { name: 'an empty note', body: { body: '', visibility: 'public' }, fields: ['/body/body'] },
        {
          name: 'an unknown contact → 404 contact.not_found',
          body: { body: 'x', visibility: 'internal', contactId: UNKNOWN },
          status: 404,
          code: 'contact.not_found',
        },
      ],
    },
    {
      route: 'POST /api/v1/cases/:id/referrals',
      role: 'officer',
      id: () => v.fx.caseId,
      valid: () => ({ mode: 'signpost', departmentId: v.t.department.id, reason: 'Billing dispute' }),
      cases: [
        { name: 'missing mode and reason', body: {}, fields: ['/body/mode', '/body/reason'] },
        {
          name: 'an unknown mode, a string for a boolean',
          body: { mode: 'teleport', reason: 'x', urgent: 'yes' },
          fields: ['/body/mode', '/body/urgent'],
        },
        {
          name: 'a transfer without a department',
          body: { mode: 'transfer', reason: 'x' },
          fields: ['/body/departmentId'],
        },
        {
          name: 'a transfer to an outside party',
          body: () => ({ mode: 'transfer', departmentId: v.t.outside.id, reason: 'x' }),
          fields: ['/body/departmentId'],
        },
        {
          name: 'a signpost naming nobody',
          body: { mode: 'signpost', reason: 'x' },
          fields: ['/body/departmentId'],
        },
        {
          name: 'a signpost to a party without a number',
          body: { mode: 'signpost', partyName: 'Ombudsman', reason: 'x' },
          fields: ['/body/contactNumberGiven'],
        },
        {
          name: 'an unknown department → 404 department.not_found',
          body: { mode: 'transfer', departmentId: UNKNOWN, reason: 'x' },
          status: 404,
          code: 'department.not_found',
          fields: ['/body/departmentId'],
        },
      ],
    },
    {
      route: 'POST /api/v1/case-categories',
      role: 'supervisor',
      valid: () => ({ name: 'Roaming' }),
      cases: [
        { name: 'missing name', body: {}, fields: ['/body/name'] },
        {
          name: 'a number for a string, a fraction for an integer',
          body: { name: 1, position: 1.5 },
          fields: ['/body/name', '/body/position'],
        },
        { name: 'a negative position', body: { name: 'x', position: -1 }, fields: ['/body/position'] },
        {
          name: 'an unknown parent → 404 category.not_found',
          body: { name: 'x', parentId: UNKNOWN },
          status: 404,
          code: 'category.not_found',
          fields: ['/body/parentId'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/case-categories/:id',
      role: 'supervisor',
      id: () => v.fx.categoryId,
      valid: () => ({ position: 1 }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        {
          name: 'strings for a boolean and an integer',
          body: { active: 'no', position: '1' },
          fields: ['/body/active', '/body/position'],
        },
        { name: 'its own parent', body: () => ({ parentId: v.fx.categoryId }), fields: ['/body/parentId'] },
        {
          name: 'under its own child',
          body: () => ({ parentId: v.fx.childCategoryId }),
          fields: ['/body/parentId'],
        },
        {
          name: 'an unknown parent → 404 category.not_found',
          body: { parentId: UNKNOWN },
          status: 404,
          code: 'category.not_found',
          fields: ['/body/parentId'],
        },
      ],
    },
    {
      route: 'PUT /api/v1/cases/:id/draft',
      role: 'officer',
      id: () => v.fx.caseId,
      valid: () => ({ visibility: 'internal', body: 'Half a thought' }),
      cases: [
        { name: 'missing both fields', body: {}, fields: ['/body/visibility', '/body/body'] },
        {
          name: 'an unknown kind, a body past 20,000 characters',
          body: { visibility: 'shouted', body: 'x'.repeat(20001) },
          fields: ['/body/visibility', '/body/body'],
        },
      ],
    },
    {
      route: 'POST /api/v1/cases/bulk',
      role: 'team_leader',
      valid: () => ({ items: [{ id: v.fx.caseId }], change: { priority: 'high' } }),
      cases: [
        {
          name: 'no items, no change',
          body: { items: [], change: {} },
          fields: ['/body/items', '/body/change'],
        },
        {
          name: 'a bad id, a version of 0, an unknown priority',
          body: { items: [{ id: 'x', version: 0 }], change: { priority: 'asap' } },
          fields: ['/body/items/0/id', '/body/items/0/version', '/body/change/priority'],
        },
        {
          name: 'more than 100 cases at once',
          body: () => ({
            items: Array.from({ length: 101 }, () => ({ id: v.fx.caseId })),
            change: { priority: 'low' },
          }),
          fields: ['/body/items'],
        },
      ],
    },
    {
      route: 'POST /api/v1/cases/:id/merge',
      role: 'officer',
      id: () => v.fx.caseId,
      valid: () => ({ intoId: UNKNOWN }),
      cases: [
        { name: 'no case to keep', body: {}, fields: ['/body/intoId'] },
        { name: 'not a UUID', body: { intoId: 'CS-000001' }, fields: ['/body/intoId'] },
        {
          name: 'an unknown case to keep → 404 case.not_found',
          body: { intoId: UNKNOWN },
          status: 404,
          code: 'case.not_found',
          fields: ['/body/intoId'],
        },
        {
          name: 'itself → 409 case.merge_invalid',
          body: () => ({ intoId: v.fx.caseId }),
          status: 409,
          code: 'case.merge_invalid',
          fields: ['/body/intoId'],
        },
      ],
    },
    {
      route: 'POST /api/v1/views',
      role: 'officer',
      valid: () => ({ name: 'Urgent', filters: { priority: 'urgent' } }),
      cases: [
        { name: 'no name, no filters', body: {}, fields: ['/body/name', '/body/filters'] },
        {
          name: 'an unknown filter and an unknown order',
          body: { name: 'x', filters: { colour: 'red' }, sort: 'random' },
          fields: ['/body/filters/colour', '/body/sort'],
        },
        {
          name: 'a status list with an unknown status',
          body: { name: 'x', filters: { status: 'open,lost' } },
          fields: ['/body/filters/status'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/views/:id',
      role: 'officer',
      id: () => v.fx.viewId,
      valid: () => ({ name: 'Renamed' }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        {
          name: 'an empty name, a negative position',
          body: { name: '', position: -1 },
          fields: ['/body/name', '/body/position'],
        },
      ],
    },
  ],
  ids: (): IdRoute[] => [
    { route: 'GET /api/v1/cases/:id', role: 'officer', notFound: 'case.not_found' },
    { route: 'GET /api/v1/cases/:id/workspace', role: 'officer', notFound: 'case.not_found' },
    {
      route: 'PATCH /api/v1/views/:id',
      role: 'officer',
      body: () => ({ name: 'x' }),
      notFound: 'view.not_found',
    },
    { route: 'DELETE /api/v1/views/:id', role: 'officer', notFound: 'view.not_found' },
    {
      route: 'POST /api/v1/cases/:id/merge',
      role: 'officer',
      body: () => ({ intoId: UNKNOWN }),
      notFound: 'case.not_found',
    },
    {
      route: 'PUT /api/v1/cases/:id/draft',
      role: 'officer',
      body: () => ({ visibility: 'internal', body: 'x' }),
      notFound: 'case.not_found',
    },
    {
      route: 'PATCH /api/v1/cases/:id',
      role: 'officer',
      body: () => ({ priority: 'high' }),
      notFound: 'case.not_found',
    },
    {
      route: 'POST /api/v1/cases/:id/transitions',
      role: 'officer',
      body: () => ({ action: 'resume' }),
      notFound: 'case.not_found',
    },
    {
      route: 'POST /api/v1/cases/:id/notes',
      role: 'officer',
      body: () => ({ body: 'x', visibility: 'internal' }),
      notFound: 'case.not_found',
    },
    {
      route: 'POST /api/v1/cases/:id/referrals',
      role: 'officer',
      body: () => ({
        mode: 'signpost',
        partyName: 'Ombudsman',
        contactNumberGiven: '+65 6100 9000',
        reason: 'x',
      }),
      notFound: 'case.not_found',
    },
    {
      route: 'PATCH /api/v1/case-categories/:id',
      role: 'supervisor',
      body: () => ({ position: 1 }),
      notFound: 'category.not_found',
    },
  ],
  queries: (): QueryCase[] => [
    {
      name: '/api/v1/cases status with an empty item',
      role: 'officer',
      url: () => '/api/v1/cases?status=open,,new',
      fields: ['/query/status'],
    },
    {
      name: '/api/v1/cases unknown status',
      role: 'officer',
      url: () => '/api/v1/cases?status=opened',
      fields: ['/query/status'],
    },
    {
      name: '/api/v1/cases several bad filters at once',
      role: 'officer',
      url: () => '/api/v1/cases?type=rant&criticality=meh&assigneeId=me&teamId=1&limit=0',
      fields: ['/query/type', '/query/criticality', '/query/assigneeId', '/query/teamId', '/query/limit'],
    },
    {
      name: '/api/v1/case-categories includeInactive=yes',
      role: 'officer',
      url: () => '/api/v1/case-categories?includeInactive=yes',
      fields: ['/query/includeInactive'],
    },
    {
      name: '/api/v1/case-categories unknown parameter',
      role: 'officer',
      url: () => '/api/v1/case-categories?all=1',
      fields: ['/query/all'],
    },
  ],
};
