import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { newId } from '../../src/server/platform/ids.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { mail } from '../helpers/mail.ts';

async function setup(t: TestApp, options: Record<string, unknown> = {}) {
  const box = await t.services.mailboxes.create(SYSTEM_ACTOR, {
    address: 'billing@centre.example',
    displayName: 'Billing Support',
    inbound: 'smtp',
    teamId: t.team.id,
    // Acknowledgements are outbound.test.ts's subject; here they would only add messages to count.
    options: { acknowledge: false, ...options },
  });
  const receive = (raw: Buffer) =>
    t.services.inbound.receive({ channel: 'email', raw, transport: 'api', endpointId: box.id });
  return { box, receive };
}

const messagesOf = (t: TestApp, caseId: string) =>
  t.ctx.store.db
    .selectFrom('messages')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('created_at')
    .execute();

function outcomeCase(o: Awaited<ReturnType<Awaited<ReturnType<typeof setup>>['receive']>>['outcome']) {
  assert.ok(o && o.result === 'message', `expected a message, got ${JSON.stringify(o)}`);
  return o;
}

for (const dialect of await dialects()) {
  describe(`inbound e-mail chain on ${dialect}`, () => {
    test('an unknown sender: a new unverified customer, a case in the mailbox team queue, the message on it', async () => {
      // A clock that moves a millisecond each time it is read, as a real one does between two statements.
      let tick = Date.parse('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock: { now: () => new Date(tick++) } });
      try {
        const { receive } = await setup(t);
        const r = await receive(
          mail({ from: 'Mei Ling Tan <meiling@customer.example>', body: 'Charged twice for November.' }),
        );
        const o = outcomeCase(r.outcome);
        assert.equal(o.caseCreated, true);
        assert.equal(o.customerCreated, true);
        const c = await t.services.cases.row(t.ctx.store.db, o.caseId);
        assert.equal(c.team_id, t.team.id);
        assert.equal(c.assignee_id, null);
        assert.equal(c.status, 'new');
        assert.equal(c.subject, 'My bill is wrong');
        const customer = await t.ctx.store.db
          .selectFrom('customers')
          .selectAll()
          .where('id', '=', c.customer_id!)
          .executeTakeFirstOrThrow();
        assert.equal(customer.display_name, 'Mei Ling Tan');
        assert.deepEqual(parseJson(customer.emails, []), ['meiling@customer.example']);
        const [m] = await messagesOf(t, o.caseId);
        assert.equal(m!.direction, 'inbound');
        assert.equal(m!.from_address, 'meiling@customer.example');
        assert.match(m!.body_text, /Charged twice/);
        // The mail that opened the case carries the case's instant: the desktop shows it as the enquiry, once.
        assert.equal(m!.created_at, c.created_at);
        // The case is found again by the words of the mail.
        const found = await t.call('officer', 'GET', `/api/v1/search?q=${encodeURIComponent(c.reference)}`);
        assert.equal(found.statusCode, 200);
      } finally {
        await t.close();
      }
    });

    test('the same e-mail delivered ten times is one message; a known address is the known customer', async () => {
      const t = await makeTestApp(dialect);
      try {
        const { receive } = await setup(t);
        const first = outcomeCase(
          (await receive(mail({ from: 'a@customer.example', messageId: 'once@customer.example' }))).outcome,
        );
        for (let i = 0; i < 9; i++) {
          const again = await receive(
            mail({ from: 'a@customer.example', messageId: 'once@customer.example' }),
          );
          assert.equal(again.duplicate, true);
        }
        assert.equal((await messagesOf(t, first.caseId)).length, 1);
        // A sender who gave no name is not named by the address (shown in full in every title and
        // queue): by what the address's mask shows.
        const named = await t.ctx.store.db
          .selectFrom('cases as c')
          .innerJoin('customers as u', 'u.id', 'c.customer_id')
          .select('u.display_name')
          .where('c.id', '=', first.caseId)
          .executeTakeFirstOrThrow();
        assert.equal(named.display_name, 'E-mail customer a***@customer.example');
        const second = outcomeCase(
          (await receive(mail({ from: 'a@customer.example', subject: 'Another thing' }))).outcome,
        );
        assert.equal(second.customerCreated, false);
        assert.notEqual(second.caseId, first.caseId, 'a new subject without references is a new case');
        const rows = await t.ctx.store.db.selectFrom('inbound_raw').select('id').execute();
        assert.equal(rows.length, 2);
      } finally {
        await t.close();
      }
    });

    test('threading: In-Reply-To only, References only, a reply to the customer’s own sent copy, the reference in the subject, sender and subject', async () => {
      const t = await makeTestApp(dialect);
      try {
        const { receive } = await setup(t);
        const from = 'Raj <raj@customer.example>';
        const o = outcomeCase((await receive(mail({ from, messageId: 'orig@customer.example' }))).outcome);
        const c = await t.services.cases.row(t.ctx.store.db, o.caseId);
        // A reply we sent (outbound, its Message-ID recorded).
        await t.ctx.store.db
          .insertInto('messages')
          .values(outbound(o.caseId, 'reply-1@frontline.centre.example'))
          .execute();
        const cases = [
          mail({ from, subject: 'Re: My bill is wrong', inReplyTo: 'reply-1@frontline.centre.example' }),
          mail({
            from,
            subject: 'Re: My bill',
            references: '<unknown@x.example> <reply-1@frontline.centre.example>',
          }),
          // Replying to their own first mail from their Sent folder.
          mail({ from, subject: 'Also', inReplyTo: 'orig@customer.example' }),
          mail({ from, subject: `Fwd: question [${c.reference}]` }),
          mail({ from, subject: 'RE: AW: my bill is WRONG' }),
        ];
        const by: string[] = [];
        for (const raw of cases) {
          const r = outcomeCase((await receive(raw)).outcome);
          assert.equal(r.caseId, o.caseId);
          by.push(r.threadedBy ?? 'none');
        }
        assert.deepEqual(by, ['headers', 'headers', 'headers', 'reference', 'subject']);
        // The first mail, our reply, and the five that continued the case.
        assert.equal((await messagesOf(t, o.caseId)).length, 7);
        // Another sender with the same subject is somebody else's case.
        const other = outcomeCase(
          (await receive(mail({ from: 'x@else.example', subject: 'My bill is wrong' }))).outcome,
        );
        assert.notEqual(other.caseId, o.caseId);
      } finally {
        await t.close();
      }
    });

    test('reply-all from someone copied: same case, the requester stays, the copied become followers', async () => {
      const t = await makeTestApp(dialect);
      try {
        const { receive } = await setup(t);
        const o = outcomeCase(
          (
            await receive(
              mail({
                from: 'Ana <ana@customer.example>',
                cc: 'Bo <bo@customer.example>',
                messageId: 'start@customer.example',
              }),
            )
          ).outcome,
        );
        const reply = outcomeCase(
          (
            await receive(
              mail({
                from: 'Bo <bo@customer.example>',
                to: 'billing@centre.example',
                cc: 'ana@customer.example, Cy <cy@customer.example>',
                subject: 'Re: My bill is wrong',
                inReplyTo: 'start@customer.example',
              }),
            )
          ).outcome,
        );
        assert.equal(reply.caseId, o.caseId);
        const c = await t.services.cases.row(t.ctx.store.db, o.caseId);
        const requester = await t.ctx.store.db
          .selectFrom('customers')
          .select('emails')
          .where('id', '=', c.customer_id!)
          .executeTakeFirstOrThrow();
        assert.deepEqual(parseJson(requester.emails, []), ['ana@customer.example']);
        assert.equal(
          await t.services.inbound.requesterAddress(t.ctx.store.db, o.caseId),
          'ana@customer.example',
        );
        const followers = await t.ctx.store.db
          .selectFrom('case_followers')
          .select('address')
          .where('case_id', '=', o.caseId)
          .orderBy('address')
          .execute();
        assert.deepEqual(
          followers.map((f) => f.address),
          ['bo@customer.example', 'cy@customer.example'],
        );
      } finally {
        await t.close();
      }
    });

    test('a subject reference from a stranger threads but makes nobody a follower', async () => {
      const t = await makeTestApp(dialect);
      try {
        const { receive } = await setup(t);
        const o = outcomeCase((await receive(mail({ from: 'ana@customer.example' }))).outcome);
        const c = await t.services.cases.row(t.ctx.store.db, o.caseId);
        const r = outcomeCase(
          (
            await receive(
              mail({
                from: 'stranger@evil.example',
                cc: 'friend@evil.example',
                subject: `[${c.reference}] hello`,
              }),
            )
          ).outcome,
        );
        assert.equal(r.caseId, o.caseId);
        const followers = await t.ctx.store.db
          .selectFrom('case_followers')
          .selectAll()
          .where('case_id', '=', o.caseId)
          .execute();
        assert.equal(followers.length, 0);
      } finally {
        await t.close();
      }
    });

    test('auto-replies: never a new case, never reopen; bulk mail opens a case', async () => {
      const t = await makeTestApp(dialect);
      try {
        const { receive } = await setup(t);
        const lone = await receive(
          mail({
            from: 'away@customer.example',
            subject: 'Out of Office: travelling',
            headers: { 'Auto-Submitted': 'auto-replied' },
          }),
        );
        assert.deepEqual(lone.outcome?.result, 'ignored');
        const o = outcomeCase(
          (await receive(mail({ from: 'ana@customer.example', messageId: 'q@customer.example' }))).outcome,
        );
        await t.services.cases.transition(SYSTEM_ACTOR, o.caseId, {
          action: 'resolve',
          resolutionSummary: 'Refunded',
        });
        const ooo = outcomeCase(
          (
            await receive(
              mail({
                from: 'ana@customer.example',
                subject: 'Automatic reply: My bill is wrong',
                inReplyTo: 'q@customer.example',
                headers: { 'X-Autoreply': 'yes' },
              }),
            )
          ).outcome,
        );
        assert.equal(ooo.caseId, o.caseId);
        assert.equal(ooo.reopened, false);
        assert.equal((await t.services.cases.row(t.ctx.store.db, o.caseId)).status, 'resolved');
        const list = outcomeCase(
          (
            await receive(
              mail({
                from: 'news@shop.example',
                subject: 'Weekly deals',
                headers: { 'List-Id': '<deals.shop.example>' },
              }),
            )
          ).outcome,
        );
        assert.equal(list.caseCreated, true);
        const [m] = await messagesOf(t, list.caseId);
        assert.equal(m!.kind, 'bulk');
      } finally {
        await t.close();
      }
    });

    test('a reply to a resolved case reopens it; to a closed one opens a linked follow-up (or reopens, as the mailbox says); pending on the customer resumes', async () => {
      const t = await makeTestApp(dialect);
      try {
        const { box, receive } = await setup(t);
        const a = outcomeCase(
          (await receive(mail({ from: 'ana@customer.example', messageId: 'a1@customer.example' }))).outcome,
        );
        await t.services.cases.transition(SYSTEM_ACTOR, a.caseId, { action: 'await_customer' });
        const answered = outcomeCase(
          (
            await receive(
              mail({ from: 'ana@customer.example', subject: 'Re: x', inReplyTo: 'a1@customer.example' }),
            )
          ).outcome,
        );
        assert.equal(answered.caseId, a.caseId);
        assert.equal((await t.services.cases.row(t.ctx.store.db, a.caseId)).status, 'open');

        await t.services.cases.transition(SYSTEM_ACTOR, a.caseId, {
          action: 'resolve',
          resolutionSummary: 'Done',
        });
        const reopened = outcomeCase(
          (
            await receive(
              mail({ from: 'ana@customer.example', subject: 'Re: x', inReplyTo: 'a1@customer.example' }),
            )
          ).outcome,
        );
        assert.equal(reopened.reopened, true);
        assert.equal((await t.services.cases.row(t.ctx.store.db, a.caseId)).status, 'open');

        await t.services.cases.transition(SYSTEM_ACTOR, a.caseId, {
          action: 'resolve',
          resolutionSummary: 'Done',
        });
        await t.services.cases.transition(SYSTEM_ACTOR, a.caseId, { action: 'close' });
        const follow = outcomeCase(
          (
            await receive(
              mail({ from: 'ana@customer.example', subject: 'Re: x', inReplyTo: 'a1@customer.example' }),
            )
          ).outcome,
        );
        assert.notEqual(follow.caseId, a.caseId);
        assert.equal(follow.followUpOf, a.caseId);
        assert.equal((await t.services.cases.row(t.ctx.store.db, a.caseId)).status, 'closed');
        const links = await t.ctx.store.db
          .selectFrom('case_events')
          .select(['case_id', 'kind'])
          .where('kind', 'in', ['case.follow_up_of', 'case.followed_up'])
          .execute();
        assert.equal(links.length, 2);

        await t.services.mailboxes.update(
          SYSTEM_ACTOR,
          box.id,
          { options: { closedReply: 'reopen' } },
          undefined,
        );
        const again = outcomeCase(
          (
            await receive(
              mail({ from: 'ana@customer.example', subject: 'Re: x', inReplyTo: 'a1@customer.example' }),
            )
          ).outcome,
        );
        assert.equal(again.caseId, a.caseId);
        assert.equal(again.reopened, true);
      } finally {
        await t.close();
      }
    });

    test('a bounce marks the message it reports on and tells the owner — never a case', async () => {
      const t = await makeTestApp(dialect);
      try {
        const { receive } = await setup(t);
        const o = outcomeCase((await receive(mail({ from: 'ana@customer.example' }))).outcome);
        await t.ctx.store.db
          .updateTable('cases')
          .set({ assignee_id: t.users.officer.id })
          .where('id', '=', o.caseId)
          .execute();
        await t.ctx.store.db
          .insertInto('messages')
          .values(outbound(o.caseId, 'sent-9@frontline.centre.example'))
          .execute();
        const dsn = Buffer.from(
          [
            'From: Mail Delivery System <MAILER-DAEMON@mx.centre.example>',
            'To: billing@centre.example',
            'Subject: Undelivered Mail Returned to Sender',
            'Message-ID: <dsn-1@mx.centre.example>',
            'MIME-Version: 1.0',
            'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
            '',
            '--B',
            'Content-Type: text/plain',
            '',
            'I am sorry to have to inform you that your message could not be delivered.',
            '--B',
            'Content-Type: message/delivery-status',
            '',
            'Reporting-MTA: dns; mx.centre.example',
            '',
            'Final-Recipient: rfc822; ana@customer.example',
            'Action: failed',
            'Status: 5.1.1',
            'Diagnostic-Code: smtp; 550 5.1.1 <ana@customer.example>: Recipient address rejected',
            '--B',
            'Content-Type: text/rfc822-headers',
            '',
            'Message-ID: <sent-9@frontline.centre.example>',
            'Subject: Re: My bill is wrong',
            '--B--',
            '',
          ].join('\r\n'),
        );
        const r = await receive(dsn);
        assert.equal(r.outcome?.result, 'bounce');
        const sent = await t.ctx.store.db
          .selectFrom('messages')
          .selectAll()
          .where('source_key', '=', 'sent-9@frontline.centre.example')
          .executeTakeFirstOrThrow();
        assert.equal(sent.state, 'bounced');
        assert.match(sent.state_reason ?? '', /5\.1\.1/);
        const bell = await t.ctx.store.db
          .selectFrom('notifications')
          .selectAll()
          .where('user_id', '=', t.users.officer.id)
          .execute();
        assert.equal(bell.filter((n) => n.kind === 'message.bounced').length, 1);
        const cases = await t.ctx.store.db.selectFrom('cases').select('id').execute();
        assert.equal(cases.length, 1, 'no case for the bounce');
        const unmatched = await receive(
          Buffer.from(dsn.toString().replace('sent-9@', 'never-sent@').replace('dsn-1@', 'dsn-2@')),
        );
        assert.deepEqual(unmatched.outcome, {
          result: 'ignored',
          reason: 'bounce_unmatched',
          detail: 'ana@customer.example',
        });
      } finally {
        await t.close();
      }
    });

    test('spam, a blocked sender, our own address and a message with no sender are kept, never a case', async () => {
      const t = await makeTestApp(dialect);
      try {
        const { receive } = await setup(t);
        await t.ctx.store.db
          .insertInto('sender_blocks')
          .values({
            pattern: '@blocked.example',
            reason: 'abuse',
            created_by: null,
            created_at: '2026-11-23T09:00:00.000Z',
          })
          .execute();
        const reasons = [];
        for (const raw of [
          mail({ from: 'x@spam.example', headers: { 'X-Spam-Flag': 'YES' } }),
          mail({ from: 'someone@blocked.example' }),
          mail({ from: 'Billing <billing@centre.example>' }),
        ]) {
          const r = await receive(raw);
          assert.equal(r.outcome?.result, 'ignored');
          reasons.push(r.outcome.result === 'ignored' ? r.outcome.reason : '');
        }
        assert.deepEqual(reasons, ['spam', 'blocked', 'own_address']);
        assert.equal((await t.ctx.store.db.selectFrom('cases').select('id').execute()).length, 0);
        assert.equal(
          (
            await t.ctx.store.db
              .selectFrom('inbound_raw')
              .select('id')
              .where('state', '=', 'ignored')
              .execute()
          ).length,
          3,
        );
      } finally {
        await t.close();
      }
    });

    test('stored but not processed (a crash between the two): the sweep makes it one message, once', async () => {
      const t = await makeTestApp(dialect);
      try {
        const { box } = await setup(t);
        const raw = mail({ from: 'ana@customer.example', messageId: 'crash@customer.example' });
        const stored = await t.services.inbound.store({
          channel: 'email',
          raw,
          transport: 'smtp',
          endpointId: box.id,
        });
        assert.equal(stored.duplicate, false);
        assert.equal(await t.services.inbound.processPending(), 1);
        assert.equal(await t.services.inbound.processPending(), 0);
        // Both a sweep and a late direct call: still one.
        const again = await t.services.inbound.process(stored.rawId);
        assert.equal(again?.result, 'message');
        assert.equal((await t.ctx.store.db.selectFrom('messages').select('id').execute()).length, 1);
      } finally {
        await t.close();
      }
    });

    test('broken MIME is kept and shown as text, not dropped', async () => {
      const t = await makeTestApp(dialect);
      try {
        const { receive } = await setup(t);
        const raw = Buffer.from(
          [
            'From: ana@customer.example',
            'To: billing@centre.example',
            'Subject: broken',
            'Message-ID: <broken@customer.example>',
            'MIME-Version: 1.0',
            'Content-Type: multipart/mixed; boundary="NEVER-USED"',
            '',
            'The boundary never comes; this text must still reach an officer.',
            '',
          ].join('\r\n'),
        );
        const o = outcomeCase((await receive(raw)).outcome);
        const [m] = await messagesOf(t, o.caseId);
        assert.match(m!.body_text, /must still reach an officer/);
      } finally {
        await t.close();
      }
    });
  });
}

function outbound(caseId: string, messageId: string) {
  const at = '2026-11-23T09:05:00.000Z';
  return {
    id: newId(),
    case_id: caseId,
    contact_id: null,
    channel: 'email',
    direction: 'outbound',
    kind: 'reply',
    endpoint_id: null,
    raw_id: null,
    source_key: messageId,
    in_reply_to: null,
    refs: '[]',
    from_address: 'billing@centre.example',
    from_name: 'Billing Support',
    to_addresses: '[]',
    cc_addresses: '[]',
    subject: 'Re: My bill is wrong',
    body_text: 'We are looking into it.',
    body_html: null,
    remote_images: false,
    author_id: null,
    state: 'sent',
    state_reason: null,
    attempts: 1,
    next_attempt_at: null,
    lease_until: null,
    created_at: at,
    sent_at: at,
    updated_at: at,
  };
}

for (const dialect of await dialects()) {
  describe(`e-mail words in the search box on ${dialect}`, () => {
    test('a word only in an e-mail body (and one only in a reply we sent) finds the case', async () => {
      const t = await makeTestApp(dialect);
      try {
        const { receive } = await setup(t);
        const first = await receive(mail({ from: 'ana@customer.example', messageId: 's1@customer.example' }));
        assert.ok(first.outcome?.result === 'message');
        await receive(
          mail({
            from: 'ana@customer.example',
            subject: 'Re: x',
            inReplyTo: 's1@customer.example',
            body: 'My meter number is ZEBRAFINCH.',
          }),
        );
        const r = await t.call('officer', 'POST', `/api/v1/cases/${first.outcome.caseId}/messages`, {
          body: 'We checked the KINGFISHER tariff.',
        });
        assert.equal(r.statusCode, 201, r.body);
        for (const word of ['zebrafinch', 'kingfisher']) {
          const found = await t.call('officer', 'GET', `/api/v1/search?q=${word}`);
          assert.equal(found.statusCode, 200, found.body);
          const hits = found.data.cases.items as { caseId: string; matchedIn: string }[];
          assert.deepEqual(
            hits.map((h) => [h.caseId, h.matchedIn]),
            [[first.outcome.caseId, 'email']],
            word,
          );
        }
      } finally {
        await t.close();
      }
    });
  });
}
