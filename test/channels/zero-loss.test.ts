import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { MailboxesService } from '../../src/server/modules/messages/mailboxes.service.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { openContext } from '../../src/server/platform/boot.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import type { Dialect } from '../../src/server/platform/db/index.ts';
import { Secrets } from '../../src/server/platform/secrets.ts';
import { dialects, PG_URL } from '../helpers/db.ts';
import { startDovecot } from '../helpers/dovecot.ts';
import { mail } from '../helpers/mail.ts';

/**
 * Zero loss (issue 13): the whole server (`frontline serve`) killed with SIGKILL while 2,000 messages
 * come in, over SMTP and over IMAP, then started again. Every message that was accepted — an SMTP 250,
 * or moved out of the IMAP inbox — is on a case exactly once after the restart; and the same message
 * delivered ten times is one message.
 */
const MAIN = path.resolve('src/server/main.ts');
const N = Number(process.env.ZERO_LOSS_MESSAGES ?? 2000);
// A throw-away key for this test's databases only (mailbox passwords at rest).
const KEY = randomBytes(32).toString('hex');

async function freshEnv(dialect: Dialect): Promise<NodeJS.ProcessEnv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-zero-loss-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FRONTLINE_DATA_DIR: dir,
    FRONTLINE_DEMO: '0',
    FRONTLINE_SECRET_KEY: KEY,
    FRONTLINE_TICK_MS: '500',
    LOG_LEVEL: 'fatal',
    DATABASE_URL: '',
  };
  if (dialect === 'postgres') {
    const name = `frontline_zl_${randomBytes(5).toString('hex')}`;
    const admin = async (q: string) => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      try {
        await c.query(q);
      } finally {
        await c.end();
      }
    };
    await admin(`CREATE DATABASE ${name}`);
    after(() => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    const url = new URL(PG_URL);
    url.pathname = `/${name}`;
    env.DATABASE_URL = url.toString();
  }
  return env;
}

/** Open the server's database in this process (migrated), for setup and for counting afterwards. */
async function withDb<T>(
  env: NodeJS.ProcessEnv,
  fn: (ctx: Awaited<ReturnType<typeof openContext>>) => Promise<T>,
) {
  const config = loadConfig(env);
  const ctx = await openContext(config);
  try {
    return await fn(ctx);
  } finally {
    await ctx.store.close();
  }
}

