import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { afterDeliveryReport, DELIVERY_REPORTS } from '../../src/server/modules/messages/delivery-state.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { MESSAGE_STATES } from '../../src/shared/contracts/messages.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { mail, smtpSink } from '../helpers/mail.ts';

/**
 * Delivery reports on what we sent (issue 13, delivery state queued → sent → delivered / failed /
 * bounced): the success DSN Frontline asks for where the server offers it, a bounce after it, the
 * order rules between them, and read receipts, which are never asked for and never a case.
 */
const CORPUS = path.resolve(import.meta.dirname, '../fixtures/mail');
const fixture = (file: string) => fs.readFileSync(path.join(CORPUS, file), 'latin1');

/** The corpus's Postfix success DSN, made to report on `messageId` (and `envid`, when given). */
function successDsn(reportId: string, messageId: string, envid: string | null, recipient: string) {
  let s = fixture('bounce/054-postfix-success-relayed-constructed.eml')
    .replace('20240514110207.4Vq6K21bz8z9sRt@mail.centre.example', reportId)
    .replaceAll('018f76a2-4c1d-7e4b-9a51-3f2d8c7b1e40.cs-000419@centre.example', messageId)
    .replaceAll('ana.pereira@customer.example', recipient);
  s = envid
    ? s.replace(
        'Original-Envelope-Id: 018f76a2-4c1d-7e4b-9a51-3f2d8c7b1e40',
        `Original-Envelope-Id: ${envid}`,
      )
    : s.replace(/Original-Envelope-Id: .*\r\n/, '');
  return Buffer.from(s, 'latin1');
}

/** The corpus's report on a delivered Cc and a failed customer, about `messageId`. */
function failureDsn(reportId: string, messageId: string) {
  return Buffer.from(
    fixture('bounce/056-multi-recipient-delivered-and-failed-constructed.eml')
      .replace('20240514120519.4Vq8Z74r2Tz9sS1@mail.centre.example', reportId)
      .replaceAll('018f76d9-2b7e-7a10-8c3f-9d4e5f6a7b81.cs-000421@centre.example', messageId)
      .replace(/Original-Envelope-Id: .*\r\n/, ''),
    'latin1',
  );
}

async function setup(t: TestApp, port: number, options: Record<string, unknown> = {}) {
  const box = await t.services.mailboxes.create(SYSTEM_ACTOR, {
    address: 'billing@centre.example',
    displayName: 'Billing Support',
    inbound: 'smtp',
    teamId: t.team.id,
    smtp: { host: '127.0.0.1', port, tls: false },
    options: { acknowledge: false, ...options },
  });
  const receive = (raw: Buffer) =>
    t.services.inbound.receive({ channel: 'email', raw, transport: 'api', endpointId: box.id });
  const first = await receive(mail({ from: 'Ana <m.lindqvist@example.se>', messageId: 'q1@example.se' }));
  assert.ok(first.outcome?.result === 'message');
  const caseId = first.outcome.caseId;
  await t.ctx.store.db
    .updateTable('cases')
    .set({ assignee_id: t.users.officer.id })
    .where('id', '=', caseId)
    .execute();
  return { box, receive, caseId };
}

const message = (t: TestApp, id: string) =>
  t.ctx.store.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const timeline = async (t: TestApp, caseId: string) =>
  (
    await t.ctx.store.db
      .selectFrom('case_events')
      .select('kind')
      .where('case_id', '=', caseId)
      .where('kind', 'in', ['message.delivered', 'message.bounced'])
      .orderBy('id')
      .execute()
  ).map((e) => e.kind);
const outbox = async (t: TestApp, name: string) =>
  (await t.ctx.store.db.selectFrom('outbox').select('payload').where('name', '=', name).execute()).map(
    (e) => (typeof e.payload === 'string' ? JSON.parse(e.payload) : e.payload) as Record<string, unknown>,
  );
const bell = (t: TestApp) =>
  t.ctx.store.db.selectFrom('notifications').select('kind').where('kind', 'like', 'message.%').execute();
const caseCount = async (t: TestApp) =>
  (await t.ctx.store.db.selectFrom('cases').select('id').execute()).length;

describe('delivery reports: the order rules (delivery-state.ts)', () => {
  test('every state × report: a failure always ends bounced, a success only moves on from sent, a delay never moves', () => {
    for (const state of MESSAGE_STATES) {
      assert.equal(afterDeliveryReport(state, 'delayed'), null, state);
      assert.equal(afterDeliveryReport(state, 'delivered'), state === 'sent' ? 'delivered' : null, state);
      assert.equal(afterDeliveryReport(state, 'failed'), state === 'received' ? null : 'bounced', state);
    }
    assert.deepEqual(Object.keys(DELIVERY_REPORTS).sort(), [...MESSAGE_STATES].sort());
    // Whatever order a success and a failure arrive in, the message ends bounced.
    const run = (reports: ('delivered' | 'failed')[]) =>
      reports.reduce<string>((s, r) => afterDeliveryReport(s, r) ?? s, 'sent');
    assert.equal(run(['delivered', 'failed']), 'bounced');
    assert.equal(run(['failed', 'delivered']), 'bounced');
    assert.equal(run(['delivered', 'delivered']), 'delivered');
    assert.equal(afterDeliveryReport('no such state', 'failed'), null);
  });
});

