import type { WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../../../../shared/contracts/chat-protocol.ts';
import { IdParams } from '../../../../shared/contracts/common.ts';
import { RateLimiter } from '../../../channels/chat/rate-limit.ts';
import { AppError } from '../../../platform/errors.ts';
import type { RealtimeHub } from '../../../platform/realtime/hub.ts';
import type { App } from '../../../platform/types.ts';
import { ChatInputError, type ChatService, type VisitorSession } from './chat.service.ts';
import type { ChatMailService } from './chat-mail.service.ts';
import { chatRoom } from './chat-store.ts';
import type { WidgetRow } from './widgets.service.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Frames whose handling commits events to the outbox (a message, a read mark, a chat started or ended…). */
const WRITES: ReadonlySet<ClientMessage['type']> = new Set([
  'start',
  'send',
  'read',
  'leave',
  'transcript',
  'end',
]);
const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;

/** Parse and shape-check one frame; null for anything that is not one of the protocol's messages. */
export function parseClientMessage(raw: string): ClientMessage | null {
  let m: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(raw);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
    m = v as Record<string, unknown>;
  } catch {
    return null;
  }
  const id = (v: unknown) => typeof v === 'string' && UUID.test(v);
  switch (m.type) {
    case 'hello': {
      const i = m.identity as Record<string, unknown> | null | undefined;
      const identity = i && str(i.id, 200) && str(i.hash, 128) ? { id: i.id, hash: i.hash } : null;
      return { type: 'hello', token: str(m.token, 100) ? m.token : null, identity };
    }
    case 'start':
    case 'leave':
      if (!id(m.clientId) || !str(m.name, 200) || !str(m.email, 254) || !str(m.question, 4000)) return null;
      return {
        type: m.type,
        clientId: m.clientId as string,
        name: m.name,
        email: m.email,
        question: m.question,
        language: str(m.language, 35) ? m.language : null,
      };
    case 'send':
      if (!id(m.clientId) || !str(m.text, 4000)) return null;
      return { type: 'send', clientId: m.clientId as string, text: m.text };
    case 'sync':
      return Number.isSafeInteger(m.after) && (m.after as number) >= 0
        ? { type: 'sync', after: m.after as number }
        : null;
    case 'read':
      return Number.isSafeInteger(m.seq) && (m.seq as number) >= 0
        ? { type: 'read', seq: m.seq as number }
        : null;
    case 'typing':
      return typeof m.typing === 'boolean' ? { type: 'typing', typing: m.typing } : null;
    case 'status':
    case 'transcript':
    case 'end':
      return { type: m.type };
    default:
      return null;
  }
}

/**
 * The widget's WebSocket (`/api/v1/widget/:id/socket`): public, so every limit is here.
 * The upgrade is refused unless the page's Origin is one the administrator allowed for the
 * widget; connections per address and frames per socket are rate-limited; frames are at most the
 * server's WebSocket payload limit (4 KB); everything the visitor sends is validated, cleaned to
 * text, and never rendered as markup.
 */
export class ChatSocket {
  private readonly chat: ChatService;
  private readonly mail: ChatMailService;
  private readonly hub: RealtimeHub;
  /** New sockets per address: a reconnecting widget's back-off stays far below this. */
  private readonly connects = new RateLimiter(30, 0.5);
  /** New chats and left messages per address. */
  private readonly starts = new RateLimiter(5, 5 / 3600);
  /** Transcripts per address. */
  private readonly transcripts = new RateLimiter(3, 3 / 3600);

  /** After a frame's write committed: publish its events now, not at the dispatcher's next poll. */
  private readonly onCommitted: () => void;

  constructor(deps: {
    chat: ChatService;
    chatMail: ChatMailService;
    hub: RealtimeHub;
    onCommitted?: () => void;
  }) {
    this.chat = deps.chat;
    this.mail = deps.chatMail;
    this.hub = deps.hub;
    this.onCommitted = deps.onCommitted ?? (() => {});
  }

  route(app: App): void {
    app.route({
      method: 'GET',
      url: '/widget/:id/socket',
      config: { access: 'public' },
      schema: {
        tags: ['chat'],
        security: [],
        description:
          "The web chat widget's WebSocket (public; the page's Origin must be one of the widget's allowed origins). Protocol in src/shared/contracts/chat-protocol.ts: `hello` with the visitor's token, then `start` (the pre-chat form), `send` with a client id (sent twice is one message; answered by `ack` with its seq), `sync` after a seq (catch-up), `typing`, `read`, `leave` (a message that becomes an e-mail case), `transcript`, `end`. A plain GET answers 426.",
        params: IdParams,
      },
      handler: async (req: { params: { id: string } }) => {
        await this.chat.widgets.row(this.chat.widgets.db, req.params.id);
        throw new AppError('request.upgrade_required');
      },
      wsHandler: (
        socket: WebSocket,
        req: { ip: string; params: { id: string }; headers: Record<string, unknown> },
      ) => {
        this.open(socket, req);
      },
    } as never);
  }

  /**
   * A new chat only as `hello`'s widget info would offer one: within the widget's hours and with
   * someone of its team at work. A page left open past closing (or after the team went home) still
   * shows the pre-chat form; its `start` is refused with `chat.closed` or `chat.unavailable` (the
   * info's `open` and `available`), and the widget turns to leave-a-message. A start re-sent for a
   * chat already going (a reconnect before the answer) is the same chat, whatever the hour.
   */
  private async noNewChat(s: VisitorSession): Promise<'chat.closed' | 'chat.unavailable' | null> {
    const current = await this.chat.status(s);
    if (current && current.status !== 'ended') return null;
    const info = await this.chat.info(s.widget, s.externalId !== null);
    return !info.open ? 'chat.closed' : !info.available ? 'chat.unavailable' : null;
  }

