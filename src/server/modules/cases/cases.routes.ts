import { Type } from 'typebox';
import {
  Case,
  CaseBulk,
  CaseBulkResult,
  CaseCounts,
  CaseCountsQuery,
  CaseCreate,
  CaseDetail,
  CaseDraftBody,
  CaseListQuery,
  CaseMerge,
  CasePatch,
  CaseTransition,
  CaseView,
  CaseViewCreate,
  CaseViewPatch,
  Category,
  CategoryCreate,
  CategoryPatch,
  Note,
  NoteCreate,
  Referral,
  ReferralCreate,
} from '../../../shared/contracts/cases.ts';
import { IdParams, Page } from '../../../shared/contracts/common.ts';
import { can } from '../../../shared/permissions.ts';
import { invalid } from '../../platform/errors.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { CaseDrafts } from './case-drafts.ts';
import type { CaseViews } from './case-views.ts';
import type { CasesService } from './cases.service.ts';
import type { CategoriesService } from './categories.service.ts';

/**
 * Writes that change a case take `If-Match` with the version the writer saw (the desktop always sends
 * it); a stale one answers 412 with who changed the case and when. Optional, so API integrations
 * that do not send it keep working (last write wins for them, as before).
 */
const IfMatch = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      maxLength: 20,
      description:
        'Optional. The case version you last read (the ETag of GET /cases/:id, e.g. "3"). If the case has changed since, the answer is 412 request.precondition_failed with currentVersion, changedBy and changedAt, and nothing is written.',
    }),
  ),
});

/** The moves a case allows are the caller's only if their role may change cases (a trainer reads, and is offered none). */
function forRole<T extends { allowedActions: unknown[] }>(role: string, c: T): T {
  return can(role, 'cases.write') ? c : { ...c, allowedActions: [] };
}

/** `If-Match: "3"` (or 3) → 3; absent → undefined. */
function parseIfMatch(h: string | undefined): number | undefined {
  if (h === undefined) return undefined;
  const n = Number(h.replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(n) || n < 1)
    throw invalid('/headers/if-match', 'caseVersion', 'must be the case version, e.g. "3"');
  return n;
}

