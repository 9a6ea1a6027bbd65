import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase, buildContact, buildCustomer } from '../helpers/factories.ts';
import { mail } from '../helpers/mail.ts';

/** An SMTP server the test reads: what Frontline sent, raw. */
async function sink() {
  const received: Buffer[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _s, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks));
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { received, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A case opened by Ana's e-mail to a mailbox that sends through the sink, under a 60-minute first response. */
async function emailCase(t: TestApp, port: number) {
  const calendar = await t.services.calendars.create(SYSTEM_ACTOR, {
    name: 'Always',
    timeZone: 'UTC',
    hours: Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '24:00']]])),
  });
  await t.services.policies.create(SYSTEM_ACTOR, {
    name: 'Mail',
    position: 100,
    calendarId: calendar.id,
    conditions: {},
    firstResponseMinutes: 60,
    resolutionMinutes: 600,
  });
  const box = await t.services.mailboxes.create(SYSTEM_ACTOR, {
    address: 'billing@centre.example',
    displayName: 'Billing Support',
    inbound: 'smtp',
    teamId: t.team.id,
    smtp: { host: '127.0.0.1', port, tls: false },
    options: { acknowledge: false },
  });
  const r = await t.services.inbound.receive({
    channel: 'email',
    raw: mail({ from: 'Ana <ana@customer.example>', messageId: 'f1@customer.example' }),
    transport: 'api',
    endpointId: box.id,
  });
  assert.ok(r.outcome?.result === 'message');
  return r.outcome.caseId;
}

/** An event's data as JSON text (SQLite keeps text, PostgreSQL jsonb). */
const json = (d: unknown) => (typeof d === 'string' ? d : JSON.stringify(d));

const outbound = (t: TestApp) =>
  t.ctx.store.db
    .selectFrom('messages')
    .select(['id', 'kind', 'state', 'author_id'])
    .where('direction', '=', 'outbound')
    .orderBy('created_at')
    .execute();

const firstResponse = (t: TestApp, caseId: string) =>
  t.ctx.store.db
    .selectFrom('sla_clocks')
    .select(['met_at'])
    .where('case_id', '=', caseId)
    .where('kind', '=', 'first_response')
    .executeTakeFirstOrThrow();

