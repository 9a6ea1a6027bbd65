import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { mail } from '../helpers/mail.ts';

/** An SMTP server the test reads: what Frontline sent, raw; `refuse` answers the next RCPT with that code. */
async function sink() {
  const received: Buffer[] = [];
  const state = { refuse: 0 as number };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_a, _s, done) {
      if (state.refuse) {
        const err = new Error(state.refuse >= 500 ? '5.1.1 no such user' : '4.2.0 try later') as Error & {
          responseCode: number;
        };
        err.responseCode = state.refuse;
        return done(err);
      }
      done();
    },
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
  return { received, state, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function setup(t: TestApp, port: number, options: Record<string, unknown> = {}) {
  const box = await t.services.mailboxes.create(SYSTEM_ACTOR, {
    address: 'billing@centre.example',
    displayName: 'Billing Support',
    signature: 'Billing Support, Example Centre',
    inbound: 'smtp',
    teamId: t.team.id,
    smtp: { host: '127.0.0.1', port, tls: false },
    options,
  });
  const receive = (raw: Buffer) =>
    t.services.inbound.receive({ channel: 'email', raw, transport: 'api', endpointId: box.id });
  return { box, receive };
}

for (const dialect of await dialects()) {
  describe(`outbound e-mail on ${dialect}`, () => {
    test('a new case is acknowledged with its reference; the reply threads, goes to the requester with the followers copied, and meets the first response when sent', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      const s = await sink();
      try {
        const calendar = await t.services.calendars.create(SYSTEM_ACTOR, {
          name: 'Always',
          timeZone: 'UTC',
          hours: Object.fromEntries(
            ['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '24:00']]]),
          ),
        });
        await t.services.policies.create(SYSTEM_ACTOR, {
          name: 'Mail',
          position: 100,
          calendarId: calendar.id,
          conditions: {},
          firstResponseMinutes: 60,
          resolutionMinutes: 600,
        });
        const { receive } = await setup(t, s.port);
        const first = await receive(
          mail({
            from: 'Ana <ana@customer.example>',
            cc: 'Bo <bo@customer.example>',
            messageId: 'q1@customer.example',
          }),
        );
        assert.ok(first.outcome?.result === 'message');
        const caseId = first.outcome.caseId;
        assert.ok(first.outcome.acknowledgementId, 'an acknowledgement was queued');
        assert.equal(await t.services.outbound.drain(), 1);
        const ack = await simpleParser(s.received[0]!);
        const c = await t.services.cases.row(t.ctx.store.db, caseId);
        assert.match(ack.subject ?? '', new RegExp(`\\[${c.reference}\\]`));
        assert.match(ack.text ?? '', new RegExp(c.reference));
        assert.equal(ack.headers.get('auto-submitted'), 'auto-replied');
        assert.equal(ack.inReplyTo, '<q1@customer.example>');
        // An acknowledgement is not a response: the clock still runs.
        assert.equal(
          (await t.services.cases.row(t.ctx.store.db, caseId)).first_response_due_at !== null,
          true,
        );

        // A colleague copied by reply-all is now a follower.
        await receive(
          mail({
            from: 'Bo <bo@customer.example>',
            cc: 'ana@customer.example',
            subject: 'Re: My bill is wrong',
            inReplyTo: 'q1@customer.example',
            messageId: 'q2@customer.example',
          }),
        );
        clock.advance(10 * 60_000);
        const r = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/messages`, {
          body: 'We have refunded the second charge.',
        });
        assert.equal(r.statusCode, 201, r.body);
        assert.equal(r.data.state, 'queued');
        const queued = await t.ctx.store.db
          .selectFrom('sla_clocks')
          .selectAll()
          .where('case_id', '=', caseId)
          .where('kind', '=', 'first_response')
          .executeTakeFirst();
        assert.equal(queued?.met_at ?? null, null, 'queued is not sent: the first response is not met yet');

        clock.advance(60_000);
        assert.equal(await t.services.outbound.drain(), 1);
        const sent = await simpleParser(s.received[1]!);
        assert.deepEqual(
          (Array.isArray(sent.to) ? sent.to : [sent.to]).flatMap((a) => a?.value.map((v) => v.address)),
          ['ana@customer.example'],
          'to the requester, not the last sender',
        );
        assert.deepEqual(
          (Array.isArray(sent.cc) ? sent.cc : [sent.cc]).flatMap((a) => a?.value.map((v) => v.address)),
          ['bo@customer.example'],
        );
        assert.equal(sent.inReplyTo, '<q2@customer.example>');
        assert.deepEqual([sent.references ?? []].flat(), ['<q1@customer.example>', '<q2@customer.example>']);
        assert.match(sent.text ?? '', /refunded the second charge[\s\S]*Billing Support, Example Centre/);
        assert.match(
          sent.html || '',
          /<p>We have refunded the second charge\.<br>|<p>We have refunded the second charge\./,
        );
        const met = await t.ctx.store.db
          .selectFrom('sla_clocks')
          .selectAll()
          .where('case_id', '=', caseId)
          .where('kind', '=', 'first_response')
          .executeTakeFirstOrThrow();
        assert.equal(met.met_at, '2026-11-23T09:11:00.000Z', 'met when sent');

        // The customer answers our reply with only In-Reply-To: the same case.
        const back = await receive(
          mail({
            from: 'ana@customer.example',
            subject: 'Thanks',
            inReplyTo: sent.messageId!.replace(/[<>]/g, ''),
          }),
        );
        assert.ok(back.outcome?.result === 'message');
        assert.equal(back.outcome.caseId, caseId);
      } finally {
        await s.close();
        await t.close();
      }
    });

    test('no acknowledgement to an auto-reply, to bulk mail, or to a sender over the rate limit', async () => {
      const t = await makeTestApp(dialect);
      const s = await sink();
      try {
        const { receive } = await setup(t, s.port, { senderRateLimit: 2 });
        const bulk = await receive(mail({ from: 'news@shop.example', headers: { Precedence: 'bulk' } }));
        assert.ok(bulk.outcome?.result === 'message');
        assert.equal(bulk.outcome.acknowledgementId, null);
        const acks: (string | null)[] = [];
        for (let i = 0; i < 4; i++) {
          const r = await receive(mail({ from: 'robot@loop.example', subject: `Ticket ${i}` }));
          assert.ok(r.outcome?.result === 'message');
          acks.push(r.outcome.acknowledgementId);
        }
        assert.deepEqual(
          acks.map((a) => a !== null),
          [true, true, false, false],
          'the third mail in ten minutes from one sender gets no automatic answer',
        );
      } finally {
        await s.close();
        await t.close();
      }
    });

    test('a 4xx is retried with back-off; a 5xx fails for good, tells the author, and an administrator can send it again', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      const s = await sink();
      try {
        const { receive } = await setup(t, s.port, { acknowledge: false });
        const r = await receive(mail({ from: 'ana@customer.example' }));
        assert.ok(r.outcome?.result === 'message');
        const reply = await t.call('officer', 'POST', `/api/v1/cases/${r.outcome.caseId}/messages`, {
          body: 'Hello',
        });
        s.state.refuse = 451;
        assert.equal(await t.services.outbound.drain(), 0);
        let m = await t.ctx.store.db
          .selectFrom('messages')
          .selectAll()
          .where('id', '=', reply.data.id)
          .executeTakeFirstOrThrow();
        assert.equal(m.state, 'queued');
        assert.match(m.state_reason ?? '', /^retryable/);
        assert.equal(await t.services.outbound.drain(), 0, 'not due again before its back-off');
        s.state.refuse = 550;
        clock.advance(31_000);
        assert.equal(await t.services.outbound.drain(), 0);
        m = await t.ctx.store.db
          .selectFrom('messages')
          .selectAll()
          .where('id', '=', reply.data.id)
          .executeTakeFirstOrThrow();
        assert.equal(m.state, 'failed');
        assert.match(m.state_reason ?? '', /^permanent/);
        const told = await t.ctx.store.db
          .selectFrom('notifications')
          .select('kind')
          .where('user_id', '=', t.users.officer.id)
          .execute();
        assert.ok(told.some((n) => n.kind === 'message.failed'));
        const dead = await t.call('administrator', 'GET', '/api/v1/messages/failed');
        assert.deepEqual(
          dead.data.items.map((x: { id: string }) => x.id),
          [reply.data.id],
        );
        s.state.refuse = 0;
        const again = await t.call('administrator', 'POST', `/api/v1/messages/${reply.data.id}/retry`);
        assert.equal(again.statusCode, 200, again.body);
        assert.equal(await t.services.outbound.drain(), 1);
        const box = await t.call('administrator', 'GET', '/api/v1/mailboxes');
        assert.equal(box.data.items[0].health, 'ok');
        const twice = await t.call('administrator', 'POST', `/api/v1/messages/${reply.data.id}/retry`);
        assert.equal(twice.statusCode, 409);
      } finally {
        await s.close();
        await t.close();
      }
    });
  });
}

for (const dialect of await dialects()) {
  describe(`templates for an e-mail case on ${dialect}`, () => {
    test('a template never fills a particular into a reply to an unverified e-mail sender, whatever the writer may see', async () => {
      const t = await makeTestApp(dialect);
      const s = await sink();
      try {
        const { receive } = await setup(t, s.port, { acknowledge: false });
        // A known customer writes from their address; the mail proves nothing about who holds it.
        const cu = await t.call('supervisor', 'POST', '/api/v1/customers', {
          displayName: 'Ana Lim',
          phones: [{ kind: 'mobile', number: '+65 9123 4567' }],
          emails: ['ana@customer.example'],
        });
        assert.equal(cu.statusCode, 201, cu.body);
        const r = await receive(mail({ from: 'ana@customer.example' }));
        assert.ok(r.outcome?.result === 'message');
        assert.equal(r.outcome.customerCreated, false);
        const tpl = await t.call('team_leader', 'POST', '/api/v1/templates', {
          kind: 'email',
          name: 'With particulars',
          subject: 'Your case {{case.reference}}',
          body: 'Dear {{customer.name}}, we will call you on {{customer.mobile}}.',
        });
        assert.equal(tpl.statusCode, 201, tpl.body);
        const preview = await t.call('supervisor', 'POST', `/api/v1/templates/${tpl.data.id}/preview`, {
          caseId: r.outcome.caseId,
        });
        assert.equal(preview.statusCode, 200, preview.body);
        assert.doesNotMatch(preview.data.text, /9123/, 'the mobile number is withheld');
        assert.match(preview.data.text, /Dear Ana Lim/);
        assert.deepEqual(preview.data.masked, ['customer.mobile']);
      } finally {
        await s.close();
        await t.close();
      }
    });
  });
}

for (const dialect of await dialects()) {
  describe(`progress updates by e-mail on ${dialect}`, () => {
    test('a progress update sent by e-mail is an e-mail that leaves; by SMS it is not an e-mail', async () => {
      const t = await makeTestApp(dialect);
      const s = await sink();
      try {
        const { receive } = await setup(t, s.port, { acknowledge: false });
        const r = await receive(
          mail({ from: 'Ana <ana@customer.example>', messageId: 'p1@customer.example' }),
        );
        assert.ok(r.outcome?.result === 'message');
        const caseId = r.outcome.caseId;
        const sent = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/progress-updates`, {
          channel: 'email',
          body: 'We have asked Billing to reverse the second charge. PROGRESS-MARKER',
        });
        assert.equal(sent.statusCode, 201, sent.body);
        await t.call('officer', 'POST', `/api/v1/cases/${caseId}/progress-updates`, {
          channel: 'sms',
          body: 'By text',
        });
        assert.equal(await t.services.outbound.drain(), 1);
        const m = await simpleParser(s.received[0]!);
        assert.match(m.text ?? '', /PROGRESS-MARKER/);
        assert.equal(m.inReplyTo, '<p1@customer.example>');
        const kinds = await t.ctx.store.db
          .selectFrom('messages')
          .select(['kind', 'state'])
          .where('direction', '=', 'outbound')
          .execute();
        assert.deepEqual(
          kinds.map((k) => [k.kind, k.state]),
          [['progress_update', 'sent']],
        );
      } finally {
        await s.close();
        await t.close();
      }
    });
  });
}
