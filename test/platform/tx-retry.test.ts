import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { fixedClock } from '../../src/server/platform/clock.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import { type Ctx, tx } from '../../src/server/platform/context.ts';
import { type Executor, openDb } from '../../src/server/platform/db/index.ts';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { emit } from '../../src/server/platform/outbox.ts';
import { TX_ATTEMPTS, txRetries } from '../../src/server/platform/tx-retry.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';

/**
 * tx() runs a whole transaction again when the database rolled it back to break a tie (a
 * PostgreSQL deadlock or serialization failure, SQLite's stale snapshot), at most TX_ATTEMPTS
 * times; anything else fails at once. What the transaction wrote (outbox events, an
 * Idempotency-Key) is there exactly once.
 */
for (const dialect of await dialects()) {
  describe(`tx() retry (${dialect})`, () => {
    let t: TestApp;
    const logged: string[] = [];
    before(async () => {
      t = await makeTestApp(dialect);
      t.ctx.store.log = (message) => logged.push(message);
    });
    after(() => t.close());

    const bump = (trx: Executor, name: string) =>
      trx
        .updateTable('counters')
        .set((eb) => ({ value: eb('value', '+', 1) }))
        .where('name', '=', name)
        .execute();
    const counter = async (name: string) =>
      Number(
        (
          await t.ctx.store.db
            .selectFrom('counters')
            .select('value')
            .where('name', '=', name)
            .executeTakeFirstOrThrow()
        ).value,
      );

    test('an error that is not a deadlock runs once and fails', async () => {
      const retries = txRetries(t.ctx.store);
      await t.ctx.store.db.insertInto('counters').values({ name: 'tx-retry.unique', value: 0 }).execute();
      let runs = 0;
      await assert.rejects(
        tx(t.ctx, async (trx) => {
          runs++;
          await trx.insertInto('counters').values({ name: 'tx-retry.unique', value: 1 }).execute();
        }),
        (err: { code?: string; message?: string }) =>
          err.code === '23505' || /UNIQUE constraint/.test(err.message ?? ''),
      );
      assert.equal(runs, 1);
      runs = 0;
      await assert.rejects(
        tx(t.ctx, async () => {
          runs++;
          throw new Error('a bug');
        }),
        /a bug/,
      );
      assert.equal(runs, 1);
      assert.equal(txRetries(t.ctx.store), retries);
      assert.equal(await counter('tx-retry.unique'), 0);
    });

    test(`a deadlock every time is tried ${TX_ATTEMPTS} times, then fails with it`, async () => {
      const retries = txRetries(t.ctx.store, '40P01');
      let runs = 0;
      await assert.rejects(
        tx(t.ctx, async () => {
          runs++;
          throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        }),
        { code: '40P01' },
      );
      assert.equal(runs, TX_ATTEMPTS);
      assert.equal(txRetries(t.ctx.store, '40P01'), retries + TX_ATTEMPTS - 1);
    });

    if (dialect === 'postgres') {
      test('two transactions locking two rows in opposite order both complete, each written once', async () => {
        await t.ctx.store.db
          .insertInto('counters')
          .values([
            { name: 'tx-retry.a', value: 0 },
            { name: 'tx-retry.b', value: 0 },
          ])
          .execute();
        const retries = txRetries(t.ctx.store, '40P01');
        logged.length = 0;
        // Each takes its first row, waits until the other has its own, then asks for the other's:
        // PostgreSQL rolls one back (40P01) and the other commits; tx() runs the loser again.
        let arrived = 0;
        let bothHold!: () => void;
        const holding = new Promise<void>((ok) => {
          bothHold = ok;
        });
        const runs: string[] = [];
        let committed = 0;
        const lockBoth = async (first: string, second: string) => {
          const r = await tx(t.ctx, async (trx) => {
            runs.push(first);
            await bump(trx, `tx-retry.${first}`);
            if (++arrived === 2) bothHold();
            await holding;
            await bump(trx, `tx-retry.${second}`);
            await emit(trx, t.ctx.clock.now().toISOString(), 'test.tx_retried', { id: first });
            return first;
          });
          committed++; // what the caller does after commit
          return r;
        };
        const out = await Promise.all([lockBoth('a', 'b'), lockBoth('b', 'a')]);
        assert.deepEqual(out, ['a', 'b']);
        assert.equal(committed, 2);
        assert.equal(runs.length, 3, `runs: ${runs.join(', ')}`);
        assert.equal(txRetries(t.ctx.store, '40P01'), retries + 1);
        assert.equal(logged.length, 1);
        assert.match(logged[0]!, /deadlock_detected \(40P01\).*attempt 2 of 3/);
        // Each row bumped once by each transaction; each event written once.
        assert.equal(await counter('tx-retry.a'), 2);
        assert.equal(await counter('tx-retry.b'), 2);
        const events = await t.ctx.store.db
          .selectFrom('outbox')
          .select('payload')
          .where('name', '=', 'test.tx_retried')
          .execute();
        assert.deepEqual(events.map((e) => parseJson<{ id?: string }>(e.payload, {}).id).sort(), ['a', 'b']);
      });

      test('a request whose Idempotency-Key write hit a deadlock is retried and keeps its key', async () => {
        // PostgreSQL itself raises 40P01 on the first key written (a sequence survives the rollback).
        await sql`create sequence tx_retry_once`.execute(t.ctx.store.db);
        await sql
          .raw(`create function tx_retry_fail_once() returns trigger language plpgsql as $$
            begin
              if nextval('tx_retry_once') = 1 then
                raise exception 'deadlock detected (simulated)' using errcode = '40P01';
              end if;
              return new;
            end $$`)
          .execute(t.ctx.store.db);
        await sql`create trigger tx_retry_fail_once before insert on idempotency_keys
          for each row execute function tx_retry_fail_once()`.execute(t.ctx.store.db);
        try {
          const retries = txRetries(t.ctx.store, '40P01');
          const customers = async () =>
            Number(
              (
                await t.ctx.store.db
                  .selectFrom('customers')
                  .select((eb) => eb.fn.countAll().as('n'))
                  .executeTakeFirstOrThrow()
              ).n,
            );
          const before = await customers();
          const body = { displayName: 'Retried Customer', phones: [], emails: [] };
          const headers = { 'idempotency-key': 'tx-retry-customer' };
          const first = await t.call('officer', 'POST', '/api/v1/customers', body, headers);
          assert.equal(first.statusCode, 201, first.body);
          assert.equal(txRetries(t.ctx.store, '40P01'), retries + 1);
          const again = await t.call('officer', 'POST', '/api/v1/customers', body, headers);
          assert.equal(again.statusCode, 201, again.body);
          assert.equal(again.headers['idempotent-replayed'], 'true');
          assert.equal(again.data.id, first.data.id);
          assert.equal((await customers()) - before, 1);
        } finally {
          await sql`drop trigger tx_retry_fail_once on idempotency_keys`.execute(t.ctx.store.db);
        }
      });
    }
  });
}

