import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Db, type Dialect, openDb } from '../../src/server/platform/db/index.ts';
import { migrateToLatest } from '../../src/server/platform/db/migrate.ts';

export const PG_URL = process.env.FRONTLINE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let pgAvailable: Promise<boolean> | undefined;
async function probePg(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

/**
 * The databases every store test runs on. PostgreSQL missing locally is reported loudly and
 * skipped; in CI (CI=true) it fails the run.
 */
export async function dialects(): Promise<Dialect[]> {
  pgAvailable ??= probePg();
  if (await pgAvailable) return ['sqlite', 'postgres'];
  const msg = `\n!!! PostgreSQL is not reachable at ${PG_URL}: PostgreSQL tests are NOT running !!!\n`;
  if (process.env.CI) throw new Error(msg);
  console.warn(msg);
  return ['sqlite'];
}

/** A fresh, migrated database: in-memory SQLite, or a throw-away schema on PostgreSQL. */
export async function openTestDb(dialect: Dialect): Promise<Db> {
  if (dialect === 'sqlite') {
    const store = await openDb({ sqliteFile: ':memory:' });
    await migrateToLatest(store);
    return store;
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const store = await openDb({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 4 });
  await migrateToLatest(store);
  return {
    ...store,
    close: async () => {
      await store.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}
