import {
  type BodyRoute,
  type Env,
  type IdRoute,
  type QueryCase,
  TOMORROW,
  type ValidationCases,
} from '../helpers/validation.ts';

/**
 * Follow-ups: commitments and progress updates: the bad input each route must refuse, beyond the generic bad bodies every JSON
 * route gets. Run by followups.validation.test.ts beside this file; test/api/validation.test.ts checks that, with the
 * other modules' lists, every route with a body or a path id is covered.
 */
export const followupsValidation: ValidationCases = {
  body: (v: Env): BodyRoute[] => [
    {
      route: 'POST /api/v1/cases/:id/commitments',
      role: 'officer',
      id: () => v.fx.caseId,
      valid: () => ({ dueAt: TOMORROW, method: 'call' }),
      cases: [
        { name: 'missing dueAt and method', body: {}, fields: ['/body/dueAt', '/body/method'] },
        {
          name: 'a dueAt that is not a date-time, a method that does not exist',
          body: { dueAt: 'tomorrow', method: 'pigeon' },
          fields: ['/body/dueAt', '/body/method'],
        },
        {
          name: 'a date without a time',
          body: { dueAt: '2026-11-24', method: 'call' },
          fields: ['/body/dueAt'],
        },
        {
          name: 'a negative remindMinutes',
          body: { dueAt: TOMORROW, method: 'call', remindMinutes: -1 },
          fields: ['/body/remindMinutes'],
        },
        {
          name: 'remindMinutes over a day (1441)',
          body: { dueAt: TOMORROW, method: 'call', remindMinutes: 1441 },
          fields: ['/body/remindMinutes'],
        },
        {
          name: 'a string for remindMinutes, a number for the note',
          body: { dueAt: TOMORROW, method: 'call', remindMinutes: '15', note: 5 },
          fields: ['/body/remindMinutes', '/body/note'],
        },
        {
          name: 'a note over 2000 characters',
          body: { dueAt: TOMORROW, method: 'call', note: 'x'.repeat(2001) },
          fields: ['/body/note'],
        },
        {
          name: 'a leap-second dueAt (valid RFC 3339, not a JS Date) is refused, not a 500',
          body: { dueAt: '2026-12-31T23:59:60Z', method: 'call' },
          fields: ['/body/dueAt'],
        },
        {
          name: 'due in the past → 422 commitment.in_past',
          body: { dueAt: '2026-11-22T09:00:00.000Z', method: 'call' },
          status: 422,
          code: 'commitment.in_past',
          fields: ['/body/dueAt'],
        },
        {
          name: 'due this very instant → 422 commitment.in_past',
          body: { dueAt: '2026-11-23T09:00:00.000Z', method: 'call' },
          status: 422,
          code: 'commitment.in_past',
          fields: ['/body/dueAt'],
        },
        {
          name: 'in the past once its offset is applied (16:59+08:00 is 08:59Z) → 422 commitment.in_past',
          body: { dueAt: '2026-11-23T16:59:00+08:00', method: 'call' },
          status: 422,
          code: 'commitment.in_past',
          fields: ['/body/dueAt'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/commitments/:id',
      role: 'officer',
      id: () => v.fx.commitmentId,
      valid: () => ({ note: 'Will call after lunch' }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        { name: 'reopening it (state open)', body: { state: 'open' }, fields: ['/body/state'] },
        { name: 'a state that does not exist', body: { state: 'done' }, fields: ['/body/state'] },
        {
          name: 'a dueAt that is not a date-time, a number for the note',
          body: { dueAt: 'soon', note: 5 },
          fields: ['/body/dueAt', '/body/note'],
        },
        { name: 'a note over 2000 characters', body: { note: 'x'.repeat(2001) }, fields: ['/body/note'] },
        {
          name: 'moving it into the past → 422 commitment.in_past',
          body: { dueAt: '2026-11-22T09:00:00.000Z' },
          status: 422,
          code: 'commitment.in_past',
          fields: ['/body/dueAt'],
        },
        {
          name: 'a commitment already kept → 409 commitment.not_open',
          id: () => v.fx.keptCommitmentId,
          body: { note: 'too late' },
          status: 409,
          code: 'commitment.not_open',
        },
      ],
    },
    {
      route: 'POST /api/v1/commitments/:id/keep',
      role: 'officer',
      id: () => v.fx.emailCommitmentId,
      valid: () => ({ withoutSending: true }),
      cases: [
        {
          name: 'an e-mail follow-up kept with nothing written and no choice not to send',
          body: {},
          fields: ['/body/body'],
        },
        { name: 'an empty message', body: { body: '' }, fields: ['/body/body'] },
        { name: 'a message over 5000 characters', body: { body: 'x'.repeat(5001) }, fields: ['/body/body'] },
        {
          name: 'a string for withoutSending, a number for the message',
          body: { withoutSending: 'yes', body: 5 },
          fields: ['/body/withoutSending', '/body/body'],
        },
        { name: 'an unknown property', body: { body: 'x', send: true }, fields: ['/body/send'] },
        {
          name: 'a commitment already kept → 409 commitment.not_open',
          id: () => v.fx.keptCommitmentId,
          body: { withoutSending: true },
          status: 409,
          code: 'commitment.not_open',
        },
      ],
    },
    {
      route: 'POST /api/v1/cases/:id/progress-updates',
      role: 'officer',
      id: () => v.fx.caseId,
      valid: () => ({ channel: 'email', body: 'We are still working on your case.' }),
      cases: [
        { name: 'missing channel and body', body: {}, fields: ['/body/channel', '/body/body'] },
        {
          name: 'a channel an update cannot go out on (walk_in)',
          body: { channel: 'walk_in', body: 'x' },
          fields: ['/body/channel'],
        },
        { name: 'an empty body', body: { channel: 'sms', body: '' }, fields: ['/body/body'] },
        {
          name: 'a body over 5000 characters',
          body: { channel: 'letter', body: 'x'.repeat(5001) },
          fields: ['/body/body'],
        },
        {
          name: 'null for the channel, a number for the body',
          body: { channel: null, body: 42 },
          fields: ['/body/channel', '/body/body'],
        },
        {
          name: 'a string for withoutSending',
          body: { channel: 'email', body: 'x', withoutSending: 'true' },
          fields: ['/body/withoutSending'],
        },
      ],
    },
  ],
  ids: (): IdRoute[] => [
    {
      route: 'POST /api/v1/cases/:id/commitments',
      role: 'officer',
      body: () => ({ dueAt: TOMORROW, method: 'call' }),
      notFound: 'case.not_found',
    },
    {
      route: 'PATCH /api/v1/commitments/:id',
      role: 'officer',
      body: () => ({ note: 'x' }),
      notFound: 'commitment.not_found',
    },
    {
      route: 'POST /api/v1/commitments/:id/keep',
      role: 'officer',
      body: () => ({ withoutSending: true }),
      notFound: 'commitment.not_found',
    },
    { route: 'GET /api/v1/cases/:id/progress-update', role: 'officer', notFound: 'case.not_found' },
    {
      route: 'POST /api/v1/cases/:id/progress-updates',
      role: 'officer',
      body: () => ({ channel: 'email', body: 'x' }),
      notFound: 'case.not_found',
    },
  ],
  queries: (): QueryCase[] => [
    {
      name: '/api/v1/commitments unknown state, officerId not a UUID',
      role: 'officer',
      url: () => '/api/v1/commitments?state=done&officerId=me',
      fields: ['/query/state', '/query/officerId'],
    },
    {
      name: '/api/v1/commitments unknown parameter',
      role: 'officer',
      url: () => '/api/v1/commitments?overdue=true',
      fields: ['/query/overdue'],
    },
  ],
};
