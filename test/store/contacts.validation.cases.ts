import {
  type BodyRoute,
  type Env,
  type IdRoute,
  type QueryCase,
  UNKNOWN,
  type ValidationCases,
} from '../helpers/validation.ts';

/**
 * Contacts, the verification policy and the standard phrases: the bad input each route must refuse, beyond the generic bad bodies every JSON
 * route gets. Run by contacts.validation.test.ts beside this file; test/api/validation.test.ts checks that, with the
 * other modules' lists, every route with a body or a path id is covered.
 */
export const contactsValidation: ValidationCases = {
  body: (v: Env): BodyRoute[] => [
    {
      route: 'POST /api/v1/contacts',
      role: 'officer',
      valid: () => ({ channel: 'phone', direction: 'inbound' }),
      cases: [
        { name: 'missing channel and direction', body: {}, fields: ['/body/channel', '/body/direction'] },
        {
          name: 'a channel not logged by hand, a number for a string',
          body: { channel: 'email', direction: 1 },
          fields: ['/body/channel', '/body/direction'],
        },
        {
          name: 'a number for notes, a startedAt that is not a timestamp',
          body: { channel: 'phone', direction: 'inbound', notes: 5, startedAt: 'yesterday' },
          fields: ['/body/notes', '/body/startedAt'],
        },
        {
          name: 'an unknown customer → 404 customer.not_found',
          body: { channel: 'phone', direction: 'inbound', customerId: UNKNOWN },
          status: 404,
          code: 'customer.not_found',
          fields: ['/body/customerId'],
        },
        {
          name: 'a leap-second startedAt (valid RFC 3339, not a JS Date) is refused, not a 500',
          body: { channel: 'phone', direction: 'inbound', startedAt: '2016-12-31T23:59:60Z' },
          fields: ['/body/startedAt'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/contacts/:id',
      role: 'officer',
      id: () => v.fx.contact.id,
      valid: () => ({ notes: 'Called about a bill' }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        {
          name: 'false for end, a number for notes',
          body: { end: false, notes: 5 },
          fields: ['/body/end', '/body/notes'],
        },
        { name: 'a string for a boolean', body: { end: 'true' }, fields: ['/body/end'] },
        {
          name: 'an unknown customer → 404 customer.not_found',
          body: { customerId: UNKNOWN },
          status: 404,
          code: 'customer.not_found',
          fields: ['/body/customerId'],
        },
        {
          name: 'ending a contact that has ended → 409 contact.already_ended',
          id: () => v.fx.ended.id,
          body: { end: true },
          status: 409,
          code: 'contact.already_ended',
        },
      ],
    },
    {
      route: 'POST /api/v1/contacts/:id/verification',
      role: 'officer',
      id: () => v.fx.contact.id,
      valid: () => ({ answers: [{ particular: 'name', value: 'Someone' }] }),
      cases: [
        { name: 'missing answers', body: {}, fields: ['/body/answers'] },
        { name: 'no answers', body: { answers: [] }, fields: ['/body/answers'] },
        { name: 'a string for an array', body: { answers: 'name' }, fields: ['/body/answers'] },
        {
          name: 'a particular that does not exist, an empty value',
          body: { answers: [{ particular: 'shoe_size', value: '' }] },
          fields: ['/body/answers/0/particular', '/body/answers/0/value'],
        },
        {
          name: 'a ticked result instead of the caller’s answer (the server compares, not the officer)',
          body: { answers: [{ particular: 'name', result: 'match' }] },
          fields: ['/body/answers/0/value', '/body/answers/0/result'],
        },
        {
          name: 'a contact with no customer → 409 contact.no_customer',
          id: () => v.fx.bare.id,
          body: { answers: [{ particular: 'name', value: 'Someone' }] },
          status: 409,
          code: 'contact.no_customer',
        },
      ],
    },
    {
      route: 'PUT /api/v1/contacts/:id/draft',
      role: 'officer',
      id: () => v.fx.contact.id,
      valid: () => ({ data: { enquiry: 'Bill is wrong' } }),
      cases: [
        { name: 'no data', body: {}, fields: ['/body/data'] },
        { name: 'a string for the draft', body: { data: 'x' }, fields: ['/body/data'] },
        {
          name: 'a draft over 32 KB',
          body: { data: { enquiry: 'x'.repeat(33 * 1024) } },
          fields: ['/body/data'],
        },
        {
          name: 'an ended contact → 409 contact.already_ended',
          id: () => v.fx.ended.id,
          body: { data: { enquiry: 'x' } },
          status: 409,
          code: 'contact.already_ended',
        },
      ],
    },
    {
      route: 'PUT /api/v1/settings/verification-policy',
      role: 'supervisor',
      valid: () => ({ required: ['name'], anyOf: ['id_number', 'date_of_birth'], anyOfCount: 1 }),
      cases: [
        {
          name: 'missing every field',
          body: {},
          fields: ['/body/required', '/body/anyOf', '/body/anyOfCount'],
        },
        {
          name: 'a string for an array, a string for a number',
          body: { required: 'name', anyOf: [], anyOfCount: '1' },
          fields: ['/body/required', '/body/anyOfCount'],
        },
        {
          name: 'a particular named twice',
          body: { required: ['name', 'name'], anyOf: [], anyOfCount: 0 },
          fields: ['/body/required'],
        },
        {
          name: 'a particular that does not exist',
          body: { required: ['shoe_size'], anyOf: [], anyOfCount: 0 },
          fields: ['/body/required/0'],
        },
        {
          name: 'a policy that demands nothing',
          body: { required: [], anyOf: [], anyOfCount: 0 },
          fields: ['/body/required'],
        },
        {
          name: 'anyOfCount above the anyOf list',
          body: { required: ['name'], anyOf: ['email'], anyOfCount: 2 },
          fields: ['/body/anyOfCount'],
        },
        {
          name: 'a site sign-in counting as a particular the policy does not ask for',
          body: { required: ['name'], anyOf: ['id_number'], anyOfCount: 1, siteSignIn: ['email'] },
          fields: ['/body/siteSignIn'],
        },
        {
          name: 'a site sign-in as a particular that does not exist',
          body: { required: ['name'], anyOf: [], anyOfCount: 0, siteSignIn: ['shoe_size'] },
          fields: ['/body/siteSignIn/0'],
        },
        {
          name: 'a particular both required and in anyOf',
          body: { required: ['name'], anyOf: ['name', 'email'], anyOfCount: 1 },
          fields: ['/body/anyOf'],
        },
      ],
    },
    {
      route: 'PUT /api/v1/settings/phrases',
      role: 'supervisor',
      valid: () => ({ greeting: 'Good morning, {officer} speaking.', closing: 'Thank you for calling.' }),
      cases: [
        { name: 'missing every field', body: {}, fields: ['/body/greeting', '/body/closing'] },
        {
          name: 'an empty greeting, a number for the closing',
          body: { greeting: '', closing: 7 },
          fields: ['/body/greeting', '/body/closing'],
        },
        {
          name: 'an empty written greeting, a number for the written closing',
          body: { greeting: 'Hello', closing: 'Bye', writtenGreeting: '', writtenClosing: 7 },
          fields: ['/body/writtenGreeting', '/body/writtenClosing'],
        },
      ],
    },
  ],
  ids: (): IdRoute[] => [
    { route: 'GET /api/v1/contacts/:id', role: 'officer', notFound: 'contact.not_found' },
    {
      route: 'PATCH /api/v1/contacts/:id',
      role: 'officer',
      body: () => ({ notes: 'x' }),
      notFound: 'contact.not_found',
    },
    {
      route: 'POST /api/v1/contacts/:id/verification',
      role: 'officer',
      body: () => ({ answers: [{ particular: 'name', value: 'Someone' }] }),
      notFound: 'contact.not_found',
    },
    {
      route: 'PUT /api/v1/contacts/:id/draft',
      role: 'officer',
      body: () => ({ data: {} }),
      notFound: 'contact.not_found',
    },
  ],
  queries: (): QueryCase[] => [
    {
      name: '/api/v1/contacts customerId not a UUID',
      role: 'officer',
      url: () => '/api/v1/contacts?customerId=x',
      fields: ['/query/customerId'],
    },
  ],
};
