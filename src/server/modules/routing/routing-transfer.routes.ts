import {
  RoutingTransfer,
  RoutingTransferCreate,
  RoutingTransferList,
  RoutingTransferQuery,
  RoutingTransferTargets,
} from '../../../shared/contracts/routing-transfer.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { RoutingTransfers } from './routing-transfer.ts';

/**
 * Transfer (issue 14, point 4): hand a routed case to an officer (an offer they accept or decline)
 * or a team's queue, with a note; a case's transfers; who it may go to now.
 */
export function routingTransferRoutes(app: App, s: { routingTransfers: RoutingTransfers }) {
  const tags = ['routing'];
  app.post(
    '/routing/transfers',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          "Transfer a chat, e-mail or SMS case to an officer (`toUserId`: offered to them; declined or timed out, it waits in their team's queue) or to a team's queue (`toTeamId`), with a note for whoever takes it. The caller must be handling the case (or lead its team). An officer offline, away or at capacity on the channel is a 409. The same `clientId` again is the same transfer (200).",
        body: RoutingTransferCreate,
        response: { 200: RoutingTransfer, 201: RoutingTransfer },
      },
    },
    async (req, reply) => {
      const r = await s.routingTransfers.transfer(actorOf(req), req.body);
      reply.code(r.created ? 201 : 200);
      return r.transfer;
    },
  );
  app.get(
    '/routing/transfers',
    {
      config: { access: 'cases.read' },
      schema: {
        tags,
        description: "A case's transfers, newest first, with their notes and where each stands.",
        querystring: RoutingTransferQuery,
        response: { 200: RoutingTransferList },
      },
    },
    async (req) => ({ items: await s.routingTransfers.forCase(req.query.caseId) }),
  );
  app.get(
    '/routing/transfer-targets',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          "Who a case may be transferred to: the officers who take routed work, with their state and whether they can take the case's channel now, and the teams' queues.",
        querystring: RoutingTransferQuery,
        response: { 200: RoutingTransferTargets },
      },
    },
    async (req) => s.routingTransfers.targets(actorOf(req), req.query.caseId),
  );
}
