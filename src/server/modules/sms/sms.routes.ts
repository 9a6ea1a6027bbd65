import { Type } from 'typebox';
import { IdParams, Uuid } from '../../../shared/contracts/common.ts';
import { Message } from '../../../shared/contracts/messages.ts';
import {
  SmsEndpoint,
  SmsEndpointCreate,
  SmsEndpointPatch,
  SmsRecipient,
  SmsReplyCreate,
} from '../../../shared/contracts/sms.ts';
import { can } from '../../../shared/permissions.ts';
import { formParams, verifyTwilioSignature } from '../../channels/sms/twilio.ts';
import type { Config } from '../../platform/config.ts';
import { AppError, fieldError } from '../../platform/errors.ts';
import { IfMatchHeader, ifMatchVersion } from '../../platform/if-match.ts';
import { type App, actorOf } from '../../platform/types.ts';
import { mask } from '../customers/normalize.ts';
import type { InboundService } from '../messages/inbound.service.ts';
import { presentMessage } from '../messages/messages.present.ts';
import type { SmsService } from './sms.service.ts';
import type { SmsEndpointRow, SmsEndpointsService } from './sms-endpoints.service.ts';
import type { SmsReplies } from './sms-replies.service.ts';

const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/**
 * SMS (issue 14, point 5): the provider's webhooks (a text in, a delivery report), the numbers an
 * administrator sets up, and a text from the workspace.
 */
