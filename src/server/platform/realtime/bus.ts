import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { Db, Executor } from '../db/index.ts';
import type { Invalidation, RealtimeHub } from './hub.ts';

/** How invalidations travel from the node that claimed the events to the nodes holding sockets. */
export interface Bus {
  /** Called inside the claim transaction (PostgreSQL NOTIFY is delivered only if it commits). */
  publishInTx(trx: Executor, invs: Invalidation[]): Promise<void>;
  /** Called after the claim transaction committed. */
  afterCommit(invs: Invalidation[]): void;
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * SQLite runs in one process: the sockets are here, so after commit the hub is handed the batch.
 * A crash between commit and hand-off loses nothing a client can see: its socket dies with the
 * process, and a reconnecting desktop re-fetches everything it shows.
 */
export class LocalBus implements Bus {
  private readonly hub: RealtimeHub;
  constructor(hub: RealtimeHub) {
    this.hub = hub;
  }
  async publishInTx(): Promise<void> {}
  afterCommit(invs: Invalidation[]): void {
    this.hub.deliver(invs);
  }
  async start(): Promise<void> {}
  async close(): Promise<void> {}
}

/** PostgreSQL's NOTIFY payload limit is 8000 bytes; stay well under it. */
const MAX_NOTIFY_BYTES = 7000;

/**
 * Several app nodes on one PostgreSQL: the claiming node NOTIFYs a channel inside the claim
 * transaction (so the message goes out exactly when `published_at` commits, and never for a claim
 * that rolled back); every node LISTENs on one dedicated connection and fans out to its own
 * sockets. The channel is named after the schema, so test schemas never hear each other.
 */
export class PgBus implements Bus {
  private readonly store: Db;
  private readonly hub: RealtimeHub;
  private readonly onError: (err: unknown) => void;
  private channel: string | undefined;
  private client: pg.Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private delayMs = 500;
  private closed = false;
  /** True while this node hears the channel (for health and tests). */
  listening = false;

  constructor(store: Db, hub: RealtimeHub, onError: (err: unknown) => void) {
    this.store = store;
    this.hub = hub;
    this.onError = onError;
  }

  private async channelName(): Promise<string> {
    if (this.channel) return this.channel;
    const r = await sql<{ s: string }>`select current_schema() as s`.execute(this.store.db);
    const schema = r.rows[0]?.s ?? 'public';
    // Identifiers stop at 63 bytes: long schema names are hashed rather than cut into collisions.
    const name = `frontline_rt_${schema}`.toLowerCase();
    this.channel =
      name.length <= 63 && /^[a-z0-9_]+$/.test(name)
        ? name
        : `frontline_rt_${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
    return this.channel;
  }

  async publishInTx(trx: Executor, invs: Invalidation[]): Promise<void> {
    if (!invs.length) return;
    const channel = await this.channelName();
    let chunk: Invalidation[] = [];
    let size = 2;
    const flush = async () => {
      if (!chunk.length) return;
      await sql`select pg_notify(${channel}, ${JSON.stringify(chunk)})`.execute(trx);
      chunk = [];
      size = 2;
    };
    for (const inv of invs) {
      const n = Buffer.byteLength(JSON.stringify(inv)) + 1;
      if (size + n > MAX_NOTIFY_BYTES) await flush();
      chunk.push(inv);
      size += n;
    }
    await flush();
  }

  afterCommit(): void {}

  async start(): Promise<void> {
    this.closed = false;
    await this.connect();
  }

  private async connect(): Promise<void> {
    if (this.closed || this.client) return;
    const config = this.store.pgClientConfig;
    if (!config) throw new Error('PgBus needs the PostgreSQL connection settings');
    const client = new pg.Client({ ...config, connectionTimeoutMillis: 5000, keepAlive: true });
    this.client = client;
    // Without a listener, a dropped connection's 'error' event would kill the process.
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    client.on('notification', (m) => {
      if (!m.payload) return;
      try {
        this.hub.deliver(JSON.parse(m.payload) as Invalidation[]);
      } catch (err) {
        this.onError(err);
      }
    });
    try {
      const channel = await this.channelName();
      await client.connect();
      await client.query(`LISTEN "${channel}"`);
      const wasDown = this.delayMs > 500;
      this.listening = true;
      this.delayMs = 500;
      // Whatever was published while we were deaf is gone from the bus: let clients re-fetch.
      if (wasDown) this.hub.resync();
    } catch (err) {
      this.lost(client, err);
    }
  }

  private lost(client: pg.Client, err?: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.listening = false;
    client.end().catch(() => {});
    if (this.closed) return;
    if (err) this.onError(err);
    this.delayMs = Math.min(this.delayMs * 2, 10_000);
    this.retry = setTimeout(() => void this.connect(), this.delayMs);
    this.retry.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const c = this.client;
    this.client = undefined;
    this.listening = false;
    await c?.end().catch(() => {});
  }
}
