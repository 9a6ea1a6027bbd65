import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ImapFetchers } from '../../src/server/channels/email/imap-fetcher.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { startDovecot } from '../helpers/dovecot.ts';
import { mail } from '../helpers/mail.ts';

async function until<T>(
  what: string,
  fn: () => Promise<T | null | undefined | false>,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const inboundCount = async (t: TestApp) =>
  (await t.ctx.store.db.selectFrom('messages').select('id').where('direction', '=', 'inbound').execute())
    .length;

/** IMAP ingest against a real Dovecot (Debian's package, a private instance per test). */
for (const dialect of await dialects()) {
  describe(`IMAP fetcher on ${dialect}`, () => {
    test('fetches what is waiting, then what arrives while it IDLEs; each message is moved to the processed folder only after it is stored', async (ctx) => {
      const dovecot = await startDovecot({ users: { support: 'support-secret' } });
      if (!dovecot) return ctx.skip('dovecot is not installed');
      const t = await makeTestApp(dialect);
      const errors: unknown[] = [];
      const fetchers = new ImapFetchers({
        inbound: t.services.inbound,
        mailboxes: t.services.mailboxes,
        onError: (e) => errors.push(e),
      });
      try {
        for (let i = 0; i < 3; i++)
          await dovecot.addMessage(
            'support',
            'INBOX',
            mail({ from: `c${i}@customer.example`, to: 'support@centre.example', subject: `Waiting ${i}` }),
          );
        await t.services.mailboxes.create(SYSTEM_ACTOR, {
          address: 'support@centre.example',
          displayName: 'Support',
          inbound: 'imap',
          imap: {
            host: dovecot.host,
            port: dovecot.port,
            tls: false,
            user: 'support',
            password: 'support-secret',
          },
          options: { acknowledge: false },
        });
        await fetchers.sync();
        await until('the three waiting messages', async () => (await inboundCount(t)) === 3);
        await until(
          'the inbox emptied',
          async () => (await dovecot.listFolder('support', 'INBOX')).length === 0,
        );
        assert.equal((await dovecot.listFolder('support', 'Frontline.Processed')).length, 3);

        // Arrives while the fetcher IDLEs: picked up without waiting for the poll.
        const t0 = Date.now();
        await dovecot.addMessage(
          'support',
          'INBOX',
          mail({ from: 'late@customer.example', to: 'support@centre.example', subject: 'Arrived later' }),
        );
        await until('the fourth', async () => (await inboundCount(t)) === 4, 10_000);
        assert.ok(Date.now() - t0 < 10_000);
        const health = (await t.call('administrator', 'GET', '/api/v1/mailboxes')).data.items[0];
        assert.equal(health.health, 'ok');
        assert.ok(health.lastFetchAt);
      } finally {
        await fetchers.stop();
        await t.close();
        await dovecot.stop();
      }
      assert.deepEqual(
        errors.filter((e) => !String(e).includes('closed')),
        [],
      );
    });

    test('a message already stored (a crash before the move) is moved again without a second message; wrong credentials show as an authentication failure', async (ctx) => {
      const dovecot = await startDovecot({ users: { support: 'support-secret' } });
      if (!dovecot) return ctx.skip('dovecot is not installed');
      const t = await makeTestApp(dialect);
      const fetchers = new ImapFetchers({
        inbound: t.services.inbound,
        mailboxes: t.services.mailboxes,
        onError: () => {},
      });
      try {
        const raw = mail({
          from: 'a@customer.example',
          to: 'support@centre.example',
          messageId: 'stored-first@customer.example',
        });
        const box = await t.services.mailboxes.create(SYSTEM_ACTOR, {
          address: 'support@centre.example',
          displayName: 'Support',
          inbound: 'imap',
          imap: { host: dovecot.host, port: dovecot.port, tls: false, user: 'support', password: 'wrong' },
          options: { acknowledge: false },
        });
        // As if a previous run stored it and died before moving it.
        await t.services.inbound.receive({ channel: 'email', raw, transport: 'imap', endpointId: box.id });
        await dovecot.addMessage('support', 'INBOX', raw);
        await fetchers.sync();
        const bad = await until('the authentication failure', async () => {
          const m = (await t.call('administrator', 'GET', `/api/v1/mailboxes/${box.id}`)).data;
          return m.health === 'authentication' ? m : null;
        });
        assert.ok(bad.lastError);
        assert.equal(
          (await dovecot.listFolder('support', 'INBOX')).length,
          1,
          'nothing moved without a login',
        );

        await t.call('administrator', 'PATCH', `/api/v1/mailboxes/${box.id}`, {
          imap: {
            host: dovecot.host,
            port: dovecot.port,
            tls: false,
            user: 'support',
            password: 'support-secret',
          },
        });
        await fetchers.sync();
        await until(
          'the inbox emptied',
          async () => (await dovecot.listFolder('support', 'INBOX')).length === 0,
        );
        assert.equal(await inboundCount(t), 1, 'still one message');
      } finally {
        await fetchers.stop();
        await t.close();
        await dovecot.stop();
      }
    });
  });
}
