import { Type } from 'typebox';
import { IdParams } from '../../../shared/contracts/common.ts';
import {
  Calendar,
  CalendarCreate,
  CalendarPatch,
  HolidayImport,
  Policy,
  PolicyCreate,
  PolicyPatch,
} from '../../../shared/contracts/sla.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { CalendarsService } from './calendars.service.ts';
import type { PoliciesService } from './policies.service.ts';

export function slaRoutes(app: App, s: { calendars: CalendarsService; policies: PoliciesService }) {
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
  app.patch(
    '/sla-policies/:id',
    {
      config: { access: 'sla.manage' },
      schema: { tags, params: IdParams, body: PolicyPatch, response: { 200: Policy } },
    },
    async (req) => s.policies.update(actorOf(req), req.params.id, req.body),
  );
}
