import type { WebSocket } from 'ws';
import { can } from '../../../shared/permissions.ts';
import type { Actor } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { RealtimeHub } from '../../platform/realtime/hub.ts';
import { teamRoom, userRoom } from '../../platform/realtime/rooms.ts';
import type { App } from '../../platform/types.ts';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const ROOM = new RegExp(`^(case|team|user|department):(${UUID})$`);

interface ClientMessage {
  type?: unknown;
  room?: unknown;
}

/**
 * The desktop's live channel (`GET /api/v1/stream`, WebSocket). The server sends invalidations
 * `{type, id, version?, room}` from the outbox dispatcher; the desktop re-fetches what it shows.
 * A socket is put in `user:<me>` and `team:<my team>` on connecting and may subscribe to the rooms
 * of cases (or teams, or department queues) it may read.
 */
export class Stream {
  private readonly ctx: Ctx;
  private readonly hub: RealtimeHub;
  /** Told of each socket opened (presence counts a person's desktops). */
  private readonly onConnect: ((actor: Actor, ws: WebSocket) => void) | undefined;
  constructor(ctx: Ctx, hub: RealtimeHub, opts: { onConnect?: (actor: Actor, ws: WebSocket) => void } = {}) {
    this.ctx = ctx;
    this.hub = hub;
    this.onConnect = opts.onConnect;
  }

  /** The rooms a connection joins by itself (authentication loaded the actor's team with them). */
  homeRooms(actor: Actor): string[] {
    return [userRoom(actor.userId), ...(actor.teamId ? [teamRoom(actor.teamId)] : [])];
  }

  /** Whether this actor may hear a room: their own user room; a case, team or department queue they may read. */
  async mayJoin(actor: Actor, room: string): Promise<boolean> {
    const m = ROOM.exec(room);
    if (!m) return false;
    const [, kind, id] = m as unknown as [string, 'case' | 'team' | 'user' | 'department', string];
    if (kind === 'user') return id === actor.userId;
    if (!can(actor.role, 'cases.read')) return false;
    const table = kind === 'case' ? 'cases' : kind === 'team' ? 'teams' : 'departments';
    const row = await this.ctx.store.db
      .selectFrom(table)
      .select('id')
      .where('id', '=', id)
      .executeTakeFirst();
    return Boolean(row);
  }

  private async onMessage(ws: WebSocket, actor: Actor, raw: string): Promise<void> {
    let msg: ClientMessage;
    try {
      msg = JSON.parse(raw) as ClientMessage;
    } catch {
      ws.send(JSON.stringify({ type: 'error', code: 'request.invalid' }));
      return;
    }
    const room = typeof msg.room === 'string' ? msg.room : '';
    if (msg.type === 'unsubscribe') {
      this.hub.leave(ws, room);
      return;
    }
    if (msg.type !== 'subscribe') {
      ws.send(JSON.stringify({ type: 'error', code: 'request.invalid' }));
      return;
    }
    // A case one may not read and a case that does not exist get the same answer.
    if (!(await this.mayJoin(actor, room)) || !this.hub.join(ws, room)) {
      ws.send(JSON.stringify({ type: 'error', code: 'realtime.room_forbidden', room }));
      return;
    }
    ws.send(JSON.stringify({ type: 'subscribed', room }));
  }

  route(app: App): void {
    app.route({
      method: 'GET',
      url: '/stream',
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        description:
          'WebSocket. The server sends `{"type":"hello","rooms":[…]}` on connecting, then invalidations `{"type":"<event>","id":"…","version":n,"room":"…"}` (re-fetch what you show; e.g. `notification.created` in `user:<you>`), and `{"type":"resync"}` when messages may have been missed. Send `{"type":"subscribe","room":"case:<id>"}` (or `team:<id>`, `department:<id>` for a department\'s queue; `unsubscribe` to stop) to follow what you may read. A plain GET answers 426.',
      },
      handler: async () => {
        throw new AppError('request.upgrade_required');
      },
      wsHandler: (socket: WebSocket, req: { actor: Actor | null; headers: Record<string, unknown> }) => {
        // Cookies ride along on a cross-site WebSocket too: accept only pages from this origin.
        const origin = req.headers.origin;
        if (typeof origin === 'string' && new URL(origin).host !== req.headers.host) {
          socket.close(1008, 'cross-origin');
          return;
        }
        const actor = req.actor!;
        const rooms = this.homeRooms(actor);
        this.hub.add(socket, rooms);
        this.onConnect?.(actor, socket);
        socket.send(JSON.stringify({ type: 'hello', rooms }));
        // Messages are handled one after another, so (un)subscriptions take effect in the order sent.
        let ready = Promise.resolve();
        socket.on('message', (data) => {
          ready = ready.then(() => this.onMessage(socket, actor, String(data))).catch(() => {});
        });
      },
    } as never);
  }
}
