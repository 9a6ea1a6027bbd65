import {
  type BodyRoute,
  type Env,
  type IdRoute,
  type QueryCase,
  UNKNOWN,
  type ValidationCases,
} from '../helpers/validation.ts';

/**
 * Templates and call scripts: the bad input each route must refuse, beyond the generic bad bodies every JSON
 * route gets. Run by validation.test.ts beside this file; test/api/validation.test.ts checks that, with the
 * other modules' lists, every route with a body or a path id is covered.
 */
export const scriptsValidation: ValidationCases = {
  body: (v: Env): BodyRoute[] => [
    {
      route: 'POST /api/v1/templates',
      role: 'team_leader',
      valid: () => ({ kind: 'phrase', name: 'Thanks', body: 'Thank you, {{customer.name}}.' }),
      cases: [
        {
          name: 'missing every required field',
          body: {},
          fields: ['/body/kind', '/body/name', '/body/body'],
        },
        {
          name: 'a kind that does not exist, a blank name and body',
          body: { kind: 'letter', name: '  ', body: ' ' },
          fields: ['/body/kind', '/body/name', '/body/body'],
        },
        {
          name: 'an unknown variable in the body, a {{ without its pair in the subject',
          body: {
            kind: 'email',
            name: 'x1',
            subject: 'Case {{case.reference',
            body: 'Hi {{customer.nickname}}',
          },
          fields: ['/body/subject', '/body/body'],
          message: /unknown variable \{\{customer\.nickname\}\}/,
        },
        {
          name: 'an e-mail template without a subject',
          body: { kind: 'email', name: 'x2', body: 'Hello' },
          fields: ['/body/subject'],
        },
        {
          name: 'a subject on a standard phrase',
          body: { kind: 'phrase', name: 'x3', subject: 'Hi', body: 'Hello' },
          fields: ['/body/subject'],
        },
        {
          name: 'the name of another template of that kind, in other case → 409 template.name_taken',
          body: { kind: 'email', name: 'PAYMENT Reminder', subject: 'x', body: 'y' },
          status: 409,
          code: 'template.name_taken',
          fields: ['/body/name'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/templates/:id',
      role: 'team_leader',
      id: () => v.fx.templateId,
      valid: () => ({ body: 'Dear {{customer.name}}, a reminder.' }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        {
          name: 'an unknown variable, active not a boolean',
          body: { body: '{{case.owner}}', active: 'no' },
          fields: ['/body/active'],
        },
        { name: 'an unknown variable', body: { body: 'Due {{case.due}}' }, fields: ['/body/body'] },
        {
          name: 'taking the subject off an e-mail template',
          body: { subject: null },
          fields: ['/body/subject'],
        },
        {
          name: 'the name of another e-mail template → 409 template.name_taken',
          body: { name: 'case update' },
          status: 409,
          code: 'template.name_taken',
          fields: ['/body/name'],
        },
      ],
    },
    {
      route: 'POST /api/v1/templates/:id/preview',
      role: 'officer',
      id: () => v.fx.templateId,
      valid: () => ({ caseId: v.fx.caseId }),
      cases: [
        {
          name: 'ids that are not UUIDs',
          body: { caseId: 'CS-000001', customerId: 'x', contactId: 'y' },
          fields: ['/body/caseId', '/body/customerId', '/body/contactId'],
        },
        {
          name: 'an unknown case → 404 case.not_found',
          body: { caseId: UNKNOWN },
          status: 404,
          code: 'case.not_found',
        },
        {
          name: 'an unknown contact → 404 contact.not_found',
          body: { contactId: UNKNOWN },
          status: 404,
          code: 'contact.not_found',
        },
        {
          name: 'an unknown customer → 404 customer.not_found',
          body: { customerId: UNKNOWN },
          status: 404,
          code: 'customer.not_found',
        },
        {
          name: 'a customer who is not the case’s',
          body: () => ({ caseId: v.fx.caseId, customerId: v.fx.other.id }),
          fields: ['/body/customerId'],
        },
        {
          name: 'an archived template → 409 template.archived',
          id: () => v.fx.archivedTemplateId,
          body: {},
          status: 409,
          code: 'template.archived',
        },
      ],
    },
    {
      route: 'POST /api/v1/scripts',
      role: 'team_leader',
      valid: () => ({ name: 'Complaint', steps: [{ id: 'a', title: 'Listen', text: 'Let them speak.' }] }),
      cases: [
        { name: 'missing every required field', body: {}, fields: ['/body/name', '/body/steps'] },
        { name: 'no steps', body: { name: 'Empty', steps: [] }, fields: ['/body/steps'] },
        {
          name: 'a step id with a space, no text, a branch of one choice',
          body: {
            name: 'Bad',
            steps: [{ id: 'step one', title: 'A', text: '', choices: [{ label: 'Yes', next: 'a' }] }],
          },
          fields: ['/body/steps/0/id', '/body/steps/0/text', '/body/steps/0/choices'],
        },
        {
          name: 'a branch to a step that does not exist',
          body: {
            name: 'Bad',
            steps: [
              {
                id: 'a',
                title: 'A',
                text: '?',
                choices: [
                  { label: 'Yes', next: 'b' },
                  { label: 'No', next: 'zz' },
                ],
              },
              { id: 'b', title: 'B', text: 'Done.' },
            ],
          },
          fields: ['/body/steps/0/choices/1/next'],
          message: /names no step: "zz"/,
        },
        {
          name: 'both next and choices; a repeated step id',
          body: {
            name: 'Bad',
            steps: [
              {
                id: 'a',
                title: 'A',
                text: '?',
                next: 'b',
                choices: [
                  { label: 'Y', next: 'b' },
                  { label: 'N', next: 'b' },
                ],
              },
              { id: 'b', title: 'B', text: 'Done.' },
              { id: 'b', title: 'B again', text: 'Done.' },
            ],
          },
          fields: ['/body/steps/0', '/body/steps/2/id'],
        },
        {
          name: 'a step the first cannot reach, an unknown variable',
          body: {
            name: 'Bad',
            steps: [
              { id: 'a', title: 'A', text: 'Hello {{customer.nickname}}' },
              { id: 'b', title: 'Orphan', text: 'Never shown.' },
            ],
          },
          fields: ['/body/steps/0/text', '/body/steps/1'],
          message: /cannot be reached/,
        },
        {
          name: 'a loop with no end step',
          body: {
            name: 'Bad',
            steps: [
              { id: 'a', title: 'A', text: '?', next: 'b' },
              { id: 'b', title: 'B', text: '?', next: 'a' },
            ],
          },
          fields: ['/body/steps'],
        },
        {
          name: 'a branch into a loop that never reaches the end',
          body: {
            name: 'Bad',
            steps: [
              {
                id: 'a',
                title: 'A',
                text: '?',
                choices: [
                  { label: 'Loop', next: 'b' },
                  { label: 'End', next: 'd' },
                ],
              },
              { id: 'b', title: 'B', text: '?', next: 'c' },
              { id: 'c', title: 'C', text: '?', next: 'b' },
              { id: 'd', title: 'D', text: 'Done.' },
            ],
          },
          fields: ['/body/steps/1', '/body/steps/2'],
        },
        {
          name: 'a name another script has → 409 script.name_taken',
          body: { name: 'payment EXTENSION', steps: [{ id: 'a', title: 'A', text: 'x' }] },
          status: 409,
          code: 'script.name_taken',
          fields: ['/body/name'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/scripts/:id',
      role: 'team_leader',
      id: () => v.fx.scriptId,
      valid: () => ({ description: 'For customers who cannot pay on time' }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        {
          name: 'a next that names no step',
          body: { steps: [{ id: 'a', title: 'A', text: 'x', next: 'nowhere' }] },
          fields: ['/body/steps/0/next'],
        },
        {
          name: 'a step pointing at itself',
          body: { steps: [{ id: 'a', title: 'A', text: 'x', next: 'a' }] },
          fields: ['/body/steps/0/next'],
        },
        {
          name: 'the name of an archived script → 409 script.name_taken',
          body: { name: 'Old Script' },
          status: 409,
          code: 'script.name_taken',
          fields: ['/body/name'],
        },
      ],
    },
    {
      route: 'POST /api/v1/scripts/:id/preview',
      role: 'officer',
      id: () => v.fx.scriptId,
      valid: () => ({ caseId: v.fx.caseId, stepId: 'ask' }),
      cases: [
        {
          name: 'a step id with capitals, a case id that is not one',
          body: { stepId: 'Ask Now', caseId: 'c1' },
          fields: ['/body/stepId', '/body/caseId'],
        },
        { name: 'a step the script does not have', body: { stepId: 'refund' }, fields: ['/body/stepId'] },
        {
          name: 'an unknown case → 404 case.not_found',
          body: { caseId: UNKNOWN },
          status: 404,
          code: 'case.not_found',
        },
        {
          name: 'an archived script → 409 script.archived',
          id: () => v.fx.archivedScriptId,
          body: {},
          status: 409,
          code: 'script.archived',
        },
      ],
    },
  ],
  ids: (): IdRoute[] => [
    { route: 'GET /api/v1/templates/:id', role: 'officer', notFound: 'template.not_found' },
    {
      route: 'PATCH /api/v1/templates/:id',
      role: 'team_leader',
      body: () => ({ body: 'x' }),
      notFound: 'template.not_found',
    },
    {
      route: 'POST /api/v1/templates/:id/preview',
      role: 'officer',
      body: () => ({}),
      notFound: 'template.not_found',
    },
    { route: 'GET /api/v1/scripts/:id', role: 'officer', notFound: 'script.not_found' },
    {
      route: 'PATCH /api/v1/scripts/:id',
      role: 'team_leader',
      body: () => ({ description: 'x' }),
      notFound: 'script.not_found',
    },
    {
      route: 'POST /api/v1/scripts/:id/preview',
      role: 'officer',
      body: () => ({}),
      notFound: 'script.not_found',
    },
  ],
  queries: (): QueryCase[] => [
    {
      name: '/api/v1/templates unknown kind, includeInactive=perhaps',
      role: 'officer',
      url: () => '/api/v1/templates?kind=letter&includeInactive=perhaps',
      fields: ['/query/kind', '/query/includeInactive'],
    },
    {
      name: '/api/v1/templates unknown parameter',
      role: 'officer',
      url: () => '/api/v1/templates?category=billing',
      fields: ['/query/category'],
    },
    {
      name: '/api/v1/scripts q too long',
      role: 'officer',
      url: () => `/api/v1/scripts?q=${'a'.repeat(101)}`,
      fields: ['/query/q'],
    },
  ],
};
