import type { Selectable } from 'kysely';
import { sql } from 'kysely';
import { type Ctx, nowIso, tx } from './context.ts';
import type { Executor } from './db/index.ts';
import type { TimersTable } from './db/schema.ts';
import { newId } from './ids.ts';

export type TimerRow = Selectable<TimersTable>;
/** Fire one timer inside the transaction that marks it done; throw to leave it pending and retry later. */
export type TimerHandler = (trx: Executor, timer: TimerRow, now: string) => Promise<void>;
/**
 * Fire a run of due timers of one kind together (set-based writes: a breach storm is hundreds of
 * timers at once). Same contract: throw and the whole batch is retried one timer at a time.
 */
export type TimerBatchHandler = (trx: Executor, timers: TimerRow[], now: string) => Promise<void>;

export interface TimerSpec {
  kind: string;
  dueAt: string;
  caseId?: string | null;
  refId?: string | null;
  ruleId?: string | null;
  payload?: Record<string, unknown>;
}

export interface TickResult {
  fired: number;
  failed: number;
}

const MAX_ATTEMPTS = 8;
// A literal, not a bound parameter: SQLite uses the partial index timers_due only when the query's
// condition is textually the index's.
const PENDING = sql.lit('pending');

/**
 * Durable timers: a row per timer, claimed and fired in one transaction, so a crash before commit
 * leaves it pending (it fires after restart) and a commit marks it done (it never fires again).
 * PostgreSQL: claimed with FOR UPDATE SKIP LOCKED, so several app processes share the work without
 * firing a timer twice. SQLite: one process, one loop.
 */
export class Timers {
  private readonly ctx: Ctx;
  private readonly handlers = new Map<string, TimerBatchHandler>();
  private running: Promise<TickResult> | undefined;
  /** Who fired a timer, for the record (and the two-process test). */
  readonly owner = `${process.pid}:${newId().slice(-8)}`;
  /** Test hook: called after a batch is claimed and before any of it is fired. */
  onClaimed: ((ids: string[]) => void) | undefined;
  batchSize: number;

  constructor(ctx: Ctx, opts: { batchSize?: number } = {}) {
    this.ctx = ctx;
    this.batchSize = opts.batchSize ?? 200;
  }

  on(kind: string, handler: TimerHandler): void {
    this.handlers.set(kind, async (trx, timers, now) => {
      for (const t of timers) await handler(trx, t, now);
    });
  }

  onBatch(kind: string, handler: TimerBatchHandler): void {
    this.handlers.set(kind, handler);
  }

  async schedule(trx: Executor, t: TimerSpec): Promise<string> {
    return (await this.scheduleMany(trx, [t]))[0]!;
  }

  /** Several timers in one statement (a new case's clocks schedule half a dozen at once). */
  async scheduleMany(trx: Executor, specs: readonly TimerSpec[]): Promise<string[]> {
    if (!specs.length) return [];
    const at = nowIso(this.ctx);
    const rows = specs.map((t) => ({
      id: newId(),
      kind: t.kind,
      due_at: t.dueAt,
      state: 'pending',
      case_id: t.caseId ?? null,
      ref_id: t.refId ?? null,
      rule_id: t.ruleId ?? null,
      payload: JSON.stringify(t.payload ?? {}),
      attempts: 0,
      last_error: null,
      fired_at: null,
      fired_by: null,
      created_at: at,
    }));
    await trx.insertInto('timers').values(rows).execute();
    return rows.map((r) => r.id);
  }

  /** Cancel the pending timers of one thing (a clock, an escalation, a commitment). */
  async cancel(trx: Executor, refId: string, kinds?: string[]): Promise<void> {
    let q = trx.updateTable('timers').set({ state: 'cancelled' }).where('ref_id', '=', refId);
    if (kinds) q = q.where('kind', 'in', kinds);
    await q.where('state', '=', 'pending').execute();
  }

