import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildCase } from '../helpers/factories.ts';
import {
  type BodyRoute,
  type Env,
  type IdRoute,
  type QueryCase,
  type Res,
  UNKNOWN,
  urlOf,
  type ValidationCases,
} from '../helpers/validation.ts';

/**
 * Service levels: calendars, policies, escalation rules, escalations and settings: the bad input each route must refuse, beyond the generic bad bodies every JSON
 * route gets. Run by validation.test.ts beside this file; test/api/validation.test.ts checks that, with the
 * other modules' lists, every route with a body or a path id is covered.
 */
/** An escalation rule body the route accepts, with some fields changed. */
const rule = (changes: Record<string, unknown>) => ({
  name: 'x',
  position: 1,
  clock: 'resolution',
  offsetMinutes: 0,
  actions: { notify: ['assignee'] },
  ...changes,
});

export const slaValidation: ValidationCases = {
  body: (v: Env): BodyRoute[] => [
    {
      route: 'POST /api/v1/calendars',
      role: 'supervisor',
      valid: () => ({
        name: `Cal ${Math.random()}`,
        timeZone: 'UTC',
        hours: { '1': [['09:00', '17:00']] },
      }),
      cases: [
        { name: 'missing every field', body: {}, fields: ['/body/name', '/body/timeZone', '/body/hours'] },
        {
          name: 'a weekday that does not exist, a time that is not HH:mm',
          body: { name: 'x', timeZone: 'UTC', hours: { '8': [], '1': [['9am', '17:00']] } },
          fields: ['/body/hours/8', '/body/hours/1/0/0'],
        },
        {
          name: 'overlapping intervals',
          body: {
            name: 'x',
            timeZone: 'UTC',
            hours: {
              '1': [
                ['09:00', '12:00'],
                ['11:00', '13:00'],
              ],
            },
          },
          fields: ['/body/hours/1/1'],
        },
        {
          name: 'an unknown time zone',
          body: { name: 'x', timeZone: 'Mars/Olympus', hours: { '1': [['09:00', '12:00']] } },
          fields: ['/body/timeZone'],
        },
      ],
    },
    {
      route: 'POST /api/v1/sla-policies',
      role: 'supervisor',
      valid: () => ({
        name: `P ${Math.random()}`,
        position: 1,
        calendarId: v.fx.calendarId,
        conditions: {},
        resolutionMinutes: 60,
      }),
      cases: [
        {
          name: 'missing every field',
          body: {},
          fields: ['/body/name', '/body/position', '/body/calendarId', '/body/conditions'],
        },
        {
          name: 'a negative target, a condition that lists nothing',
          body: () => ({
            name: 'x',
            position: 1,
            calendarId: v.fx.calendarId,
            conditions: { types: [] },
            resolutionMinutes: -1,
          }),
          fields: ['/body/conditions/types', '/body/resolutionMinutes'],
        },
        {
          name: 'an unknown calendar',
          body: { name: 'x', position: 1, calendarId: UNKNOWN, conditions: {}, resolutionMinutes: 60 },
          fields: ['/body/calendarId'],
        },
      ],
    },
    {
      route: 'POST /api/v1/sla-policies/preview',
      role: 'supervisor',
      valid: () => ({ type: 'complaint', criticality: 'not_highly_critical', priority: 'normal' }),
      cases: [
        {
          name: 'missing every field',
          body: {},
          fields: ['/body/type', '/body/criticality', '/body/priority'],
        },
        {
          name: 'a type, channel and priority that do not exist, an instant that is not one',
          body: {
            type: 'rant',
            criticality: 'not_highly_critical',
            priority: 'whenever',
            channel: 'pigeon',
            at: 'tomorrow',
          },
          fields: ['/body/type', '/body/priority', '/body/channel', '/body/at'],
        },
        {
          name: 'a category that does not exist',
          body: {
            type: 'complaint',
            criticality: 'not_highly_critical',
            priority: 'normal',
            categoryId: UNKNOWN,
          },
          fields: ['/body/categoryId'],
        },
        {
          name: 'an empty segment',
          body: { type: 'complaint', criticality: 'not_highly_critical', priority: 'normal', segment: '' },
          fields: ['/body/segment'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/sla-policies/:id',
      role: 'supervisor',
      id: () => v.fx.policyId,
      valid: () => ({ position: 7 }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        { name: 'no target left', body: { resolutionMinutes: null }, fields: ['/body/resolutionMinutes'] },
      ],
    },
    {
      route: 'PATCH /api/v1/calendars/:id',
      role: 'supervisor',
      id: () => v.fx.calendarId,
      valid: () => ({ hours: { '2': [['08:00', '18:00']] } }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        {
          name: 'a reversed interval (which also leaves it never open)',
          body: { hours: { '1': [['17:00', '09:00']] } },
          fields: ['/body/hours/1/0', '/body/hours'],
        },
        {
          name: 'a holiday without a name, a holiday date that is not a date',
          body: {
            holidays: [
              { date: '2026-12-25', name: '' },
              { date: '2026-13-01', name: 'x' },
            ],
          },
          fields: ['/body/holidays/0/name', '/body/holidays/1/date'],
        },
      ],
    },
    {
      route: 'POST /api/v1/calendars/:id/holidays',
      role: 'supervisor',
      id: () => v.fx.calendarId,
      valid: () => ({ holidays: [{ date: '2026-12-25', name: 'Christmas Day' }] }),
      cases: [
        { name: 'no holidays', body: { holidays: [] }, fields: ['/body/holidays'] },
        {
          name: 'a date that is not a date',
          body: { holidays: [{ date: '25/12/2026', name: 'x' }] },
          fields: ['/body/holidays/0/date'],
        },
      ],
    },
    {
      route: 'POST /api/v1/escalation-rules',
      role: 'supervisor',
      valid: () => ({
        name: `Rule ${Math.random()}`,
        position: 3,
        clock: 'first_response',
        offsetMinutes: -15,
        actions: { notify: ['assignee'] },
      }),
      cases: [
        {
          name: 'missing every field',
          body: {},
          fields: ['/body/name', '/body/position', '/body/clock', '/body/offsetMinutes', '/body/actions'],
        },
        {
          name: 'offsetMinutes more than a week after the breach (10081)',
          body: rule({ offsetMinutes: 10_081 }),
          fields: ['/body/offsetMinutes'],
        },
        {
          name: 'offsetMinutes more than a week before the breach (-10081)',
          body: rule({ offsetMinutes: -10_081 }),
          fields: ['/body/offsetMinutes'],
        },
        {
          name: 'a fractional offset, a string for the position',
          body: rule({ position: '1', offsetMinutes: 1.5 }),
          fields: ['/body/position', '/body/offsetMinutes'],
        },
        {
          name: 'a negative position, a clock that does not exist, an empty name',
          body: rule({ name: '', position: -1, clock: 'lunch' }),
          fields: ['/body/name', '/body/position', '/body/clock'],
        },
        {
          name: 'a rule with no action',
          body: rule({ actions: {} }),
          fields: ['/body/actions'],
          message: /at least one action/,
        },
        {
          name: 'a rule whose only action is e-mail',
          body: rule({ actions: { email: true } }),
          fields: ['/body/actions', '/body/actions/email'],
        },
        {
          name: 'e-mail with nobody notified',
          body: rule({ actions: { raisePriority: 'high', email: true } }),
          fields: ['/body/actions/email'],
        },
        {
          name: 'an unknown action, a notify target that does not exist',
          body: rule({ actions: { notify: ['customer'], page: true } }),
          fields: ['/body/actions/notify/0', '/body/actions/page'],
        },
        {
          name: 'nobody to notify, a reassignment to an officer, a priority it cannot raise to',
          body: rule({ actions: { notify: [], reassignTo: 'officer', raisePriority: 'low' } }),
          fields: ['/body/actions/notify', '/body/actions/reassignTo', '/body/actions/raisePriority'],
        },
        {
          name: 'a condition that lists nothing',
          body: rule({ conditions: { types: [] } }),
          fields: ['/body/conditions/types'],
        },
        {
          name: 'a condition on a category that does not exist (it could never match)',
          body: rule({ conditions: { categoryIds: [UNKNOWN] } }),
          fields: ['/body/conditions/categoryIds'],
        },
        {
          name: 'a taken name → 409 escalation_rule.name_taken',
          body: rule({ name: 'Warn before breach' }),
          status: 409,
          code: 'escalation_rule.name_taken',
          fields: ['/body/name'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/escalation-rules/:id',
      role: 'supervisor',
      id: () => v.fx.ruleId,
      valid: () => ({ position: 4 }),
      cases: [
        { name: 'an empty patch', body: {}, fields: ['/body'] },
        {
          name: 'offsetMinutes out of range',
          body: { offsetMinutes: 10_081 },
          fields: ['/body/offsetMinutes'],
        },
        {
          name: 'null for the name, a string for a boolean',
          body: { name: null, active: 'no' },
          fields: ['/body/name', '/body/active'],
        },
        { name: 'taking away every action', body: { actions: {} }, fields: ['/body/actions'] },
        {
          name: 'actions that only e-mail',
          body: { actions: { email: true } },
          fields: ['/body/actions', '/body/actions/email'],
        },
        {
          name: 'a condition on a category that does not exist',
          body: { conditions: { categoryIds: [UNKNOWN] } },
          fields: ['/body/conditions/categoryIds'],
        },
        {
          name: 'renaming onto a taken name → 409 escalation_rule.name_taken',
          body: { name: 'Breached' },
          status: 409,
          code: 'escalation_rule.name_taken',
          fields: ['/body/name'],
        },
      ],
    },
    {
      route: 'PUT /api/v1/settings/sla',
      role: 'supervisor',
      valid: () => ({
        urgentAckMinutes: 20,
        progressUpdateTemplate: 'Dear {customerName}, we are still working on {caseReference}.',
      }),
      cases: [
        {
          name: 'missing every field',
          body: {},
          fields: ['/body/urgentAckMinutes', '/body/progressUpdateTemplate'],
        },
        {
          name: 'urgentAckMinutes 0',
          body: { urgentAckMinutes: 0, progressUpdateTemplate: 'x' },
          fields: ['/body/urgentAckMinutes'],
        },
        {
          name: 'a negative urgentAckMinutes',
          body: { urgentAckMinutes: -15, progressUpdateTemplate: 'x' },
          fields: ['/body/urgentAckMinutes'],
        },
        {
          name: 'urgentAckMinutes over a day (1441)',
          body: { urgentAckMinutes: 1441, progressUpdateTemplate: 'x' },
          fields: ['/body/urgentAckMinutes'],
        },
        {
          name: 'a fractional urgentAckMinutes',
          body: { urgentAckMinutes: 1.5, progressUpdateTemplate: 'x' },
          fields: ['/body/urgentAckMinutes'],
        },
        {
          name: 'a string for a number, a number for a string',
          body: { urgentAckMinutes: '15', progressUpdateTemplate: 15 },
          fields: ['/body/urgentAckMinutes', '/body/progressUpdateTemplate'],
        },
        {
          name: 'an empty template',
          body: { urgentAckMinutes: 15, progressUpdateTemplate: '' },
          fields: ['/body/progressUpdateTemplate'],
        },
        {
          name: 'a template over 2000 characters',
          body: { urgentAckMinutes: 15, progressUpdateTemplate: 'x'.repeat(2001) },
          fields: ['/body/progressUpdateTemplate'],
        },
      ],
    },
  ],
  ids: (): IdRoute[] => [
    { route: 'GET /api/v1/calendars/:id', role: 'officer', notFound: 'calendar.not_found' },
    {
      route: 'PATCH /api/v1/sla-policies/:id',
      role: 'supervisor',
      body: () => ({ position: 3 }),
      notFound: 'sla_policy.not_found',
    },
    {
      route: 'PATCH /api/v1/calendars/:id',
      role: 'supervisor',
      body: () => ({ name: 'Renamed' }),
      notFound: 'calendar.not_found',
    },
    {
      route: 'POST /api/v1/calendars/:id/holidays',
      role: 'supervisor',
      body: () => ({ holidays: [{ date: '2026-12-25', name: 'Christmas Day' }] }),
      notFound: 'calendar.not_found',
    },
    {
      route: 'PATCH /api/v1/escalation-rules/:id',
      role: 'supervisor',
      body: () => ({ position: 1 }),
      notFound: 'escalation_rule.not_found',
    },
    {
      route: 'POST /api/v1/escalations/:id/acknowledge',
      role: 'team_leader',
      notFound: 'escalation.not_found',
    },
    { route: 'GET /api/v1/cases/:id/sla', role: 'officer', notFound: 'case.not_found' },
  ],
  queries: (): QueryCase[] => [
    {
      name: '/api/v1/escalations caseId not a UUID, open=maybe',
      role: 'officer',
      url: () => '/api/v1/escalations?caseId=CS-000001&open=maybe',
      fields: ['/query/caseId', '/query/open'],
    },
    {
      name: '/api/v1/escalations unknown parameter',
      role: 'officer',
      url: () => '/api/v1/escalations?level=1',
      fields: ['/query/level'],
    },
  ],
  extra: (v: Env) => {
    test('acknowledging an escalation twice → 409 escalation.already_acknowledged', async () => {
      const { case: c } = await buildCase(v.t, { criticality: 'highly_critical', teamId: v.t.team.id });
      const e = await v.t.ctx.store.db
        .selectFrom('escalations')
        .select('id')
        .where('case_id', '=', c.id)
        .executeTakeFirstOrThrow();
      const url = urlOf('POST /api/v1/escalations/:id/acknowledge', e.id);
      const first = await v.t.call('team_leader', 'POST', url);
      assert.equal(first.statusCode, 200, first.body);
      assert.equal(first.data.acknowledgedBy, v.t.users.team_leader.id);
      await v.rejected(
        'POST /api/v1/escalations/:id/acknowledge again',
        'supervisor',
        'POST',
        url,
        {},
        { status: 409, code: 'escalation.already_acknowledged' },
      );
    });

    test('an escalation named for a higher level → 403 escalation.not_yours for a team leader', async () => {
      // No team, no department: nobody leads it, so level 1 goes to the supervisors.
      const { case: c } = await buildCase(v.t, { criticality: 'highly_critical', teamId: null });
      const e = await v.t.ctx.store.db
        .selectFrom('escalations')
        .selectAll()
        .where('case_id', '=', c.id)
        .executeTakeFirstOrThrow();
      assert.equal(e.target_role, 'supervisor');
      await v.rejected(
        'POST /api/v1/escalations/:id/acknowledge by a team leader',
        'team_leader',
        'POST',
        urlOf('POST /api/v1/escalations/:id/acknowledge', e.id),
        {},
        { status: 403, code: 'escalation.not_yours' },
      );
    });

    test('the edges of the new ranges are accepted', async () => {
      const wrong: string[] = [];
      const expect = async (what: string, status: number, r: Promise<Res>) => {
        const got = await r;
        if (got.statusCode !== status) wrong.push(`${what}: ${got.statusCode} ${got.body.slice(0, 200)}`);
      };
      for (const offsetMinutes of [-10_080, 10_080])
        await expect(
          `offsetMinutes ${offsetMinutes}`,
          201,
          v.t.call(
            'supervisor',
            'POST',
            '/api/v1/escalation-rules',
            rule({ name: `Edge ${offsetMinutes}`, offsetMinutes }),
          ),
        );
      for (const urgentAckMinutes of [1, 1440])
        await expect(
          `urgentAckMinutes ${urgentAckMinutes}`,
          200,
          v.t.call('supervisor', 'PUT', '/api/v1/settings/sla', {
            urgentAckMinutes,
            progressUpdateTemplate: 'x'.repeat(2000),
          }),
        );
      for (const remindMinutes of [0, 1440])
        await expect(
          `remindMinutes ${remindMinutes}`,
          201,
          v.t.call('officer', 'POST', urlOf('POST /api/v1/cases/:id/commitments', v.fx.caseId), {
            dueAt: '2026-11-23T09:00:01.000Z',
            method: 'sms',
            remindMinutes,
          }),
        );
      assert.deepEqual(wrong, []);
    });
  },
};
