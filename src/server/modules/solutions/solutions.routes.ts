import { Type } from 'typebox';
import { IdParams } from '../../../shared/contracts/common.ts';
import {
  Dissemination,
  DisseminationCreate,
  DisseminationListQuery,
  PolicyFlag,
  PolicyFlagAnswer,
  PolicyFlagCreate,
  PolicyFlagListQuery,
  Reading,
  ReadingListQuery,
  RemindResult,
  Solution,
  SolutionAgree,
  SolutionCommentCreate,
  SolutionCreate,
  SolutionDecline,
  SolutionListQuery,
} from '../../../shared/contracts/solutions.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { DisseminationsService } from './disseminations.service.ts';
import type { PolicyFlagsService } from './policy-flags.service.ts';
import type { SolutionsService } from './solutions.service.ts';

export function solutionsRoutes(
  app: App,
  s: { solutions: SolutionsService; disseminations: DisseminationsService; policyFlags: PolicyFlagsService },
) {
  const tags = ['agreed solutions'];
  app.post(
    '/solutions',
    {
      config: { access: 'kb.write' },
      schema: {
        tags,
        description:
          'Propose "problem → solution" (from a case) for the team to discuss and a leader to agree.',
        body: SolutionCreate,
        response: { 201: Solution },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.solutions.propose(actorOf(req), req.body);
    },
  );
  app.get(
    '/solutions',
    {
      config: { access: 'kb.read' },
      schema: {
        tags,
        querystring: SolutionListQuery,
        response: { 200: Type.Object({ items: Type.Array(Solution) }) },
      },
    },
    async (req) => ({ items: await s.solutions.list({ ...req.query, limit: req.query.limit ?? 50 }) }),
  );
  app.get(
    '/solutions/:id',
    { config: { access: 'kb.read' }, schema: { tags, params: IdParams, response: { 200: Solution } } },
    async (req) => s.solutions.get(req.params.id),
  );
  app.post(
    '/solutions/:id/comments',
    {
      config: { access: 'kb.contribute' },
      schema: { tags, params: IdParams, body: SolutionCommentCreate, response: { 201: Solution } },
    },
    async (req, reply) => {
      reply.code(201);
      return s.solutions.comment(actorOf(req), req.params.id, req.body.body);
    },
  );
  app.post(
    '/solutions/:id/agree',
    {
      config: { access: 'kb.publish' },
      schema: {
        tags,
        description:
          'Agree it: it is published as an article and sent to the chosen teams, whose members must acknowledge reading it.',
        params: IdParams,
        body: SolutionAgree,
        response: { 200: Solution },
      },
    },
    async (req) => s.solutions.agree(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/solutions/:id/decline',
    {
      config: { access: 'kb.publish' },
      schema: { tags, params: IdParams, body: SolutionDecline, response: { 200: Solution } },
    },
    async (req) => s.solutions.decline(actorOf(req), req.params.id, req.body.note),
  );

  app.post(
    '/kb/articles/:id/disseminations',
    {
      config: { access: 'kb.publish' },
      schema: {
        tags,
        description: 'Send a published article to teams: every member must acknowledge reading it.',
        params: IdParams,
        body: DisseminationCreate,
        response: { 201: Dissemination },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.disseminations.create(actorOf(req), req.params.id, req.body);
    },
  );
  app.get(
    '/disseminations',
    {
      config: { access: 'kb.publish' },
      schema: {
        tags,
        description: 'The team leader’s view: each dissemination with who has and has not acknowledged.',
        querystring: DisseminationListQuery,
        response: { 200: Type.Object({ items: Type.Array(Dissemination) }) },
      },
    },
    async (req) => ({ items: await s.disseminations.list({ ...req.query, limit: req.query.limit ?? 50 }) }),
  );
  app.get(
    '/disseminations/:id',
    {
      config: { access: 'kb.publish' },
      schema: { tags, params: IdParams, response: { 200: Dissemination } },
    },
    async (req) => s.disseminations.get(req.params.id),
  );
  app.post(
    '/disseminations/:id/remind',
    {
      config: { access: 'kb.publish' },
      schema: { tags, params: IdParams, response: { 200: RemindResult } },
    },
    async (req) => s.disseminations.remind(actorOf(req), req.params.id),
  );
  app.get(
    '/readings',
    {
      config: { access: 'kb.read' },
      schema: {
        tags,
        description: 'What I have been asked to read and acknowledge.',
        querystring: ReadingListQuery,
        response: { 200: Type.Object({ items: Type.Array(Reading) }) },
      },
    },
    async (req) => ({ items: await s.disseminations.mine(actorOf(req), req.query) }),
  );
  app.post(
    '/disseminations/:id/acknowledge',
    {
      config: { access: 'kb.read' },
      schema: { tags, params: IdParams, response: { 200: Reading } },
    },
    async (req) => s.disseminations.acknowledge(actorOf(req), req.params.id),
  );

  app.post(
    '/cases/:id/policy-flags',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          'Raise an inconsistency between policy and the customer’s need to a named higher authority.',
        params: IdParams,
        body: PolicyFlagCreate,
        response: { 201: PolicyFlag },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.policyFlags.raise(actorOf(req), req.params.id, req.body);
    },
  );
  app.get(
    '/policy-flags',
    {
      config: { access: 'cases.read' },
      schema: {
        tags,
        querystring: PolicyFlagListQuery,
        response: { 200: Type.Object({ items: Type.Array(PolicyFlag) }) },
      },
    },
    async (req) => ({ items: await s.policyFlags.list(actorOf(req), req.query) }),
  );
  app.get(
    '/policy-flags/authorities',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description: 'The people a policy question can be raised to (team leaders and above).',
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), role: Type.String() })),
          }),
        },
      },
    },
    async () => ({ items: await s.policyFlags.authorities() }),
  );
  app.get(
    '/policy-flags/:id',
    { config: { access: 'cases.read' }, schema: { tags, params: IdParams, response: { 200: PolicyFlag } } },
    async (req) => s.policyFlags.get(req.params.id),
  );
  app.post(
    '/policy-flags/:id/answer',
    {
      config: { access: 'policy_flags.review' },
      schema: {
        tags,
        description: 'The named authority answers (tracked on the case).',
        params: IdParams,
        body: PolicyFlagAnswer,
        response: { 200: PolicyFlag },
      },
    },
    async (req) => s.policyFlags.answer(actorOf(req), req.params.id, req.body.answer),
  );
}
