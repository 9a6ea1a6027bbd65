import { Type } from 'typebox';
import {
  CaseChat,
  ChatRead,
  ChatReply,
  ChatSummary,
  ChatTyping,
  ChatWidget,
  ChatWidgetCreate,
  ChatWidgetPatch,
  ChatWidgetSecret,
} from '../../../../shared/contracts/chat.ts';
import { IdParams, Nullable } from '../../../../shared/contracts/common.ts';
import { type App, actorOf } from '../../../platform/types.ts';
import { chatFilesRoutes } from './chat-files.routes.ts';
import type { ChatFilesService } from './chat-files.service.ts';
import type { ChatOfficerService } from './chat-officer.service.ts';
import { chatSiteLinkRoutes } from './chat-site-link.routes.ts';
import type { ChatSiteLinks } from './chat-site-link.ts';
import type { ChatSocket } from './chat-socket.ts';
import type { ChatWidgetsService } from './widgets.service.ts';

/**
 * Web chat (issue 14): the widgets (administrators: channels.manage), a case's chat for whoever
 * handles the case (cases.read / cases.write), and the widget's public socket.
 */
export function chatRoutes(
  app: App,
  s: {
    chatWidgets: ChatWidgetsService;
    chatOfficer: ChatOfficerService;
    chatSocket: ChatSocket;
    chatFiles: ChatFilesService;
    chatSiteLinks: ChatSiteLinks;
  },
) {
  const tags = ['chat'];
  app.get(
    '/chat-widgets',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description: 'The web chat widgets.',
        response: { 200: Type.Object({ items: Type.Array(ChatWidget) }) },
      },
    },
    async () => ({ items: await s.chatWidgets.list() }),
  );
  app.post(
    '/chat-widgets',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description:
          "A new widget: its team (where its chats queue), the origins allowed to embed it, its hours. The answer holds the identity secret, once: a site signs its signed-in customer's id with it (HMAC-SHA256, hex).",
        body: ChatWidgetCreate,
        response: { 201: ChatWidgetSecret },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.chatWidgets.create(actorOf(req), req.body);
    },
  );
  app.patch(
    '/chat-widgets/:id',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description: 'Change a widget (switching it off closes it to new visitors within 5 s).',
        params: IdParams,
        body: ChatWidgetPatch,
        response: { 200: ChatWidget },
      },
    },
    async (req) => s.chatWidgets.update(actorOf(req), req.params.id, req.body),
  );
  app.post(
    '/chat-widgets/:id/rotate-secret',
    {
      config: { access: 'channels.manage' },
      schema: {
        tags,
        description: 'A new identity secret, shown once; the old one stops validating at once.',
        params: IdParams,
        response: { 200: ChatWidgetSecret },
      },
    },
    async (req) => s.chatWidgets.rotateSecret(actorOf(req), req.params.id),
  );
  app.get(
    '/chats/mine',
    {
      config: { access: 'cases.read' },
      schema: {
        tags,
        description: "The caller's open chats and their team's waiting ones, with unread counts.",
        response: { 200: Type.Object({ items: Type.Array(ChatSummary) }) },
      },
    },
    async (req) => ({ items: await s.chatOfficer.mine(actorOf(req)) }),
  );
  app.get(
    '/cases/:id/chat',
    {
      config: { access: 'cases.read' },
      schema: {
        tags,
        description:
          "The case's web chat: its state, who handles it (officerId), read marks, queue position, and the seq of each message; null when the case has no chat.",
        params: IdParams,
        response: { 200: Nullable(CaseChat) },
      },
    },
    async (req) => s.chatOfficer.ofCase(req.params.id),
  );
  app.post(
    '/cases/:id/chat/messages',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          'A chat message to the customer, from the officer handling the chat (409 chat.not_yours for anyone else). `clientId` (a UUID made when the officer pressed Enter) makes a retry the same message. The first answer takes a waiting chat.',
        params: IdParams,
        body: ChatReply,
        response: { 201: Type.Object({ seq: Type.Integer(), messageId: Type.String() }) },
      },
    },
    async (req, reply) => {
      reply.code(201);
      return s.chatOfficer.reply(actorOf(req), req.params.id, req.body);
    },
  );
  app.post(
    '/cases/:id/chat/read',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          'The officer handling the chat has read it up to `seq` (read receipt to the customer; unread count). Nobody else’s reading counts: 409 chat.not_yours.',
        params: IdParams,
        body: ChatRead,
        response: { 200: Type.Object({ unread: Type.Integer() }) },
      },
    },
    async (req) => s.chatOfficer.read(actorOf(req), req.params.id, req.body.seq),
  );
  app.post(
    '/cases/:id/chat/typing',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          '"The officer is typing" (or stopped) to the customer, from the officer handling the chat (or answering a waiting one): passed on, never stored.',
        params: IdParams,
        body: ChatTyping,
        response: { 204: Type.Null() },
      },
    },
    async (req, reply) => {
      await s.chatOfficer.typing(actorOf(req), req.params.id, req.body.typing);
      reply.code(204);
      return null;
    },
  );
  app.post(
    '/cases/:id/chat/end',
    {
      config: { access: 'cases.write' },
      schema: {
        tags,
        description:
          'End the chat (the case stays open): the officer handling it, anyone for a chat nobody has answered yet, or a leader of its team, a supervisor or an administrator (audited); else 409 chat.not_yours.',
        params: IdParams,
        response: { 200: CaseChat },
      },
    },
    async (req) => s.chatOfficer.end(actorOf(req), req.params.id),
  );
  s.chatSocket.route(app);
  chatFilesRoutes(app, s);
  chatSiteLinkRoutes(app, s);
}
