import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import type { Worker } from 'node:worker_threads';
import { parseMail } from '../../src/server/channels/email/parse.ts';
import { ParsePool } from '../../src/server/channels/email/parse-pool.ts';

const CORPUS = path.join(import.meta.dirname, '../fixtures/mail');
const corpus = (
  JSON.parse(fs.readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as { messages: { file: string }[] }
).messages.map((m) => ({ file: m.file, raw: fs.readFileSync(path.join(CORPUS, m.file)) }));

/** A worker that never answers for a message containing "HANG": a parse that never ends, on cue. */
const HANG_WORKER = new URL('../fixtures/workers/hang-parse-worker.ts', import.meta.url);
const hang = Buffer.from('From: a@customer.example\r\nSubject: HANG\r\n\r\nnever parsed\r\n');

describe('MIME parsing on a worker thread (channels/email/parse-pool.ts)', () => {
  test('every corpus message parses on the worker exactly as on the event loop', async () => {
    const pool = new ParsePool();
    try {
      const onWorker = await Promise.all(corpus.map((m) => pool.parse(m.raw)));
      for (const [i, m] of corpus.entries())
        assert.deepEqual(onWorker[i], await parseMail(m.raw), `${m.file} differs on the worker`);
    } finally {
      await pool.close();
    }
  });

  test("the caller's bytes stay the caller's: a slice of a larger buffer is sent alone and left intact", async () => {
    const pool = new ParsePool();
    try {
      // A message whose bytes are a slice of a much larger buffer, as read from a socket or a row.
      const big = Buffer.alloc(4 << 20);
      const raw = corpus[0]!.raw;
      raw.copy(big, 1000);
      const slice = big.subarray(1000, 1000 + raw.length);
      assert.deepEqual(await pool.parse(slice), await parseMail(raw));
      // Transferring the caller's own memory would have emptied these (a retry parses them again).
      assert.equal(big.length, 4 << 20);
      assert.equal(slice.length, raw.length);
      assert.deepEqual(await pool.parse(slice), await parseMail(raw));
    } finally {
      await pool.close();
    }
  });

  test('a parse past its time limit fails as retryable and the next message is parsed by a new worker', async () => {
    const pool = new ParsePool({ timeoutMs: 300, workerUrl: HANG_WORKER });
    try {
      await assert.rejects(pool.parse(hang), (err: Error & { failure?: string }) => {
        assert.match(err.message, /parsing took over 300 ms/);
        assert.equal(err.failure, 'retryable');
        return true;
      });
      const after = await pool.parse(corpus[1]!.raw);
      assert.deepEqual(after, await parseMail(corpus[1]!.raw));
    } finally {
      await pool.close();
    }
  });

  test('a worker that dies mid-parse fails only the item in hand; the queue behind it is parsed', async () => {
    const pool = new ParsePool({ workerUrl: HANG_WORKER });
    try {
      await pool.parse(corpus[0]!.raw);
      const inHand = pool.parse(hang);
      const queued = pool.parse(corpus[2]!.raw);
      // The worker is private: reached here only to kill it as a crash (or the OOM killer) would.
      await (pool as unknown as { worker: Worker }).worker.terminate();
      await assert.rejects(inHand, /the parser stopped/);
      assert.deepEqual(await queued, await parseMail(corpus[2]!.raw));
    } finally {
      await pool.close();
    }
  });

  test('after close, a parse is refused as retryable (the sweep takes the item up after a restart)', async () => {
    const pool = new ParsePool();
    await pool.close();
    await assert.rejects(pool.parse(corpus[0]!.raw), /shut down/);
  });
});
