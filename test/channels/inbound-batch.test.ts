import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sql } from 'kysely';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { mail } from '../helpers/mail.ts';

/**
 * The inbound chain's group commit (issue 13, Benchmark): items arriving together are stored in one
 * transaction and processed in one, each in a savepoint of its own — so one bad item must roll back
 * alone — and the transports are held back while the backlog is long.
 */
async function setup(t: TestApp) {
  const box = await t.services.mailboxes.create(SYSTEM_ACTOR, {
    address: 'billing@centre.example',
    displayName: 'Billing Support',
    inbound: 'smtp',
    teamId: t.team.id,
    options: { acknowledge: false },
  });
  const store = (raw: Buffer) =>
    t.services.inbound.store({ channel: 'email', raw, transport: 'smtp', endpointId: box.id });
  return { box, store };
}

/** A database trigger that refuses the message with this subject: a failure deep inside one item's chain. */
async function poison(t: TestApp, subject: string) {
  if (t.ctx.store.dialect === 'sqlite') {
    await sql
      .raw(
        `CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.subject = '${subject}' BEGIN SELECT RAISE(ABORT, 'poisoned'); END`,
      )
      .execute(t.ctx.store.db);
  } else {
    await sql
      .raw(
        `CREATE FUNCTION poison() RETURNS trigger AS $$ BEGIN IF NEW.subject = '${subject}' THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql;
         CREATE TRIGGER poison BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION poison();`,
      )
      .execute(t.ctx.store.db);
  }
}

for (const dialect of await dialects()) {
  describe(`inbound batches on ${dialect}`, () => {
    test('ten items at once: stored together, processed together; the one that fails rolls back alone and waits for the sweep', async () => {
      const t = await makeTestApp(dialect);
      try {
        const { store } = await setup(t);
        await poison(t, 'Poisoned subject');
        const raws = Array.from({ length: 10 }, (_, i) =>
          mail({
            from: `customer${i}@customer.example`,
            subject: i === 4 ? 'Poisoned subject' : `Question ${i}`,
            messageId: `batch-${i}@customer.example`,
          }),
        );
        // The same item twice in the same batch is still one row.
        const stored = await Promise.all([...raws, raws[0]!].map(store));
        assert.equal(new Set(stored.map((s) => s.rawId)).size, 10);
        assert.deepEqual(
          stored.map((s) => s.duplicate),
          [...Array(10).fill(false), true],
        );
        const results = await Promise.allSettled(
          stored.slice(0, 10).map((s) => t.services.inbound.process(s.rawId)),
        );
        assert.deepEqual(
          results.map((r) => r.status),
          results.map((_, i) => (i === 4 ? 'rejected' : 'fulfilled')),
        );
        const messages = await t.ctx.store.db.selectFrom('messages').select(['subject', 'case_id']).execute();
        assert.equal(messages.length, 9);
        assert.ok(!messages.some((m) => m.subject === 'Poisoned subject'));
        assert.equal(new Set(messages.map((m) => m.case_id)).size, 9);
        // Nothing of the failed item's chain survived: no case, contact or customer for its sender.
        const cases = await t.ctx.store.db.selectFrom('cases').select('subject').execute();
        assert.equal(cases.length, 9);
        const poisoned = await t.services.inbound.rawRow(stored[4]!.rawId);
        assert.equal(poisoned?.state, 'received');
        assert.equal(poisoned?.attempts, 1);
        assert.match(poisoned?.last_error ?? '', /poisoned/);
        // Once the cause is gone, the sweep makes it one message.
        await sql
          .raw(`DROP TRIGGER poison${dialect === 'postgres' ? ' ON messages' : ''}`)
          .execute(t.ctx.store.db);
        assert.equal(await t.services.inbound.processPending(), 1);
        assert.equal((await t.ctx.store.db.selectFrom('messages').select('id').execute()).length, 10);
      } finally {
        await t.close();
      }
    });

    test('backpressure: with a long backlog a transport is asked to wait, and let go as it shrinks', async () => {
      const t = await makeTestApp(dialect);
      try {
        const { store } = await setup(t);
        const stored = await Promise.all(
          Array.from({ length: 80 }, (_, i) =>
            store(mail({ from: `p${i}@customer.example`, messageId: `bp-${i}@customer.example` })),
          ),
        );
        // Nothing queued: admitted at once.
        const early = await Promise.race([t.services.inbound.admit().then(() => 'admitted'), tick()]);
        assert.equal(early, 'admitted');
        let done = 0;
        const all = Promise.all(stored.map((s) => t.services.inbound.process(s.rawId).then(() => done++)));
        const waiting = await Promise.race([t.services.inbound.admit().then(() => 'admitted'), tick()]);
        assert.equal(waiting, 'waiting', '80 items queued: the transport must wait');
        await t.services.inbound.admit();
        assert.ok(done >= stored.length - 64, 'let go only once the backlog is under the limit');
        assert.ok(done < stored.length, 'let go before the whole backlog is done');
        await all;
        assert.equal((await t.ctx.store.db.selectFrom('messages').select('id').execute()).length, 80);
      } finally {
        await t.close();
      }
    });
  });
}

/** Resolves with 'waiting' after the current turn's immediate callbacks. */
const tick = () => new Promise<string>((r) => setImmediate(() => r('waiting')));
