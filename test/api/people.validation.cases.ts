import { TEST_PASSWORD } from '../helpers/app.ts';
import {
  type BodyRoute,
  type Env,
  type IdRoute,
  type QueryCase,
  UNKNOWN,
  type ValidationCases,
} from '../helpers/validation.ts';

/**
 * People: sign-in, tokens, users, teams and departments: the bad input each route must refuse, beyond the generic bad bodies every JSON
 * route gets. Run by people.validation.test.ts beside this file; test/api/validation.test.ts checks that, with the
 * other modules' lists, every route with a body or a path id is covered.
 */
export const peopleValidation: ValidationCases = {
  body: (v: Env): BodyRoute[] => [
    {
      route: 'POST /api/v1/auth/login',
      role: null,
      valid: () => ({ username: 'officer', password: TEST_PASSWORD }),
      cases: [
        { name: 'missing username and password', body: {}, fields: ['/body/username', '/body/password'] },
        {
          name: 'a number and a boolean for strings',
          body: { username: 42, password: true },
          fields: ['/body/username', '/body/password'],
        },
        { name: 'an empty username', body: { username: '', password: 'x' }, fields: ['/body/username'] },
      ],
    },
    {
      route: 'POST /api/v1/tokens',
      role: 'administrator',
      valid: () => ({ name: 'ci' }),
      cases: [
        { name: 'missing name', body: {}, fields: ['/body/name'] },
        {
          name: 'a number for a string, a string for a number',
          body: { name: 5, expiresInDays: '30' },
          fields: ['/body/name', '/body/expiresInDays'],
        },
        {
          name: 'expiresInDays below range',
          body: { name: 'x', expiresInDays: 0 },
          fields: ['/body/expiresInDays'],
        },
        {
          name: 'expiresInDays above range',
          body: { name: 'x', expiresInDays: 3651 },
          fields: ['/body/expiresInDays'],
        },
        {
          name: 'a fractional expiresInDays',
          body: { name: 'x', expiresInDays: 1.5 },
          fields: ['/body/expiresInDays'],
        },
        {
          name: 'a userId that is not a UUID',
          body: { name: 'x', userId: 'admin' },
          fields: ['/body/userId'],
        },
        {
          name: 'an unknown userId → 404 user.not_found',
          body: { name: 'x', userId: UNKNOWN },
          status: 404,
          code: 'user.not_found',
        },
      ],
    },
    {
      route: 'POST /api/v1/users',
      role: 'administrator',
      valid: () => ({
        username: 'newbie',
        displayName: 'New Starter',
        role: 'officer',
        password: TEST_PASSWORD,
      }),
      cases: [
        {
          name: 'missing every required field',
          body: {},
          fields: ['/body/username', '/body/displayName', '/body/role', '/body/password'],
          message: /^is required$/,
        },
        {
          name: 'numbers for strings',
          body: { username: 'newbie', displayName: 7, role: 'officer', password: 12345678901 },
          fields: ['/body/displayName', '/body/password'],
        },
        {
          name: 'a role that does not exist',
          body: { username: 'newbie', displayName: 'N', role: 'superuser', password: TEST_PASSWORD },
          fields: ['/body/role'],
          message: /must be one of: officer, trainee/,
        },
        {
          name: 'a password shorter than 10 characters',
          body: { username: 'newbie', displayName: 'N', role: 'officer', password: 'short' },
          fields: ['/body/password'],
        },
        {
          name: 'an upper-case username',
          body: { username: 'NewBie', displayName: 'N', role: 'officer', password: TEST_PASSWORD },
          fields: ['/body/username'],
        },
        {
          name: 'an e-mail address that is not one',
          body: {
            username: 'newbie',
            displayName: 'N',
            role: 'officer',
            password: TEST_PASSWORD,
            email: 'nope',
          },
          fields: ['/body/email'],
        },
        {
          name: 'a taken username → 409 user.username_taken',
          body: { username: 'officer', displayName: 'N', role: 'officer', password: TEST_PASSWORD },
          status: 409,
          code: 'user.username_taken',
        },
        {
          name: 'an unknown team → 404 team.not_found',
          body: {
            username: 'newbie',
            displayName: 'N',
            role: 'officer',
            password: TEST_PASSWORD,
            teamId: UNKNOWN,
          },
          status: 404,
          code: 'team.not_found',
          fields: ['/body/teamId'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/users/:id',
      role: 'administrator',
      id: () => v.fx.spareUserId,
      valid: () => ({ displayName: 'Renamed' }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'], message: /at least one field/ },
        {
          name: 'a string for a boolean, a number for a string',
          body: { active: 'false', displayName: 5 },
          fields: ['/body/active', '/body/displayName'],
        },
        {
          name: 'null for a field that is not nullable',
          body: { displayName: null },
          fields: ['/body/displayName'],
        },
        {
          name: 'an unknown department → 404 department.not_found',
          body: { departmentId: UNKNOWN },
          status: 404,
          code: 'department.not_found',
          fields: ['/body/departmentId'],
        },
      ],
    },
    {
      route: 'POST /api/v1/users/:id/password',
      role: 'administrator',
      id: () => v.fx.spareUserId,
      valid: () => ({ password: 'a fresh passphrase' }),
      cases: [
        { name: 'missing password', body: {}, fields: ['/body/password'] },
        {
          name: 'a password of 11 characters',
          body: { password: 'eleven char' },
          fields: ['/body/password'],
        },
        {
          name: 'a common password',
          body: { password: 'iloveyou1234' },
          fields: ['/body/password'],
          message: /commonly used/,
        },
      ],
    },
    {
      route: 'POST /api/v1/teams',
      role: 'supervisor',
      valid: () => ({ name: 'Team Z' }),
      cases: [
        { name: 'missing name', body: {}, fields: ['/body/name'] },
        {
          name: 'a number for a string, a non-UUID reference',
          body: { name: 7, departmentId: 'billing' },
          fields: ['/body/name', '/body/departmentId'],
        },
        {
          name: 'a taken name → 409 team.name_taken',
          body: { name: 'Team A' },
          status: 409,
          code: 'team.name_taken',
        },
        {
          name: 'an unknown leader → 404 user.not_found',
          body: { name: 'Team Y', leaderId: UNKNOWN },
          status: 404,
          code: 'user.not_found',
          fields: ['/body/leaderId'],
        },
        {
          name: 'an unknown department → 404 department.not_found',
          body: { name: 'Team X', departmentId: UNKNOWN },
          status: 404,
          code: 'department.not_found',
          fields: ['/body/departmentId'],
        },
      ],
    },
    {
      route: 'POST /api/v1/departments',
      role: 'supervisor',
      valid: () => ({ name: 'Retentions', purpose: 'Keeps customers' }),
      cases: [
        { name: 'missing name and purpose', body: {}, fields: ['/body/name', '/body/purpose'] },
        {
          name: 'a string for a boolean, a number for a string',
          body: { name: 'Retentions', purpose: 'p', external: 'yes', phone: 6561234567 },
          fields: ['/body/external', '/body/phone'],
        },
        {
          name: 'a phone number with letters',
          body: { name: 'Retentions', purpose: 'p', phone: 'call us' },
          fields: ['/body/phone'],
        },
        {
          name: 'a taken name → 409 department.name_taken',
          body: { name: 'Billing', purpose: 'Again' },
          status: 409,
          code: 'department.name_taken',
        },
      ],
    },
    {
      route: 'PATCH /api/v1/departments/:id',
      role: 'supervisor',
      id: () => v.t.outside.id,
      valid: () => ({ hours: '24/7' }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        {
          name: 'a string for a boolean, a number for a string',
          body: { active: 'true', name: 1 },
          fields: ['/body/active', '/body/name'],
        },
        {
          name: 'renaming onto a taken name → 409 department.name_taken',
          body: { name: 'Billing' },
          status: 409,
          code: 'department.name_taken',
        },
      ],
    },
  ],
  ids: (): IdRoute[] => [
    { route: 'DELETE /api/v1/tokens/:id', role: 'administrator', notFound: 'token.not_found' },
    { route: 'GET /api/v1/users/:id', role: 'administrator', notFound: 'user.not_found' },
    {
      route: 'PATCH /api/v1/users/:id',
      role: 'administrator',
      body: () => ({ displayName: 'x' }),
      notFound: 'user.not_found',
    },
    { route: 'POST /api/v1/users/:id/unlock', role: 'administrator', notFound: 'user.not_found' },
    {
      route: 'POST /api/v1/users/:id/password',
      role: 'administrator',
      body: () => ({ password: 'a fresh passphrase' }),
      notFound: 'user.not_found',
    },
    { route: 'GET /api/v1/departments/:id', role: 'officer', notFound: 'department.not_found' },
    {
      route: 'PATCH /api/v1/departments/:id',
      role: 'supervisor',
      body: () => ({ hours: 'x' }),
      notFound: 'department.not_found',
    },
  ],
  queries: (): QueryCase[] => [
    {
      name: '/api/v1/departments includeInactive=maybe',
      role: 'officer',
      url: () => '/api/v1/departments?includeInactive=maybe',
      fields: ['/query/includeInactive'],
    },
    {
      name: '/api/v1/departments q too long',
      role: 'officer',
      url: () => `/api/v1/departments?q=${'a'.repeat(101)}`,
      fields: ['/query/q'],
    },
  ],
};