for (const dialect of await dialects()) {
  describe(`follow-ups kept by e-mail on ${dialect}`, () => {
    test('the message written when keeping leaves by SMTP on the case’s thread, meets the first response when sent, and a double-click keeps once and sends once', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      const s = await sink();
      try {
        const caseId = await emailCase(t, s.port);
        const made = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/commitments`, {
          dueAt: '2026-11-24T09:00:00.000Z',
          method: 'email',
          note: 'Confirm the refund by e-mail',
        });
        assert.equal(made.statusCode, 201, made.body);
        const id = made.data.id;

        // Writing nothing is not keeping an e-mail promise: say what to send, or choose not to.
        const empty = await t.call('officer', 'POST', `/api/v1/commitments/${id}/keep`, {});
        assert.equal(empty.statusCode, 400, empty.body);
        assert.deepEqual(
          empty.data.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
          [['/body/body', 'required']],
        );

        clock.advance(10 * 60_000);
        // A double-click: two requests with the one Idempotency-Key, at the same time.
        const body = { body: 'The refund of the second charge went through today. FOLLOW-UP-MARKER' };
        const headers = { 'idempotency-key': 'keep-once' };
        const [a, b] = await Promise.all([
          t.call('officer', 'POST', `/api/v1/commitments/${id}/keep`, body, headers),
          t.call('officer', 'POST', `/api/v1/commitments/${id}/keep`, body, headers),
        ]);
        assert.deepEqual([a.statusCode, b.statusCode], [200, 200], `${a.body} ${b.body}`);
        assert.equal(a.data.state, 'kept');
        assert.deepEqual(a.data, b.data, 'the repeat is answered as the first was');
        // Another try without the key finds it kept: nothing more is sent.
        const again = await t.call('officer', 'POST', `/api/v1/commitments/${id}/keep`, body);
        assert.equal(again.statusCode, 409);
        assert.equal(again.data.code, 'commitment.not_open');
        const queued = await outbound(t);
        assert.deepEqual(
          queued.map((m) => [m.kind, m.state, m.author_id]),
          [['follow_up', 'queued', t.users.officer.id]],
        );
        assert.equal((await firstResponse(t, caseId)).met_at, null, 'queued is not sent');

        clock.advance(60_000);
        assert.equal(await t.services.outbound.drain(), 1);
        assert.equal(s.received.length, 1);
        const sent = await simpleParser(s.received[0]!);
        assert.match(sent.text ?? '', /FOLLOW-UP-MARKER/);
        assert.equal(sent.inReplyTo, '<f1@customer.example>', 'threaded under the customer’s mail');
        assert.deepEqual(
          (Array.isArray(sent.to) ? sent.to : [sent.to]).flatMap((x) => x?.value.map((v) => v.address)),
          ['ana@customer.example'],
        );
        assert.match(sent.subject ?? '', /\[CS-\d+\]/);
        // Written by a person: not marked as an automatic answer.
        assert.equal(sent.headers.get('auto-submitted'), undefined);
        assert.equal((await firstResponse(t, caseId)).met_at, '2026-11-23T09:11:00.000Z', 'met when sent');
        assert.deepEqual(
          (await outbound(t)).map((m) => m.state),
          ['sent'],
        );
        const timeline = await t.ctx.store.db
          .selectFrom('case_events')
          .select(['kind', 'data'])
          .where('case_id', '=', caseId)
          .where('kind', '=', 'commitment.kept')
          .execute();
        assert.equal(timeline.length, 1);
        assert.match(json(timeline[0]!.data), /"sent":true/);
      } finally {
        await s.close();
        await t.close();
      }
    });

    test('a customer without an e-mail address: the keeping says so and changes nothing; kept without sending only when asked, explicitly; the same for a progress update', async () => {
      const t = await makeTestApp(dialect);
      const s = await sink();
      try {
        await t.services.mailboxes.create(SYSTEM_ACTOR, {
          address: 'billing@centre.example',
          displayName: 'Billing Support',
          inbound: 'smtp',
          smtp: { host: '127.0.0.1', port: s.port, tls: false },
        });
        // A case logged from a phone call, for a customer with no e-mail address.
        const customer = await buildCustomer(t, { emails: [] });
        const contact = await buildContact(t, customer.id);
        const { case: c } = await buildCase(t, { contactId: contact.id });
        const made = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/commitments`, {
          dueAt: '2026-11-24T09:00:00.000Z',
          method: 'email',
        });
        const id = made.data.id;
        const refused = await t.call('officer', 'POST', `/api/v1/commitments/${id}/keep`, {
          body: 'Your refund went through.',
        });
        assert.equal(refused.statusCode, 400, refused.body);
        assert.deepEqual(
          refused.data.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
          [['/body/body', 'noRecipient']],
        );
        const still = await t.call('officer', 'GET', `/api/v1/commitments?caseId=${c.id}`);
        assert.deepEqual(
          still.data.items.map((x: { state: string }) => x.state),
          ['open'],
          'nothing changed',
        );
        const kept = await t.call('officer', 'POST', `/api/v1/commitments/${id}/keep`, {
          body: 'Told her at the counter instead.',
          withoutSending: true,
        });
        assert.equal(kept.statusCode, 200, kept.body);
        assert.equal(kept.data.state, 'kept');

        const update = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/progress-updates`, {
          channel: 'email',
          body: 'Still on it.',
        });
        assert.equal(update.statusCode, 400, update.body);
        assert.deepEqual(
          update.data.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
          [['/body/body', 'noRecipient']],
        );
        const recorded = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/progress-updates`, {
          channel: 'email',
          body: 'Still on it.',
          withoutSending: true,
        });
        assert.equal(recorded.statusCode, 201, recorded.body);
        assert.deepEqual(await outbound(t), [], 'nothing was queued to anyone');
        assert.equal(await t.services.outbound.drain(), 0);
        assert.equal(s.received.length, 0);
        const events = await t.ctx.store.db
          .selectFrom('case_events')
          .select(['kind', 'data'])
          .where('case_id', '=', c.id)
          .where('kind', 'in', ['commitment.kept', 'progress_update.sent'])
          .orderBy('at')
          .execute();
        assert.deepEqual(
          events.map((e) => [e.kind, /"sent":false/.test(json(e.data))]),
          [
            ['commitment.kept', true],
            ['progress_update.sent', true],
          ],
        );
      } finally {
        await s.close();
        await t.close();
      }
    });

    test('a progress update by e-mail meets the first response when it is sent, not when it is written', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      const s = await sink();
      try {
        const caseId = await emailCase(t, s.port);
        clock.advance(5 * 60_000);
        const sent = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/progress-updates`, {
          channel: 'email',
          body: 'We have asked Billing to look at it.',
        });
        assert.equal(sent.statusCode, 201, sent.body);
        assert.equal((await firstResponse(t, caseId)).met_at, null);
        clock.advance(2 * 60_000);
        assert.equal(await t.services.outbound.drain(), 1);
        assert.equal((await firstResponse(t, caseId)).met_at, '2026-11-23T09:07:00.000Z');
      } finally {
        await s.close();
        await t.close();
      }
    });
  });
}
