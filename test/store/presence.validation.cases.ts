import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import type { BodyRoute, IdRoute, QueryCase, ValidationCases } from '../helpers/validation.ts';

/** A reason of the database being run, and one switched off (setup makes them). */
let reasonId = '';
let offId = '';

/**
 * Presence (issue 14, point 1): the bad input each route must refuse. Run by
 * presence.validation.test.ts beside this file; test/api/validation.test.ts checks the coverage.
 */
export const presenceValidation: ValidationCases = {
  setup: async (v) => {
    const reasons = v.t.services.presence.reasons;
    reasonId = (await reasons.create(SYSTEM_ACTOR, { name: 'Validation break' })).id;
    offId = (await reasons.create(SYSTEM_ACTOR, { name: 'Validation off' })).id;
    await reasons.update(SYSTEM_ACTOR, offId, { active: false }, undefined);
  },
  body: (): BodyRoute[] => [
    {
      route: 'PUT /api/v1/presence/me',
      // The supervisor handles no contact in the fixtures: never on one, so the state is free to set.
      role: 'supervisor',
      valid: () => ({ state: 'available' }),
      cases: [
        { name: 'no state', body: {}, fields: ['/body/state'] },
        { name: 'a state the system sets', body: { state: 'on_contact' }, fields: ['/body/state'] },
        { name: 'a break without a reason', body: { state: 'break' }, fields: ['/body/reasonId'] },
        {
          name: 'a reason that is not a uuid',
          body: { state: 'break', reasonId: 'lunch' },
          fields: ['/body/reasonId'],
        },
        {
          name: 'a reason that is switched off',
          body: () => ({ state: 'break', reasonId: offId }),
          fields: ['/body/reasonId'],
        },
        {
          name: 'a reason with a state other than break',
          body: () => ({ state: 'available', reasonId }),
          fields: ['/body/reasonId'],
        },
      ],
    },
    {
      route: 'PUT /api/v1/presence/users/:id',
      role: 'team_leader',
      id: () => '01890000-0000-7000-8000-000000000000',
      valid: () => ({ state: 'offline' }),
      cases: [{ name: 'a leader sets only offline', body: { state: 'available' }, fields: ['/body/state'] }],
    },
    {
      route: 'POST /api/v1/presence/reasons',
      role: 'administrator',
      valid: () => ({ name: 'Wellbeing' }),
      cases: [
        { name: 'no name', body: {}, fields: ['/body/name'] },
        { name: 'an empty name', body: { name: '' }, fields: ['/body/name'] },
        { name: 'a name too long', body: { name: 'x'.repeat(61) }, fields: ['/body/name'] },
        { name: 'position 0', body: { name: 'Zero', position: 0 }, fields: ['/body/position'] },
        {
          name: 'a name taken, in other letters',
          body: { name: 'VALIDATION BREAK' },
          status: 409,
          code: 'presence_reason.name_taken',
          fields: ['/body/name'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/presence/reasons/:id',
      role: 'administrator',
      id: () => reasonId,
      valid: () => ({ name: 'Validation break renamed' }),
      cases: [
        { name: 'nothing to change', body: {}, fields: ['/body'] },
        { name: 'active not a boolean', body: { active: 'no' }, fields: ['/body/active'] },
        {
          name: 'a stale version',
          body: { active: false },
          headers: { 'if-match': '"99"' },
          status: 412,
          code: 'request.precondition_failed',
        },
        {
          name: 'a malformed If-Match',
          body: { active: false },
          headers: { 'if-match': 'soon' },
          fields: ['/headers/if-match'],
        },
      ],
    },
    {
      route: 'PUT /api/v1/presence/settings',
      role: 'administrator',
      valid: () => ({ afterContactWorkSeconds: 90 }),
      cases: [
        { name: 'no limit', body: {}, fields: ['/body/afterContactWorkSeconds'] },
        {
          name: 'a negative limit',
          body: { afterContactWorkSeconds: -1 },
          fields: ['/body/afterContactWorkSeconds'],
        },
        {
          name: 'over an hour',
          body: { afterContactWorkSeconds: 3601 },
          fields: ['/body/afterContactWorkSeconds'],
        },
        {
          name: 'a fraction',
          body: { afterContactWorkSeconds: 1.5 },
          fields: ['/body/afterContactWorkSeconds'],
        },
      ],
    },
  ],
  ids: (): IdRoute[] => [
    {
      route: 'PUT /api/v1/presence/users/:id',
      role: 'supervisor',
      body: () => ({ state: 'offline' }),
      notFound: 'user.not_found',
    },
    {
      route: 'PATCH /api/v1/presence/reasons/:id',
      role: 'administrator',
      body: () => ({ active: true }),
      notFound: 'presence_reason.not_found',
    },
    {
      route: 'DELETE /api/v1/presence/reasons/:id',
      role: 'administrator',
      notFound: 'presence_reason.not_found',
    },
  ],
  queries: (): QueryCase[] => [
    {
      name: 'team: teamId not a uuid',
      role: 'supervisor',
      url: () => '/api/v1/presence/team?teamId=a',
      fields: ['/query/teamId'],
    },
    {
      name: 'team: unknown parameter',
      role: 'supervisor',
      url: () => '/api/v1/presence/team?all=1',
      fields: ['/query/all'],
    },
    {
      name: 'team: a team that does not exist',
      role: 'supervisor',
      url: () => '/api/v1/presence/team?teamId=01890000-0000-7000-8000-000000000000',
      fields: ['/query/teamId'],
    },
    {
      name: 'time in state: not a date',
      role: 'supervisor',
      url: () => '/api/v1/presence/time-in-state?date=2026-13-01',
      fields: ['/query/date'],
    },
    {
      name: 'time in state: a date-time',
      role: 'supervisor',
      url: () => '/api/v1/presence/time-in-state?date=2026-11-23T00:00:00Z',
      fields: ['/query/date'],
    },
  ],
};
