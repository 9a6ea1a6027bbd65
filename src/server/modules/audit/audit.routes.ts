import { AuditEntry, AuditQuery, HistoryQuery } from '../../../shared/contracts/audit.ts';
import { IdParams, Page } from '../../../shared/contracts/common.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { AuditService } from './audit.service.ts';

/**
 * The audit trail, read: whole for supervisors and administrators, one record's history for whoever
 * may read that record. Here rather than in the cases and customers modules: one reader of one table.
 */
export function auditRoutes(app: App, s: { audit: AuditService }) {
  const tags = ['audit'];
  app.get(
    '/audit',
    {
      config: { access: 'audit.read' },
      schema: {
        tags,
        description:
          'Who did what, to which record, when, with the change as stored and field by field. Newest first, 50 a page. Filter by record (entityType with entityId), actor (a user id or `system`), action and time (from inclusive, to exclusive); filters combine.',
        querystring: AuditQuery,
        response: { 200: Page(AuditEntry) },
      },
    },
    async (req) => s.audit.list(actorOf(req), req.query),
  );
  app.get(
    '/cases/:id/history',
    {
      config: { access: 'cases.read' },
      schema: {
        tags: [...tags, 'cases'],
        description:
          "The case's history: who changed what and when, before and after. Particulars are masked for a role without unmasked access.",
        params: IdParams,
        querystring: HistoryQuery,
        response: { 200: Page(AuditEntry) },
      },
    },
    async (req) => s.audit.caseHistory(actorOf(req), req.params.id, req.query.cursor, req.query.limit ?? 50),
  );
  app.get(
    '/customers/:id/history',
    {
      config: { access: 'customers.read' },
      schema: {
        tags: [...tags, 'customers'],
        description:
          "The customer's history and their accounts': changes, verifications, and who viewed the particulars unmasked. Particulars are masked for a role without unmasked access, even on a verified contact (old values are not the caller's to confirm).",
        params: IdParams,
        querystring: HistoryQuery,
        response: { 200: Page(AuditEntry) },
      },
    },
    async (req) =>
      s.audit.customerHistory(actorOf(req), req.params.id, req.query.cursor, req.query.limit ?? 50),
  );
}
