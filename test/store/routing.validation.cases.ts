import { tx } from '../../src/server/platform/context.ts';
import {
  type BodyRoute,
  type Env,
  type IdRoute,
  type QueryCase,
  UNKNOWN,
  type ValidationCases,
} from '../helpers/validation.ts';

/** Team A's routing queue (setup makes it). */
let queueId = '';

/**
 * Routing (issue 14, point 2): the bad input each route must refuse. Run by
 * routing.validation.test.ts beside this file; test/api/validation.test.ts checks the coverage.
 */
export const routingValidation: ValidationCases = {
  setup: async (v) => {
    queueId = await tx(v.t.ctx, async (trx) => (await v.t.services.routing.queueFor(trx, v.t.team.id)).id);
  },
  body: (v: Env): BodyRoute[] => [
    {
      route: 'POST /api/v1/routing/transfers',
      role: 'officer',
      valid: () => ({
        caseId: v.fx.caseId,
        clientId: '01890000-0000-7000-8000-0000000000aa',
        toTeamId: v.t.team.id,
        note: 'She asked for a refund.',
      }),
      cases: [
        {
          name: 'no note',
          body: () => ({ caseId: v.fx.caseId, clientId: UNKNOWN, toTeamId: v.t.team.id }),
          fields: ['/body/note'],
        },
        {
          name: 'a blank note',
          body: () => ({ caseId: v.fx.caseId, clientId: UNKNOWN, toTeamId: v.t.team.id, note: '   ' }),
          fields: ['/body/note'],
        },
        {
          name: 'a note over 2,000 characters',
          body: () => ({
            caseId: v.fx.caseId,
            clientId: UNKNOWN,
            toTeamId: v.t.team.id,
            note: 'x'.repeat(2001),
          }),
          fields: ['/body/note'],
        },
        {
          name: 'a client id that is not a UUID',
          body: () => ({ caseId: v.fx.caseId, clientId: 'click-1', toTeamId: v.t.team.id, note: 'x' }),
          fields: ['/body/clientId'],
        },
        {
          name: 'neither an officer nor a team',
          body: () => ({ caseId: v.fx.caseId, clientId: UNKNOWN, note: 'x' }),
          fields: ['/body/toUserId'],
        },
        {
          name: 'both an officer and a team',
          body: () => ({
            caseId: v.fx.caseId,
            clientId: UNKNOWN,
            toUserId: v.t.users.trainee.id,
            toTeamId: v.t.team.id,
            note: 'x',
          }),
          fields: ['/body/toTeamId'],
        },
      ],
    },
    {
      route: 'PUT /api/v1/routing/profiles/:id',
      role: 'supervisor',
      id: () => v.t.users.officer.id,
      valid: () => ({
        languages: ['ms'],
        skills: [{ name: 'billing', level: 3 }],
        capacity: { email: 1, chat: 3, sms: 2 },
      }),
      cases: [
        { name: 'no capacity', body: { languages: [], skills: [] }, fields: ['/body/capacity'] },
        {
          name: 'a proficiency of 6',
          body: {
            languages: [],
            skills: [{ name: 'billing', level: 6 }],
            capacity: { email: 1, chat: 1, sms: 1 },
          },
          fields: ['/body/skills/0/level'],
        },
        {
          name: 'a proficiency of 0',
          body: {
            languages: [],
            skills: [{ name: 'billing', level: 0 }],
            capacity: { email: 1, chat: 1, sms: 1 },
          },
          fields: ['/body/skills/0/level'],
        },
        {
          name: 'a language that is not a BCP 47 tag',
          body: { languages: ['Malay language'], skills: [], capacity: { email: 1, chat: 1, sms: 1 } },
          fields: ['/body/languages/0'],
        },
        {
          name: 'a negative capacity',
          body: { languages: [], skills: [], capacity: { email: -1, chat: 1, sms: 1 } },
          fields: ['/body/capacity/email'],
        },
        {
          name: 'a channel that is not routed',
          body: { languages: [], skills: [], capacity: { email: 1, chat: 1, sms: 1, phone: 1 } },
          fields: ['/body/capacity/phone'],
        },
        {
          name: 'a skill listed twice',
          body: {
            languages: [],
            skills: [
              { name: 'billing', level: 2 },
              { name: 'billing', level: 4 },
            ],
            capacity: { email: 1, chat: 1, sms: 1 },
          },
          fields: ['/body/skills/1/name'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/routing/queues/:id',
      role: 'supervisor',
      id: () => queueId,
      valid: () => ({ strategy: 'round_robin' }),
      cases: [
        { name: 'nothing to change', body: {}, fields: ['/body'] },
        { name: 'an unknown strategy', body: { strategy: 'random' }, fields: ['/body/strategy'] },
        {
          name: 'a time-out under 5 s',
          body: { offerTimeoutSeconds: 2 },
          fields: ['/body/offerTimeoutSeconds'],
        },
        {
          name: 'overflow into itself',
          body: () => ({ overflowQueueId: queueId }),
          status: 422,
          code: 'routing_queue.overflow_loop',
          fields: ['/body/overflowQueueId'],
        },
        {
          name: 'a calendar that does not exist',
          body: { calendarId: '01890000-0000-7000-8000-000000000000' },
          status: 404,
          code: 'calendar.not_found',
          fields: ['/body/calendarId'],
        },
      ],
    },
  ],
  ids: (): IdRoute[] => [
    { route: 'POST /api/v1/routing/offers/:id/accept', role: 'officer', notFound: 'routing_offer.not_found' },
    {
      route: 'POST /api/v1/routing/offers/:id/decline',
      role: 'officer',
      notFound: 'routing_offer.not_found',
    },
    {
      route: 'PATCH /api/v1/routing/queues/:id',
      role: 'supervisor',
      body: () => ({ strategy: 'least_busy' }),
      notFound: 'routing_queue.not_found',
    },
    {
      route: 'PUT /api/v1/routing/profiles/:id',
      role: 'supervisor',
      body: () => ({ languages: [], skills: [], capacity: { email: 1, chat: 1, sms: 1 } }),
      notFound: 'user.not_found',
    },
  ],
  queries: (): QueryCase[] => [
    {
      name: 'transfers: no caseId',
      role: 'officer',
      url: () => '/api/v1/routing/transfers',
      fields: ['/query/caseId'],
    },
    {
      name: 'transfer targets: caseId not a uuid',
      role: 'officer',
      url: () => '/api/v1/routing/transfer-targets?caseId=CS-1',
      fields: ['/query/caseId'],
    },
    {
      name: 'queue: teamId not a uuid',
      role: 'supervisor',
      url: () => '/api/v1/routing/queue?teamId=team-a',
      fields: ['/query/teamId'],
    },
    {
      name: 'profiles: an unknown parameter',
      role: 'supervisor',
      url: () => '/api/v1/routing/profiles?role=officer',
      fields: ['/query/role'],
    },
  ],
};
