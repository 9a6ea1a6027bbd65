import { Worker } from 'node:worker_threads';
import type { InboundMessage } from '../contract.ts';
import { ChannelError } from '../contract.ts';

/** How long a new worker may take to load the parser, on top of a job's own limit. */
const STARTUP_MS = 30_000;

type Reply =
  | { ready: true }
  | { id: number; ok: true; msg: InboundMessage }
  | { id: number; ok: false; error: string };

interface Job {
  raw: Uint8Array;
  resolve: (m: InboundMessage) => void;
  reject: (err: unknown) => void;
}

/**
 * MIME parsing on a worker thread. Parsing is the largest single part of an inbound e-mail's cost,
 * and a message built to be slow (deep nesting, a huge attachment) would otherwise hold the one
 * event loop that serves every officer. Here it runs beside the server: with a time limit (past it
 * the worker is replaced and the item fails, to be retried by the sweep and finally listed for an
 * administrator) and a memory ceiling of its own. One worker: the server itself needs the other core.
 */
export class ParsePool {
  private worker: Worker | null = null;
  private readonly jobs = new Map<number, Job>();
  private readonly queue: number[] = [];
  private current: { id: number; timer: NodeJS.Timeout } | null = null;
  private seq = 0;
  /** The worker has loaded the parser (start-up is not a message's parsing time). */
  private ready = false;
  private closed = false;
  private readonly timeoutMs: number;
  private readonly maxMemoryMb: number;

  private readonly workerUrl: URL;

  constructor(opts: { timeoutMs?: number; maxMemoryMb?: number; workerUrl?: URL } = {}) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.maxMemoryMb = opts.maxMemoryMb ?? 512;
    // Another worker module speaking the same messages (the tests' one that hangs on cue).
    this.workerUrl = opts.workerUrl ?? new URL('./parse-worker.ts', import.meta.url);
  }

  /** The adapter's parseInbound, run on the worker. */
  readonly parse = (raw: Uint8Array): Promise<InboundMessage> => {
    if (this.closed) return Promise.reject(new ChannelError('retryable', 'the parser is shut down'));
    return new Promise((resolve, reject) => {
      const id = ++this.seq;
      this.jobs.set(id, { raw, resolve, reject });
      this.queue.push(id);
      this.next();
    });
  };

  /** One job at a time, so that the time limit is the job's own and not its queue's. */
  private next(): void {
    if (this.current || !this.queue.length || this.closed) return;
    const id = this.queue.shift()!;
    const job = this.jobs.get(id)!;
    const worker = this.spawn();
    // A worker still loading gets its start-up time on top; its clock restarts when it is ready.
    this.current = { id, timer: this.clock(this.ready ? this.timeoutMs : this.timeoutMs + STARTUP_MS) };
    // Copied into a buffer of its own and transferred: a structured clone of a view copies the
    // whole memory behind it (a message's bytes are often a slice of a much larger buffer), which
    // was a tenth of the event loop's time in the e-mail ingest.
    const raw = new Uint8Array(job.raw);
    worker.postMessage({ id, raw }, [raw.buffer]);
  }

  private clock(ms: number): NodeJS.Timeout {
    return setTimeout(
      () => this.lost(new ChannelError('retryable', `parsing took over ${this.timeoutMs} ms`)),
      ms,
    );
  }

  private spawn(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.workerUrl, {
      resourceLimits: { maxOldGenerationSizeMb: this.maxMemoryMb },
    });
    this.ready = false;
    w.unref();
    w.on('message', (r: Reply) => {
      if ('ready' in r) {
        this.ready = true;
        if (this.current) {
          clearTimeout(this.current.timer);
          this.current.timer = this.clock(this.timeoutMs);
        }
        return;
      }
      const job = this.jobs.get(r.id);
      if (this.current?.id === r.id) {
        clearTimeout(this.current.timer);
        this.current = null;
      }
      this.jobs.delete(r.id);
      if (job) {
        if (r.ok) job.resolve(r.msg);
        else job.reject(new Error(r.error));
      }
      this.next();
    });
    w.on('error', (err) => this.lost(err));
    w.on('exit', () => {
      if (this.worker === w) {
        this.worker = null;
        if (this.current) this.lost(new ChannelError('retryable', 'the parser stopped'));
      }
    });
    this.worker = w;
    return w;
  }

  /** The job in hand failed with the worker (a time-out, out of memory, a crash): replace the worker. */
  private lost(err: unknown): void {
    const w = this.worker;
    this.worker = null;
    if (this.current) {
      clearTimeout(this.current.timer);
      const job = this.jobs.get(this.current.id);
      this.jobs.delete(this.current.id);
      this.current = null;
      job?.reject(err);
    }
    void w?.terminate();
    this.next();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [id, job] of this.jobs) {
      this.jobs.delete(id);
      job.reject(new ChannelError('retryable', 'the parser is shut down'));
    }
    if (this.current) clearTimeout(this.current.timer);
    this.current = null;
    this.queue.length = 0;
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }
}