describe('tx() retry on SQLite after another process wrote (SQLITE_BUSY_SNAPSHOT)', () => {
  test('the transaction whose snapshot went stale runs again and commits', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-tx-retry-'));
    const file = path.join(dir, 'db.sqlite');
    const logged: string[] = [];
    const store = await openDb({ sqliteFile: file, log: (message) => logged.push(message) });
    // Another process on the same file: `frontline user add` beside a running server.
    const other = new DatabaseSync(file);
    try {
      await sql`create table probe (id integer primary key, who text)`.execute(store.db);
      other.exec('PRAGMA busy_timeout = 1000');
      const ctx: Ctx = {
        store,
        clock: fixedClock('2026-11-23T09:00:00.000Z'),
        config: loadConfig({ FRONTLINE_DATA_DIR: dir }),
      };
      let runs = 0;
      await tx(ctx, async (trx) => {
        runs++;
        await sql`select count(*) from probe`.execute(trx);
        // The first attempt's snapshot is now older than the file: its first write is refused.
        if (runs === 1) other.exec(`insert into probe (who) values ('other process')`);
        await sql`insert into probe (who) values ('server')`.execute(trx);
      });
      assert.equal(runs, 2);
      assert.equal(txRetries(store, 'SQLITE_BUSY_SNAPSHOT'), 1);
      assert.match(logged.join('\n'), /SQLITE_BUSY_SNAPSHOT/);
      const rows = await sql<{ who: string }>`select who from probe order by id`.execute(store.db);
      assert.deepEqual(
        rows.rows.map((r) => r.who),
        ['other process', 'server'],
      );
    } finally {
      other.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