export function smsRoutes(
  app: App,
  s: {
    sms: SmsService;
    smsReplies: SmsReplies;
    smsEndpoints: SmsEndpointsService;
    inbound: InboundService;
    config: Config;
  },
) {
  const tags = ['sms'];

  /**
   * The webhook's endpoint, its signature checked before anything is stored: X-Twilio-Signature over
   * the URL the provider called (FRONTLINE_PUBLIC_URL behind a proxy) and the sorted form parameters.
   */
  const verified = async (req: {
    params: { id: string };
    body: Buffer;
    url: string;
    protocol: string;
    headers: Record<string, string | string[] | undefined>;
  }): Promise<{ endpoint: SmsEndpointRow; params: Map<string, string> }> => {
    const endpoint = await s.smsEndpoints.find(req.params.id);
    if (!endpoint?.active)
      throw new AppError('sms_endpoint.not_found', `No such SMS number: ${req.params.id}`);
    const raw = new Uint8Array(req.body);
    const params = formParams(raw);
    const base = s.config.publicUrl ?? `${req.protocol}://${String(req.headers.host ?? 'localhost')}`;
    const header = req.headers['x-twilio-signature'];
    if (
      !verifyTwilioSignature(
        base + req.url,
        params,
        s.smsEndpoints.authToken(endpoint),
        typeof header === 'string' ? header : undefined,
      )
    )
      throw new AppError(
        'sms.signature_invalid',
        'The X-Twilio-Signature header does not match this request and the number’s auth token',
        {
          errors: [
            fieldError('/headers/x-twilio-signature', 'invalid', 'does not match the request', {
              keyword: 'signature',
            }),
          ],
        },
      );
    return { endpoint, params: new Map(params) };
  };

  // The provider posts form-encoded bodies; kept as bytes (the raw item stored is what arrived).
  app.register(async (scope) => {
    const raw = scope as unknown as App;
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer' }, (_req, body, done) =>
      done(null, body),
    );
    raw.post(
      '/channels/sms/:id/inbound',
      {
        config: { access: 'public' },
        bodyLimit: 64 * 1024,
        schema: {
          tags,
          security: [],
          description:
            "A text from a customer, as a Twilio-compatible provider posts it (form-encoded, signed in X-Twilio-Signature with the number's auth token). Stored before the answer, then made a message: a new case for an unknown conversation, the open SMS conversation of the same number within 7 days otherwise. The same MessageSid again is the same message. STOP, UNSUBSCRIBE, CANCEL, END, QUIT (and START, UNSTOP, YES) opt the number out (in). Answers an empty TwiML response; a wrong signature 403.",
          params: IdParams,
          consumes: ['application/x-www-form-urlencoded'],
          body: Type.Unsafe<Uint8Array>({ description: 'The form-encoded webhook body' }),
        },
      },
      async (req, reply) => {
        const { endpoint, params } = await verified(req as never);
        const sid = params.get('MessageSid') ?? params.get('SmsSid');
        const from = params.get('From');
        if (!sid || !from)
          throw new AppError('request.invalid', 'A text needs its MessageSid and From', {
            errors: [
              fieldError(sid ? '/body/From' : '/body/MessageSid', 'required', 'is required', {
                missingProperty: sid ? 'From' : 'MessageSid',
              }),
            ],
          });
        const stored = await s.inbound.store({
          channel: 'sms',
          raw: new Uint8Array(req.body as Buffer),
          transport: 'webhook',
          endpointId: endpoint.id,
          sourceKey: `sid:${sid}`,
          sender: s.sms.e164(from),
        });
        // Stored is accepted: a failure from here on is the sweep's to retry, not the provider's.
        if (!stored.duplicate) await s.inbound.process(stored.rawId).catch(() => null);
        await s.smsEndpoints.recordHealth(endpoint.id, { ok: true, inbound: true });
        reply.type('text/xml; charset=utf-8');
        return EMPTY_TWIML;
      },
    );
    raw.post(
      '/channels/sms/:id/status',
      {
        config: { access: 'public' },
        bodyLimit: 64 * 1024,
        schema: {
          tags,
          security: [],
          description:
            "A delivery report for a text we sent (MessageStatus queued, sent, delivered, undelivered or failed, with ErrorCode), signed as the inbound webhook is. Moves the message's state forward only; a failure is told to its author and the case's owner. 204.",
          params: IdParams,
          querystring: Type.Object({ m: Type.Optional(Uuid) }, { additionalProperties: false }),
          consumes: ['application/x-www-form-urlencoded'],
          body: Type.Unsafe<Uint8Array>({ description: 'The form-encoded webhook body' }),
        },
      },
      async (req, reply) => {
        const { endpoint, params } = await verified(req as never);
        await s.sms.deliveryReport(endpoint, {
          ourId: (req.query as { m?: string }).m ?? null,
          sid: params.get('MessageSid') ?? params.get('SmsSid') ?? null,
          status: params.get('MessageStatus') ?? params.get('SmsStatus') ?? '',
          errorCode: params.get('ErrorCode') ?? null,
        });
        reply.code(204);
      },
    );
  });

  app.get(
    '/sms-endpoints',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description: 'The SMS numbers, with their health.',
        response: { 200: Type.Object({ items: Type.Array(SmsEndpoint) }) },
      },
    },
    async () => ({ items: await s.smsEndpoints.list() }),
  );
  app.post(
    '/sms-endpoints',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description:
          'Set up an SMS number: the number (any written form; stored in E.164), its Twilio-compatible provider (base URL, account SID, auth token — stored encrypted, never returned) and the team its new conversations go to. Give the provider inboundPath and statusPath after this server’s address.',
        body: SmsEndpointCreate,
        response: { 201: SmsEndpoint },
      },
    },
    async (req, reply) => {
      const e = await s.smsEndpoints.create(actorOf(req), req.body);
      reply.code(201).header('etag', `"${e.version}"`);
      return e;
    },
  );
  app.get(
    '/sms-endpoints/:id',
    {
      config: { access: 'channels.manage' },
      schema: { tags, params: IdParams, response: { 200: SmsEndpoint } },
    },
    async (req, reply) => {
      const e = await s.smsEndpoints.get(req.params.id);
      reply.header('etag', `"${e.version}"`);
      return e;
    },
  );
  app.patch(
    '/sms-endpoints/:id',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description:
          'Change an SMS number. An auth token left out is kept; new credentials reset its health.',
        params: IdParams,
        headers: IfMatchHeader,
        body: SmsEndpointPatch,
        response: { 200: SmsEndpoint },
      },
    },
    async (req, reply) => {
      const e = await s.smsEndpoints.update(
        actorOf(req),
        req.params.id,
        req.body,
        ifMatchVersion(req.headers['if-match']),
      );
      reply.header('etag', `"${e.version}"`);
      return e;
    },
  );
  app.delete(
    '/sms-endpoints/:id',
    { config: { access: 'channels.manage' }, schema: { tags, params: IdParams } },
    async (req, reply) => {
      await s.smsEndpoints.remove(actorOf(req), req.params.id);
      reply.code(204);
    },
  );

  app.get(
    '/cases/:id/sms-recipient',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          'Who a text on this case would go to (the number that texted in, else the customer’s mobile; masked for a role that does not see particulars), from which number, whether the case came by SMS, and whether and when the number opted out (STOP).',
        params: IdParams,
        response: { 200: SmsRecipient },
      },
    },
    async (req) => {
      const r = await s.smsReplies.recipientOf(req.params.id);
      const actor = actorOf(req);
      return { ...r, to: r.to && !can(actor.role, 'pii.unmasked') ? mask(r.to) : r.to };
    },
  );
  app.post(
    '/cases/:id/sms',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          'Text the customer: to the number that texted in (else the customer’s mobile), from the number it texted (else the team’s). Refused when there is none, and when the number opted out (STOP): a 409 `sms.opted_out` whose `optedOutAt` and `keyword` say when and with which word. Queued at once (201), sent by the SMS sender loop; its delivery reports move its state. Send an Idempotency-Key to make a retried request one text.',
        params: IdParams,
        body: SmsReplyCreate,
        response: { 201: Message },
      },
    },
    async (req, reply) => {
      const row = await s.smsReplies.reply(actorOf(req), req.params.id, req.body);
      reply.code(201);
      return presentMessage(row, []);
    },
  );
}
