import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { SMTPServer } from 'smtp-server';
import { backoffMs, Mailer } from '../../src/server/modules/notifications/mailer.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

/** An SMTP server that accepts the connection and never says a word (no greeting). */
async function silentSmtp() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    connected: () => sockets.size,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function smtpSink() {
  const received: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, done) {
      let raw = '';
      stream.on('data', (d: Buffer) => {
        raw += d.toString();
      });
      stream.on('end', () => {
        received.push(raw);
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    received,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const mailState = (t: TestApp) =>
  t.ctx.store.db
    .selectFrom('notifications')
    .select(['email_state', 'email_attempts', 'email_due_at', 'email_error'])
    .where('email_state', 'is not', null)
    .execute();

for (const dialect of await dialects()) {
  describe(`mailer on ${dialect}`, () => {
    test('a silent SMTP server stalls only the mailer: health, reads and writes answer at once; the mail is retried later', async (ctx) => {
      const silent = await silentSmtp();
      const sink = await smtpSink();
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock, env: { SMTP_URL: silent.url } });
      try {
        await t.call('administrator', 'PATCH', `/api/v1/users/${t.users.team_leader.id}`, {
          email: 'lena@example.com',
        });
        // A highly critical case: an urgent escalation the team leader is e-mailed about.
        const { case: c } = await buildCase(t, { criticality: 'highly_critical', subject: 'Line down' });
        const mailer = new Mailer(t.ctx, { timeoutMs: 1500 });
        const draining = mailer.drain();
        for (let i = 0; i < 100 && !silent.connected(); i++) await new Promise((r) => setTimeout(r, 10));
        assert.equal(silent.connected(), 1, 'the mailer is talking to the silent server');

        const timings: number[] = [];
        const timed = async (fn: () => Promise<{ statusCode: number }>, status: number) => {
          const t0 = performance.now();
          const r = await fn();
          timings.push(performance.now() - t0);
          assert.equal(r.statusCode, status);
        };
        for (let i = 0; i < 5; i++) {
          await timed(() => t.call(null, 'GET', '/api/v1/health'), 200);
          await timed(() => t.call('officer', 'GET', `/api/v1/cases/${c.id}`), 200);
          await timed(
            () =>
              t.call('officer', 'POST', `/api/v1/cases/${c.id}/notes`, {
                visibility: 'internal',
                body: `Note ${i}`,
              }),
            201,
          );
        }
        const worst = Math.max(...timings);
        const sorted = [...timings].sort((a, b) => a - b);
        ctx.diagnostic(
          `while stuck: p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, max ${worst.toFixed(1)} ms`,
        );
        assert.ok(worst < 200, `slowest request while the mailer is stuck: ${worst.toFixed(0)} ms`);
        assert.ok(silent.connected() >= 1, 'still stuck while we measured');

        // The greeting timeout ends the wait; the mail stays owed, with the error and a later try.
        assert.equal(await draining, 0);
        const [owed] = await mailState(t);
        assert.equal(owed!.email_state, 'pending');
        assert.equal(owed!.email_attempts, 1);
        assert.match(owed!.email_error ?? '', /greeting|timeout/i);
        assert.equal(owed!.email_due_at, new Date(clock.now().getTime() + backoffMs(1)).toISOString());
        mailer.close();

        // Not before its backoff; then it goes out, once.
        const healthy = new Mailer({ ...t.ctx, config: { ...t.ctx.config, smtpUrl: sink.url } });
        assert.equal(await healthy.drain(), 0);
        clock.advance(backoffMs(1));
        assert.equal(await healthy.drain(), 1);
        assert.equal(sink.received.length, 1);
        assert.match(sink.received[0]!, new RegExp(`Subject: URGENT ${c.reference}`));
        assert.equal((await mailState(t))[0]!.email_state, 'sent');
        assert.equal(await healthy.drain(), 0, 'sent once');
        healthy.close();
      } finally {
        await t.close();
        await silent.close();
        await sink.close();
      }
    });

    test('a message whose sender died mid-send is sent again once its lease runs out', async () => {
      const sink = await smtpSink();
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock, env: { SMTP_URL: sink.url } });
      try {
        await t.call('administrator', 'PATCH', `/api/v1/users/${t.users.team_leader.id}`, {
          email: 'lena@example.com',
        });
        await buildCase(t, { criticality: 'highly_critical' });
        // A mailer claimed it (lease taken, attempt counted) and was killed before marking it.
        await t.ctx.store.db
          .updateTable('notifications')
          .set({
            email_due_at: new Date(clock.now().getTime() + 5 * 60_000).toISOString(),
            email_attempts: 1,
          })
          .where('email_state', '=', 'pending')
          .execute();
        const mailer = new Mailer(t.ctx);
        assert.equal(await mailer.drain(), 0, 'not while another sender holds it');
        clock.advance(5 * 60_000);
        assert.equal(await mailer.drain(), 1);
        assert.equal(sink.received.length, 1);
        mailer.close();
      } finally {
        await t.close();
        await sink.close();
      }
    });
  });
}
