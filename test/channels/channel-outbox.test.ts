import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SendResult } from '../../src/server/channels/contract.ts';
import { ChannelOutbox, type OutboxChannel } from '../../src/server/modules/messages/channel-outbox.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { mail } from '../helpers/mail.ts';

/** The outbox loop alone, with a channel the test plays: what the loop does whatever the adapter. */
function channel(over: Partial<OutboxChannel>): OutboxChannel {
  return {
    channel: 'email',
    noun: 'test message',
    send: async () => ({ providerId: null, response: null }),
    givesUp: () => false,
    sentColumns: () => ({}),
    reportedFirst: [],
    recordHealth: async () => {},
    ...over,
  };
}

/** A case opened by an e-mail, with its acknowledgement queued: one outbound message to send. */
async function queued(t: TestApp, from: string): Promise<string> {
  const box =
    (await t.ctx.store.db.selectFrom('mailboxes').select('id').executeTakeFirst()) ??
    (await t.services.mailboxes.create(SYSTEM_ACTOR, {
      address: 'help@centre.example',
      displayName: 'Help',
      inbound: 'smtp',
      teamId: t.team.id,
    }));
  const r = await t.services.inbound.receive({
    channel: 'email',
    raw: mail({ from, subject: `From ${from}` }),
    transport: 'api',
    endpointId: box.id,
  });
  assert.ok(r.outcome?.result === 'message' && r.outcome.acknowledgementId);
  return r.outcome.acknowledgementId;
}

const row = (t: TestApp, id: string) =>
  t.ctx.store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

for (const dialect of await dialects()) {
  describe(`channel outbox loop on ${dialect}`, () => {
    test('the adapter is called after the claim committed, and a send that hangs is cut off and queued again after the back-off', async () => {
      const t = await makeTestApp(dialect, { clock: fixedClock('2026-11-23T09:00:00.000Z') });
      try {
        const id = await queued(t, 'ana@customer.example');
        let seen: string | undefined;
        const outbox = new ChannelOutbox(
          t.ctx,
          t.services,
          channel({
            send: async (m) => {
              // Read outside the loop's transactions: the claim must be committed before any network call.
              seen = (await row(t, m.id)).state;
              return new Promise<SendResult>(() => {});
            },
          }),
        );
        outbox.sendLimitMs = 50;
        assert.equal(await outbox.drain(), 0);
        assert.equal(seen, 'sending');
        const m = await row(t, id);
        assert.deepEqual(
          [m.state, m.attempts, m.lease_until, m.next_attempt_at],
          ['queued', 1, null, '2026-11-23T09:00:30.000Z'],
        );
        assert.match(m.state_reason ?? '', /^retryable: No answer within 0\.05 s/);
      } finally {
        await t.close();
      }
    });

    test('a failure the channel gives up on, or the last try, dead-letters the message and says so on the case', async () => {
      const t = await makeTestApp(dialect);
      try {
        const first = await queued(t, 'bo@customer.example');
        const refuses = new ChannelOutbox(
          t.ctx,
          t.services,
          channel({
            send: async () => {
              throw new Error('refused');
            },
            givesUp: (failure) => failure === 'retryable',
          }),
        );
        assert.equal(await refuses.drain(), 0);
        const m = await row(t, first);
        assert.deepEqual(
          [m.state, m.state_reason, m.next_attempt_at],
          ['failed', 'retryable: refused', null],
        );
        const failed = await t.ctx.store.db
          .selectFrom('case_events')
          .select('data')
          .where('case_id', '=', m.case_id)
          .where('kind', '=', 'message.failed')
          .executeTakeFirstOrThrow();
        assert.deepEqual(parseJson(failed.data, {}), {
          messageId: first,
          channel: 'email',
          reason: 'refused',
        });
        // A retryable failure on the eighth try gives up too.
        const second = await queued(t, 'cy@customer.example');
        await t.ctx.store.db.updateTable('messages').set({ attempts: 7 }).where('id', '=', second).execute();
        const flaky = new ChannelOutbox(
          t.ctx,
          t.services,
          channel({
            send: async () => {
              throw new Error('try later');
            },
          }),
        );
        assert.equal(await flaky.drain(), 0);
        assert.deepEqual([(await row(t, second)).state, (await row(t, second)).attempts], ['failed', 8]);
      } finally {
        await t.close();
      }
    });

    test('a delivery report that outran the record stands where the channel says reports can, and the send is added to it', async () => {
      const t = await makeTestApp(dialect);
      try {
        const outran = (reportedFirst: string[]) =>
          new ChannelOutbox(
            t.ctx,
            t.services,
            channel({
              reportedFirst,
              send: async (m) => {
                await t.ctx.store.db
                  .updateTable('messages')
                  .set({ state: 'delivered' })
                  .where('id', '=', m.id)
                  .execute();
                return { providerId: `P-${m.id}`, response: '201 queued' };
              },
              sentColumns: (r) => ({ source_key: r.providerId }),
            }),
          );
        const a = await queued(t, 'di@customer.example');
        assert.equal(await outran(['delivered']).drain(), 1);
        const ma = await row(t, a);
        assert.deepEqual([ma.state, ma.source_key, ma.sent_at !== null], ['delivered', `P-${a}`, true]);
        // Where reports cannot outrun the sender, a message no longer `sending` is not ours to record.
        const b = await queued(t, 'ed@customer.example');
        await outran([]).drain();
        const mb = await row(t, b);
        assert.deepEqual([mb.state, mb.sent_at, mb.source_key === `P-${b}`], ['delivered', null, false]);
      } finally {
        await t.close();
      }
    });
  });
}
