import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db, Executor } from './db/index.ts';
import { invalid } from './errors.ts';
import { claimCheckpoint, recordInTransaction } from './idempotency.ts';
import { withTxRetry } from './tx-retry.ts';

/** What every service needs; built once in app.ts and passed down (no container, no globals). */
export interface Ctx {
  store: Db;
  clock: Clock;
  config: Config;
}

export const nowIso = (ctx: Ctx): string => ctx.clock.now().toISOString();

/**
 * Instants a business record may hold: 1900 to 9999 (UTC). Year 0000 and five-digit years are
 * valid JavaScript dates but PostgreSQL refuses them (a 500), and nothing a contact centre records
 * happened before 1900.
 */
export const MIN_INSTANT_MS = Date.UTC(1900, 0, 1);
export const MAX_INSTANT_MS = Date.UTC(10000, 0, 1) - 1;

/** An RFC 3339 date-time from the wire as a canonical ISO instant; one JS cannot represent (e.g. a leap second) or outside 1900–9999 is a 400. */
export function parseInstant(value: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalid(field, 'dateTime', 'is not a representable date-time');
  if (ms < MIN_INSTANT_MS || ms > MAX_INSTANT_MS)
    throw invalid(field, 'yearRange', 'must be between the years 1900 and 9999 (UTC)', {
      min: 1900,
      max: 9999,
    });
  return new Date(ms).toISOString();
}

/**
 * One transaction per write; an `Idempotency-Key` request records its key in the same transaction.
 * A transaction the database rolled back to break a deadlock (or a stale SQLite snapshot) runs
 * again, `fn` and all, up to three times (tx-retry.ts): so `fn` must keep its effects in `trx`, or
 * make them safe to repeat, and read anything it changes afresh rather than from outer variables it
 * set on a failed attempt. Inside an outer transaction (the demo seed) nothing is retried here.
 */
export function tx<T>(ctx: Ctx, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return withTxRetry(ctx.store, ctx.store.db.isTransaction, async () => {
    const undo = claimCheckpoint();
    try {
      return await ctx.store.db.transaction().execute(async (trx) => {
        const result = await fn(trx);
        await recordInTransaction(trx, ctx, result);
        return result;
      });
    } catch (err) {
      undo();
      throw err;
    }
  });
}

/** Keyset cursors: opaque base64url of the sort key (an instant) and the id of the last row served. */
export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify([at, id])).toString('base64url');
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,6})?Z$/;

/**
 * A cursor's instant as this server wrote it: UTC, every field in range (no 24:00, no 31 February,
 * which JavaScript rolls over and PostgreSQL refuses), years 1900–9999.
 */
export function isCursorInstant(s: string): boolean {
  const m = ISO_INSTANT.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, sec);
  const back = new Date(ms);
  return (
    ms >= MIN_INSTANT_MS &&
    ms <= MAX_INSTANT_MS &&
    back.getUTCFullYear() === y &&
    back.getUTCMonth() === mo - 1 &&
    back.getUTCDate() === d &&
    back.getUTCHours() === h &&
    back.getUTCMinutes() === mi &&
    back.getUTCSeconds() === sec
  );
}
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The cursor's (instant, id), or null when absent; anything this server did not issue is a 400. */
export function decodeCursor(cursor: string | undefined): [string, string] | null {
  if (!cursor) return null;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parts) &&
      parts.length === 2 &&
      typeof parts[0] === 'string' &&
      isCursorInstant(parts[0]) &&
      typeof parts[1] === 'string' &&
      UUID.test(parts[1])
    ) {
      return [parts[0], parts[1]];
    }
  } catch {
    // fall through to the error below
  }
  throw invalid('/query/cursor', 'cursor', 'is not a cursor this server issued');
}
