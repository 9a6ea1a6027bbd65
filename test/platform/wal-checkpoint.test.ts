import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqlite, type SqliteHandle } from '../../src/server/platform/db/sqlite-driver.ts';

/**
 * A busy SQLite file has its WAL checkpointed by a worker thread (wal-checkpointer.ts), so that no
 * COMMIT on the event loop copies the WAL into the database and syncs it. (SQLite only.)
 */
function scratch(): { file: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-wal-'));
  return {
    file: path.join(dir, 'db.sqlite'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Commits through the handle the way Kysely does (prepare('begin') … prepare('commit')). */
function writeCommits(h: SqliteHandle, n: number): void {
  for (let i = 0; i < n; i++) {
    h.prepare('begin').run([]);
    h.prepare('insert into t (v) values (?)').run([`${i}-${'x'.repeat(3000)}`]);
    h.prepare('commit').run([]);
  }
}

const autoCheckpoint = (h: SqliteHandle) =>
  Number(Object.values(h.raw.prepare('PRAGMA wal_autocheckpoint').get() ?? {})[0]);
const walBytes = (file: string) => (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await sleep(20);
  }
  assert.fail(`not within 2 s: ${what}`);
}

describe('SQLite WAL checkpoints on a worker thread', () => {
  test('a busy file: the worker takes over, the database file grows while the app connection never checkpoints', async () => {
    const s = scratch();
    const h = openSqlite(s.file);
    try {
      h.raw.exec('create table t (id integer primary key, v text)');
      assert.equal(autoCheckpoint(h), 1000, 'SQLite checkpoints by itself at first');
      writeCommits(h, 150);
      assert.equal(h.checkpointer?.active, false, 'no worker for a quiet database');
      writeCommits(h, 60); // past 200 commits
      await until(() => h.checkpointer?.active === true, 'the worker is ready');
      assert.equal(autoCheckpoint(h), 0, 'the app connection no longer checkpoints');
      const before = fs.statSync(s.file).size;
      writeCommits(h, 2000); // ~6 MB of WAL: past SQLite's own 1,000-page threshold
      // Without the worker the database file would stay as it was (the automatic checkpoint is off).
      await until(
        () => fs.statSync(s.file).size > before + 3_000_000,
        'the worker copied the WAL into the file',
      );
      assert.equal(Number(Object.values(h.raw.prepare('select count(*) from t').get() ?? {})[0]), 2210);
    } finally {
      h.close();
      s.remove();
    }
  });

  test('a worker that cannot run hands checkpoints back to the app connection', async () => {
    const s = scratch();
    const h = openSqlite(s.file);
    try {
      h.raw.exec('create table t (id integer primary key, v text)');
      writeCommits(h, 210);
      await until(() => h.checkpointer?.active === true, 'the worker is ready');
      // The worker dies (as a crash would end it): SQLite checkpoints by itself again.
      (h.checkpointer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
      await until(() => h.checkpointer?.active === false, 'the failure is seen');
      assert.equal(autoCheckpoint(h), 1000);
      writeCommits(h, 4000); // ~12 MB: without SQLite's own checkpoint the WAL would hold all of it
      assert.ok(walBytes(s.file) < 8_000_000, `the WAL is checkpointed again (${walBytes(s.file)} bytes)`);
    } finally {
      h.close();
      s.remove();
    }
  });

  test('an in-memory database has none', () => {
    const h = openSqlite(':memory:');
    assert.equal(h.checkpointer, null);
    h.close();
  });
});