  private claim(trx: Executor, now: string, limit: number, id?: string) {
    let q = trx
      .selectFrom('timers')
      .selectAll()
      .where('state', '=', PENDING)
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .limit(limit);
    if (id) q = q.where('id', '=', id);
    return (this.ctx.store.dialect === 'postgres' ? q.forUpdate().skipLocked() : q).execute();
  }

  /** Mark the claimed timers done, then fire them kind by kind. */
  private async fire(trx: Executor, rows: TimerRow[], now: string): Promise<void> {
    if (!rows.length) return;
    for (const r of rows)
      if (!this.handlers.has(r.kind)) throw new Error(`no handler for timer kind ${r.kind}`);
    // Marked done first (same transaction): a handler that reschedules its own thing must not cancel these timers.
    // attempts + 1 in SQL: each row keeps its own count.
    const res = await trx
      .updateTable('timers')
      .set((eb) => ({ state: 'done', fired_at: now, fired_by: this.owner, attempts: eb('attempts', '+', 1) }))
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .where('state', '=', 'pending')
      .executeTakeFirst();
    // Belt and braces: the claim already holds the rows; a short count means someone else fired one.
    if (Number(res.numUpdatedRows) !== rows.length) throw new Error('a claimed timer was fired elsewhere');
    // One call per kind, kinds in the order their first timer fell due, each in due order. Kinds
    // interleave in time (a case's breach and its rule at the same instant), so grouping by kind
    // is what makes the writes set-based; handlers re-check their thing's state, so no kind relies
    // on another having fired first within a batch.
    const byKind = new Map<string, TimerRow[]>();
    for (const r of rows) {
      const group = byKind.get(r.kind);
      if (group) group.push(r);
      else byKind.set(r.kind, [r]);
    }
    for (const [kind, group] of byKind) await this.handlers.get(kind)?.(trx, group, now);
  }

  /** Fire every timer due by now, in batches; a batch that fails is retried one timer at a time. */
  tick(): Promise<TickResult> {
    // One tick at a time in a process; a second caller shares the running one.
    this.running ??= this.runTick().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async runTick(): Promise<TickResult> {
    const now = nowIso(this.ctx);
    const out: TickResult = { fired: 0, failed: 0 };
    for (;;) {
      let claimed: string[] = [];
      try {
        const n = await tx(this.ctx, async (trx) => {
          const rows = await this.claim(trx, now, this.batchSize);
          claimed = rows.map((r) => r.id);
          if (rows.length) this.onClaimed?.(claimed);
          await this.fire(trx, rows, now);
          return rows.length;
        });
        out.fired += n;
        if (n < this.batchSize) return out;
        // node:sqlite is synchronous: give requests and sockets a turn between batches of a long tick.
        await new Promise((r) => setImmediate(r));
      } catch {
        // Isolate the failing timer(s): fire the batch one by one; a failing one is retried later.
        for (const id of claimed) {
          try {
            out.fired += await tx(this.ctx, async (trx) => {
              const [r] = await this.claim(trx, now, 1, id);
              if (r) await this.fire(trx, [r], now);
              return r ? 1 : 0;
            });
          } catch (err) {
            out.failed++;
            await this.postpone(id, now, err);
          }
        }
        if (!claimed.length) throw new Error('timer claim failed');
      }
    }
  }

  private async postpone(id: string, now: string, err: unknown): Promise<void> {
    await tx(this.ctx, async (trx) => {
      const r = await trx.selectFrom('timers').select(['attempts']).where('id', '=', id).executeTakeFirst();
      if (!r) return;
      const attempts = r.attempts + 1;
      const backoffMs = Math.min(60, 2 ** attempts) * 60_000;
      await trx
        .updateTable('timers')
        .set({
          attempts,
          last_error: String(err instanceof Error ? err.message : err).slice(0, 500),
          due_at: new Date(Date.parse(now) + backoffMs).toISOString(),
          state: attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
        })
        .where('id', '=', id)
        .where('state', '=', 'pending')
        .execute();
    });
  }
}
