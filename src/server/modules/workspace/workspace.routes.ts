import { CaseListQuery } from '../../../shared/contracts/cases.ts';
import { IdParams } from '../../../shared/contracts/common.ts';
import { CaseWorkspace, QueuePage } from '../../../shared/contracts/workspace.ts';
import { can } from '../../../shared/permissions.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { WorkspaceService } from './workspace.service.ts';

export function workspaceRoutes(app: App, s: { workspace: WorkspaceService }) {
  app.get(
    '/queue',
    {
      config: { access: 'cases.read' },
      schema: {
        tags: ['cases'],
        description:
          'A queue page: GET /cases with the same filters, orders and cursor, plus the names of the customers on the page.',
        querystring: CaseListQuery,
        response: { 200: QueuePage },
      },
    },
    async (req) => s.workspace.queue(actorOf(req), { ...req.query, limit: req.query.limit ?? 50 }),
  );
  app.get(
    '/cases/:id/workspace',
    {
      config: { access: 'cases.read' },
      schema: {
        tags: ['cases'],
        description:
          'Everything the case workspace shows in one answer: the case (notes, referrals, timeline), its customer (masked; the customer view unmasks), the contacts on it, the customer’s other open cases and recent contacts, and the follow-up commitments.',
        params: IdParams,
        response: { 200: CaseWorkspace },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req);
      const w = await s.workspace.forCase(actor, req.params.id);
      reply.header('etag', `"${w.case.version}"`);
      // A role that may not change cases is offered no moves (as GET /cases/:id does).
      return can(actor.role, 'cases.write') ? w : { ...w, case: { ...w.case, allowedActions: [] } };
    },
  );
}
