import { IdParams } from '../../../shared/contracts/common.ts';
import {
  MyRoutingOffer,
  RoutingProfile,
  RoutingProfileList,
  RoutingProfilePut,
  RoutingProfilesQuery,
  RoutingPullResult,
  RoutingQueue,
  RoutingQueueList,
  RoutingQueuePatch,
  RoutingQueueState,
  RoutingQueueStateQuery,
  RoutingTaken,
} from '../../../shared/contracts/routing.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { RoutingService } from './routing.service.ts';
import type { RoutingAdmin } from './routing-admin.service.ts';
import type { RoutingPull } from './routing-pull.ts';

/**
 * Routing (issue 14, point 2): my offer (accept / decline), pull the next e-mail, a team's queue,
 * officers' routing profiles and queue settings. Offers reach the desktop live: `routing.offer_changed`
 * in the `user:<id>` room says "read your offer again".
 */
export function routingRoutes(
  app: App,
  s: { routing: RoutingService; routingAdmin: RoutingAdmin; routingPull: RoutingPull },
) {
  const tags = ['routing'];
  app.get(
    '/routing/offer',
    {
      config: { access: 'presence.self' },
      schema: {
        tags,
        description:
          "My open offers (`offers`, oldest first; `offer` the oldest or null), whether my queue leaves e-mail to be pulled, and the server's time (`serverNow`: countdowns to `expiresAt` allow for the client's clock). Re-read on `routing.offer_changed`.",
        response: { 200: MyRoutingOffer },
      },
    },
    async (req) => {
      const offers = await s.routing.myOffers(actorOf(req));
      return {
        offer: offers[0] ?? null,
        offers,
        emailPull: await s.routingPull.enabled(actorOf(req)),
        serverNow: s.routing.now(),
      };
    },
  );
  app.post(
    '/routing/offers/:id/accept',
    {
      config: { access: 'presence.self' },
      schema: {
        tags,
        description:
          'Accept my offer: its case becomes mine. An offer no longer open (declined, timed out, withdrawn, accepted) is a 409.',
        params: IdParams,
        response: { 200: RoutingTaken },
      },
    },
    async (req) => s.routing.accept(actorOf(req), req.params.id),
  );
  app.post(
    '/routing/offers/:id/decline',
    {
      config: { access: 'presence.self' },
      schema: {
        tags,
        description: 'Decline my offer: the item goes to someone else first.',
        params: IdParams,
      },
    },
    async (req, reply) => {
      await s.routing.decline(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );
  app.post(
    '/routing/pull',
    {
      config: { access: 'presence.self' },
      schema: {
        tags,
        description:
          "Pull mode: take the next e-mail of my team's queue that I may handle, within my capacity; `item` null when there is none (or the queue offers instead).",
        response: { 200: RoutingPullResult },
      },
    },
    async (req) => ({ item: await s.routingPull.next(actorOf(req)) }),
  );
  app.get(
    '/routing/queue',
    {
      config: { access: 'presence.team' },
      schema: {
        tags,
        description:
          "A team's routing queue: waiting and offered items with position, wait and expected wait (a team leader: their own team; supervisors any, `teamId`). Live through `routing.queue_changed` in `team:<id>`.",
        querystring: RoutingQueueStateQuery,
        response: { 200: RoutingQueueState },
      },
    },
    async (req) => s.routingAdmin.queueState(actorOf(req), req.query.teamId),
  );
  app.get(
    '/routing/queues',
    {
      config: { access: 'routing.manage' },
      schema: {
        tags,
        description:
          "The queues made so far with their settings (one a team, made when it first has routed work or is looked at, and the default): a queue's overflow goes to one of these.",
        response: { 200: RoutingQueueList },
      },
    },
    async () => ({ items: await s.routingAdmin.queues() }),
  );
  app.patch(
    '/routing/queues/:id',
    {
      config: { access: 'routing.manage' },
      schema: {
        tags,
        description:
          "A queue's settings: strategy, offer time-out, relax and overflow waits, business calendar, pull mode for e-mail.",
        params: IdParams,
        body: RoutingQueuePatch,
        response: { 200: RoutingQueue },
      },
    },
    async (req) => s.routingAdmin.patchQueue(actorOf(req), req.params.id, req.body),
  );
  app.get(
    '/routing/profiles',
    {
      config: { access: 'routing.manage' },
      schema: {
        tags,
        description:
          "Officers' routing profiles: languages, skills with proficiency, capacity and load per channel.",
        querystring: RoutingProfilesQuery,
        response: { 200: RoutingProfileList },
      },
    },
    async (req) => ({ items: await s.routingAdmin.profiles(actorOf(req), req.query.teamId) }),
  );
  app.put(
    '/routing/profiles/:id',
    {
      config: { access: 'routing.manage' },
      schema: {
        tags,
        description:
          "Set an officer's routing profile (`id`: the user). Lowering capacity below the current load only stops new offers.",
        params: IdParams,
        body: RoutingProfilePut,
        response: { 200: RoutingProfile },
      },
    },
    async (req) => s.routingAdmin.putProfile(actorOf(req), req.params.id, req.body),
  );
}
