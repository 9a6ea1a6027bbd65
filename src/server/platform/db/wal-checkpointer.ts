import { Worker } from 'node:worker_threads';

/**
 * SQLite's automatic checkpoint runs inside the COMMIT that crosses the threshold: it copies the
 * WAL into the database file and syncs it, on the event loop. Ingesting 2,000 e-mails, COMMIT took
 * ~1.5 ms of the loop a message with it and ~0.45 ms without, so a busy file database has its
 * checkpoints made by a worker thread on a connection of its own instead: the app's connection
 * turns its automatic checkpoint off once the worker is ready, and back on if the worker fails.
 *
 * The worker starts only after `after` commits, so the many short-lived databases of tests and
 * command-line runs never spawn one.
 */
export class WalCheckpointer {
  private worker: Worker | null = null;
  private commits = 0;
  private failed = false;
  /** True while the worker makes the checkpoints (the app's connection makes none). */
  active = false;

  private readonly file: string;
  /** Turns the app connection's automatic checkpoint on (true) or off (false). */
  private readonly setAuto: (on: boolean) => void;
  private readonly opts: { after?: number; intervalMs?: number; workerUrl?: URL };

  constructor(
    file: string,
    setAuto: (on: boolean) => void,
    opts: { after?: number; intervalMs?: number; workerUrl?: URL } = {},
  ) {
    this.file = file;
    this.setAuto = setAuto;
    this.opts = opts;
  }

  /** Count a commit; the worker starts at the threshold. */
  committed(): void {
    if (this.worker || this.failed) return;
    if (++this.commits < (this.opts.after ?? 200)) return;
    this.start();
  }

  private start(): void {
    const w = new Worker(this.opts.workerUrl ?? new URL('./wal-checkpoint-worker.ts', import.meta.url), {
      workerData: { file: this.file, intervalMs: this.opts.intervalMs ?? 200 },
    });
    this.worker = w;
    w.unref();
    w.on('message', (m: { ready?: boolean; error?: string }) => {
      if (m.ready && this.worker === w) {
        this.setAuto(false);
        this.active = true;
      } else if (m.error) this.fail();
    });
    w.on('error', () => this.fail());
    w.on('exit', () => {
      if (this.worker === w) this.fail();
    });
  }

  /** The worker is gone or cannot checkpoint: the app's connection checkpoints by itself again. */
  private fail(): void {
    const w = this.worker;
    this.worker = null;
    this.failed = true;
    if (this.active) this.setAuto(true);
    this.active = false;
    w?.terminate().catch(() => {});
  }

  /** A reconnect: the new connection starts with its automatic checkpoint on; off again if the worker runs. */
  reconnected(): void {
    if (this.active) this.setAuto(false);
  }

  /** Stop the worker (it makes a last checkpoint); the connection may be closed right after. */
  stop(): void {
    const w = this.worker;
    this.worker = null;
    this.active = false;
    if (!w) return;
    w.postMessage('stop');
    // Terminating waits for a checkpoint in progress to return; it cannot cut one in half.
    setTimeout(() => w.terminate().catch(() => {}), 2000).unref();
  }
}
