import { Type } from 'typebox';
import { IdParams } from '../../../shared/contracts/common.ts';
import {
  Calendar,
  CalendarCreate,
  CalendarPatch,
  CaseSla,
  Escalation,
  EscalationListQuery,
  EscalationRule,
  EscalationRuleCreate,
  EscalationRulePatch,
  HolidayImport,
  Policy,
  PolicyCreate,
  PolicyPatch,
  PolicyPreview,
  PolicyPreviewRequest,
  SlaSettings,
} from '../../../shared/contracts/sla.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { CalendarsService } from './calendars.service.ts';
import type { EscalationsService } from './escalations.service.ts';
import type { PoliciesService } from './policies.service.ts';
import type { SlaService } from './sla.service.ts';

export function slaRoutes(
  app: App,
  s: {
    calendars: CalendarsService;
    policies: PoliciesService;
    sla: SlaService;
    escalations: EscalationsService;
  },
) {
  const tags = ['service levels'];
  app.get(
    '/calendars',
    {
      config: { access: 'sla.read' },
      schema: { tags, response: { 200: Type.Object({ items: Type.Array(Calendar) }) } },
    },
    async () => ({ items: await s.calendars.list() }),
  );
  app.post(
    '/calendars',
    {
      config: { access: 'sla.manage' },
      schema: {
        tags,
        description:
          'Refused with the failing field when intervals overlap or are reversed, the zone is unknown, or the calendar is never open.',
        body: CalendarCreate,
        response: { 201: Calendar },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.calendars.create(actorOf(req), req.body);
    },
  );
  app.get(
    '/calendars/:id',
    { config: { access: 'sla.read' }, schema: { tags, params: IdParams, response: { 200: Calendar } } },
    async (req) => s.calendars.get(req.params.id),
  );
  app.patch(
    '/calendars/:id',
    {
      config: { access: 'sla.manage' },
      schema: { tags, params: IdParams, body: CalendarPatch, response: { 200: Calendar } },
    },
    async (req) => s.calendars.update(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/calendars/:id/holidays',
    {
      config: { access: 'sla.manage' },
      schema: {
        tags,
        description: 'Import public holidays (added, or replacing the list).',
        params: IdParams,
        body: HolidayImport,
        response: { 200: Calendar },
      },
    },
    async (req) => s.calendars.importHolidays(actorOf(req), req.params.id, req.body),
  );
  app.get(
    '/sla-policies',
    {
      config: { access: 'sla.read' },
      schema: { tags, response: { 200: Type.Object({ items: Type.Array(Policy) }) } },
    },
    async () => ({ items: await s.policies.list() }),
  );
  app.post(
    '/sla-policies',
    {
      config: { access: 'sla.manage' },
      schema: {
        tags,
        description:
          'Rules choose the first active policy by position; its targets run in business time on its calendar.',
        body: PolicyCreate,
        response: { 201: Policy },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.policies.create(actorOf(req), req.body);
    },
  );
  app.post(
    '/sla-policies/preview',
    {
      config: { access: 'sla.read' },
      schema: {
        tags,
        description:
          'Which policy a case with these facts would get, the due times it would set if created at `at` (default now), the policies tried before it and why each did not match, and the escalation rules that would watch it. Changes nothing.',
        body: PolicyPreviewRequest,
        response: { 200: PolicyPreview },
      },
    },
    async (req) => s.sla.preview(req.body, (await s.escalations.settings()).urgentAckMinutes),
  );
  app.patch(
    '/sla-policies/:id',
    {
      config: { access: 'sla.manage' },
      schema: { tags, params: IdParams, body: PolicyPatch, response: { 200: Policy } },
    },
    async (req) => s.policies.update(actorOf(req), req.params.id, req.body),
  );
  app.get(
    '/escalation-rules',
    {
      config: { access: 'sla.read' },
      schema: { tags, response: { 200: Type.Object({ items: Type.Array(EscalationRule) }) } },
    },
    async () => ({ items: await s.escalations.listRules() }),
  );
  app.post(
    '/escalation-rules',
    {
      config: { access: 'sla.manage' },
      schema: {
        tags,
        description:
          'Act on a clock at its due time plus `offsetMinutes` (negative: before the breach). Refused when it takes no action or can never match.',
        body: EscalationRuleCreate,
        response: { 201: EscalationRule },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.escalations.createRule(actorOf(req), req.body);
    },
  );
  app.patch(
    '/escalation-rules/:id',
    {
      config: { access: 'sla.manage' },
      schema: { tags, params: IdParams, body: EscalationRulePatch, response: { 200: EscalationRule } },
    },
    async (req) => s.escalations.updateRule(actorOf(req), req.params.id, req.body),
  );
  app.get(
    '/escalations',
    {
      config: { access: 'cases.read' },
      schema: {
        tags,
        querystring: EscalationListQuery,
        response: { 200: Type.Object({ items: Type.Array(Escalation) }) },
      },
    },
    async (req) => ({ items: await s.escalations.list(actorOf(req), req.query) }),
  );
  app.post(
    '/escalations/:id/acknowledge',
    {
      config: { access: 'escalations.acknowledge' },
      schema: {
        tags,
        description:
          'The named person, or anyone at or above the level’s role, acknowledges; it answers every open level of the case and stops re-escalation.',
        params: IdParams,
        response: { 200: Escalation },
      },
    },
    async (req) => s.escalations.acknowledge(actorOf(req), req.params.id),
  );
  app.get(
    '/settings/sla',
    { config: { access: 'sla.read' }, schema: { tags: ['settings'], response: { 200: SlaSettings } } },
    async () => s.escalations.settings(),
  );
  app.put(
    '/settings/sla',
    {
      config: { access: 'sla.manage' },
      schema: { tags: ['settings'], body: SlaSettings, response: { 200: SlaSettings } },
    },
    async (req) => s.escalations.saveSettings(actorOf(req), req.body),
  );
  app.get(
    '/cases/:id/sla',
    {
      config: { access: 'cases.read' },
      schema: {
        tags,
        description: 'The case’s clocks now (time left, breach) and their history.',
        params: IdParams,
        response: { 200: CaseSla },
      },
    },
    async (req) => s.sla.history(req.params.id),
  );
}
