import type { WebSocket } from 'ws';
import type { Actor } from '../../platform/audit.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/types.ts';
import { type NotificationsService, presentNotification } from './notifications.service.ts';

interface Client {
  ws: WebSocket;
  userId: string;
  sent: Set<string>;
}

/**
 * The desktop's live channel (`GET /api/v1/stream`, WebSocket). Notifications are rows in the
 * database; the hub polls the unread ones of the people connected to this process and pushes each once
 * per socket. Polling the table (not an in-process event) means a notification created by another app
 * process — or by the scheduler on another node — reaches the desktop too, within one poll.
 */
export class StreamHub {
  private readonly notifications: NotificationsService;
  private readonly clients = new Set<Client>();
  private readonly pollMs: number;
  private loop: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private again = false;

  constructor(notifications: NotificationsService, opts: { pollMs?: number } = {}) {
    this.notifications = notifications;
    this.pollMs = opts.pollMs ?? 1000;
  }

  get connected(): number {
    return this.clients.size;
  }

  route(app: App): void {
    app.route({
      method: 'GET',
      url: '/stream',
      config: { access: 'authenticated' },
      schema: {
        tags: ['notifications'],
        description:
          'WebSocket: messages `{"type":"notification","notification":{…}}` for each unread notification, at connection and as they arrive. A plain GET answers 426.',
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
        const client: Client = { ws: socket, userId: req.actor!.userId, sent: new Set() };
        this.clients.add(client);
        socket.on('close', () => this.clients.delete(client));
        socket.on('error', () => this.clients.delete(client));
        socket.send(JSON.stringify({ type: 'hello' }));
        this.poke();
        this.ensureLoop();
      },
    } as never);
  }

  private ensureLoop() {
    if (this.loop) return;
    this.loop = setInterval(() => {
      if (this.clients.size) this.poke();
    }, this.pollMs);
    this.loop.unref();
  }

  /** Poll now (e.g. right after the scheduler committed notifications). */
  poke(): Promise<void> {
    if (this.polling) {
      this.again = true;
      return this.polling;
    }
    this.polling = this.poll()
      .catch(() => {})
      .finally(() => {
        this.polling = undefined;
        if (this.again) {
          this.again = false;
          void this.poke();
        }
      });
    return this.polling;
  }

  private async poll(): Promise<void> {
    if (!this.clients.size) return;
    const users = [...new Set([...this.clients].map((c) => c.userId))];
    const rows = await this.notifications.unreadFor(users);
    for (const c of this.clients) {
      for (const r of rows) {
        if (r.user_id !== c.userId || c.sent.has(r.id)) continue;
        c.sent.add(r.id);
        c.ws.send(JSON.stringify({ type: 'notification', notification: presentNotification(r) }));
      }
    }
  }

  close(): void {
    if (this.loop) clearInterval(this.loop);
    this.loop = undefined;
    for (const c of this.clients) c.ws.close(1001, 'server stopping');
    this.clients.clear();
  }
}
