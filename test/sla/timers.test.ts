import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { buildServices } from '../../src/server/app.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { fixedClock } from '../../src/server/platform/clock.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import { type Db, openDb } from '../../src/server/platform/db/index.ts';
import { migrateToLatest } from '../../src/server/platform/db/migrate.ts';
import { dialects, PG_URL } from '../helpers/db.ts';

const WORKER = path.resolve(import.meta.dirname, 'fixtures/timer-worker.ts');
const T0 = '2026-11-23T09:00:00.000Z';
const LATER = '2026-11-23T09:30:00.000Z';
const ALWAYS = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '24:00']]]));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
}
function worker(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [WORKER, ...args], { timeout: 60_000 }, (err, stdout) => {
      const e = err as (Error & { code?: number; signal?: NodeJS.Signals }) | null;
      resolve({ code: e ? (e.code ?? null) : 0, signal: e?.signal ?? null, stdout });
    });
  });
}
const result = (r: Run) =>
  JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { fired: number; owner: string };

/** A database holding `n` cases whose first-response clocks (1 minute, 24/7) are due by LATER. */
async function seed(store: Db, n: number) {
  await migrateToLatest(store);
  const ctx = {
    store,
    clock: fixedClock(T0),
    config: loadConfig({ FRONTLINE_DATA_DIR: '/tmp/frontline-test' }),
  };
  const s = buildServices(ctx);
  const officer = await s.people.createUser(SYSTEM_ACTOR, {
    username: 'officer',
    displayName: 'Officer',
    role: 'officer',
    password: 'correct horse battery',
  });
  const actor = { userId: officer.id, role: 'officer', via: 'token' as const };
  const cal = await s.calendars.create(SYSTEM_ACTOR, { name: '24/7', timeZone: 'UTC', hours: ALWAYS });
  await s.policies.create(SYSTEM_ACTOR, {
    name: 'Fast',
    position: 1,
    calendarId: cal.id,
    conditions: {},
    firstResponseMinutes: 1,
  });
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const contact = await s.contacts.create(actor, { channel: 'phone', direction: 'inbound' });
    ids.push(
      (await s.cases.create(actor, { contactId: contact.id, type: 'general_enquiry', subject: `Q${i}` })).id,
    );
  }
  return ids;
}

async function counts(store: Db) {
  const db = store.db;
  const timers = await db
    .selectFrom('timers')
    .select(['state', 'fired_by'])
    .where('kind', '=', 'sla.breach')
    .execute();
  const events = await db
    .selectFrom('case_events')
    .select('case_id')
    .where('kind', '=', 'sla.breached')
    .execute();
  return {
    pending: timers.filter((t) => t.state === 'pending').length,
    done: timers.filter((t) => t.state === 'done').length,
    breachEvents: events.length,
    casesBreached: new Set(events.map((e) => e.case_id)).size,
    owners: new Set(timers.map((t) => t.fired_by).filter(Boolean)),
  };
}

/** Open the database a test's processes share: a temp SQLite file or a throw-away PostgreSQL schema. */
async function shared(dialect: 'sqlite' | 'postgres') {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-timers-'));
    const file = path.join(dir, 'db.sqlite');
    return {
      target: file,
      open: () => openDb({ sqliteFile: file }),
      drop: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    target: `${PG_URL}#${schema}`,
    open: () => openDb({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 2 }),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await c.end();
    },
  };
}

for (const dialect of await dialects()) {
  describe(`durable timers on ${dialect}`, () => {
    test('killed between claiming and finishing, a timer fires exactly once after restart', async () => {
      const db = await shared(dialect);
      try {
        let store = await db.open();
        await seed(store, 3);
        await store.close();

        const crashed = await worker(['crash', db.target, LATER]);
        assert.equal(crashed.signal, 'SIGKILL', 'the process died without cleaning up');
        assert.match(crashed.stdout, /claimed/);
        store = await db.open();
        let c = await counts(store);
        assert.deepEqual(
          [c.pending, c.done, c.breachEvents],
          [3, 0, 0],
          'nothing of the half-done batch remains',
        );
        await store.close();

        const restarted = await worker(['run', db.target, LATER]);
        assert.equal(restarted.code, 0, restarted.stdout);
        assert.equal(result(restarted).fired, 3);
        const again = await worker(['run', db.target, LATER]);
        assert.equal(result(again).fired, 0, 'a second restart fires nothing');

        store = await db.open();
        c = await counts(store);
        assert.deepEqual([c.pending, c.done, c.breachEvents, c.casesBreached], [0, 3, 3, 3]);
        await store.close();
      } finally {
        await db.drop();
      }
    });
  });
}

describe('durable timers: two app processes on one PostgreSQL', {
  skip: !(await dialects()).includes('postgres'),
}, () => {
  test('no timer fires twice and none is lost', async () => {
    const db = await shared('postgres');
    try {
      let store = await db.open();
      const ids = await seed(store, 150);
      await store.close();
      // Small batches so that the two processes interleave.
      const [a, b] = await Promise.all([
        worker(['run', db.target, LATER, '5']),
        worker(['run', db.target, LATER, '5']),
      ]);
      assert.equal(a.code, 0, a.stdout);
      assert.equal(b.code, 0, b.stdout);
      assert.equal(result(a).fired + result(b).fired, ids.length);
      store = await db.open();
      const c = await counts(store);
      assert.deepEqual([c.pending, c.done, c.breachEvents, c.casesBreached], [0, 150, 150, 150]);
      await store.close();
      console.log(
        `  two processes fired ${result(a).fired} + ${result(b).fired} (owners seen: ${c.owners.size})`,
      );
    } finally {
      await db.drop();
    }
  });
});
