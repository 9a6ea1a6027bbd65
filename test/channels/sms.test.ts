import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { smsAdapter } from '../../src/server/channels/sms/adapter.ts';
import { smsKeyword } from '../../src/server/channels/sms/keywords.ts';
import { SmsSimulator } from '../../src/server/channels/sms/simulator.ts';
import { formParams, twilioSignature, verifyTwilioSignature } from '../../src/server/channels/sms/twilio.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';

const SID = 'ACtest0001';
const TOKEN = 'the-auth-token';
const OUR_NUMBER = '+6568880000';

describe('SMS adapter (Twilio-compatible)', () => {
  test('the signature is Twilio’s documented example', () => {
    // Twilio's own sample (twilio-samples/api-snippets, security/signature_validation)
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params: [string, string][] = [
      ['CallSid', 'CA1234567890ABCDE'],
      ['Caller', '+14158675310'],
      ['Digits', '1234'],
      ['From', '+14158675310'],
      ['To', '+18005551212'],
    ];
    assert.equal(twilioSignature(url, params, '12345'), 'GvWf1cFY/Q7PnoempGyD5oXAezc=');
    assert.ok(verifyTwilioSignature(url, [...params].reverse(), '12345', 'GvWf1cFY/Q7PnoempGyD5oXAezc='));
    assert.ok(!verifyTwilioSignature(url, params, 'other', 'GvWf1cFY/Q7PnoempGyD5oXAezc='));
    assert.ok(!verifyTwilioSignature(`${url}&x=1`, params, '12345', 'GvWf1cFY/Q7PnoempGyD5oXAezc='));
    assert.ok(!verifyTwilioSignature(url, params, '12345', undefined));
  });

  test('a webhook body parses into the channel-neutral message; one without a sid or sender is malformed', async () => {
    const raw = new TextEncoder().encode(
      new URLSearchParams({
        MessageSid: 'SM1',
        From: '+6591234567',
        To: OUR_NUMBER,
        Body: 'Hi, €5 ✓',
      }).toString(),
    );
    const m = await smsAdapter.parseInbound(raw);
    assert.equal(m.channel, 'sms');
    assert.equal(m.sourceId, 'SM1');
    assert.equal(m.from?.address, '+6591234567');
    assert.equal(m.text, 'Hi, €5 ✓');
    assert.equal(m.malformed, false);
    assert.deepEqual(formParams(raw).length, 4);
    assert.equal((await smsAdapter.parseInbound(new TextEncoder().encode('Body=hi'))).malformed, true);
  });

  test('carrier keywords: only the word alone, any case', () => {
    for (const w of ['STOP', 'stop', ' Unsubscribe ', 'cancel.', 'END', 'quit', 'STOPALL'])
      assert.equal(smsKeyword(w)?.action, 'opt_out', w);
    for (const w of ['START', 'unstop', 'Yes']) assert.equal(smsKeyword(w)?.action, 'opt_in', w);
    for (const w of ['please stop calling me', 'stop it now', 'yes please', ''])
      assert.equal(smsKeyword(w), null, w);
  });

  test('sending: errors are classed (authentication, retryable, permanent) and every call has a timeout', async () => {
    const sim = new SmsSimulator({ [SID]: TOKEN });
    const baseUrl = await sim.start();
    try {
      const msg = {
        id: 'm1',
        from: { address: OUR_NUMBER, name: null },
        to: [{ address: '+6591234567', name: null }],
        cc: [],
        subject: '',
        text: 'Hello',
        html: null,
        inReplyTo: null,
        references: [],
        messageId: 'm1',
        headers: {},
        attachments: [],
      };
      const ok = await smsAdapter.send(msg, {
        baseUrl,
        accountSid: SID,
        authToken: TOKEN,
        statusCallback: null,
      });
      assert.match(ok.providerId ?? '', /^SM[0-9a-f]{32}$/);
      assert.equal(sim.received[0]?.body, 'Hello');
      await assert.rejects(
        smsAdapter.send(msg, { baseUrl, accountSid: SID, authToken: 'wrong', statusCallback: null }),
        { failure: 'authentication' },
      );
      sim.failNext = { status: 503, count: 1 };
      await assert.rejects(
        smsAdapter.send(msg, { baseUrl, accountSid: SID, authToken: TOKEN, statusCallback: null }),
        { failure: 'retryable' },
      );
      await assert.rejects(
        smsAdapter.send(
          { ...msg, to: [{ address: 'nonsense', name: null }] },
          { baseUrl, accountSid: SID, authToken: TOKEN, statusCallback: null },
        ),
        { failure: 'permanent' },
      );
      await assert.rejects(
        smsAdapter.send(msg, {
          baseUrl: 'http://127.0.0.1:1',
          accountSid: SID,
          authToken: TOKEN,
          statusCallback: null,
        }),
        { failure: 'retryable' },
      );
    } finally {
      await sim.stop();
    }
  });
});

