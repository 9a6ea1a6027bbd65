import { sql } from 'kysely';
import { type Ctx, nowIso, tx } from '../context.ts';
import type { Executor } from '../db/index.ts';
import { firstIdAt } from '../ids.ts';
import { repeat } from '../loop.ts';
import type { Bus } from './bus.ts';
import type { Invalidation } from './hub.ts';
import { invalidationsFor, type OutboxEvent } from './rooms.ts';

/** An outbox row as claimed, with the instant it was written. */
export type ClaimedEvent = OutboxEvent & { created_at: string };
/** Work that must see every event once, in the transaction that marks it published. */
export type OutboxConsumer = (trx: Executor, events: ClaimedEvent[]) => Promise<unknown>;

export interface DispatcherOptions {
  /** Events claimed per transaction. */
  batch?: number;
  /** The safety poll: events committed where no poke reached us (another process, a lost poke). */
  pollMs?: number;
  /** Published rows are kept this long (for inspection), then pruned. */
  retainMs?: number;
  /** How often pruning runs at most. */
  pruneEveryMs?: number;
}

const PRUNE_BATCH = 1000;

/**
 * What a run claims: `all` unpublished events (the safety poll, drain), or on PostgreSQL only the
 * `fresh` ones (a poke after a write): those whose ids — time-ordered, UUIDv7 — were minted in the
 * last FRESH_MS. A published row keeps its index entry under `published_at IS NULL` until VACUUM,
 * and a claim over the whole range visits every one (measured: 24,000 rows published, 2.5 ms a
 * claim and growing with the outbox; autovacuum comes rarely to a table kept for a day). An event
 * whose transaction committed more than FRESH_MS after writing it is the next full claim's.
 */
type Scope = 'all' | 'fresh';
const FRESH_MS = 5000;

/**
 * Publishes the outbox after commit (CONVENTIONS 4–5). A claim is one short transaction: take a
 * batch of unpublished rows (SKIP LOCKED on PostgreSQL, so several nodes share the work), mark
 * them published, hand the invalidations to the bus, commit — and only then fan out. Nothing
 * waits on a socket inside a transaction. A process killed after the business commit and before
 * the claim leaves the rows unpublished; the next claim, here or on another node, sends them:
 * delivery is at least once, and invalidations are idempotent.
 */
export class Dispatcher {
  private readonly ctx: Ctx;
  private readonly bus: Bus;
  private readonly batch: number;
  private readonly pollMs: number;
  private readonly retainMs: number;
  private readonly pruneEveryMs: number;
  private running: Promise<number> | undefined;
  private again: Scope | undefined;
  private loop: { stop(): Promise<void> } | undefined;
  private lastPrune = 0;
  private closed = false;
  onError: (err: unknown) => void = () => {};
  /** Invalidations this process has published (tests and the console). */
  published = 0;
  private readonly consumers: OutboxConsumer[] = [];

  constructor(ctx: Ctx, bus: Bus, opts: DispatcherOptions = {}) {
    this.ctx = ctx;
    this.bus = bus;
    this.batch = opts.batch ?? 200;
    this.pollMs = opts.pollMs ?? 2000;
    this.retainMs = opts.retainMs ?? 86_400_000;
    this.pruneEveryMs = opts.pruneEveryMs ?? 3_600_000;
  }

  /**
   * Run `fn` on each claimed batch inside the claim's transaction (the webhooks' fan-out): it sees
   * each event exactly once, and an event it fails on stays unpublished and is claimed again.
   */
  consume(fn: OutboxConsumer): void {
    this.consumers.push(fn);
  }

  /** Listen on the bus and run the safety poll. */
  async start(): Promise<void> {
    this.closed = false;
    await this.bus.start();
    this.loop ??= repeat(() => this.drain(), this.pollMs, this.onError, 0);
  }

  /** Publish soon (a write just committed: its events are fresh); coalesces with a run in progress. */
  poke(): void {
    if (this.closed) return;
    void this.request('fresh').catch(this.onError);
  }

  /** Publish everything unpublished now; resolves with the number of events claimed. */
  drain(): Promise<number> {
    return this.request('all');
  }

  private request(scope: Scope): Promise<number> {
    if (this.running) {
      // Another run once this one ends (it may have read before the caller's change committed),
      // the widest asked for meanwhile: a full drain is never lost behind pokes.
      if (this.again !== 'all') this.again = scope;
      return this.running;
    }
    this.running = this.run(scope).finally(() => {
      this.running = undefined;
      const next = this.again;
      this.again = undefined;
      if (next && !this.closed) void this.request(next).catch(this.onError);
    });
    return this.running;
  }

  private async run(scope: Scope): Promise<number> {
    let total = 0;
    for (;;) {
      if (this.closed) return total;
      const { claimed, invs } = await this.claim(scope);
      total += claimed;
      if (invs.length) {
        this.bus.afterCommit(invs);
        this.published += invs.length;
      }
      if (claimed < this.batch) return total;
    }
  }

  private claim(scope: Scope): Promise<{ claimed: number; invs: Invalidation[] }> {
    const pg = this.ctx.store.dialect === 'postgres';
    return tx(this.ctx, async (trx) => {
      const floor = pg && scope === 'fresh' ? firstIdAt(Date.now() - FRESH_MS) : null;
      // Taken and marked in one statement (a round trip fewer a claim, and a claim runs for nearly
      // every write). On PostgreSQL as `= ANY(ARRAY(…))`: `IN (…)` was planned as a hash join over
      // the whole table. RETURNING has no order, so the batch is put back in the outbox's order.
      const mark = trx.updateTable('outbox').set({ published_at: nowIso(this.ctx) });
      const events = (
        await mark
          .where('id', pg ? '=' : 'in', (eb) => {
            let pick = eb.selectFrom('outbox').select('id').where('published_at', 'is', null);
            if (floor) pick = pick.where('id', '>=', floor);
            pick = pick.orderBy('id').limit(this.batch);
            return pg ? sql<string>`any(array(${pick.forUpdate().skipLocked()}))` : pick;
          })
          .returning(['id', 'name', 'payload', 'created_at'])
          .execute()
      ).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      if (!events.length) return { claimed: 0, invs: [] };
      for (const consume of this.consumers) await consume(trx, events);
      const invs = await invalidationsFor(trx, events);
      await this.bus.publishInTx(trx, invs);
      return { claimed: events.length, invs };
    });
  }

  /** Delete published rows older than the retention, in small batches (no long lock); returns the count. */
  async prune(): Promise<number> {
    const cutoff = new Date(this.ctx.clock.now().getTime() - this.retainMs).toISOString();
    const db = this.ctx.store.db;
    let total = 0;
    for (;;) {
      const res = await db
        .deleteFrom('outbox')
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('outbox')
            .select('id')
            .where('published_at', 'is not', null)
            .where('published_at', '<', cutoff)
            .limit(PRUNE_BATCH),
        )
        .executeTakeFirst();
      const n = Number(res.numDeletedRows);
      total += n;
      if (n < PRUNE_BATCH || this.closed) return total;
    }
  }

  /** Prune when the last prune is older than the interval (the scheduler calls this each tick). */
  async pruneIfDue(): Promise<number> {
    const now = Date.now();
    if (now - this.lastPrune < this.pruneEveryMs) return 0;
    this.lastPrune = now;
    return this.prune();
  }

  async close(): Promise<void> {
    this.closed = true;
    const l = this.loop;
    this.loop = undefined;
    await l?.stop();
    await this.running?.catch(() => {});
    await this.bus.close();
  }
}
