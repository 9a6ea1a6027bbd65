import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AddressObject, simpleParser } from 'mailparser';
import { UPLOAD_LIMITS, UPLOAD_TTL_MS } from '../../src/server/modules/messages/uploads.service.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { newId } from '../../src/server/platform/ids.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase, buildContact, buildCustomer } from '../helpers/factories.ts';
import { mail, smtpSink } from '../helpers/mail.ts';

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value.map((v) => v.address));

/** A mailbox that sends to the sink, and a case opened by Ana's mail with Bo copied (a follower). */
async function mailCase(t: TestApp, port: number) {
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
    raw: mail({ from: 'Ana <ana@customer.example>', cc: 'Bo <bo@customer.example>' }),
    transport: 'api',
    endpointId: box.id,
  });
  assert.ok(r.outcome?.result === 'message', JSON.stringify(r.outcome));
  return { box, caseId: r.outcome.caseId };
}

const upload = (t: TestApp, caseId: string, data: Buffer, name: string, type = 'application/pdf') =>
  t.call('officer', 'POST', `/api/v1/cases/${caseId}/message-uploads`, data, {
    'content-type': type,
    'x-filename': encodeURIComponent(name),
  });

for (const dialect of await dialects()) {
  describe(`replying by e-mail with CC and files on ${dialect}`, () => {
    test('the officer sees who gets it, uploads a file (twice: one upload), adds a CC and sends: the sink gets the file and every copy', async () => {
      const t = await makeTestApp(dialect);
      const sink = await smtpSink();
      try {
        const { caseId } = await mailCase(t, sink.port);
        const who = await t.call('officer', 'GET', `/api/v1/cases/${caseId}/message-recipients`);
        assert.equal(who.statusCode, 200, who.body);
        assert.equal(who.data.byEmail, true);
        assert.deepEqual(who.data.to, { address: 'ana@customer.example', name: null });
        assert.deepEqual(
          who.data.cc.map((a: { address: string }) => a.address),
          ['bo@customer.example'],
        );
        assert.equal(who.data.from.address, 'billing@centre.example');
        assert.equal(who.data.limits.fileBytes, UPLOAD_LIMITS.fileBytes);

        const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(70_000, 7)]);
        const first = await upload(t, caseId, pdf, 'Rückzahlung November.pdf');
        assert.equal(first.statusCode, 201, first.body);
        assert.equal(first.data.filename, 'Rückzahlung November.pdf');
        assert.equal(first.data.size, pdf.length);
        // A retried upload (the answer was lost) is the same upload, not a second file.
        const again = await upload(t, caseId, pdf, 'Rückzahlung November.pdf');
        assert.equal(again.statusCode, 200, again.body);
        assert.equal(again.data.id, first.data.id);
        const note = await upload(
          t,
          caseId,
          Buffer.from('Steps to follow'),
          'steps.txt',
          'text/plain; charset=utf-8',
        );
        assert.equal(note.statusCode, 201, note.body);
        assert.equal(note.data.contentType, 'text/plain');
        const waiting = await t.ctx.store.db.selectFrom('message_uploads').select('id').execute();
        assert.equal(waiting.length, 2);

        const sent = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/messages`, {
          body: 'Your refund is attached.',
          cc: ['Carol@Partner.example'],
          attachmentIds: [first.data.id, note.data.id],
        });
        assert.equal(sent.statusCode, 201, sent.body);
        assert.deepEqual(sent.data.attachments.map((a: { filename: string }) => a.filename).sort(), [
          'Rückzahlung November.pdf',
          'steps.txt',
        ]);
        assert.deepEqual(sent.data.cc.map((a: { address: string }) => a.address).sort(), [
          'bo@customer.example',
          'carol@partner.example',
        ]);
        assert.equal(
          (await t.ctx.store.db.selectFrom('message_uploads').select('id').execute()).length,
          0,
          'the uploads moved onto the reply',
        );
        // The same files again (a second click with a new key): they are sent already, not twice.
        const twice = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/messages`, {
          body: 'Your refund is attached.',
          attachmentIds: [first.data.id],
        });
        assert.equal(twice.statusCode, 400, twice.body);
        assert.equal(twice.data.errors[0].field, '/body/attachmentIds/0');
        assert.equal(twice.data.errors[0].rule, 'noSuchUpload');

        assert.equal(await t.services.outbound.drain(), 1);
        assert.equal(sink.received.length, 1);
        const got = await simpleParser(sink.received[0]!);
        assert.deepEqual(addresses(got.to), ['ana@customer.example']);
        assert.deepEqual(addresses(got.cc).sort(), ['bo@customer.example', 'carol@partner.example']);
        assert.match(got.text ?? '', /Your refund is attached\./);
        assert.match(
          String(got.html),
          /<p>Your refund is attached\.<\/p>/,
          'HTML with the text as its alternative',
        );
        const files = got.attachments.map((a) => ({
          name: a.filename,
          type: a.contentType,
          bytes: a.content,
        }));
        assert.equal(files.length, 2);
        const gotPdf = files.find((f) => f.name === 'Rückzahlung November.pdf');
        assert.ok(gotPdf, `the PDF arrived: ${files.map((f) => f.name).join(', ')}`);
        assert.equal(gotPdf.type, 'application/pdf');
        assert.ok(gotPdf.bytes.equals(pdf), 'byte for byte');
        assert.equal(files.find((f) => f.name === 'steps.txt')?.bytes.toString(), 'Steps to follow');

        // The sent reply in the conversation lists its files, and they download.
        const thread = await t.call('officer', 'GET', `/api/v1/cases/${caseId}/messages`);
        const reply = thread.data.items.find((m: { id: string }) => m.id === sent.data.id);
        assert.equal(reply.state, 'sent');
        const shown = reply.attachments.find((a: { filename: string }) => a.filename.endsWith('.pdf'));
        assert.equal(shown.url, `/api/v1/message-attachments/${first.data.id}`);
        const file = await t.app.inject({ method: 'GET', url: shown.url, headers: t.as('officer') });
        assert.equal(file.statusCode, 200);
        assert.ok(file.rawPayload.equals(pdf));
        // Each step is in the audit trail.
        const actions = (
          await t.ctx.store.db
            .selectFrom('audit_log')
            .select('action')
            .where('entity_id', '=', caseId)
            .execute()
        ).map((a) => a.action);
        for (const a of ['message.file_uploaded', 'message.queued', 'message.files_attached'])
          assert.ok(actions.includes(a), `${a} in ${actions.join(', ')}`);
      } finally {
        await sink.close();
        await t.close();
      }
    });

    test('limits and ownership: files together over the limit, a closed case, a day-old upload are refused or removed', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      const sink = await smtpSink();
      try {
        const { caseId } = await mailCase(t, sink.port);
        // Files whose sizes add up past the per-message limit (recorded sizes: the check reads them).
        const big = [];
        for (let i = 0; i < 3; i++) {
          const id = newId();
          await t.ctx.store.db
            .insertInto('message_uploads')
            .values({
              id,
              case_id: caseId,
              uploaded_by: t.users.officer.id,
              filename: `part${i}.zip`,
              content_type: 'application/zip',
              size: UPLOAD_LIMITS.fileBytes,
              sha256: String(i),
              data: Buffer.from('x'),
              created_at: clock.now().toISOString(),
            })
            .execute();
          big.push(id);
        }
        const tooMuch = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/messages`, {
          body: 'Three parts.',
          attachmentIds: big,
        });
        assert.equal(tooMuch.statusCode, 400, tooMuch.body);
        assert.equal(tooMuch.data.errors[0].field, '/body/attachmentIds');
        assert.equal(tooMuch.data.errors[0].rule, 'tooLarge');
        const none = await t.ctx.store.db
          .selectFrom('messages')
          .select('id')
          .where('case_id', '=', caseId)
          .where('direction', '=', 'outbound')
          .execute();
        assert.equal(none.length, 0, 'a refused reply is not queued');
        // Two of them are within the limit.
        const ok = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/messages`, {
          body: 'Two parts.',
          attachmentIds: big.slice(0, 2),
        });
        assert.equal(ok.statusCode, 201, ok.body);

        // An upload never sent is removed after a day; a newer one stays.
        const old = await upload(t, caseId, Buffer.from('old'), 'old.txt', 'text/plain');
        clock.advance(UPLOAD_TTL_MS - 60_000);
        const fresh = await upload(t, caseId, Buffer.from('fresh'), 'fresh.txt', 'text/plain');
        clock.advance(2 * 60_000);
        assert.equal(await t.services.messageUploads.prune(), 2, 'the old file and the third part');
        const left = await t.ctx.store.db.selectFrom('message_uploads').select('id').execute();
        assert.deepEqual(
          left.map((r) => r.id),
          [fresh.data.id],
        );
        const gone = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/messages`, {
          body: 'x',
          attachmentIds: [old.data.id],
        });
        assert.equal(gone.data.errors?.[0]?.rule, 'noSuchUpload', gone.body);

        // Nothing is uploaded to a closed case.
        const closed = await buildCase(t);
        await t.ctx.store.db
          .updateTable('cases')
          .set({ status: 'closed' })
          .where('id', '=', closed.case.id)
          .execute();
        const refused = await upload(t, closed.case.id, Buffer.from('x'), 'x.txt', 'text/plain');
        assert.equal(refused.statusCode, 409, refused.body);
        assert.equal(refused.data.code, 'case.closed');
      } finally {
        await sink.close();
        await t.close();
      }
    });

    test('a phone case whose customer has an e-mail address can be answered by e-mail; without one it cannot', async () => {
      const t = await makeTestApp(dialect);
      const sink = await smtpSink();
      try {
        await t.services.mailboxes.create(SYSTEM_ACTOR, {
          address: 'hotline@centre.example',
          displayName: 'Hotline',
          inbound: 'none',
          teamId: t.team.id,
          smtp: { host: '127.0.0.1', port: sink.port, tls: false },
        });
        const customer = await buildCustomer(t, { emails: ['Dana.Lim@customer.example'] });
        const contact = await buildContact(t, customer.id);
        const c = await t.services.cases.create(t.users.officer.actor, {
          contactId: contact.id,
          type: 'complaint',
          subject: 'Meter reading',
        });
        const who = await t.call('officer', 'GET', `/api/v1/cases/${c.id}/message-recipients`);
        assert.equal(who.statusCode, 200, who.body);
        assert.equal(who.data.byEmail, false, 'the case came by phone');
        // From the customer's record, not a mail they sent: masked for a role that does not see particulars.
        assert.equal(who.data.to.address, 'd***@customer.example');
        assert.equal(who.data.from.address, 'hotline@centre.example');
        const sup = await t.call('supervisor', 'GET', `/api/v1/cases/${c.id}/message-recipients`);
        assert.equal(sup.data.to.address, 'dana.lim@customer.example');

        const r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/messages`, {
          body: 'As promised on the phone: the reading was corrected.',
        });
        assert.equal(r.statusCode, 201, r.body);
        assert.equal(await t.services.outbound.drain(), 1);
        const got = await simpleParser(sink.received[0]!);
        assert.deepEqual(addresses(got.to), ['dana.lim@customer.example']);
        assert.match(got.subject ?? '', /^Re: Meter reading \[CS-\d+\]$/);

        const noMail = await buildCustomer(t, { emails: [] });
        const contact2 = await buildContact(t, noMail.id);
        const c2 = await t.services.cases.create(t.users.officer.actor, {
          contactId: contact2.id,
          type: 'complaint',
          subject: 'No address',
        });
        const who2 = await t.call('officer', 'GET', `/api/v1/cases/${c2.id}/message-recipients`);
        assert.equal(who2.data.to, null);
        const refused = await t.call('officer', 'POST', `/api/v1/cases/${c2.id}/messages`, { body: 'x' });
        assert.equal(refused.statusCode, 400);
        assert.equal(refused.data.errors[0].rule, 'noRecipient');
      } finally {
        await sink.close();
        await t.close();
      }
    });

    test('a dead letter names its case', async () => {
      const t = await makeTestApp(dialect);
      try {
        // Never sent here: the reply is made a dead letter as the sender loop would after a 5xx.
        const { caseId } = await mailCase(t, 9);
        const r = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/messages`, { body: 'Lost' });
        assert.equal(r.statusCode, 201, r.body);
        await t.ctx.store.db
          .updateTable('messages')
          .set({ state: 'failed', state_reason: 'permanent: 550 no such user' })
          .where('id', '=', r.data.id)
          .execute();
        const c = await t.services.cases.row(t.ctx.store.db, caseId);
        const list = await t.call('administrator', 'GET', '/api/v1/messages/failed');
        assert.equal(list.statusCode, 200, list.body);
        const dead = list.data.items.find((m: { id: string }) => m.id === r.data.id);
        assert.equal(dead.caseId, caseId);
        assert.equal(dead.caseReference, c.reference);
      } finally {
        await t.close();
      }
    });
  });
}
