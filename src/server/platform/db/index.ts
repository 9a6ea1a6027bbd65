import fs from 'node:fs';
import path from 'node:path';
import { Kysely, SqliteAdapter, SqliteDialect } from 'kysely';
import pg from 'pg';
import { type DbTimeouts, loadConfig } from '../config.ts';
import { AppError } from '../errors.ts';
import { classifyDbError } from './errors.ts';
import { ScopedPostgresDialect } from './pg-introspector.ts';
import type { Database } from './schema.ts';
import { openSqlite, type SqliteHandle } from './sqlite-driver.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
  /**
   * Resolves when the database answers and could take a write, within timeoutMs; otherwise throws
   * a `service.unavailable` AppError saying why (for /health).
   */
  ping(timeoutMs: number): Promise<void>;
  /** Where the database layer reports what no request answers for (a lost connection, a transaction retried). */
  log?: (message: string, err: unknown) => void;
  /** PostgreSQL: how to open a dedicated connection outside the pool (LISTEN for realtime). */
  pgClientConfig?: pg.ClientConfig;
  /**
   * PostgreSQL: one connection without the requests' statement and read timeouts, for migrations
   * (a backfill over a centre's cases takes minutes). The caller destroys it.
   */
  openMigrationDb?(): Kysely<Database>;
}

export type Executor = Kysely<Database>;

const PG_INT8 = 20;
const PG_NUMERIC = 1700;
const PG_TIMESTAMPTZ = 1184;
const PG_TIMESTAMP = 1114;

/** Same wire shapes from both databases: numbers for counts, ISO-8601 UTC strings for instants. */
function pgTypeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === PG_INT8 || oid === PG_NUMERIC) return (v) => Number(v);
  if (oid === PG_TIMESTAMPTZ) return (v) => new Date(v).toISOString();
  if (oid === PG_TIMESTAMP) return (v) => new Date(`${v}Z`).toISOString();
  return pg.types.getTypeParser(oid, format as 'text');
}

export interface OpenOptions {
  databaseUrl?: string | undefined;
  sqliteFile?: string;
  /** PostgreSQL schema to use (tests isolate each suite in its own). Created when missing. */
  pgSchema?: string;
  poolSize?: number;
  /** Defaults: the configuration's defaults (connect 3 s, statement 15 s). */
  timeouts?: DbTimeouts;
  /** PostgreSQL application_name, shown in pg_stat_activity (tests terminate only their own). */
  applicationName?: string;
  /** Where connection losses outside any request are reported; default one line on stderr. */
  log?: (message: string, err: unknown) => void;
}

