import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { firstIdAt } from '../../src/server/platform/ids.ts';
import type { Bus } from '../../src/server/platform/realtime/bus.ts';
import { Dispatcher } from '../../src/server/platform/realtime/dispatcher.ts';
import type { Invalidation } from '../../src/server/platform/realtime/hub.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';

/**
 * The dispatcher's claims (issue 14 benchmark). A poke after a write claims, on PostgreSQL, only
 * the events minted in the last few seconds: a published row keeps its index entry under
 * `published_at IS NULL` until VACUUM, and a claim over the whole range read every event published
 * since — the per-message cost grew with the outbox. Older events are the safety poll's (drain):
 * none is left behind, and a full drain asked for while pokes keep the dispatcher busy still runs.
 */
function captureBus() {
  const delivered: Invalidation[] = [];
  const bus: Bus = {
    async publishInTx() {},
    afterCommit: (invs) => delivered.push(...invs),
    start: async () => {},
    close: async () => {},
  };
  return { bus, delivered };
}

const until = async (fn: () => Promise<boolean>, ms = 3000) => {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

for (const dialect of await dialects()) {
  describe(`the dispatcher's claims on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
      await t.services.dispatcher.drain();
    });
    after(() => t.close());

    /** An event written straight into the outbox, its id minted `agoMs` ago (newId never goes back). */
    const event = async (agoMs: number, caseId: string) => {
      const id = `${firstIdAt(Date.now() - agoMs).slice(0, 14)}7000-8000-${randomBytes(6).toString('hex')}`;
      await t.ctx.store.db
        .insertInto('outbox')
        .values({
          id,
          name: 'chat.message_added',
          payload: JSON.stringify({ id: caseId, version: 1 }),
          created_at: new Date().toISOString(),
          published_at: null,
        })
        .execute();
      return id;
    };
    const published = async (id: string) =>
      (
        await t.ctx.store.db
          .selectFrom('outbox')
          .select('published_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).published_at !== null;

    test("a poke claims the write's fresh events; one minted long before is the next full claim's", async () => {
      const cap = captureBus();
      const d = new Dispatcher(t.ctx, cap.bus);
      const old = await event(60_000, 'old');
      const fresh = await event(0, 'fresh');
      d.poke();
      await until(() => published(fresh));
      // On SQLite an updated row leaves nothing behind in the index: a poke claims everything.
      assert.equal(
        await published(old),
        dialect === 'sqlite',
        'the old event waits for a full claim on PostgreSQL',
      );
      assert.equal(await d.drain(), dialect === 'sqlite' ? 0 : 1);
      assert.equal(await published(old), true);
      assert.deepEqual(
        cap.delivered.map((i) => i.id),
        dialect === 'sqlite' ? ['old', 'fresh'] : ['fresh', 'old'],
      );
      await d.close();
    });

    // SQLite has one connection: nothing is written while a claim is held open.
    test('a full drain asked for while a poke is running runs after it', {
      skip: dialect === 'sqlite',
    }, async () => {
      const d = new Dispatcher(t.ctx, captureBus().bus);
      // The poke's claim is held open until the drain has been asked for.
      let release = () => {};
      const held = new Promise<void>((r) => {
        release = r;
      });
      let claiming = () => {};
      const inClaim = new Promise<void>((r) => {
        claiming = r;
      });
      let first = true;
      d.consume(async () => {
        if (!first) return;
        first = false;
        claiming();
        await held;
      });
      await event(0, 'first');
      d.poke();
      await inClaim;
      const old = await event(60_000, 'old, written meanwhile');
      const drained = d.drain();
      release();
      await drained;
      await until(() => published(old));
      await d.close();
    });
  });
}