async function serve(env: NodeJS.ProcessEnv, smtpPort: number | null): Promise<ChildProcess> {
  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env: {
      ...env,
      PORT: '0',
      HOST: '127.0.0.1',
      ...(smtpPort !== null ? { FRONTLINE_SMTP_PORT: String(smtpPort) } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let out = '';
  child.stdout?.on('data', (b) => {
    out += b;
  });
  child.stderr?.on('data', (b) => {
    out += b;
  });
  const deadline = Date.now() + 60_000;
  while (!/running at/.test(out) && child.exitCode === null && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50));
  assert.match(out, /running at/, `serve did not start: ${out}`);
  return child;
}

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as import('node:net').AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function kill9(child: ChildProcess) {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Message-ID → number of messages holding it, once the stored items are all processed. */
async function settle(env: NodeJS.ProcessEnv, expected: number, ms = 120_000) {
  const end = Date.now() + ms;
  for (;;) {
    const r = await withDb(env, async (ctx) => {
      const pending = await ctx.store.db
        .selectFrom('inbound_raw')
        .select('id')
        .where('state', '=', 'received')
        .execute();
      const rows = await ctx.store.db
        .selectFrom('messages')
        .select('source_key')
        .where('direction', '=', 'inbound')
        .execute();
      return { pending: pending.length, rows };
    });
    if ((r.pending === 0 && r.rows.length >= expected) || Date.now() > end) {
      const counts = new Map<string, number>();
      for (const x of r.rows) counts.set(x.source_key!, (counts.get(x.source_key!) ?? 0) + 1);
      return { counts, pending: r.pending };
    }
    await new Promise((res) => setTimeout(res, 500));
  }
}

const idOf = (i: number, tag: string) => `zl-${tag}-${i}@customer.example`;

for (const dialect of await dialects()) {
  describe(`zero loss under kill -9 on ${dialect}`, () => {
    // 2,000 messages, a kill and a restart: ~30 s on a quiet machine, several times that on a busy one,
    // so more than the suite's two minutes a test.
    test(`${N} messages over SMTP: every 250 is on a case exactly once after a restart; ten deliveries make one message`, {
      timeout: 360_000,
    }, async () => {
      const env = await freshEnv(dialect);
      await withDb(env, (ctx) =>
        new MailboxesService(ctx, { secrets: new Secrets(ctx.config) }).create(SYSTEM_ACTOR, {
          address: 'support@centre.example',
          displayName: 'Support',
          inbound: 'smtp',
          options: { acknowledge: false, threadBySubjectDays: null },
        }),
      );
      const port = await freePort();
      let child = await serve(env, port);
      const accepted = new Set<string>();
      const transports = Array.from({ length: 4 }, () =>
        nodemailer.createTransport({
          pool: true,
          maxConnections: 1,
          host: '127.0.0.1',
          port,
          secure: false,
          ignoreTLS: true,
          connectionTimeout: 3000,
          socketTimeout: 10_000,
        }),
      );
      after(() => {
        for (const t of transports) t.close();
      });
      const send = async (i: number, w = 0) => {
        try {
          await transports[w]!.sendMail({
            envelope: { from: `c${i}@customer.example`, to: ['support@centre.example'] },
            raw: mail({
              from: `c${i % 300}@customer.example`,
              to: 'support@centre.example',
              subject: `Zero loss ${i}`,
              messageId: idOf(i, 'smtp'),
            }),
          });
          accepted.add(idOf(i, 'smtp'));
        } catch {
          // refused or cut off: not accepted, so the sender still has it
        }
      };
      // Four senders at once; the server is killed once a quarter is in.
      let next = 0;
      let killed = false;
      const killAt = Math.floor(N / 4);
      await Promise.all(
        Array.from({ length: 4 }, async (_, w) => {
          while (next < N) {
            const i = next++;
            await send(i, w);
            if (!killed && accepted.size >= killAt) {
              killed = true;
              await kill9(child);
            }
          }
        }),
      );
      assert.ok(killed, 'the server was killed mid-load');
      const beforeRestart = accepted.size;
      assert.ok(beforeRestart < N, 'some messages were refused while the server was down');
      child = await serve(env, port);
      // The senders retry what was not accepted; ten more deliveries of the first one.
      for (let i = 0; i < N; i++) if (!accepted.has(idOf(i, 'smtp'))) await send(i);
      for (let k = 0; k < 10; k++) await send(0);
      assert.equal(accepted.size, N, 'everything accepted in the end');
      const { counts, pending } = await settle(env, N);
      assert.equal(pending, 0, 'nothing left unprocessed');
      const missing = [...accepted].filter((id) => !counts.has(id));
      const doubled = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
      assert.deepEqual(missing, [], 'accepted and lost');
      assert.deepEqual(doubled, [], 'on a case twice');
      assert.equal(counts.size, N);
      await kill9(child);
    });

    test(`${N} messages over IMAP: every message moved out of the inbox is on a case exactly once after a restart`, {
      timeout: 360_000,
    }, async (ctx) => {
      const dovecot = await startDovecot({ users: { support: 'support-secret' } });
      if (!dovecot) return ctx.skip('dovecot is not installed');
      after(() => dovecot.stop());
      // Loaded through one session of our own (a session per message would take minutes).
      const loader = new ImapFlow({ ...dovecot.clientOptions('support'), logger: false });
      await loader.connect();
      for (let i = 0; i < N; i++)
        await loader.append(
          'INBOX',
          mail({
            from: `c${i % 300}@customer.example`,
            to: 'support@centre.example',
            subject: `Zero loss ${i}`,
            messageId: idOf(i, 'imap'),
          }),
        );
      const env = await freshEnv(dialect);
      await withDb(env, (c) =>
        new MailboxesService(c, { secrets: new Secrets(c.config) }).create(SYSTEM_ACTOR, {
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
          options: { acknowledge: false, threadBySubjectDays: null },
        }),
      );
      const count = async (folder: string) => {
        const st = await loader.status(folder, { messages: true }).catch(() => false as const);
        return st ? (st.messages ?? 0) : 0;
      };
      const processedCount = () => count('Frontline.Processed');
      let child = await serve(env, null);
      const end = Date.now() + 120_000;
      while ((await processedCount()) < N / 4 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 100));
      await kill9(child);
      const movedBefore = await processedCount();
      assert.ok(movedBefore > 0 && movedBefore < N, `killed mid-ingest (${movedBefore} moved)`);
      child = await serve(env, null);
      while ((await count('INBOX')) > 0 && Date.now() < end + 120_000)
        await new Promise((r) => setTimeout(r, 250));
      assert.equal(await count('INBOX'), 0, 'the inbox emptied');
      assert.equal(await processedCount(), N, 'every message moved, none deleted');
      await loader.logout();
      const { counts, pending } = await settle(env, N);
      assert.equal(pending, 0);
      const missing = Array.from({ length: N }, (_, i) => idOf(i, 'imap')).filter((id) => !counts.has(id));
      const doubled = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
      assert.deepEqual(missing, [], 'moved and lost');
      assert.deepEqual(doubled, [], 'on a case twice');
      await kill9(child);
    });
  });
}
