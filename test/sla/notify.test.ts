import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import WebSocket from 'ws';
import { fixedClock, makeTestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

const MIN = 60_000;

/** A local SMTP server that keeps what it receives. */
async function smtpSink() {
  const received: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, done) {
      let raw = '';
      stream.on('data', (d: Buffer) => {
        raw += d.toString();
      });
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw });
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as { port: number }).port;
  return {
    received,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

for (const dialect of await dialects()) {
  describe(`notifications on ${dialect}`, () => {
    test('an urgent escalation is e-mailed over SMTP to the action party', async () => {
      const smtp = await smtpSink();
      const t = await makeTestApp(dialect, {
        clock: fixedClock('2026-11-23T09:00:00.000Z'),
        env: { SMTP_URL: smtp.url },
      });
      try {
        await t.call('administrator', 'PATCH', `/api/v1/users/${t.users.team_leader.id}`, {
          email: 'lena@example.com',
        });
        const { case: c } = await buildCase(t, { criticality: 'highly_critical', subject: 'Line down' });
        assert.equal(smtp.received.length, 0, 'nothing is sent before commit and dispatch');
        const r = await t.services.background.tick();
        assert.equal(r.mailed, 1);
        assert.equal(smtp.received.length, 1);
        assert.deepEqual(smtp.received[0]!.to, ['lena@example.com']);
        assert.match(smtp.received[0]!.raw, new RegExp(`Subject: URGENT ${c.reference}`));
        assert.equal((await t.services.background.tick()).mailed, 0, 'sent once');
      } finally {
        await t.close();
        await smtp.close();
      }
    });

    test('without SMTP settings, mail lands in the local sink', async () => {
      const dir = fs.mkdtempSync('/tmp/frontline-sink-');
      const t = await makeTestApp(dialect, { env: { FRONTLINE_DATA_DIR: dir } });
      try {
        await t.call('administrator', 'PATCH', `/api/v1/users/${t.users.team_leader.id}`, {
          email: 'lena@example.com',
        });
        await buildCase(t, { criticality: 'highly_critical' });
        await t.services.background.tick();
        const files = fs.readdirSync(path.join(dir, 'mail'));
        assert.equal(files.length, 1);
        assert.match(fs.readFileSync(path.join(dir, 'mail', files[0]!), 'utf8'), /To: .*lena@example.com/);
      } finally {
        await t.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the desktop stream says when notifications arrive, once, and refuses other origins', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const port = (t.app.server.address() as { port: number }).port;
      const url = `ws://127.0.0.1:${port}/api/v1/stream`;
      try {
        const messages: { type: string; room?: string }[] = [];
        const ws = new WebSocket(url, { headers: { authorization: `Bearer ${t.users.team_leader.token}` } });
        await new Promise<void>((resolve, reject) => {
          ws.on('message', (m) => {
            messages.push(JSON.parse(String(m)));
            if (messages.length === 1) resolve();
          });
          ws.on('error', reject);
        });
        assert.equal(messages[0]!.type, 'hello');
        const { case: c } = await buildCase(t, { criticality: 'highly_critical' });
        await t.services.background.tick();
        await new Promise((r) => setTimeout(r, 100));
        // An invalidation of the user's room, not the notification itself: the desktop re-fetches.
        const told = messages.filter((m) => m.type === 'notification.created');
        assert.equal(told.length, 1);
        assert.equal(told[0]!.room, `user:${t.users.team_leader.id}`);
        const unread = await t.call('team_leader', 'GET', '/api/v1/notifications?unread=true');
        assert.equal(unread.data.items[0].kind, 'escalation.urgent');
        assert.ok(unread.data.items[0].title.includes(c.reference));
        clock.advance(MIN);
        await t.services.background.tick();
        await t.services.dispatcher.drain();
        await new Promise((r) => setTimeout(r, 100));
        assert.equal(messages.filter((m) => m.type === 'notification.created').length, 1, 'each one once');
        ws.close();

        const anonymous = new WebSocket(url);
        const refused = await new Promise<number>((resolve) => {
          anonymous.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          anonymous.on('error', () => resolve(-1));
        });
        assert.equal(refused, 401);
        const foreign = new WebSocket(url, {
          headers: { authorization: `Bearer ${t.users.team_leader.token}`, origin: 'https://evil.example' },
        });
        const code = await new Promise<number>((resolve) => foreign.on('close', (c) => resolve(c)));
        assert.equal(code, 1008);
        const plain = await t.call('officer', 'GET', '/api/v1/stream');
        assert.equal(plain.statusCode, 426);
      } finally {
        await t.close();
      }
    });
  });
}
