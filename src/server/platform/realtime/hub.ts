import type { WebSocket } from 'ws';

/** One realtime message: "this changed, re-fetch if your copy is older" — never the state itself. */
export interface Invalidation {
  /** The event name (`case.resolved`, `notification.created`). */
  type: string;
  /** The entity the event is about. */
  id: string;
  version?: number;
  /** The room it was sent to (`case:…`, `team:…`, `user:…`), so a client can route it. */
  room: string;
}

/** Rooms a socket may hold at once: a desktop watches a handful of cases, not thousands. */
const MAX_ROOMS_PER_SOCKET = 200;

interface Conn {
  ws: WebSocket;
  rooms: Set<string>;
}

/**
 * The WebSocket connections of this process and the rooms they are in. It knows nothing of the
 * database or of other nodes: the dispatcher's bus hands it invalidations to fan out locally.
 */
export class RealtimeHub {
  private readonly rooms = new Map<string, Set<Conn>>();
  private readonly conns = new Map<WebSocket, Conn>();

  get connected(): number {
    return this.conns.size;
  }

  add(ws: WebSocket, rooms: string[]): void {
    const conn: Conn = { ws, rooms: new Set() };
    this.conns.set(ws, conn);
    const drop = () => this.remove(ws);
    ws.on('close', drop);
    ws.on('error', drop);
    for (const r of rooms) this.join(ws, r);
  }

  /** False when the socket is gone or already holds its quota of rooms. */
  join(ws: WebSocket, room: string): boolean {
    const conn = this.conns.get(ws);
    if (!conn) return false;
    if (conn.rooms.has(room)) return true;
    if (conn.rooms.size >= MAX_ROOMS_PER_SOCKET) return false;
    conn.rooms.add(room);
    const members = this.rooms.get(room) ?? new Set<Conn>();
    this.rooms.set(room, members);
    members.add(conn);
    return true;
  }

  leave(ws: WebSocket, room: string): void {
    const conn = this.conns.get(ws);
    if (!conn?.rooms.delete(room)) return;
    const members = this.rooms.get(room);
    members?.delete(conn);
    if (members && !members.size) this.rooms.delete(room);
  }

  private remove(ws: WebSocket): void {
    const conn = this.conns.get(ws);
    if (!conn) return;
    for (const r of [...conn.rooms]) this.leave(ws, r);
    this.conns.delete(ws);
  }

  /** Send each invalidation to the sockets of this process in its room. */
  deliver(invs: Invalidation[]): void {
    for (const inv of invs) {
      const members = this.rooms.get(inv.room);
      if (!members) continue;
      const msg = JSON.stringify(inv);
      for (const c of members) if (c.ws.readyState === c.ws.OPEN) c.ws.send(msg);
    }
  }

  /**
   * Tell every socket it may have missed messages (this node lost its bus connection for a while):
   * clients re-fetch what they show, as after a reconnect.
   */
  resync(): void {
    const msg = JSON.stringify({ type: 'resync' });
    for (const c of this.conns.values()) if (c.ws.readyState === c.ws.OPEN) c.ws.send(msg);
  }

  /** Close every socket (server stopping, or a test simulating a network drop). */
  disconnectAll(code = 1001, reason = 'server stopping'): void {
    for (const ws of [...this.conns.keys()]) {
      ws.close(code, reason);
      this.remove(ws);
    }
  }
}