export function casesRoutes(
  app: App,
  s: { cases: CasesService; categories: CategoriesService; caseDrafts: CaseDrafts; caseViews: CaseViews },
) {
  const tags = ['cases'];

  app.get(
    '/cases',
    {
      config: { access: 'cases.read' },
      schema: { tags, querystring: CaseListQuery, response: { 200: Page(Case) } },
    },
    async (req) => {
      const page = await s.cases.list({ ...req.query, limit: req.query.limit ?? 50 });
      return { ...page, items: page.items.map((c) => forRole(actorOf(req).role, c)) };
    },
  );
  app.get(
    '/cases/counts',
    {
      config: { access: 'cases.read' },
      schema: {
        tags,
        description: "Counts for a queue's header.",
        querystring: CaseCountsQuery,
        response: { 200: CaseCounts },
      },
    },
    async (req) => s.cases.counts(req.query),
  );
  app.post(
    '/cases',
    { config: { access: 'cases.write' }, schema: { tags, body: CaseCreate, response: { 201: Case } } },
    async (req, reply) => {
      const c = await s.cases.create(actorOf(req), req.body);
      reply.code(201).header('location', `/api/v1/cases/${c.id}`);
      return c;
    },
  );
  app.get(
    '/cases/:id',
    { config: { access: 'cases.read' }, schema: { tags, params: IdParams, response: { 200: CaseDetail } } },
    async (req, reply) => {
      const c = await s.cases.get(req.params.id);
      reply.header('etag', `"${c.version}"`);
      return forRole(actorOf(req).role, c);
    },
  );
  app.post(
    '/cases/bulk',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          'Apply one change (owner, team, priority and/or a status move) to up to 100 cases, each in its own transaction: the answer has a result per case, and a refusal on one leaves the others done. Give each case the version you saw to refuse a change made meanwhile (as If-Match).',
        body: CaseBulk,
        response: { 200: CaseBulkResult },
      },
    },
    async (req) => s.cases.bulk(actorOf(req), req.body),
  );
  const viewTags = ['views'];
  app.get(
    '/views',
    {
      config: { access: 'cases.read' },
      schema: {
        tags: viewTags,
        description: "Your saved queue views and your team's shared ones, each with its count now.",
        response: { 200: Type.Object({ items: Type.Array(CaseView) }) },
      },
    },
    async (req) => ({ items: await s.caseViews.list(actorOf(req)) }),
  );
  app.post(
    '/views',
    {
      config: { access: 'cases.read' },
      schema: { tags: viewTags, body: CaseViewCreate, response: { 201: CaseView } },
    },
    async (req, reply) => {
      reply.code(201);
      return s.caseViews.create(actorOf(req), req.body);
    },
  );
  app.patch(
    '/views/:id',
    {
      config: { access: 'cases.read' },
      schema: { tags: viewTags, params: IdParams, body: CaseViewPatch, response: { 200: CaseView } },
    },
    async (req) => s.caseViews.update(actorOf(req), req.params.id, req.body),
  );
  app.delete(
    '/views/:id',
    { config: { access: 'cases.read' }, schema: { tags: viewTags, params: IdParams } },
    async (req, reply) => {
      await s.caseViews.remove(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );
  app.post(
    '/cases/:id/merge',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          'Merge this case, a duplicate, into the case to keep: its notes, contacts, referrals, timeline and follow-ups move there; this case is closed as merged and points at it; both timelines name the other. Answers the case kept.',
        params: IdParams,
        body: CaseMerge,
        headers: IfMatch,
        response: { 200: Case },
      },
    },
    async (req, reply) => {
      const c = await s.cases.merge(
        actorOf(req),
        req.params.id,
        req.body.intoId,
        parseIfMatch(req.headers['if-match']),
      );
      reply.header('etag', `"${c.version}"`);
      return c;
    },
  );
  app.put(
    '/cases/:id/draft',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          'Keep the note or reply you are writing on this case on the server (yours alone); an empty body removes it. Saving the note clears it. GET /cases/:id/workspace returns it.',
        params: IdParams,
        body: CaseDraftBody,
      },
    },
    async (req, reply) => {
      await s.caseDrafts.save(actorOf(req), req.params.id, req.body);
      return reply.code(204).send();
    },
  );
  app.patch(
    '/cases/:id',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        params: IdParams,
        body: CasePatch,
        headers: IfMatch,
        response: { 200: Case },
      },
    },
    async (req, reply) => {
      const c = await s.cases.update(
        actorOf(req),
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match']),
      );
      reply.header('etag', `"${c.version}"`);
      return c;
    },
  );
  app.post(
    '/cases/:id/transitions',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          'Move the case through its life cycle; illegal moves answer 409 case.transition_not_allowed.',
        params: IdParams,
        body: CaseTransition,
        headers: IfMatch,
        response: { 200: Case },
      },
    },
    async (req, reply) => {
      const c = await s.cases.transition(
        actorOf(req),
        req.params.id,
        req.body,
        parseIfMatch(req.headers['if-match']),
      );
      reply.header('etag', `"${c.version}"`);
      return c;
    },
  );
  app.post(
    '/cases/:id/notes',
    {
      config: { access: 'cases.write' },
      schema: { tags, params: IdParams, body: NoteCreate, response: { 201: Note } },
    },
    async (req, reply) => {
      reply.code(201);
      return s.cases.addNote(actorOf(req), req.params.id, req.body);
    },
  );
  app.post(
    '/cases/:id/referrals',
    {
      config: { access: 'cases.write' },
      schema: { tags, params: IdParams, body: ReferralCreate, headers: IfMatch, response: { 201: Referral } },
    },
    async (req, reply) => {
      reply.code(201);
      return s.cases.refer(actorOf(req), req.params.id, req.body, parseIfMatch(req.headers['if-match']));
    },
  );

  const catTags = ['case categories'];
  app.get(
    '/case-categories',
    {
      config: { access: 'categories.read' },
      schema: {
        tags: catTags,
        querystring: Type.Object(
          { includeInactive: Type.Optional(Type.Boolean()) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Category) }) },
      },
    },
    async (req) => ({ items: await s.categories.list(req.query.includeInactive) }),
  );
  app.post(
    '/case-categories',
    {
      config: { access: 'categories.manage' },
      schema: { tags: catTags, body: CategoryCreate, response: { 201: Category } },
    },
    async (req, reply) => {
      reply.code(201);
      return s.categories.create(actorOf(req), req.body);
    },
  );
  app.patch(
    '/case-categories/:id',
    {
      config: { access: 'categories.manage' },
      schema: { tags: catTags, params: IdParams, body: CategoryPatch, response: { 200: Category } },
    },
    async (req) => s.categories.update(actorOf(req), req.params.id, req.body),
  );
}
