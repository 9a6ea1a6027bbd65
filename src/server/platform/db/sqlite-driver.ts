import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { WalCheckpointer } from './wal-checkpointer.ts';

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
 * SQLite ends a transaction by itself on some errors (SQLITE_FULL, SQLITE_IOERR, SQLITE_NOMEM…);
 * Kysely then sends ROLLBACK, which fails with "cannot rollback - no transaction is active" and
 * replaces the real error. Rolling back nothing is therefore a no-op here.
 */
const NOTHING_TO_ROLL_BACK: SqliteStatement = {
  reader: false,
  all: () => [],
  run: () => ({ changes: 0, lastInsertRowid: 0 }),
  iterate: () => [][Symbol.iterator](),
};

/** Below this much free space in the data directory, /health reports the disk as full. */
const MIN_FREE_BYTES = 1024 * 1024;

/** The same error node:sqlite raises, so that one classification serves both. */
const sqliteError = (errcode: number, message: string): Error =>
  Object.assign(new Error(message), { code: 'ERR_SQLITE_ERROR', errcode, errstr: message });

/** Result codes after which a fresh connection may succeed where this one cannot. */
const REOPEN_ON = new Set([8 /* READONLY */, 10 /* IOERR */, 14 /* CANTOPEN */]);

export interface SqliteHandle extends SqliteDatabase {
  /** The open node:sqlite connection; reopen() replaces it. */
  readonly raw: DatabaseSync;
  /** Checkpoints the WAL from a worker thread once the file is busy (null: in memory, or turned off). */
  readonly checkpointer: WalCheckpointer | null;
  /**
   * Throws (as node:sqlite does) unless the database could take a write now: not read-only, not
   * at its page limit, not on a full disk. Run it only while holding Kysely's connection (it opens
   * and rolls back a transaction). A connection SQLite opened read-only stays read-only, so on
   * such a failure it reopens once and tries again: a fixed data directory needs no restart.
   */
  probeWritable(): void;
}

function connect(file: string): DatabaseSync {
  const raw = new DatabaseSync(file);
  try {
    raw.exec('PRAGMA journal_mode = WAL');
    raw.exec('PRAGMA synchronous = NORMAL');
    raw.exec('PRAGMA foreign_keys = ON');
    raw.exec('PRAGMA busy_timeout = 5000');
    // SQLite's default page cache is 2 MiB, for a file that reaches gigabytes at a centre's volume:
    // every query re-read its index pages from the OS. 64 MiB keeps the hot indexes in the process;
    // sorts and GROUP BY work in memory rather than in temp files.
    raw.exec('PRAGMA cache_size = -65536');
    raw.exec('PRAGMA temp_store = MEMORY');
  } catch (err) {
    raw.close();
    throw err;
  }
  return raw;
}

/**
 * Kysely's SqliteDialect over Node's built-in `node:sqlite`. Prepared statements are cached by SQL
 * text: Kysely compiles identical SQL for identical query shapes, so the hot paths prepare once.
 */
export function openSqlite(file: string, opts: { checkpointWorker?: boolean } = {}): SqliteHandle {
  let raw = connect(file);
  const checkpointer =
    file === ':memory:' || opts.checkpointWorker === false
      ? null
      : new WalCheckpointer(file, (on) => {
          if (raw.isOpen) raw.exec(`PRAGMA wal_autocheckpoint = ${on ? 1000 : 0}`);
        });
  const cache = new Map<string, { stmt: StatementSync; reader: boolean }>();
  const MAX = 500;
  const dir = file === ':memory:' ? undefined : path.dirname(file);

  const probe = (): void => {
    raw.exec('BEGIN IMMEDIATE');
    try {
      // BEGIN IMMEDIATE succeeds on a connection opened read-only; a write (rolled back, and the
      // same value, so nothing changes) is what fails there.
      const { user_version } = raw.prepare('PRAGMA user_version').get() as { user_version: number };
      raw.exec(`PRAGMA user_version = ${Number(user_version)}`);
    } finally {
      if (raw.isTransaction) raw.exec('ROLLBACK');
    }
    const pragma = (name: string): number =>
      Number(Object.values(raw.prepare(`PRAGMA ${name}`).get() ?? {})[0]);
    // A few pages of headroom: a write needs several new pages at once, not just one.
    if (pragma('freelist_count') === 0 && pragma('page_count') + 16 >= pragma('max_page_count'))
      throw sqliteError(13, 'database or disk is full (the database is at its maximum page count)');
    if (dir) {
      const s = fs.statfsSync(dir);
      if (s.bavail * s.bsize < MIN_FREE_BYTES) throw sqliteError(13, 'database or disk is full');
    }
  };

  return {
    checkpointer,
    get raw() {
      return raw;
    },
    close: () => {
      checkpointer?.stop();
      cache.clear();
      if (raw.isOpen) raw.close();
    },
    prepare(sql: string): SqliteStatement {
      if (sql === 'rollback' && !raw.isTransaction) return NOTHING_TO_ROLL_BACK;
      if (sql === 'commit') checkpointer?.committed();
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
    probeWritable() {
      try {
        probe();
      } catch (err) {
        const errcode = (err as { errcode?: unknown }).errcode;
        if (!dir || typeof errcode !== 'number' || !REOPEN_ON.has(errcode & 0xff) || raw.isTransaction)
          throw err;
        // Open the new connection before closing the old: if the file cannot be opened at all,
        // the old one (read-only, perhaps) still serves reads.
        const fresh = connect(file);
        cache.clear();
        raw.close();
        raw = fresh;
        checkpointer?.reconnected();
        probe();
      }
    },
  };
}
