import type { WebSocket } from 'ws';
import { can } from '../../../shared/permissions.ts';
import type { Actor } from '../../platform/audit.ts';
import { repeat } from '../../platform/loop.ts';
import type { PresenceService } from './presence.service.ts';

/** How often this node says which people it still holds a desktop for (well inside the grace period). */
const BEAT_MS = 30_000;

/**
 * The desktops (stream sockets) of this node, counted per person. The first socket of a person
 * cancels their grace timer; the last one gone arms it (PresenceService.disconnected), so a reload
 * never flips the state. A beat marks the people still connected here as seen, which spares them a
 * grace timer armed on another node where one of their desktops closed.
 */
export class PresenceConnections {
  private readonly presence: PresenceService;
  private readonly onError: (err: unknown) => void;
  private readonly sockets = new Map<string, number>();
  private loop: { stop(): Promise<void> } | undefined;
  /** Per person, so a reload's close and open reach the database in the order they happened. */
  private readonly queue = new Map<string, Promise<void>>();

  constructor(presence: PresenceService, onError: (err: unknown) => void) {
    this.presence = presence;
    this.onError = onError;
  }

  /** A stream socket opened for `actor` (people without presence — trainers — are not tracked). */
  track(actor: Actor, ws: WebSocket): void {
    if (!can(actor.role, 'presence.self')) return;
    const id = actor.userId;
    const n = (this.sockets.get(id) ?? 0) + 1;
    this.sockets.set(id, n);
    if (n === 1) this.run(id, () => this.presence.connected(id));
    ws.once('close', () => {
      const left = (this.sockets.get(id) ?? 1) - 1;
      if (left > 0) {
        this.sockets.set(id, left);
        return;
      }
      this.sockets.delete(id);
      this.run(id, () => this.presence.disconnected(id));
    });
  }

  private run(id: string, fn: () => Promise<void>): void {
    const next = (this.queue.get(id) ?? Promise.resolve()).then(fn).catch(this.onError);
    this.queue.set(id, next);
    void next.finally(() => {
      if (this.queue.get(id) === next) this.queue.delete(id);
    });
  }

  /** Wait for the connects and disconnects under way (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.queue.values()]);
  }

  /** People with a desktop on this node. */
  get people(): string[] {
    return [...this.sockets.keys()];
  }

  beat(): Promise<void> {
    return this.presence.seen(this.people);
  }

  start(): void {
    this.loop ??= repeat(() => this.beat(), BEAT_MS, this.onError);
  }

  async stop(): Promise<void> {
    const l = this.loop;
    this.loop = undefined;
    await l?.stop();
  }
}
