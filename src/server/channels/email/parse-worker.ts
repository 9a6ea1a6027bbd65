/**
 * The worker side of ParsePool (parse-pool.ts): parses raw messages off the server's event loop and
 * posts back the channel-neutral InboundMessage (structured-cloned; the pool restores Buffers).
 */
import { parentPort } from 'node:worker_threads';
import { parseMail } from './parse.ts';

const port = parentPort;
if (!port) throw new Error('parse-worker.ts runs only as a worker thread');

// Loaded: from here on a job's time is its own (the pool starts its clock at this).
port.postMessage({ ready: true });

port.on('message', async (job: { id: number; raw: Uint8Array }) => {
  try {
    port.postMessage({ id: job.id, ok: true, msg: await parseMail(job.raw) });
  } catch (err) {
    port.postMessage({ id: job.id, ok: false, error: err instanceof Error ? err.message : String(err) });
  }
});