/**
 * SQLite runs DDL inside transactions, but Kysely's adapter says it cannot, so its migrator ran
 * each migration bare: a start killed halfway left a half-applied migration, and every later start
 * failed on "duplicate column". With this the pending migrations apply all at once or not at all.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class FrontlineSqliteDialect extends SqliteDialect {
  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

const logToStderr = (message: string, err: unknown): void => {
  console.error(`[db] ${message}: ${err instanceof Error ? err.message : String(err)}`);
};

/** Reject with `onTimeout()` when `work` takes longer than ms (the work itself is not cancelled). */
async function within<T>(ms: number, work: Promise<T>, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const down = (dialect: Dialect, err: unknown): AppError =>
  new AppError(
    'service.unavailable',
    `The database (${dialect}) is down: ${classifyDbError(err)?.detail ?? (err instanceof Error ? err.message : String(err))}`,
  );

/**
 * Keep the process alive when PostgreSQL goes away (restart, failover, pg_terminate_backend, a
 * reset): node-postgres emits 'error' on the pool for an idle connection and on the client for a
 * checked-out one, and an 'error' event nobody listens to ends the process. The query running
 * on a checked-out client fails on its own and its request answers 503, so the client listener
 * only has to exist. A client-side read timeout leaves the connection waiting for an answer that
 * may never come (a partition): end it, so the pool drops it instead of handing it out again, and
 * end the idle ones too — they cross the same silent network, and each would hold its next
 * request for the whole read timeout; a fresh connection fails (or succeeds) within the connect
 * timeout instead.
 */
function guardPool(pool: pg.Pool, log: (message: string, err: unknown) => void): void {
  const idle = new Set<pg.PoolClient>();
  pool.on('release', (_err, client) => idle.add(client));
  pool.on('acquire', (client) => idle.delete(client));
  pool.on('remove', (client) => idle.delete(client as pg.PoolClient));
  pool.on('error', (err) => log('an idle database connection was lost', err));
  pool.on('connect', (client) => {
    client.on('error', () => {});
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: typeof query }).query = (...args: unknown[]) => {
      const result = query(...args);
      if (result instanceof Promise) {
        result.catch((err: unknown) => {
          if (!(err instanceof Error) || err.message !== 'Query read timeout') return;
          log(`a database query timed out; closing its connection and ${idle.size} idle ones`, err);
          client.end().catch(() => {});
          // Reported as an idle client's error, the one way pg-pool takes a client out of its
          // idle list (ended behind its back, it would still be handed out once, and fail).
          for (const c of idle)
            c.emit('error', new Error('idle connection closed: the network to the database went silent'));
          idle.clear();
        });
      }
      return result;
    };
  });
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  const t = opts.timeouts ?? loadConfig({}).db;
  const log = opts.log ?? logToStderr;
  if (opts.databaseUrl) {
    // Every connection carries the timeouts: none may wait forever on a silent network.
    const connection = {
      connectionString: opts.databaseUrl,
      application_name: opts.applicationName ?? 'frontline',
      connectionTimeoutMillis: t.connectTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
      ...(opts.pgSchema ? { options: `-c search_path="${opts.pgSchema}"` } : {}),
    } satisfies pg.ClientConfig;
    if (opts.pgSchema) {
      const c = new pg.Client(connection);
      c.on('error', () => {});
      await c.connect();
      await c.query(`CREATE SCHEMA IF NOT EXISTS "${opts.pgSchema}"`);
      await c.end();
    }
    const pool = new pg.Pool({
      ...connection,
      max: opts.poolSize ?? 10,
      idleTimeoutMillis: t.idleTimeoutMs,
      ...(t.statementTimeoutMs ? { statement_timeout: t.statementTimeoutMs } : {}),
      ...(t.queryTimeoutMs ? { query_timeout: t.queryTimeoutMs } : {}),
      types: { getTypeParser: pgTypeParser as typeof pg.types.getTypeParser },
    });
    guardPool(pool, log);
    const db = new Kysely<Database>({ dialect: new ScopedPostgresDialect({ pool }) });
    const pgClientConfig: pg.ClientConfig = connection;
    const ping = async (timeoutMs: number): Promise<void> => {
      const fail = () => new Error(`no answer within ${timeoutMs} ms`);
      try {
        const client = await within(timeoutMs, pool.connect(), fail);
        try {
          // Its own read timeout, so a probe into a partition frees its connection in time.
          const probe: pg.QueryConfig & { query_timeout: number } = {
            text: 'select 1',
            query_timeout: timeoutMs,
          };
          await client.query(probe);
        } finally {
          client.release();
        }
      } catch (err) {
        throw down('postgres', err);
      }
    };
    // pool.end() waits for each connection's goodbye, which one cut off by a partition never
    // sends: a shutdown (SIGTERM) must not hang on it.
    const close = () =>
      within(
        t.connectTimeoutMs,
        db.destroy(),
        () => new Error('the database did not acknowledge the close'),
      ).catch((err: unknown) => log('closing the database pool', err));
    const openMigrationDb = () =>
      new Kysely<Database>({
        dialect: new ScopedPostgresDialect({
          pool: new pg.Pool({
            ...connection,
            max: 1,
            types: { getTypeParser: pgTypeParser as typeof pg.types.getTypeParser },
          }),
        }),
      });
    return { db, dialect: 'postgres', close, ping, log, pgClientConfig, openMigrationDb };
  }
  const file = opts.sqliteFile ?? ':memory:';
  // Owner-only: the database holds personal data. SQLite gives its -wal and -shm files the
  // database file's mode, so creating that one 0600 covers all three.
  if (file !== ':memory:') {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Create only ('wx'): an existing database may be read-only, and /health is what reports that.
    try {
      fs.closeSync(fs.openSync(file, 'wx', 0o600));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const sqlite: SqliteHandle = openSqlite(file);
  const db = new Kysely<Database>({ dialect: new FrontlineSqliteDialect({ database: sqlite }) });
  const ping = async (_timeoutMs: number): Promise<void> => {
    try {
      // Through Kysely's connection, so the probe's transaction never interleaves with a request's.
      await db.connection().execute(async () => sqlite.probeWritable());
    } catch (err) {
      throw down('sqlite', err);
    }
  };
  return { db, dialect: 'sqlite', close: () => db.destroy(), ping, log };
}
