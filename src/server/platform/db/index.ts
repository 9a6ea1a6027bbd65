import fs from 'node:fs';
import path from 'node:path';
import { Kysely, SqliteDialect } from 'kysely';
import pg from 'pg';
import { ScopedPostgresDialect } from './pg-introspector.ts';
import type { Database } from './schema.ts';
import { openSqlite } from './sqlite-driver.ts';

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
  /** PostgreSQL: how to open a dedicated connection outside the pool (LISTEN for realtime). */
  pgClientConfig?: pg.ClientConfig;
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
}

export async function openDb(opts: OpenOptions): Promise<Db> {
  if (opts.databaseUrl) {
    if (opts.pgSchema) {
      const c = new pg.Client({ connectionString: opts.databaseUrl });
      await c.connect();
      await c.query(`CREATE SCHEMA IF NOT EXISTS "${opts.pgSchema}"`);
      await c.end();
    }
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      types: { getTypeParser: pgTypeParser as typeof pg.types.getTypeParser },
      ...(opts.pgSchema ? { options: `-c search_path="${opts.pgSchema}"` } : {}),
    });
    const db = new Kysely<Database>({ dialect: new ScopedPostgresDialect({ pool }) });
    const pgClientConfig: pg.ClientConfig = {
      connectionString: opts.databaseUrl,
      ...(opts.pgSchema ? { options: `-c search_path="${opts.pgSchema}"` } : {}),
    };
    return { db, dialect: 'postgres', close: () => db.destroy(), pgClientConfig };
  }
  const file = opts.sqliteFile ?? ':memory:';
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = openSqlite(file);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
