import { Type } from 'typebox';
import { IdParams } from '../../../shared/contracts/common.ts';
import {
  Presence,
  PresenceLeaderSet,
  PresenceReason,
  PresenceReasonCreate,
  PresenceReasonPatch,
  PresenceSet,
  PresenceSettings,
  PresenceTeam,
  PresenceTeamQuery,
  TimeInState,
  TimeInStateQuery,
} from '../../../shared/contracts/presence.ts';
import { IfMatchHeader, ifMatchVersion } from '../../platform/if-match.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { PresenceService } from './presence.service.ts';

/** Presence (issue 14, point 1): one's own state, a team's live, time in state, break reasons. */
export function presenceRoutes(app: App, s: { presence: PresenceService }) {
  const tags = ['presence'];
  const p = s.presence;
  app.get(
    '/presence/me',
    {
      config: { access: 'presence.self' },
      schema: { tags, description: 'My state, since when, why.', response: { 200: Presence } },
    },
    async (req) => p.get(actorOf(req).userId),
  );
  app.put(
    '/presence/me',
    {
      config: { access: 'presence.self' },
      schema: {
        tags,
        description:
          'Set my state: available, break (with one of the active `reasonId`s) or offline. On a contact and after-contact work are set by the system; from a contact, end it first (409). The same state again changes nothing.',
        body: PresenceSet,
        response: { 200: Presence },
      },
    },
    async (req) => p.setOwn(actorOf(req), req.body),
  );
  app.get(
    '/presence/team',
    {
      config: { access: 'presence.team' },
      schema: {
        tags,
        description:
          "A team's people and their states (a team leader: their own team; supervisors: any, `teamId`). Live through `presence.changed` in the `team:<id>` room.",
        querystring: PresenceTeamQuery,
        response: { 200: PresenceTeam },
      },
    },
    async (req) => p.team(actorOf(req), req.query.teamId),
  );
  app.put(
    '/presence/users/:id',
    {
      config: { access: 'presence.team' },
      schema: {
        tags,
        description: "Sign a person of one's team out (offline is the only state a leader sets); audited.",
        params: IdParams,
        body: PresenceLeaderSet,
        response: { 200: Presence },
      },
    },
    async (req) => p.setByLeader(actorOf(req), req.params.id),
  );
  app.get(
    '/presence/time-in-state',
    {
      config: { access: 'presence.team' },
      schema: {
        tags,
        description:
          "Seconds each person of a team spent in each state and break reason on a day (`date`, YYYY-MM-DD in the centre's time zone: its first business calendar's; today by default). An open stint counts up to now.",
        querystring: TimeInStateQuery,
        response: { 200: TimeInState },
      },
    },
    async (req) => p.timeInState(actorOf(req), req.query),
  );
  app.get(
    '/presence/reasons',
    {
      config: { access: 'presence.self' },
      schema: {
        tags,
        description: 'The break reasons, switched-off ones included (the history names them), in order.',
        response: { 200: Type.Object({ items: Type.Array(PresenceReason) }) },
      },
    },
    async () => ({ items: await p.reasons.list() }),
  );
  app.post(
    '/presence/reasons',
    {
      config: { access: 'presence.manage' },
      schema: {
        tags,
        description: 'Add a break reason.',
        body: PresenceReasonCreate,
        response: { 201: PresenceReason },
      },
    },
    async (req, reply) => {
      const r = await p.reasons.create(actorOf(req), req.body);
      reply.code(201).header('etag', `"${r.version}"`);
      return r;
    },
  );
  app.patch(
    '/presence/reasons/:id',
    {
      config: { access: 'presence.manage' },
      schema: {
        tags,
        description: 'Rename, reorder or switch a reason off (or on). Send If-Match with the version read.',
        params: IdParams,
        headers: IfMatchHeader,
        body: PresenceReasonPatch,
        response: { 200: PresenceReason },
      },
    },
    async (req, reply) => {
      const r = await p.reasons.update(
        actorOf(req),
        req.params.id,
        req.body,
        ifMatchVersion(req.headers['if-match']),
      );
      reply.header('etag', `"${r.version}"`);
      return r;
    },
  );
  app.delete(
    '/presence/reasons/:id',
    {
      config: { access: 'presence.manage' },
      schema: {
        tags,
        description:
          'Delete a reason nobody ever used (a typo); one in the history is switched off instead (409).',
        params: IdParams,
      },
    },
    async (req, reply) => {
      await p.reasons.remove(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );
  app.get(
    '/presence/settings',
    {
      config: { access: 'presence.manage' },
      schema: { tags, description: 'The after-contact-work limit.', response: { 200: PresenceSettings } },
    },
    async () => p.reasons.settings(),
  );
  app.put(
    '/presence/settings',
    {
      config: { access: 'presence.manage' },
      schema: {
        tags,
        description:
          'Set the after-contact-work limit in seconds (0: straight back to available); it applies from the next contact that ends.',
        body: PresenceSettings,
        response: { 200: PresenceSettings },
      },
    },
    async (req) => p.reasons.setSettings(actorOf(req), req.body),
  );
}
