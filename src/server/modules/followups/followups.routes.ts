import { Type } from 'typebox';
import { IdParams } from '../../../shared/contracts/common.ts';
import {
  Commitment,
  CommitmentCreate,
  CommitmentKeep,
  CommitmentListQuery,
  CommitmentPatch,
  ProgressUpdateCreate,
  ProgressUpdateDraft,
  ProgressUpdateSent,
} from '../../../shared/contracts/followups.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { CommitmentsService } from './commitments.service.ts';
import type { ProgressService } from './progress.service.ts';

export function followupsRoutes(
  app: App,
  s: { commitments: CommitmentsService; progress: ProgressService; cases: CasesService },
) {
  const tags = ['follow-up'];
  app.post(
    '/cases/:id/commitments',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          'The officer promises to revert by a time; a reminder goes before it and an alarm at it.',
        params: IdParams,
        body: CommitmentCreate,
        response: { 201: Commitment },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.commitments.create(actorOf(req), req.params.id, req.body);
    },
  );
  app.get(
    '/commitments',
    {
      config: { access: 'cases.read' },
      schema: {
        tags,
        description: 'My open commitments by due time (or an officer’s, or a case’s).',
        querystring: CommitmentListQuery,
        response: { 200: Type.Object({ items: Type.Array(Commitment) }) },
      },
    },
    async (req) => ({ items: await s.commitments.list(actorOf(req), req.query) }),
  );
  app.patch(
    '/commitments/:id',
    {
      config: { access: 'cases.write' },
      schema: { tags, params: IdParams, body: CommitmentPatch, response: { 200: Commitment } },
    },
    async (req) => s.commitments.update(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/commitments/:id/keep',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          'Keep a promise. By e-mail: `body` is sent to the customer on the case’s thread (queued now, sent by the sender loop; the first-response clock is met when it is sent); a customer without an e-mail address is a 400 with `noRecipient`, and `withoutSending: true` records it as kept with nothing sent. Send an Idempotency-Key: a repeat keeps once and sends once.',
        params: IdParams,
        body: CommitmentKeep,
        response: { 200: Commitment },
      },
    },
    async (req) => s.commitments.keep(actorOf(req), req.params.id, req.body),
  );
  app.get(
    '/cases/:id/progress-update',
    {
      config: { access: 'cases.read' },
      schema: {
        tags,
        description: 'A progress update drafted from the template, and whether one is needed now.',
        params: IdParams,
        response: { 200: ProgressUpdateDraft },
      },
    },
    async (req) => s.progress.draft(actorOf(req), req.params.id),
  );
  app.post(
    '/cases/:id/progress-updates',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          'Send the customer a progress update: logged as an outbound contact and a reply on the case.',
        params: IdParams,
        body: ProgressUpdateCreate,
        response: { 201: ProgressUpdateSent },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.cases.sendProgressUpdate(actorOf(req), req.params.id, req.body);
    },
  );
}