  private send(ws: WebSocket, m: ServerMessage): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
  }

  private open(
    ws: WebSocket,
    req: { ip: string; params: { id: string }; headers: Record<string, unknown> },
  ): void {
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    if (!this.connects.take(req.ip)) {
      ws.close(1013, 'slow down');
      return;
    }
    // Frames per socket: a person types far slower; typing signals are coalesced by the widget.
    const frames = new RateLimiter(20, 4);
    let session: VisitorSession | null = null;
    // The listener is attached at once (a frame sent before it would be lost); frames wait for the checks.
    let ready: Promise<unknown> = this.chat.widgets.active(req.params.id).then(
      (w) => {
        if (!w) return ws.close(1008, 'unknown widget');
        // The app's own pages (the demo) are same-origin; any other page must be one the administrator allowed.
        const host = typeof req.headers.host === 'string' ? req.headers.host : '';
        const sameOrigin = origin !== undefined && URL.canParse(origin) && new URL(origin).host === host;
        if (!sameOrigin && !this.chat.widgets.originAllowed(w, origin))
          return ws.close(1008, 'origin not allowed');
        widget = w;
        this.hub.add(ws, []);
      },
      () => ws.close(1011, 'try again'),
    );
    let widget: WidgetRow | null = null;
    // The case of the socket's conversation, for typing (a conversation's case never changes).
    let typingCase: { conversationId: string; caseId: string } | null = null;
    // Set by a write frame that wrote nothing: nothing for the dispatcher to publish (frames are
    // handled one after another, so it is the current frame's).
    let wroteNothing = false;
    const handle = async (m: ClientMessage): Promise<void> => {
      if (!widget) return;
      if (m.type === 'hello') {
        const h = await this.chat.hello(widget, m.token, m.identity ?? null);
        session = h.session;
        if (session.conversationId) this.hub.join(ws, chatRoom(session.conversationId));
        return this.send(ws, {
          type: 'welcome',
          token: h.token,
          widget: h.info,
          conversation: h.conversation,
        });
      }
      const s = session;
      if (!s) return this.send(ws, { type: 'error', code: 'chat.hello_first' });
      switch (m.type) {
        case 'start': {
          const refused = await this.noNewChat(s);
          if (refused) return this.send(ws, { type: 'error', code: refused, clientId: m.clientId });
          if (!s.conversationId && !this.starts.take(req.ip))
            return this.send(ws, { type: 'error', code: 'chat.rate_limited', clientId: m.clientId });
          const r = await this.chat.start(s, m);
          this.hub.join(ws, chatRoom(s.conversationId!));
          this.send(ws, { type: 'started', conversation: r.conversation });
          return this.send(ws, { type: 'ack', clientId: m.clientId, seq: r.seq });
        }
        case 'send': {
          const r = await this.chat.send(s, m.clientId, m.text);
          wroteNothing = r.duplicate;
          return this.send(ws, { type: 'ack', clientId: m.clientId, seq: r.seq });
        }
        case 'sync': {
          const page = await this.chat.sync(s, m.after);
          return this.send(ws, { type: 'messages', items: page.items, more: page.more });
        }
        case 'status':
          return this.send(ws, { type: 'status', conversation: await this.chat.status(s) });
        case 'typing': {
          const convId = s.conversationId;
          if (!convId) return;
          if (typingCase?.conversationId !== convId) {
            const caseId = await this.chat.caseOf(convId);
            if (!caseId) return;
            typingCase = { conversationId: convId, caseId };
          }
          this.chat.typing(s, typingCase.caseId, m.typing);
          return;
        }
        case 'read':
          wroteNothing = !(await this.chat.read(s, m.seq));
          return;
        case 'leave': {
          if (!this.starts.take(req.ip))
            return this.send(ws, { type: 'error', code: 'chat.rate_limited', clientId: m.clientId });
          const r = await this.mail.leave(s, m);
          return this.send(ws, { type: 'left', reference: r.reference });
        }
        case 'transcript':
          if (!this.transcripts.take(req.ip))
            return this.send(ws, { type: 'error', code: 'chat.rate_limited' });
          await this.mail.transcript(s);
          return this.send(ws, { type: 'transcript_sent' });
        case 'end':
          await this.chat.end(s);
          return this.send(ws, { type: 'status', conversation: await this.chat.status(s) });
      }
    };
    // Frames are handled one after another: a visitor's messages get their seqs in the order sent.
    ws.on('message', (data) => {
      if (!frames.take('f')) return this.send(ws, { type: 'error', code: 'chat.rate_limited' });
      const m = parseClientMessage(String(data));
      if (!m) return this.send(ws, { type: 'error', code: 'request.invalid' });
      ready = ready
        .then(() => {
          wroteNothing = false;
          return handle(m);
        })
        .then(() => {
          // The HTTP routes get this from the app's onResponse hook; a socket frame has no response.
          // A frame that wrote nothing (the widget's read mark of its own message, a message sent
          // again) pokes no one: on PostgreSQL that was an empty claim, a transaction a message.
          if (WRITES.has(m.type) && !wroteNothing) this.onCommitted();
        })
        .catch((err: unknown) => {
          const clientId = 'clientId' in m ? m.clientId : undefined;
          if (err instanceof ChatInputError)
            return this.send(ws, {
              type: 'error',
              code: err.code,
              ...(clientId ? { clientId } : {}),
              ...(err.field ? { field: err.field } : {}),
            });
          // Anything else (the database away): the widget keeps the message queued and retries.
          this.send(ws, { type: 'error', code: 'server.retry', ...(clientId ? { clientId } : {}) });
        });
    });
  }
}