for (const dialect of await dialects()) {
  describe(`SMS on the messaging core on ${dialect}`, () => {
    let t: TestApp;
    let sim: SmsSimulator;
    let endpointId: string;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');

    before(async () => {
      sim = new SmsSimulator({ [SID]: TOKEN });
      const baseUrl = await sim.start();
      t = await makeTestApp(dialect, { clock });
      const r = await t.call('administrator', 'POST', '/api/v1/sms-endpoints', {
        number: '6888 0000',
        displayName: 'Hotline SMS',
        baseUrl,
        accountSid: SID,
        authToken: TOKEN,
        teamId: t.team.id,
      });
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(r.data.number, OUR_NUMBER);
      assert.equal(r.data.hasAuthToken, true);
      assert.equal(JSON.stringify(r.data).includes(TOKEN), false);
      endpointId = r.data.id;
    });
    after(async () => {
      await t.close();
      await sim.stop();
    });

    /** A webhook as the provider posts it, signed for the URL inject() is called at. */
    const post = (
      kind: 'inbound' | 'status',
      params: Record<string, string>,
      opts: { token?: string; query?: string } = {},
    ) => {
      const path = `/api/v1/channels/sms/${endpointId}/${kind}${opts.query ?? ''}`;
      const list = Object.entries(params);
      return t.call(null, 'POST', path, new URLSearchParams(list).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(`http://localhost:80${path}`, list, opts.token ?? TOKEN),
      });
    };
    let n = 0;
    const text = (from: string, body: string, sid = `SM${String(++n).padStart(32, '0')}`) =>
      post('inbound', {
        AccountSid: SID,
        MessageSid: sid,
        From: from,
        To: OUR_NUMBER,
        Body: body,
        NumMedia: '0',
      });
    const smsMessages = (caseId: string) =>
      t.ctx.store.db
        .selectFrom('messages')
        .selectAll()
        .where('case_id', '=', caseId)
        .where('channel', '=', 'sms')
        .orderBy('created_at')
        .execute();
    const caseOfSid = async (sid: string) =>
      (
        await t.ctx.store.db
          .selectFrom('messages')
          .select('case_id')
          .where('source_key', '=', sid)
          .executeTakeFirstOrThrow()
      ).case_id;

    test('a text from an unknown number opens a case for its team with a new unverified customer', async () => {
      const r = await text('+65 9700 0001', 'My bill is wrong', 'SMnew0001');
      assert.equal(r.statusCode, 200, r.body);
      assert.match(r.headers['content-type'] as string, /xml/);
      const caseId = await caseOfSid('SMnew0001');
      const c = await t.services.cases.row(t.ctx.store.db, caseId);
      assert.equal(c.team_id, t.team.id);
      assert.match(c.subject, /My bill is wrong/);
      const cu = await t.ctx.store.db
        .selectFrom('customers')
        .selectAll()
        .where('id', '=', c.customer_id!)
        .executeTakeFirstOrThrow();
      assert.match(JSON.stringify(cu.phones), /\+6597000001/);
      // Not named by the number, which the name would show in full in every title, queue and offer.
      assert.equal(cu.display_name, 'SMS customer …0001');
      const read = await t.call('officer', 'GET', `/api/v1/customers/${cu.id}`);
      assert.equal(read.data.displayName, 'SMS customer …0001');
      assert.doesNotMatch(read.body, /97000001|9700 0001/, 'the number masked for an officer');
      // So is the text's sender in the conversation, as the composer masks whom it texts.
      const ws = await t.call('officer', 'GET', `/api/v1/cases/${caseId}/workspace`);
      assert.equal(ws.data.messages[0].from.address, '*******0001');
      const full = await t.call('supervisor', 'GET', `/api/v1/cases/${caseId}/workspace`);
      assert.equal(full.data.messages[0].from.address, '+6597000001');
      // And in the case's history (the walk-through read 'From: +6591234567' there).
      const received = async (role: 'officer' | 'supervisor') =>
        (await t.call(role, 'GET', `/api/v1/cases/${caseId}/history`)).data.items.find(
          (e: { action: string }) => e.action === 'message.received',
        ).after.from;
      assert.equal(await received('officer'), '*******0001');
      assert.equal(await received('supervisor'), '+6597000001');
      // A template greets nobody by that placeholder: the name is a gap the officer fills.
      const tpl = await t.call('administrator', 'POST', '/api/v1/templates', {
        kind: 'sms',
        name: 'Greeting',
        body: 'Hi {{customer.name}}, we are on it.',
      });
      assert.equal(tpl.statusCode, 201, tpl.body);
      const preview = await t.call('officer', 'POST', `/api/v1/templates/${tpl.data.id}/preview`, { caseId });
      assert.equal(preview.statusCode, 200, preview.body);
      assert.deepEqual(preview.data.missing, ['customer.name']);
      assert.equal(preview.data.text, 'Hi [customer name], we are on it.');
      // Found again by the number, however it is typed.
      const hits = await t.call('officer', 'GET', `/api/v1/customers?q=${encodeURIComponent('9700 0001')}`);
      assert.deepEqual(
        hits.data.items.map((h: { id: string }) => h.id),
        [cu.id],
      );
      const [m] = await smsMessages(caseId);
      assert.equal(m?.from_address, '+6597000001');
      assert.equal(m?.state, 'received');
    });

    test('the same webhook replayed 10 times makes one message', async () => {
      const rs = [];
      for (let i = 0; i < 10; i++) rs.push(await text('+6597000002', 'Replay me', 'SMreplay0001'));
      assert.deepEqual(new Set(rs.map((r) => r.statusCode)), new Set([200]));
      const msgs = await t.ctx.store.db
        .selectFrom('messages')
        .select('id')
        .where('source_key', '=', 'SMreplay0001')
        .execute();
      assert.equal(msgs.length, 1);
      const raws = await t.ctx.store.db
        .selectFrom('inbound_raw')
        .select('id')
        .where('source_key', '=', 'sid:SMreplay0001')
        .execute();
      assert.equal(raws.length, 1);
    });

    test('a forged signature is refused (403 problem+json) and nothing is stored', async () => {
      const before = await t.ctx.store.db.selectFrom('inbound_raw').select('id').execute();
      const r = await post(
        'inbound',
        { AccountSid: SID, MessageSid: 'SMforged', From: '+6597000003', To: OUR_NUMBER, Body: 'x' },
        { token: 'guessed' },
      );
      assert.equal(r.statusCode, 403);
      assert.match(r.headers['content-type'] as string, /application\/problem\+json/);
      assert.equal(r.data.code, 'sms.signature_invalid');
      assert.equal(r.data.errors[0].field, '/headers/x-twilio-signature');
      const unsigned = await t.call(
        null,
        'POST',
        `/api/v1/channels/sms/${endpointId}/inbound`,
        'MessageSid=SMx&From=%2B6597000003&Body=x',
        {
          'content-type': 'application/x-www-form-urlencoded',
        },
      );
      assert.equal(unsigned.statusCode, 403);
      assert.equal(
        (await t.ctx.store.db.selectFrom('inbound_raw').select('id').execute()).length,
        before.length,
      );
    });

    test('a second text from the number joins its open conversation; after the window it opens a new case', async () => {
      await text('+6597000004', 'First', 'SMthread1');
      await text('+6597000004', 'Second', 'SMthread2');
      const first = await caseOfSid('SMthread1');
      assert.equal(await caseOfSid('SMthread2'), first);
      clock.advance(8 * 86_400_000);
      await text('+6597000004', 'A week later', 'SMthread3');
      assert.notEqual(await caseOfSid('SMthread3'), first);
      clock.advance(-8 * 86_400_000);
    });

    test('an officer texts back: sent through the provider, then delivery reports move its state forward only', async () => {
      await text('+6597000005', 'When is my refund?', 'SMreply1');
      const caseId = await caseOfSid('SMreply1');
      const rec = await t.call('officer', 'GET', `/api/v1/cases/${caseId}/sms-recipient`);
      assert.equal(rec.statusCode, 200, rec.body);
      assert.deepEqual([rec.data.from, rec.data.bySms, rec.data.optedOut], [OUR_NUMBER, true, false]);
      const r = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/sms`, { body: 'Within 5 days.' });
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(r.data.channel, 'sms');
      const had = sim.received.length;
      assert.equal(await t.services.smsSender.drain(), 1);
      const got = sim.received[had]!;
      assert.deepEqual([got.to, got.from, got.body], ['+6597000005', OUR_NUMBER, 'Within 5 days.']);
      let [, out] = await smsMessages(caseId);
      assert.equal(out?.state, 'sent');
      assert.equal(out?.source_key, got.sid);
      const report = (status: string, extra: Record<string, string> = {}) =>
        post('status', { AccountSid: SID, MessageSid: got.sid, MessageStatus: status, ...extra });
      assert.equal((await report('delivered')).statusCode, 204);
      assert.equal((await report('sent')).statusCode, 204);
      [, out] = await smsMessages(caseId);
      assert.equal(out?.state, 'delivered');
      // A report for a text that failed at the carrier: failed, with the code, its author told.
      await t.call('officer', 'POST', `/api/v1/cases/${caseId}/sms`, { body: 'Are you there?' });
      await t.services.smsSender.drain();
      const second = sim.received[sim.received.length - 1]!;
      await post('status', {
        AccountSid: SID,
        MessageSid: second.sid,
        MessageStatus: 'undelivered',
        ErrorCode: '30003',
      });
      const [, , failed] = await smsMessages(caseId);
      assert.equal(failed?.state, 'failed');
      assert.match(failed?.state_reason ?? '', /undelivered \(error 30003\)/);
      const forged = await post(
        'status',
        { AccountSid: SID, MessageSid: got.sid, MessageStatus: 'failed' },
        { token: 'guessed' },
      );
      assert.equal(forged.statusCode, 403);
    });

    test('a follow-up promised by SMS is kept by writing the text, which is queued to the customer', async () => {
      await text('+6597000008', 'Call me back tomorrow', 'SMfollow1');
      const caseId = await caseOfSid('SMfollow1');
      const made = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/commitments`, {
        dueAt: '2026-11-24T09:00:00.000Z',
        method: 'sms',
        note: 'Text the engineer’s slot',
      });
      assert.equal(made.statusCode, 201, made.body);
      const empty = await t.call('officer', 'POST', `/api/v1/commitments/${made.data.id}/keep`, {});
      assert.equal(empty.statusCode, 400, empty.body);
      assert.equal(empty.data.errors[0].field, '/body/body');
      const kept = await t.call('officer', 'POST', `/api/v1/commitments/${made.data.id}/keep`, {
        body: 'The engineer comes at 10:00.',
      });
      assert.equal(kept.statusCode, 200, kept.body);
      const [, out] = await smsMessages(caseId);
      assert.deepEqual(
        [out?.kind, out?.state, out?.body_text],
        ['follow_up', 'queued', 'The engineer comes at 10:00.'],
      );
      assert.equal(await t.services.smsSender.drain(), 1);
      assert.equal(sim.received.at(-1)?.body, 'The engineer comes at 10:00.');
      // Nothing went by e-mail.
      const mails = await t.ctx.store.db
        .selectFrom('messages')
        .select('id')
        .where('case_id', '=', caseId)
        .where('channel', '=', 'email')
        .execute();
      assert.equal(mails.length, 0);
    });

    test('a provider refusing the credentials fails the text and marks the number’s health', async () => {
      await text('+6597000006', 'Hello', 'SMauth1');
      const caseId = await caseOfSid('SMauth1');
      sim.failNext = { status: 401, count: 1 };
      await t.call('officer', 'POST', `/api/v1/cases/${caseId}/sms`, { body: 'Hi' });
      assert.equal(await t.services.smsSender.drain(), 0);
      const [, out] = await smsMessages(caseId);
      assert.equal(out?.state, 'failed');
      const ep = await t.call('administrator', 'GET', `/api/v1/sms-endpoints/${endpointId}`);
      assert.equal(ep.data.health, 'authentication');
    });

    test('STOP opts the number out (consent recorded and audited; nothing is sent); START opts it back in', async () => {
      await text('+6597000007', 'I need help', 'SMstop1');
      const caseId = await caseOfSid('SMstop1');
      const c = await t.services.cases.row(t.ctx.store.db, caseId);
      // "Yes" from a number that never opted out is an answer, on the case.
      await text('+6597000007', 'Yes');
      assert.equal((await smsMessages(caseId)).length, 2);
      const stop = await text('+6597000007', 'Stop');
      assert.equal(stop.statusCode, 200);
      assert.equal((await smsMessages(caseId)).length, 2, 'a keyword is no message on the case');
      const cu = await t.ctx.store.db
        .selectFrom('customers')
        .select('consent')
        .where('id', '=', c.customer_id!)
        .executeTakeFirstOrThrow();
      assert.equal((typeof cu.consent === 'string' ? JSON.parse(cu.consent) : cu.consent).sms, false);
      const trail = await t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_id', '=', c.customer_id!)
        .where('action', '=', 'customer.sms_opted_out')
        .execute();
      assert.equal(trail.length, 1);
      const refused = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/sms`, {
        body: 'Still there?',
      });
      assert.equal(refused.statusCode, 409);
      assert.equal(refused.data.code, 'sms.opted_out');
      // One sentence, and when: no field is blamed (it read "…: body the number has opted out…").
      assert.equal(refused.data.title, 'The customer has opted out of text messages');
      assert.equal(refused.data.errors, undefined);
      assert.equal(refused.data.detail, undefined);
      assert.deepEqual([refused.data.optedOutAt, refused.data.keyword], [clock.now().toISOString(), 'STOP']);
      const stopped = (await t.call('officer', 'GET', `/api/v1/cases/${caseId}/sms-recipient`)).data;
      assert.deepEqual([stopped.optedOut, stopped.optedOutAt], [true, clock.now().toISOString()]);
      // A progress update by SMS is refused with the update, not lost after it.
      await assert.rejects(
        t.services.cases.sendProgressUpdate(t.users.officer.actor, caseId, {
          channel: 'sms',
          body: 'Update',
        }),
        { code: 'sms.opted_out' },
      );
      await text('+6597000007', 'START');
      assert.equal(
        (await t.call('officer', 'GET', `/api/v1/cases/${caseId}/sms-recipient`)).data.optedOutAt,
        null,
      );
      const ok = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/sms`, { body: 'Welcome back' });
      assert.equal(ok.statusCode, 201, ok.body);
      // A progress update on channel SMS is a text, queued with the update.
      await t.services.cases.sendProgressUpdate(t.users.officer.actor, caseId, {
        channel: 'sms',
        body: 'Your refund is on its way',
      });
      const texts = await smsMessages(caseId);
      // All at the test clock's one instant (the customer's texts too): the two picked by their
      // words and compared in no particular order.
      assert.deepEqual(
        texts
          .filter((m) => m.body_text === 'Welcome back' || m.body_text === 'Your refund is on its way')
          .map((m) => [m.kind, m.state, m.body_text])
          .sort(),
        [
          ['progress_update', 'queued', 'Your refund is on its way'],
          ['reply', 'queued', 'Welcome back'],
        ],
      );
      const cu2 = await t.ctx.store.db
        .selectFrom('customers')
        .select('consent')
        .where('id', '=', c.customer_id!)
        .executeTakeFirstOrThrow();
      assert.equal((typeof cu2.consent === 'string' ? JSON.parse(cu2.consent) : cu2.consent).sms, true);
    });
  });
}
