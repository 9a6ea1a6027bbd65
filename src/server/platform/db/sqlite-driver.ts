import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

type Param = null | number | bigint | string | NodeJS.ArrayBufferView;

/** node:sqlite binds no booleans or Dates; map them the way the PostgreSQL side stores them. */
function bind(params: ReadonlyArray<unknown>): Param[] {
  return params.map((p) => {
    if (typeof p === 'boolean') return p ? 1 : 0;
    if (p instanceof Date) return p.toISOString();
    if (p === undefined) return null;
    return p as Param;
  });
}

/**
 * Kysely's SqliteDialect over Node's built-in `node:sqlite`. Prepared statements are cached by SQL
 * text: Kysely compiles identical SQL for identical query shapes, so the hot paths prepare once.
 */
export function openSqlite(file: string): SqliteDatabase & { raw: DatabaseSync } {
  const raw = new DatabaseSync(file);
  raw.exec('PRAGMA journal_mode = WAL');
  raw.exec('PRAGMA synchronous = NORMAL');
  raw.exec('PRAGMA foreign_keys = ON');
  raw.exec('PRAGMA busy_timeout = 5000');
  const cache = new Map<string, { stmt: StatementSync; reader: boolean }>();
  const MAX = 500;
  return {
    raw,
    close: () => {
      cache.clear();
      if (raw.isOpen) raw.close();
    },
    prepare(sql: string): SqliteStatement {
      let entry = cache.get(sql);
      if (!entry) {
        const stmt = raw.prepare(sql);
        entry = { stmt, reader: stmt.columns().length > 0 };
        if (cache.size >= MAX) cache.delete(cache.keys().next().value!);
        cache.set(sql, entry);
      }
      const { stmt, reader } = entry;
      return {
        reader,
        all: (params) => stmt.all(...bind(params)),
        run: (params) => stmt.run(...bind(params)),
        iterate: (params) => stmt.iterate(...bind(params)),
      };
    },
  };
}
