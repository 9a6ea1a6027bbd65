import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import pg from 'pg';
import { loadConfig } from '../../src/server/platform/config.ts';
import { openDb } from '../../src/server/platform/db/index.ts';
import { migrateToLatest } from '../../src/server/platform/db/migrate.ts';
import { dialects, PG_URL } from '../helpers/db.ts';

const onPg = (await dialects()).includes('postgres');

// CI once failed with `schema "t_…" does not exist` while migrating: Kysely's stock introspector
// resolved every schema by name while other test files dropped theirs. Migrating must only look
// at its own schema, whatever happens to the others.
describe('migrations on PostgreSQL beside schemas being dropped', { skip: !onPg }, () => {
  test('five migrations in a row succeed while 40 other schemas are created and dropped', async () => {
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const others = Array.from({ length: 40 }, () => `t_churn_${randomBytes(5).toString('hex')}`);
    const mine: string[] = [];
    try {
      let stop = false;
      const churn = (async () => {
        let i = 0;
        while (!stop) {
          const s = others[i++ % others.length] as string;
          await admin.query(`CREATE SCHEMA IF NOT EXISTS "${s}"`);
          await admin.query(`CREATE TABLE IF NOT EXISTS "${s}".x (id serial primary key, a text, b text)`);
          await admin.query(`DROP SCHEMA "${s}" CASCADE`);
        }
      })();
      try {
        for (let round = 0; round < 5; round++) {
          const schema = `t_${randomBytes(6).toString('hex')}`;
          mine.push(schema);
          const store = await openDb({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 2 });
          try {
            const ran = await migrateToLatest(store);
            assert.ok(ran.length >= 4, `all migrations ran in ${schema}`);
            assert.deepEqual(await migrateToLatest(store), [], 'a second run finds nothing to do');
          } finally {
            await store.close();
          }
        }
      } finally {
        stop = true;
        await churn;
      }
    } finally {
      for (const s of [...others, ...mine]) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
      await admin.end();
    }
  });
});

// A migration rewrites whole tables (backfilling a million cases takes minutes), far past the 15 s
// a request's statement may run: the requests' statement_timeout must not apply to migrations.
describe('migrations are not cut short by the statement timeout', { skip: !onPg }, () => {
  test('every migration runs on a pool whose statements and reads may last 1 ms', async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const store = await openDb({
      databaseUrl: PG_URL,
      pgSchema: schema,
      poolSize: 2,
      timeouts: { ...loadConfig({}).db, statementTimeoutMs: 1, queryTimeoutMs: 1 },
    });
    try {
      const ran = await migrateToLatest(store);
      assert.ok(ran.length >= 10, 'every migration ran');
    } finally {
      await store.close();
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    }
  });
});
