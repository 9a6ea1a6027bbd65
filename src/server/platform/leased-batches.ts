import { type Ctx, nowIso, tx } from './context.ts';
import type { Executor } from './db/index.ts';

/** What one leased-batch loop is made of: how it claims its rows and what it does with each. */
export interface LeasedWork<T> {
  /** Rows claimed a round; a shorter round ends the run. */
  readonly batch: number;
  /**
   * In the claim's own short transaction: select up to `batch` rows due at `now` (FOR UPDATE SKIP
   * LOCKED on PostgreSQL, so two workers take different rows), lease them, and return them leased.
   */
  claim(trx: Executor, now: string): Promise<T[]>;
  /** The outside call for one claimed row, with no transaction open, then its record; true when it went. */
  deliver(row: T): Promise<boolean>;
  /** A round's rows are delivered side by side (webhooks) rather than one after another. */
  readonly together?: boolean;
  /** Run once the rounds are done, before the run resolves. */
  after?(): Promise<void>;
}

/**
 * A loop that works through rows waiting on an outside call (an SMTP server, an SMS provider, a
 * webhook receiver): claim a batch with a lease in one short transaction, commit, then deliver each
 * with no transaction open — on SQLite every query waits behind an open write, so a silent far side
 * would freeze the API — until a round comes back short. One run at a time in a process; a second
 * caller shares the running one. A row whose sender died is claimed again once its lease runs out,
 * so delivery is at least once.
 */
export class LeasedBatches<T> {
  private readonly ctx: Ctx;
  private readonly work: LeasedWork<T>;
  private running: Promise<number> | undefined;

  constructor(ctx: Ctx, work: LeasedWork<T>) {
    this.ctx = ctx;
    this.work = work;
  }

  /** Deliver what is due; resolves with how many went. */
  drain(): Promise<number> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<number> {
    const w = this.work;
    let went = 0;
    for (;;) {
      const now = nowIso(this.ctx);
      const rows = await tx(this.ctx, (trx) => w.claim(trx, now));
      if (w.together) went += (await Promise.all(rows.map((r) => w.deliver(r)))).filter(Boolean).length;
      else for (const r of rows) if (await w.deliver(r)) went++;
      if (rows.length < w.batch) break;
    }
    await w.after?.();
    return went;
  }
}
