import type { Selectable } from 'kysely';
import { type Ctx, nowIso, tx } from './context.ts';
import type { Executor } from './db/index.ts';
import type { TimersTable } from './db/schema.ts';
import { newId } from './ids.ts';

export type TimerRow = Selectable<TimersTable>;
/** Fire one timer inside the transaction that marks it done; throw to leave it pending and retry later. */
export type TimerHandler = (trx: Executor, timer: TimerRow, now: string) => Promise<void>;

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

/**
 * Durable timers: a row per timer, claimed and fired in one transaction, so a crash before commit
 * leaves it pending (it fires after restart) and a commit marks it done (it never fires again).
 * PostgreSQL: claimed with FOR UPDATE SKIP LOCKED, so several app processes share the work without
 * firing a timer twice. SQLite: one process, one loop.
 */
export class Timers {
  private readonly ctx: Ctx;
  private readonly handlers = new Map<string, TimerHandler>();
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
    this.handlers.set(kind, handler);
  }

  async schedule(trx: Executor, t: TimerSpec): Promise<string> {
    const id = newId();
    await trx
      .insertInto('timers')
      .values({
        id,
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
        created_at: nowIso(this.ctx),
      })
      .execute();
    return id;
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
      .where('state', '=', 'pending')
      .where('due_at', '<=', now)
      .orderBy('due_at')
      .limit(limit);
    if (id) q = q.where('id', '=', id);
    return (this.ctx.store.dialect === 'postgres' ? q.forUpdate().skipLocked() : q).execute();
  }

  private async fire(trx: Executor, t: TimerRow, now: string): Promise<void> {
    const handler = this.handlers.get(t.kind);
    if (!handler) throw new Error(`no handler for timer kind ${t.kind}`);
    // Marked done first (same transaction): a handler that reschedules its own thing must not cancel this timer.
    const res = await trx
      .updateTable('timers')
      .set({ state: 'done', fired_at: now, fired_by: this.owner, attempts: t.attempts + 1 })
      .where('id', '=', t.id)
      .where('state', '=', 'pending')
      .executeTakeFirst();
    // Belt and braces: the claim already holds the row; a zero count means someone else fired it.
    if (Number(res.numUpdatedRows) !== 1) throw new Error(`timer ${t.id} was fired elsewhere`);
    await handler(trx, t, now);
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
          for (const r of rows) await this.fire(trx, r, now);
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
              if (r) await this.fire(trx, r, now);
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
