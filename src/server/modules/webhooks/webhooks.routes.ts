import { Type } from 'typebox';
import { IdParams } from '../../../shared/contracts/common.ts';
import {
  DeliveriesQuery,
  WEBHOOK_EVENTS,
  Webhook,
  WebhookCreate,
  WebhookDelivery,
  WebhookPatch,
  WebhookSecret,
  WebhookWithSecret,
} from '../../../shared/contracts/webhooks.ts';
import { IfMatchHeader, ifMatchVersion } from '../../platform/if-match.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { WebhooksService } from './webhooks.service.ts';

const ABOUT =
  'Each delivery is an HTTP POST of a JSON object with `type`, `timestamp` and `data`, signed as Standard Webhooks describes (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256 of the id, the timestamp and the body joined by dots>`). `data` names the record (`id`, `version`, related ids), not its content: fetch it by id with an API token. docs/webhooks.md tells integrators more.';

/** Webhooks for integrators (issue 13, point 8): the administrator's (channels.manage). */
export function webhooksRoutes(app: App, s: { webhooks: WebhooksService }) {
  const tags = ['webhooks'];
  const access = 'channels.manage' as const;
  app.get(
    '/webhooks',
    {
      config: { access },
      schema: {
        tags,
        description: `The webhook endpoints, with their state. ${ABOUT}`,
        response: { 200: Type.Object({ items: Type.Array(Webhook) }) },
      },
    },
    async () => ({ items: await s.webhooks.list() }),
  );
  app.get(
    '/webhook-events',
    {
      config: { access },
      schema: {
        tags,
        description:
          'The event names an endpoint may subscribe to (besides `*`, all of them), for a form to offer: a newer server may add some.',
        response: { 200: Type.Object({ items: Type.Array(Type.String()) }) },
      },
    },
    async () => ({ items: [...WEBHOOK_EVENTS] }),
  );
  app.post(
    '/webhooks',
    {
      config: { access },
      schema: {
        tags,
        description: `Subscribe a URL to events (or \`["*"]\`, all of them). The answer carries the signing secret (\`whsec_…\`): it is shown this once. URLs naming internal addresses (loopback, private, link-local) are refused unless the server allows them. ${ABOUT}`,
        body: WebhookCreate,
        response: { 201: WebhookWithSecret },
      },
    },
    async (req, reply) => {
      const w = await s.webhooks.create(actorOf(req), req.body);
      reply.code(201).header('etag', `"${w.version}"`);
      return w;
    },
  );
  app.get(
    '/webhooks/:id',
    { config: { access }, schema: { tags, params: IdParams, response: { 200: Webhook } } },
    async (req, reply) => {
      const w = await s.webhooks.get(req.params.id);
      reply.header('etag', `"${w.version}"`);
      return w;
    },
  );
  app.patch(
    '/webhooks/:id',
    {
      config: { access },
      schema: {
        tags,
        description:
          'Change an endpoint. `active: true` also switches on an endpoint the sender disabled after repeated failure, and clears its count of failures; its waiting deliveries then go.',
        params: IdParams,
        headers: IfMatchHeader,
        body: WebhookPatch,
        response: { 200: Webhook },
      },
    },
    async (req, reply) => {
      const w = await s.webhooks.update(
        actorOf(req),
        req.params.id,
        req.body,
        ifMatchVersion(req.headers['if-match']),
      );
      reply.header('etag', `"${w.version}"`);
      return w;
    },
  );
  app.delete(
    '/webhooks/:id',
    {
      config: { access },
      schema: { tags, description: 'Remove an endpoint and its delivery log.', params: IdParams },
    },
    async (req, reply) => {
      await s.webhooks.remove(actorOf(req), req.params.id);
      return reply.code(204).send();
    },
  );
  app.post(
    '/webhooks/:id/rotate-secret',
    {
      config: { access },
      schema: {
        tags,
        description:
          'A new signing secret, shown once. For a day both keys sign each delivery (two `v1,…` signatures), so the receiver can switch without losing one.',
        params: IdParams,
        response: { 200: WebhookSecret },
      },
    },
    async (req) => s.webhooks.rotateSecret(actorOf(req), req.params.id),
  );
  app.post(
    '/webhooks/:id/test',
    {
      config: { access },
      schema: {
        tags,
        description:
          'Queue a `webhook.test` delivery to the endpoint (sent within seconds while it is active), to check the receiver and its signature check.',
        params: IdParams,
        response: { 202: WebhookDelivery },
      },
    },
    async (req, reply) => {
      const d = await s.webhooks.test(actorOf(req), req.params.id);
      reply.code(202);
      return d;
    },
  );
  app.get(
    '/webhooks/:id/deliveries',
    {
      config: { access },
      schema: {
        tags,
        description:
          'The delivery log: deliveries newest first, each with its attempts (status code, error, the first kilobyte of the answer, duration). Kept 30 days once finished.',
        params: IdParams,
        querystring: DeliveriesQuery,
        response: {
          200: Type.Object({
            items: Type.Array(WebhookDelivery),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (req) => s.webhooks.deliveries(req.params.id, req.query),
  );
  app.post(
    '/webhook-deliveries/:id/retry',
    {
      config: { access },
      schema: {
        tags,
        description:
          'Send a delivery again with a fresh count of attempts (a failed one once the receiver is fixed, or one the receiver lost). A delivery still pending is refused (409).',
        params: IdParams,
        response: { 200: WebhookDelivery },
      },
    },
    async (req) => s.webhooks.retry(actorOf(req), req.params.id),
  );
}
