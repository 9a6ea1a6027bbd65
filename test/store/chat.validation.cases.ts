import { randomUUID } from 'node:crypto';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import {
  type BodyRoute,
  type Env,
  type IdRoute,
  UNKNOWN,
  type ValidationCases,
} from '../helpers/validation.ts';

/** The widget and a chat's case of the database being run (setup makes them). */
let widgetId = '';
let caseId = '';
/** The visitor's chat token, for the widget's file routes. */
let token = '';
/** A visitor's file headers; the token read when the case is sent (the lists are made before setup). */
const fileHeaders = (over: Record<string, string> = {}): Record<string, string> =>
  Object.defineProperty({ 'x-filename': 'note.txt', 'x-client-id': randomUUID(), ...over }, 'x-chat-token', {
    get: () => token,
    enumerable: true,
  });

/**
 * Web chat (issue 14): the bad input each route must refuse. Run by chat.validation.test.ts beside
 * this file; test/api/validation.test.ts checks that, with the other modules' lists, every route
 * with a body or a path id is covered. (The socket's frames are checked in test/channels/chat.test.ts.)
 */
export const chatValidation: ValidationCases = {
  setup: async (v) => {
    const { widget } = await v.t.services.chatWidgets.create(SYSTEM_ACTOR, {
      name: 'Validation',
      teamId: v.t.team.id,
      allowedOrigins: ['https://validation.example'],
    });
    widgetId = widget.id;
    const row = await v.t.services.chatWidgets.row(v.t.ctx.store.db, widget.id);
    const h = await v.t.services.chat.hello(row, null, null);
    const s = h.session;
    token = h.token;
    await v.t.services.chat.start(s, {
      clientId: randomUUID(),
      name: 'Visitor',
      email: 'visitor.validation@customer.example',
      question: 'Hello?',
    });
    caseId = (
      await v.t.ctx.store.db
        .selectFrom('chat_conversations')
        .select('case_id')
        .where('id', '=', s.conversationId!)
        .executeTakeFirstOrThrow()
    ).case_id;
    // The new chat's case is queued for routing, whose pass (poked after commit) writes its own
    // rows: let it settle before the cases, each of which must change no table.
    await new Promise((r) => setTimeout(r, 50));
    await v.t.services.routing.route();
  },
  body: (v: Env): BodyRoute[] => [
    {
      route: 'POST /api/v1/widget/:id/files',
      role: null,
      id: () => widgetId,
      raw: true,
      valid: () => ({}),
      cases: [
        {
          name: 'no file name, no client id',
          raw: () => ({ payload: 'hello', contentType: 'text/plain' }),
          headers: { 'x-chat-token': 'x' },
          fields: ['/headers/x-filename', '/headers/x-client-id'],
        },
        {
          name: 'a client id that is not a UUID',
          raw: () => ({ payload: 'hello', contentType: 'text/plain' }),
          headers: fileHeaders({ 'x-client-id': 'abc' }),
          fields: ['/headers/x-client-id'],
        },
        {
          name: 'a file name that is not percent-encoded UTF-8',
          raw: () => ({ payload: 'hello', contentType: 'text/plain' }),
          headers: fileHeaders({ 'x-filename': 'bad%E0%A4%A.txt' }),
          fields: ['/headers/x-filename'],
        },
        {
          name: 'a program',
          raw: () => ({ payload: 'MZ\u0090\u0090', contentType: 'application/x-msdownload' }),
          headers: fileHeaders({ 'x-filename': 'setup.exe' }),
          fields: ['/headers/x-filename'],
        },
        {
          name: 'a page declared as text',
          raw: () => ({ payload: '<html><script>x</script>', contentType: 'text/plain' }),
          headers: fileHeaders(),
          fields: ['/body'],
        },
        {
          name: 'an empty file',
          raw: () => ({ payload: '', contentType: 'text/plain' }),
          headers: fileHeaders(),
          fields: ['/body'],
        },
        {
          name: 'a file over 10 MB → 413 naming the body',
          raw: () => ({ payload: 'x'.repeat(10 * 1024 * 1024 + 1), contentType: 'text/plain' }),
          headers: fileHeaders(),
          status: 413,
          code: 'request.too_large',
          fields: ['/body'],
        },
        {
          name: 'no chat token → 401',
          raw: () => ({ payload: 'hello', contentType: 'text/plain' }),
          headers: { 'x-filename': 'note.txt', 'x-client-id': randomUUID() },
          status: 401,
          code: 'chat.session_required',
        },
      ],
    },
    {
      route: 'POST /api/v1/chat-widgets',
      role: 'administrator',
      valid: () => ({ name: 'Shop', teamId: v.t.team.id, allowedOrigins: ['https://shop.example'] }),
      cases: [
        {
          name: 'missing everything',
          body: {},
          fields: ['/body/name', '/body/teamId', '/body/allowedOrigins'],
        },
        {
          name: 'an origin with a path',
          body: { name: 'x', teamId: UNKNOWN, allowedOrigins: ['https://shop.example/page'] },
          fields: ['/body/allowedOrigins/0'],
        },
        {
          name: 'no origin at all',
          body: { name: 'x', teamId: UNKNOWN, allowedOrigins: [] },
          fields: ['/body/allowedOrigins'],
        },
        {
          name: 'a team that is not an id',
          body: { name: 'x', teamId: 'nope', allowedOrigins: ['https://a.example'] },
          fields: ['/body/teamId'],
        },
      ],
    },
    {
      route: 'PATCH /api/v1/chat-widgets/:id',
      role: 'administrator',
      id: () => widgetId,
      valid: () => ({ name: 'Renamed' }),
      cases: [
        { name: 'an empty name', body: { name: '' }, fields: ['/body/name'] },
        { name: 'active not a boolean', body: { active: 'yes' }, fields: ['/body/active'] },
      ],
    },
    {
      route: 'POST /api/v1/cases/:id/chat/messages',
      role: 'officer',
      id: () => caseId,
      valid: () => ({ clientId: randomUUID(), text: 'Hello' }),
      cases: [
        { name: 'missing clientId and text', body: {}, fields: ['/body/clientId', '/body/text'] },
        { name: 'an empty text', body: { clientId: UNKNOWN, text: '' }, fields: ['/body/text'] },
        {
          name: 'a text over 2,000 characters',
          body: { clientId: UNKNOWN, text: 'x'.repeat(2001) },
          fields: ['/body/text'],
        },
        {
          name: 'a clientId that is not a UUID',
          body: { clientId: 'abc', text: 'x' },
          fields: ['/body/clientId'],
        },
      ],
    },
    {
      route: 'POST /api/v1/cases/:id/chat/read',
      role: 'officer',
      id: () => caseId,
      valid: () => ({ seq: 1 }),
      cases: [
        { name: 'a negative seq', body: { seq: -1 }, fields: ['/body/seq'] },
        { name: 'a seq that is not a number', body: { seq: 'one' }, fields: ['/body/seq'] },
      ],
    },
    {
      route: 'POST /api/v1/cases/:id/chat/typing',
      role: 'officer',
      id: () => caseId,
      valid: () => ({ typing: true }),
      cases: [{ name: 'typing not a boolean', body: { typing: 'yes' }, fields: ['/body/typing'] }],
    },
  ],
  ids: (): IdRoute[] => [
    {
      route: 'PATCH /api/v1/chat-widgets/:id',
      role: 'administrator',
      body: () => ({ name: 'x' }),
      notFound: 'chat_widget.not_found',
    },
    {
      route: 'POST /api/v1/chat-widgets/:id/rotate-secret',
      role: 'administrator',
      notFound: 'chat_widget.not_found',
    },
    { route: 'GET /api/v1/cases/:id/chat', role: 'officer', notFound: 'case.not_found' },
    {
      route: 'POST /api/v1/cases/:id/chat/messages',
      role: 'officer',
      body: () => ({ clientId: randomUUID(), text: 'x' }),
      notFound: 'case.not_found',
    },
    {
      route: 'POST /api/v1/cases/:id/chat/read',
      role: 'officer',
      body: () => ({ seq: 1 }),
      notFound: 'case.not_found',
    },
    {
      route: 'POST /api/v1/cases/:id/chat/typing',
      role: 'officer',
      body: () => ({ typing: false }),
      notFound: 'case.not_found',
    },
    { route: 'POST /api/v1/cases/:id/chat/end', role: 'officer', notFound: 'case.not_found' },
    {
      route: 'POST /api/v1/cases/:id/chat/site-link/confirm',
      role: 'officer',
      notFound: 'case.not_found',
    },
    { route: 'DELETE /api/v1/cases/:id/chat/site-link', role: 'officer', notFound: 'case.not_found' },
    { route: 'GET /api/v1/customers/:id/site-accounts', role: 'officer', notFound: 'customer.not_found' },
    {
      route: 'DELETE /api/v1/customers/:id/site-accounts/:widgetId/:siteCustomerId',
      role: 'supervisor',
      params: { widgetId: UNKNOWN, siteCustomerId: 'site-1' },
      notFound: 'chat.site_link_not_found',
    },
    { route: 'GET /api/v1/widget/:id/socket', role: 'officer', notFound: 'chat_widget.not_found' },
    {
      route: 'POST /api/v1/widget/:id/files',
      role: 'officer',
      body: () => 'hello',
      headers: () => ({ 'content-type': 'text/plain', ...fileHeaders() }),
      notFound: 'chat_widget.not_found',
    },
    {
      route: 'GET /api/v1/widget/files/:id',
      role: 'officer',
      headers: () => ({ 'x-chat-token': token }),
      notFound: 'chat.file_not_found',
    },
  ],
};
