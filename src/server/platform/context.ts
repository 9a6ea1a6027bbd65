import type { Clock } from './clock.ts';
import type { Config } from './config.ts';
import type { Db, Executor } from './db/index.ts';
import { invalid } from './errors.ts';

/** What every service needs; built once in app.ts and passed down (no container, no globals). */
export interface Ctx {
  store: Db;
  clock: Clock;
  config: Config;
}

export const nowIso = (ctx: Ctx): string => ctx.clock.now().toISOString();

/** One transaction per write. */
export function tx<T>(ctx: Ctx, fn: (trx: Executor) => Promise<T>): Promise<T> {
  return ctx.store.db.transaction().execute(fn);
}

/** Keyset cursors: opaque base64url of the sort key and id of the last row served. */
export function encodeCursor(parts: (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts)).toString('base64url');
}
export function decodeCursor(cursor: string | undefined, arity: number): (string | number)[] | null {
  if (!cursor) return null;
  try {
    const parts: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(parts) &&
      parts.length === arity &&
      parts.every((p) => typeof p === 'string' || typeof p === 'number')
    ) {
      return parts as (string | number)[];
    }
  } catch {
    // fall through to the error below
  }
  throw invalid('/query/cursor', 'is not a cursor this server issued');
}
