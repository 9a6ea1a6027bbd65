import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

/**
 * Copies a SQLite WAL back into the database file, on a thread of its own (see wal-checkpointer.ts).
 * PASSIVE never waits for the app's connection and never blocks it: it copies what it can and the
 * next round does the rest.
 */
const { file, intervalMs } = workerData as { file: string; intervalMs: number };
const db = new DatabaseSync(file);
db.exec('PRAGMA synchronous = NORMAL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

function round(): void {
  try {
    checkpoint.get();
  } catch (err) {
    // SQLITE_BUSY (another checkpoint running) is nothing; anything else is reported to the owner.
    const code = (err as { errcode?: number }).errcode;
    if (code !== 5) parentPort?.postMessage({ error: String(err) });
  }
}

const timer = setInterval(round, intervalMs);
parentPort?.on('message', (m: unknown) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  round();
  db.close();
  process.exit(0); // ends this thread only
});
parentPort?.postMessage({ ready: true });