for (const dialect of await dialects()) {
  describe(`delivery reports on ${dialect}`, () => {
    test('a reply asks for a success report where the server offers DSN; the report marks it delivered (timeline, outbox, nobody told, no case); a later bounce still wins', async () => {
      const t = await makeTestApp(dialect);
      const s = await smtpSink({ dsn: true });
      try {
        const { receive, caseId } = await setup(t, s.port);
        const reply = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/messages`, {
          body: 'We have reversed the second charge.',
          cc: ['j.lindqvist@partner.example'],
        });
        assert.equal(reply.statusCode, 201, reply.body);
        const id: string = reply.data.id;
        assert.equal(await t.services.outbound.drain(), 1);
        // RFC 3461 on the envelope: success and failure, headers only, our id as ENVID.
        const env = s.envelopes[0]!;
        assert.deepEqual(
          env.rcptTo.map((r) => [r.address, r.dsn?.notify]),
          [
            ['m.lindqvist@example.se', ['SUCCESS', 'FAILURE']],
            ['j.lindqvist@partner.example', ['SUCCESS', 'FAILURE']],
          ],
        );
        assert.equal(env.dsn?.ret, 'HDRS');
        assert.equal(env.dsn?.envid, id);
        const sentMail = await simpleParser(s.received[0]!);
        assert.equal(sentMail.headers.get('disposition-notification-to'), undefined, 'no read receipt asked');
        const sent = await message(t, id);
        assert.equal(sent.state, 'sent');
        const cases = await caseCount(t);

        // The Cc's server reports success first: delivered, said on the timeline and to the desktop.
        const ok = await receive(
          successDsn('dsn-ok-1@mx.centre.example', sent.source_key!, id, 'j.lindqvist@partner.example'),
        );
        assert.deepEqual(ok.outcome, {
          result: 'bounce',
          messageId: id,
          recipient: 'j.lindqvist@partner.example',
          status: '2.0.0',
          report: 'delivered',
        });
        const delivered = await message(t, id);
        assert.equal(delivered.state, 'delivered');
        assert.match(
          delivered.state_reason ?? '',
          /^j\.lindqvist@partner\.example: 2\.0\.0 relayed: 250 2\.0\.0 OK/,
        );
        assert.equal(delivered.sent_at, sent.sent_at, 'the send is still on record');
        assert.deepEqual(await timeline(t, caseId), ['message.delivered']);
        assert.deepEqual(await outbox(t, 'case.message_delivered'), [{ id: caseId, messageId: id }]);
        assert.deepEqual(await bell(t), [], 'nobody is told of a success');
        assert.equal(await caseCount(t), cases, 'never a case');
        // The desktop's thread says so.
        const thread = await t.call('officer', 'GET', `/api/v1/cases/${caseId}/messages`);
        assert.equal(thread.data.items.find((m: { id: string }) => m.id === id).state, 'delivered');

        // The customer's own success report, found by ENVID alone: already delivered, nothing more.
        const headerless = Buffer.from(
          successDsn('dsn-ok-2@mx.centre.example', 'not-ours@elsewhere.example', id, 'm.lindqvist@example.se')
            .toString('latin1')
            .replace(/^Message-ID: <not-ours@elsewhere\.example>\r\n/m, ''),
          'latin1',
        );
        const again = await receive(headerless);
        assert.equal(again.outcome?.result === 'bounce' && again.outcome.messageId, id, 'matched by ENVID');
        assert.deepEqual(await timeline(t, caseId), ['message.delivered'], 'once');

        // Then the customer's server bounces it after all: the failure wins over delivered.
        const bounced = await receive(failureDsn('dsn-fail-1@mx.centre.example', sent.source_key!));
        assert.equal(bounced.outcome?.result === 'bounce' && bounced.outcome.report, 'failed');
        const after = await message(t, id);
        assert.equal(after.state, 'bounced');
        assert.match(after.state_reason ?? '', /^m\.lindqvist@example\.se: 5\.1\.1/);
        assert.deepEqual(await timeline(t, caseId), ['message.delivered', 'message.bounced']);
        assert.deepEqual(
          (await bell(t)).map((n) => n.kind),
          ['message.bounced'],
        );

        // A success arriving late never undoes the bounce.
        await receive(
          successDsn('dsn-ok-3@mx.centre.example', sent.source_key!, id, 'j.lindqvist@partner.example'),
        );
        assert.equal((await message(t, id)).state, 'bounced');
        assert.deepEqual(await timeline(t, caseId), ['message.delivered', 'message.bounced']);
        assert.equal((await outbox(t, 'case.message_delivered')).length, 1);
        assert.equal(await caseCount(t), cases, 'never a case');
      } finally {
        await s.close();
        await t.close();
      }
    });

    test('a bounce first, then a success: stays bounced; a success while the send is still being recorded changes nothing', async () => {
      const t = await makeTestApp(dialect);
      const s = await smtpSink({ dsn: true });
      try {
        const { receive, caseId } = await setup(t, s.port);
        const a = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/messages`, { body: 'First.' });
        const b = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/messages`, { body: 'Second.' });
        assert.equal(await t.services.outbound.drain(), 2);
        const first = await message(t, a.data.id);
        await receive(failureDsn('dsn-fail-2@mx.centre.example', first.source_key!));
        await receive(
          successDsn('dsn-ok-4@mx.centre.example', first.source_key!, first.id, 'm.lindqvist@example.se'),
        );
        assert.equal((await message(t, first.id)).state, 'bounced');
        assert.deepEqual(await timeline(t, caseId), ['message.bounced']);

        // The sender's own record of the send comes first: a success seen while `sending` is dropped.
        await t.ctx.store.db
          .updateTable('messages')
          .set({ state: 'sending' })
          .where('id', '=', b.data.id)
          .execute();
        const second = await message(t, b.data.id);
        const r = await receive(
          successDsn('dsn-ok-5@mx.centre.example', second.source_key!, null, 'm.lindqvist@example.se'),
        );
        assert.equal(r.outcome?.result === 'bounce' && r.outcome.report, 'delivered');
        assert.equal((await message(t, second.id)).state, 'sending');
        assert.deepEqual(await timeline(t, caseId), ['message.bounced']);
      } finally {
        await s.close();
        await t.close();
      }
    });

    test('a server that does not offer DSN is not asked (the message stays sent)', async () => {
      const t = await makeTestApp(dialect);
      const s = await smtpSink();
      try {
        const { caseId } = await setup(t, s.port);
        const r = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/messages`, { body: 'Hello.' });
        assert.equal(await t.services.outbound.drain(), 1);
        assert.deepEqual(
          s.envelopes[0]!.rcptTo.map((x) => [x.address, x.args]),
          [['m.lindqvist@example.se', false]],
          'no NOTIFY where DSN is not advertised',
        );
        assert.equal((await message(t, r.data.id)).state, 'sent');
      } finally {
        await s.close();
        await t.close();
      }
    });

    test('a read receipt (RFC 8098 MDN) is automatic: kept on the case it is about without reopening or answering it, and never a case of its own', async () => {
      const t = await makeTestApp(dialect);
      const s = await smtpSink();
      try {
        const { receive, caseId } = await setup(t, s.port, { acknowledge: true });
        const r = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/messages`, { body: 'Refunded.' });
        await t.services.outbound.drain();
        const sent = await message(t, r.data.id);
        await t.ctx.store.db
          .updateTable('cases')
          .set({ status: 'resolved' })
          .where('id', '=', caseId)
          .execute();
        const cases = await caseCount(t);
        const outbound = async () =>
          (
            await t.ctx.store.db
              .selectFrom('messages')
              .select('id')
              .where('direction', '=', 'outbound')
              .execute()
          ).length;
        const before = await outbound();
        const mdn = fixture('autoreply/068-mdn-read-receipt-constructed.eml')
          .replaceAll('ana.pereira@customer.example', 'm.lindqvist@example.se')
          .replaceAll('018f76a2-4c1d-7e4b-9a51-3f2d8c7b1e40.cs-000419@centre.example', sent.source_key!);
        const onCase = await receive(Buffer.from(mdn, 'latin1'));
        assert.ok(onCase.outcome?.result === 'message', JSON.stringify(onCase.outcome));
        assert.equal(onCase.outcome.caseId, caseId);
        assert.equal(onCase.outcome.caseCreated, false);
        assert.equal(onCase.outcome.reopened, false);
        assert.equal(onCase.outcome.acknowledgementId, null);
        const kept = await message(t, onCase.outcome.messageId);
        assert.equal(kept.kind, 'auto_reply');
        assert.equal((await t.services.cases.row(t.ctx.store.db, caseId)).status, 'resolved', 'not reopened');

        // From someone else, about nothing we know (no References, no case reference): kept aside, no case.
        const stray = mdn
          .replace(/^From: .*\r\n/m, 'From: Bo <bo@else.example>\r\n')
          .replace(/^References: .*\r\n/m, '')
          .replace(/\r\n \[CS-000419\]/, '')
          .replace('5b8e2f1a-3c4d-4e5f-a6b7-c8d9e0f1a2b3@customer.example', 'stray-mdn@example.se');
        const aside = await receive(Buffer.from(stray, 'latin1'));
        assert.deepEqual(aside.outcome, {
          result: 'ignored',
          reason: 'auto_reply',
          detail: 'multipart/report; report-type=disposition-notification',
        });
        assert.equal(await caseCount(t), cases, 'never a case');
        assert.equal(await outbound(), before, 'nothing answered');
      } finally {
        await s.close();
        await t.close();
      }
    });
  });
}
