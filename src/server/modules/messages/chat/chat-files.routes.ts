import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { ChatFileHeaders, ChatFileSent } from '../../../../shared/contracts/chat.ts';
import { IdParams } from '../../../../shared/contracts/common.ts';
import { CHAT_FILE_LIMITS } from '../../../channels/chat/files.ts';
import { RateLimiter } from '../../../channels/chat/rate-limit.ts';
import { AppError, fieldError } from '../../../platform/errors.ts';
import type { App } from '../../../platform/types.ts';
import { sendAttachment } from '../attachment-reply.ts';
import type { ChatFilesService } from './chat-files.service.ts';
import type { ChatWidgetsService } from './widgets.service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The widget's file paths, for the CORS preflight answered before routing (chat-pages.ts). */
export const WIDGET_FILE_PATH = /^\/api\/v1\/widget\/(files\/[^/?]+|[^/?]+\/files)\/?(\?|$)/;
const header = (req: FastifyRequest, name: string) => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/**
 * The answer to a browser's CORS preflight for the widget's file routes: any origin may ask (the
 * preflight carries no token); the real request is then held to the widget's allowed origins.
 */
export function answerWidgetPreflight(req: FastifyRequest, reply: FastifyReply) {
  const origin = header(req, 'origin');
  reply.header('vary', 'origin');
  if (origin && header(req, 'access-control-request-method'))
    reply
      .header('access-control-allow-origin', origin)
      .header('access-control-allow-methods', 'GET, POST')
      .header('access-control-allow-headers', 'content-type, x-filename, x-client-id, x-chat-token')
      .header('access-control-max-age', '600');
  return reply.code(204).send();
}

/**
 * Web chat files (issue 14, point 3): the visitor sends a file and fetches the chat's files with
 * the chat token the widget holds (`X-Chat-Token`), from a page on another site, so these answer
 * CORS for the widget's allowed origins (and the app's own pages). The officer's side is the
 * composer's uploads and `GET /message-attachments/:id` (cases.read).
 */
export function chatFilesRoutes(
  app: App,
  s: { chatFiles: ChatFilesService; chatWidgets: ChatWidgetsService },
) {
  const tags = ['chat'];
  /** Files per address: a visitor sending a few photos at once passes, a script does not. */
  const perAddress = new RateLimiter(30, 30 / 600);

  app.register(async (scope: FastifyInstance) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
    // Before the body is read: the origin is held to the widget's list, and an announced size
    // over the limit is refused at once, naming the field, with the CORS headers the widget needs to read it.
    scope.addHook('onRequest', async (req, reply) => {
      const origin = header(req, 'origin');
      const params = req.params as { id?: string };
      // A download's widget is its visitor's (no token: no CORS headers, and the route answers 401).
      const widgetId =
        !origin || !UUID.test(params.id ?? '')
          ? undefined
          : req.method === 'POST'
            ? params.id
            : (await s.chatFiles.visitor(header(req, 'x-chat-token')))?.widgetId;
      if (origin && widgetId) {
        const w = await s.chatWidgets.active(widgetId);
        const host = header(req, 'host') ?? '';
        const sameOrigin = URL.canParse(origin) && new URL(origin).host === host;
        if (!sameOrigin && !(w && s.chatWidgets.originAllowed(w, origin)))
          throw new AppError('chat.origin_not_allowed');
        reply
          .header('access-control-allow-origin', origin)
          .header('access-control-expose-headers', 'content-disposition')
          .header('vary', 'origin');
      }
      const length = Number(header(req, 'content-length') ?? 0);
      if (req.method === 'POST' && length > CHAT_FILE_LIMITS.fileBytes)
        throw new AppError('request.too_large', '/body the file is too large', {
          errors: [
            fieldError('/body', 'tooLarge', 'the file is too large', {
              limitKb: CHAT_FILE_LIMITS.fileBytes / 1024,
            }),
          ],
        });
    });
    const raw = scope as unknown as App;
    raw.post(
      '/widget/:id/files',
      {
        config: { access: 'public' },
        bodyLimit: CHAT_FILE_LIMITS.fileBytes,
        schema: {
          tags,
          security: [],
          description: `A visitor's file in their open chat, sent as a message of its own: the body is the file's bytes, Content-Type its type, X-Filename its name (percent-encoded UTF-8), X-Client-Id the UUID the widget made for the message (sent again, it is the same message: 200 with the first), X-Chat-Token the visitor's chat token. Pictures (PNG, JPEG, GIF, WebP, HEIC), PDF, text and office documents, at most ${CHAT_FILE_LIMITS.fileBytes / 1024 / 1024} MB, ${CHAT_FILE_LIMITS.perChat} in a chat; the name decides the type, and the content must be that type. Public: the chat token is the credential; a page's Origin must be one the widget allows.`,
          params: IdParams,
          headers: ChatFileHeaders,
          consumes: ['*/*'],
          body: Type.Unsafe<Uint8Array>({ description: "The file's bytes" }),
          response: { 200: ChatFileSent, 201: ChatFileSent },
        },
      },
      async (req, reply) => {
        if (!perAddress.take(req.ip)) throw new AppError('chat.rate_limited');
        const r = await s.chatFiles.visitorSend(
          req.headers['x-chat-token'],
          req.params.id,
          req.headers['x-client-id'],
          { filename: req.headers['x-filename'], contentType: req.headers['content-type'], data: req.body },
        );
        reply.code(r.created ? 201 : 200);
        return r.sent;
      },
    );
    raw.get(
      '/widget/files/:id',
      {
        config: { access: 'public' },
        schema: {
          tags,
          security: [],
          description:
            "A file of the visitor's own chat (theirs or the officer's), with their chat token in X-Chat-Token; any other file is 404. Pictures are inline, anything else downloads; never sniffed, sandboxed.",
          params: IdParams,
          headers: Type.Object({ 'x-chat-token': Type.Optional(Type.String({ maxLength: 100 })) }),
        },
      },
      async (req, reply) =>
        sendAttachment(
          reply,
          await s.chatFiles.visitorFile(req.headers['x-chat-token'], req.params.id),
          'private, no-store',
        ),
    );
  });
}
