import type { Db } from './db/index.ts';

/**
 * Running a whole transaction again when the database rolled it back only to break a tie: a
 * PostgreSQL deadlock (40P01: the database picked this transaction as the victim) or serialization
 * failure (40001; nothing runs above READ COMMITTED today), and SQLite's SQLITE_BUSY_SNAPSHOT
 * (517): another process (the `frontline user add` or `kb import` command beside a running server)
 * committed between this transaction's first read and its first write, so its snapshot is stale.
 * Plain SQLITE_BUSY is not retried: the connection already waited busy_timeout (5 s) for the lock,
 * and the one connection every request shares must not wait again (it stays a 503).
 *
 * Running the callback again is safe because everything it does is in the transaction or may be
 * repeated: events reach other processes through the outbox (written in the transaction), domain
 * reactions run in it, and the in-memory effects (routing's pokes, a widget cache forgotten, the
 * knowledge search's pending generations) are hints that cost at most a spare pass or reload. What
 * is not (the Idempotency-Key claim's "recorded" mark) is put back by tx() before the next attempt.
 */
export const TX_ATTEMPTS = 3;

const RETRYABLE_PG: Record<string, string> = {
  '40P01': 'deadlock_detected',
  '40001': 'serialization_failure',
};
const SQLITE_BUSY_SNAPSHOT = 517;

interface ErrorLike {
  code?: unknown;
  errcode?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The retryable code of a failed transaction ('40P01', '40001', 'SQLITE_BUSY_SNAPSHOT'), or undefined. */
export function retryableCode(err: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  while (queue.length) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.has(e) || seen.size > 10) continue;
    seen.add(e);
    const { code, errcode, cause, errors } = e as ErrorLike;
    if (typeof code === 'string' && code in RETRYABLE_PG) return code;
    if (code === 'ERR_SQLITE_ERROR' && errcode === SQLITE_BUSY_SNAPSHOT) return 'SQLITE_BUSY_SNAPSHOT';
    if (cause) queue.push(cause);
    if (Array.isArray(errors)) queue.push(...errors);
  }
  return undefined;
}

const codeName = (code: string): string => RETRYABLE_PG[code] ?? code;

/** Retries so far per code, per database (tests read it; there is no metrics endpoint yet). */
const counts = new WeakMap<Db, Map<string, number>>();

/** How many transactions were run again after `code` on this database (all codes when omitted). */
export function txRetries(store: Db, code?: string): number {
  const m = counts.get(store);
  if (!m) return 0;
  if (code) return m.get(code) ?? 0;
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}

function count(store: Db, code: string): void {
  const m = counts.get(store) ?? new Map<string, number>();
  m.set(code, (m.get(code) ?? 0) + 1);
  counts.set(store, m);
}

const logToStderr = (message: string, err: unknown): void => {
  console.error(`[db] ${message}: ${err instanceof Error ? err.message : String(err)}`);
};

/**
 * Run `attempt` up to TX_ATTEMPTS times while it fails with a retryable code, logging and counting
 * each retry; a short jittered pause between attempts lets the transaction that won finish.
 * `attempt` must open a transaction of its own each time (a retry inside an outer transaction
 * would run in one the database has already aborted: the caller passes nested = true).
 */
export async function withTxRetry<T>(store: Db, nested: boolean, attempt: () => Promise<T>): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt();
    } catch (err) {
      const code = nested || n >= TX_ATTEMPTS ? undefined : retryableCode(err);
      if (!code) throw err;
      count(store, code);
      (store.log ?? logToStderr)(
        `transaction rolled back by ${codeName(code)} (${code}); running it again (attempt ${n + 1} of ${TX_ATTEMPTS})`,
        err,
      );
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * n));
    }
  }
}
