import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import WebSocket from 'ws';
import { identityHash } from '../../src/server/channels/chat/identity.ts';
import type { VisitorSession } from '../../src/server/modules/messages/chat/chat.service.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { fixedClock } from '../../src/server/platform/clock.ts';
import { tx } from '../../src/server/platform/context.ts';
import { invalidationsFor } from '../../src/server/platform/realtime/rooms.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';

const ORIGIN = 'https://shop.example';

async function widgetOf(t: TestApp) {
  const { widget, secret } = await t.services.chatWidgets.create(SYSTEM_ACTOR, {
    name: 'Shop',
    teamId: t.team.id,
    allowedOrigins: [ORIGIN],
  });
  return { row: await t.services.chatWidgets.row(t.ctx.store.db, widget.id), secret };
}

const form = (over: Partial<{ name: string; email: string; question: string }> = {}) => ({
  clientId: randomUUID(),
  name: 'Mei Ling',
  email: 'mei@customer.example',
  question: 'My bill is wrong',
  language: 'en',
  ...over,
});

for (const dialect of await dialects()) {
  describe(`web chat store (${dialect})`, () => {
    let t: TestApp;
    let w: Awaited<ReturnType<typeof widgetOf>>;
    before(async () => {
      t = await makeTestApp(dialect);
      w = await widgetOf(t);
    });
    after(() => t.close());

    test('a token is rotated on every hello; the one before still opens, the one before that does not', async () => {
      const a = await t.services.chat.hello(w.row, null, null);
      const b = await t.services.chat.hello(w.row, a.token, null);
      assert.equal(b.session.visitorId, a.session.visitorId);
      assert.notEqual(b.token, a.token);
      const c = await t.services.chat.hello(w.row, a.token, null);
      assert.equal(c.session.visitorId, a.session.visitorId, 'the previous token (another tab) still opens');
      const d = await t.services.chat.hello(w.row, a.token, null);
      assert.notEqual(d.session.visitorId, a.session.visitorId, 'two rotations later it is a new visitor');
    });

    test('a chat opens a case in the team queue; sent twice it is one message; seqs in order; catch-up after a reconnect', async () => {
      const h = await t.services.chat.hello(w.row, null, null);
      const s = h.session;
      const f = form();
      const started = await t.services.chat.start(s, f);
      assert.equal(started.seq, 1);
      assert.equal(started.conversation.status, 'waiting');
      assert.equal(started.conversation.position, 1);
      // The start re-sent before its answer arrived: the same chat, no second case.
      const again = await t.services.chat.start(s, f);
      assert.equal(again.seq, 1);
      const conv = await t.ctx.store.db
        .selectFrom('chat_conversations')
        .selectAll()
        .where('id', '=', s.conversationId!)
        .executeTakeFirstOrThrow();
      const kase = await t.services.cases.row(t.ctx.store.db, conv.case_id);
      assert.equal(kase.team_id, t.team.id);
      assert.equal(
        (
          await t.ctx.store.db
            .selectFrom('chat_conversations')
            .select('id')
            .where('visitor_id', '=', s.visitorId)
            .execute()
        ).length,
        1,
      );
      const one = randomUUID();
      const r1 = await t.services.chat.send(s, one, 'first');
      const r1again = await t.services.chat.send(s, one, 'first');
      assert.deepEqual([r1.seq, r1again.seq, r1again.duplicate], [2, 2, true]);
      const r2 = await t.services.chat.send(s, randomUUID(), 'second <b>not bold</b>\u0007');
      assert.equal(r2.seq, 3);
      const officer = { ...t.users.officer.actor, teamId: t.team.id };
      const mineBefore = await t.services.chatOfficer.mine(officer);
      assert.equal(mineBefore.find((c) => c.caseId === conv.case_id)?.unread, 3);
      const reply = { clientId: randomUUID(), text: 'Let me look.' };
      const o = await t.services.chatOfficer.reply(officer, conv.case_id, reply);
      assert.equal(o.seq, 4);
      assert.equal(
        (await t.services.chatOfficer.reply(officer, conv.case_id, reply)).seq,
        4,
        'a retried reply is one message',
      );
      // A reconnect: a new hello with the rotated token resumes the chat, catch-up after seq 2.
      const back = await t.services.chat.hello(w.row, h.token, null);
      assert.equal(back.session.conversationId, s.conversationId);
      assert.equal(back.conversation?.status, 'active');
      assert.equal(back.conversation?.officer, 'Test officer');
      const caught = await t.services.chat.sync(back.session, 2);
      assert.deepEqual(
        caught.items.map((l) => [l.seq, l.side, l.text]),
        [
          [3, 'visitor', 'second <b>not bold</b>'],
          [4, 'officer', 'Let me look.'],
        ],
      );
      const all = await t.services.chat.sync(back.session, 0);
      assert.deepEqual(
        all.items.map((l) => l.seq),
        [1, 2, 3, 4],
      );
      // The thread holds each message once, on the chat channel.
      const thread = await t.services.messages.forCase(conv.case_id);
      assert.equal(thread.filter((m) => m.channel === 'chat').length, 4);
      // Read marks: the officer's reply read what came before; the visitor's mark goes to the officer.
      const chatState = await t.services.chatOfficer.forCase(conv.case_id);
      assert.deepEqual([chatState.unread, chatState.officerReadSeq, chatState.status], [0, 4, 'active']);
      await t.services.chat.read(back.session, 99);
      assert.equal((await t.services.chatOfficer.forCase(conv.case_id)).visitorReadSeq, 4);
      // The first answer met the first response.
      const events = await t.ctx.store.db
        .selectFrom('case_events')
        .select('kind')
        .where('case_id', '=', conv.case_id)
        .execute();
      assert.ok(events.some((e) => e.kind === 'chat.answered'));
      // Transcript by e-mail, through the outbound e-mail path, to the address of the form.
      await t.services.chatMail.transcript(back.session);
      const mail = await t.ctx.store.db
        .selectFrom('messages')
        .selectAll()
        .where('case_id', '=', conv.case_id)
        .where('kind', '=', 'transcript')
        .executeTakeFirstOrThrow();
      assert.equal(mail.channel, 'email');
      assert.match(JSON.stringify(mail.to_addresses), /mei@customer\.example/);
      assert.match(mail.body_text, /Mei Ling: first\n.*Mei Ling: second/);
      // Ended: nothing more is taken.
      await t.services.chatOfficer.end(officer, conv.case_id);
      await assert.rejects(t.services.chat.send(back.session, randomUUID(), 'late'), /chat.ended/);
    });

    test('leave a message: an e-mail case to the address given, once however often sent', async () => {
      const s = (await t.services.chat.hello(w.row, null, null)).session;
      const f = form({ email: 'late@customer.example', question: 'Call me back tomorrow' });
      const a = await t.services.chatMail.leave(s, f);
      const b = await t.services.chatMail.leave(s, f);
      assert.equal(a.reference, b.reference);
      const c = await t.ctx.store.db
        .selectFrom('cases')
        .selectAll()
        .where('reference', '=', a.reference)
        .executeTakeFirstOrThrow();
      assert.equal(c.team_id, t.team.id);
      assert.equal(await t.services.messages.byEmail(c.id), true, 'answered by e-mail');
      assert.equal(
        await t.services.outbound.requester(t.ctx.store.db, c.id, c.customer_id),
        'late@customer.example',
      );
      // Routed as the e-mail case it is (an e-mail slot, pull mode where the queue has it), not as a chat.
      const contact = await t.ctx.store.db
        .selectFrom('contacts as k')
        .innerJoin('contact_cases as kc', 'kc.contact_id', 'k.id')
        .select('k.channel')
        .where('kc.case_id', '=', c.id)
        .executeTakeFirstOrThrow();
      assert.equal(contact.channel, 'email');
      const items = await t.ctx.store.db
        .selectFrom('routing_items')
        .select('channel')
        .where('case_id', '=', c.id)
        .execute();
      assert.deepEqual(
        items.map((i) => i.channel),
        ['email'],
      );
    });

    test("identity: the site's HMAC links the chat to one customer; a forged one is anonymous", async () => {
      const good = { id: 'cust-42', hash: identityHash(w.secret, 'cust-42') };
      const s1 = (await t.services.chat.hello(w.row, null, good)).session;
      assert.equal(s1.externalId, 'cust-42');
      await t.services.chat.start(s1, form({ email: 'first@customer.example' }));
      const s2 = (await t.services.chat.hello(w.row, null, good)).session;
      // Another address typed this time: the vouched id still finds the same record.
      await t.services.chat.start(s2, form({ email: 'other@customer.example' }));
      const convs = await t.ctx.store.db
        .selectFrom('chat_conversations')
        .select(['customer_id', 'external_id'])
        .where('visitor_id', 'in', [s1.visitorId, s2.visitorId])
        .execute();
      assert.equal(convs.length, 2);
      assert.equal(convs[0]!.customer_id, convs[1]!.customer_id);
      const forged = await t.services.chat.hello(w.row, null, {
        id: 'cust-42',
        hash: identityHash('not the secret', 'cust-42'),
      });
      assert.equal(forged.session.externalId, null);
      assert.equal(forged.info.identified, false);
      const malformed = await t.services.chat.hello(w.row, null, { id: 'cust-42', hash: 'zz' });
      assert.equal(malformed.session.externalId, null);
    });

    test("a new visitor's chosen language is their new record's preferred language; a known customer's record keeps its own", async () => {
      const db = t.ctx.store.db;
      const languageOf = async (email: string) => {
        const found = await t.services.customers.findByEmail(db, email);
        assert.equal(found?.matches, 1, email);
        const c = await db
          .selectFrom('customers')
          .select('preferred_language')
          .where('id', '=', found!.id)
          .executeTakeFirstOrThrow();
        return c.preferred_language;
      };
      const a = (await t.services.chat.hello(w.row, null, null)).session;
      await t.services.chat.start(a, {
        ...form({ email: 'siti@customer.example' }),
        language: 'Bahasa Melayu',
      });
      assert.equal(await languageOf('siti@customer.example'), 'ms');
      // The same address again, choosing English: the record found is not rewritten by what a visitor says.
      const b = (await t.services.chat.hello(w.row, null, null)).session;
      await t.services.chat.start(b, { ...form({ email: 'siti@customer.example' }), language: 'English' });
      assert.equal(await languageOf('siti@customer.example'), 'ms');
      // A message left (nobody there) makes the record the same way.
      const c = (await t.services.chat.hello(w.row, null, null)).session;
      await t.services.chatMail.leave(c, { ...form({ email: 'wei@customer.example' }), language: '中文' });
      assert.equal(await languageOf('wei@customer.example'), 'zh');
    });

    test('available only while someone of the team is at work (presence), else leave a message', async () => {
      // The chats the officer answered above are contacts in progress (they are at work): ended
      // here, the officer goes to after-contact work and then offline.
      const open = await t.ctx.store.db
        .selectFrom('chat_conversations')
        .select('id')
        .where('status', '!=', 'ended')
        .execute();
      await tx(t.ctx, async (trx) => {
        for (const c of open) await t.services.chat.endIn(trx, c.id, null);
      });
      await t.services.presence.setOwn(t.users.officer.actor, { state: 'offline' });
      const before = await t.services.chat.hello(w.row, null, null);
      assert.equal(before.info.available, false, 'everyone offline');
      await t.services.presence.setOwn(t.users.officer.actor, { state: 'available' });
      const after = await t.services.chat.hello(w.row, null, null);
      assert.equal(after.info.available, true);
      assert.equal(after.info.open, true, 'a widget without a calendar is always open');
      await t.services.presence.setOwn(t.users.officer.actor, { state: 'offline' });
    });

    test("outside the widget's hours (its business calendar) it offers to leave a message, even with someone at work", async () => {
      // The test clock: Monday 23 November 2026, 17:00 in Singapore.
      const calendar = (name: string, hours: Record<string, string[][]>) =>
        t.services.calendars.create(SYSTEM_ACTOR, { name, timeZone: 'Asia/Singapore', hours });
      const saturdays = await calendar('Saturday mornings', { '6': [['09:00', '12:00']] });
      const weekdays = await calendar(
        'Office hours',
        Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['09:00', '18:00']]])),
      );
      await t.services.presence.setOwn(t.users.officer.actor, { state: 'available' });
      try {
        await t.services.chatWidgets.update(SYSTEM_ACTOR, w.row.id, { calendarId: saturdays.id });
        const closed = await t.services.chat.hello(
          await t.services.chatWidgets.row(t.ctx.store.db, w.row.id),
          null,
          null,
        );
        assert.deepEqual([closed.info.open, closed.info.available], [false, true]);
        await t.services.chatWidgets.update(SYSTEM_ACTOR, w.row.id, { calendarId: weekdays.id });
        const open = await t.services.chat.hello(
          await t.services.chatWidgets.row(t.ctx.store.db, w.row.id),
          null,
          null,
        );
        assert.deepEqual([open.info.open, open.info.available], [true, true]);
      } finally {
        await t.services.chatWidgets.update(SYSTEM_ACTOR, w.row.id, { calendarId: null });
        await t.services.presence.setOwn(t.users.officer.actor, { state: 'offline' });
      }
    });

    test('queue position follows the order chats started in the team', async () => {
      const a: VisitorSession = (await t.services.chat.hello(w.row, null, null)).session;
      const b: VisitorSession = (await t.services.chat.hello(w.row, null, null)).session;
      const pa = (await t.services.chat.start(a, form())).conversation.position!;
      const pb = (await t.services.chat.start(b, form())).conversation.position!;
      assert.equal(pb, pa + 1);
      assert.ok((await t.services.chat.status(b))!.waitMinutes! >= 1);
    });

    test("the visitor's read marks: their own messages write nothing; the officer's reply is one receipt, for the case's room only", async () => {
      const s = (await t.services.chat.hello(w.row, null, null)).session;
      await t.services.chat.start(s, form());
      const caseId = (await t.services.chat.caseOf(s.conversationId!))!;
      const receipts = async () =>
        (
          await t.ctx.store.db
            .selectFrom('outbox')
            .select(['id', 'name', 'payload'])
            .where('name', '=', 'case.chat_read')
            .execute()
        ).filter((e) =>
          // TEXT on SQLite, JSON on PostgreSQL.
          (typeof e.payload === 'string' ? e.payload : JSON.stringify(e.payload)).includes(caseId),
        );
      const mark = async () => (await t.services.chatOfficer.forCase(caseId)).visitorReadSeq;
      const own = await t.services.chat.send(s, randomUUID(), 'anyone there?');
      // The widget marks its own lines read as they come back: nothing to tell the officer.
      await t.services.chat.read(s, own.seq);
      assert.equal(await mark(), 0);
      assert.equal((await receipts()).length, 0);
      const officer = { ...t.users.officer.actor, teamId: t.team.id };
      const reply = await t.services.chatOfficer.reply(officer, caseId, {
        clientId: randomUUID(),
        text: 'Yes.',
      });
      await t.services.chat.read(s, reply.seq);
      assert.equal(await mark(), reply.seq);
      const sent = await receipts();
      assert.equal(sent.length, 1);
      const invs = await invalidationsFor(t.ctx.store.db, sent);
      assert.deepEqual(
        invs.map((i) => i.room),
        [`case:${caseId}`],
        'not the team room: no list changes with a read mark',
      );
      // Read again, or read less: nothing more.
      await t.services.chat.read(s, reply.seq);
      await t.services.chat.read(s, 1);
      assert.equal((await receipts()).length, 1);
    });
  });
}

/** A visitor's socket to the widget: what it received, and waits for a kind of frame. */
function socketClient(port: number, widgetId: string, origin: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/widget/${widgetId}/socket`, { origin });
  const got: { type: string; [k: string]: unknown }[] = [];
  ws.on('message', (d) => got.push(JSON.parse(String(d))));
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)));
  const next = async (type: string) => {
    for (let i = 0; i < 100; i++) {
      const m = got.find((g) => g.type === type);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ${type}: ${JSON.stringify(got)}`);
  };
  const waitFor = async (fn: (m: (typeof got)[number]) => boolean, withinMs: number) => {
    const until = Date.now() + withinMs;
    for (;;) {
      const m = got.find(fn);
      if (m) return m;
      if (Date.now() > until) throw new Error(`not within ${withinMs} ms: ${JSON.stringify(got)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { ws, next, waitFor, closed, opened: new Promise((r) => ws.on('open', r)) };
}

describe('the widget socket (sqlite)', () => {
  let t: TestApp;
  let port = 0;
  let widgetId = '';
  before(async () => {
    t = await makeTestApp('sqlite');
    widgetId = (await widgetOf(t)).row.id;
    // Someone at work: the widget offers a chat (with nobody, a start is refused: below).
    await t.services.presence.setOwn(t.users.officer.actor, { state: 'available' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  after(() => t.close());

  const open = (origin: string) => socketClient(port, widgetId, origin);

  test('an origin the widget does not allow is refused', async () => {
    const c = open('https://evil.example');
    assert.equal(await c.closed, 1008);
  });

  test('hello, start, a message sent twice: one ack seq, invalidation on the chat room', async () => {
    const c = open(ORIGIN);
    await c.opened;
    c.ws.send(JSON.stringify({ type: 'hello', token: null }));
    const welcome = await c.next('welcome');
    assert.equal(typeof welcome.token, 'string');
    c.ws.send(JSON.stringify({ type: 'start', ...form() }));
    await c.next('started');
    const id = randomUUID();
    c.ws.send(JSON.stringify({ type: 'send', clientId: id, text: 'hello' }));
    c.ws.send(JSON.stringify({ type: 'send', clientId: id, text: 'hello' }));
    c.ws.send(JSON.stringify({ type: 'sync', after: 0 }));
    const page = (await c.next('messages')) as unknown as { items: { seq: number; text: string }[] };
    assert.deepEqual(
      page.items.map((l) => [l.seq, l.text]),
      [
        [1, 'My bill is wrong'],
        [2, 'hello'],
      ],
    );
    c.ws.send(JSON.stringify({ type: 'send', clientId: 'not-a-uuid', text: 'x' }));
    assert.equal((await c.next('error')).code, 'request.invalid');
    await t.services.dispatcher.drain();
    await c.next('chat.message_added');
    c.ws.close();
  });

  test("a visitor's message is published as soon as it commits, not at the dispatcher's next safety poll", async () => {
    const c = open(ORIGIN);
    await c.opened;
    c.ws.send(JSON.stringify({ type: 'hello', token: null }));
    await c.next('welcome');
    c.ws.send(JSON.stringify({ type: 'start', ...form() }));
    await c.next('started');
    // A socket frame has no HTTP response, so the app's onResponse poke never fires for it.
    const d = t.services.dispatcher;
    const poke = d.poke.bind(d);
    let pokes = 0;
    d.poke = () => {
      pokes++;
      poke();
    };
    try {
      const clientId = randomUUID();
      c.ws.send(JSON.stringify({ type: 'send', clientId, text: 'quick' }));
      const ack = await c.waitFor((m) => m.type === 'ack' && m.clientId === clientId, 2000);
      assert.ok(pokes >= 1, 'the send poked the dispatcher');
      // The safety poll runs every 2 s: the invalidation must come well before it could.
      await c.waitFor((m) => m.type === 'chat.message_added' && m.version === ack.seq, 1000);
    } finally {
      delete (d as { poke?: unknown }).poke;
      c.ws.close();
    }
  });
});

for (const dialect of await dialects()) {
  describe(`the widget socket refuses a new chat the widget would not offer (${dialect})`, () => {
    let t: TestApp;
    let port = 0;
    let widgetId = '';
    const START = '2026-11-23T09:00:00.000Z';
    const clock = fixedClock(START);
    before(async () => {
      t = await makeTestApp(dialect, { clock });
      widgetId = (await widgetOf(t)).row.id;
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      port = (t.app.server.address() as { port: number }).port;
    });
    after(() => t.close());

    const chats = async () =>
      (
        await t.ctx.store.db
          .selectFrom('chat_conversations')
          .select('id')
          .where('widget_id', '=', widgetId)
          .execute()
      ).length;
    /** The pre-chat form sent on a page's socket: what came back for it. */
    const startOn = async (c: ReturnType<typeof socketClient>, f = form()) => {
      c.ws.send(JSON.stringify({ type: 'start', ...f }));
      // Answered by an ack (after `started`) or an error, either naming the form's client id.
      return c.waitFor((m) => (m.type === 'ack' || m.type === 'error') && m.clientId === f.clientId, 3000);
    };
    const page = async () => {
      const c = socketClient(port, widgetId, ORIGIN);
      await c.opened;
      c.ws.send(JSON.stringify({ type: 'hello', token: null }));
      const welcome = (await c.next('welcome')) as unknown as {
        widget: { open: boolean; available: boolean };
      };
      return { c, info: welcome.widget };
    };
    const officer = (state: 'available' | 'offline') =>
      t.services.presence.setOwn(t.users.officer.actor, { state });

    test('nobody at work: the form left open is refused as chat.unavailable, no chat opened', async () => {
      // The page opened while the officer was at work; they went home before the form was sent.
      await officer('available');
      const { c, info } = await page();
      assert.deepEqual([info.open, info.available], [true, true], 'the widget offered a chat');
      await officer('offline');
      const r = await startOn(c);
      assert.deepEqual([r.type, r.code], ['error', 'chat.unavailable']);
      assert.equal(await chats(), 0, 'no chat, no case');
      c.ws.close();
    });

    test("a page left open past the widget's closing time: refused as chat.closed, even with someone at work", async () => {
      // The test clock: Monday 23 November 2026, 17:00 in Singapore; the widget's hours end at 18:00.
      const weekdays = await t.services.calendars.create(SYSTEM_ACTOR, {
        name: 'Office hours',
        timeZone: 'Asia/Singapore',
        hours: Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [['09:00', '18:00']]])),
      });
      await t.services.chatWidgets.update(SYSTEM_ACTOR, widgetId, { calendarId: weekdays.id });
      await officer('available');
      const { c, info } = await page();
      try {
        assert.deepEqual([info.open, info.available], [true, true], 'the widget offered a chat at 17:00');
        clock.advance(2 * 3_600_000);
        const r = await startOn(c);
        assert.deepEqual([r.type, r.code], ['error', 'chat.closed'], 'the form sent at 19:00');
        assert.equal(await chats(), 0);
      } finally {
        clock.set(START);
        await t.services.chatWidgets.update(SYSTEM_ACTOR, widgetId, { calendarId: null });
        c.ws.close();
      }
    });

    test('a chat already going is the same chat when its start is re-sent after the team went home; a new one is refused', async () => {
      await officer('available');
      const { c } = await page();
      const f = form();
      assert.equal((await startOn(c, f)).type, 'ack', 'a chat while someone is at work');
      await officer('offline');
      // The reconnect before the answer: the same start again, the same chat.
      const again = socketClient(port, widgetId, ORIGIN);
      await again.opened;
      again.ws.send(JSON.stringify({ type: 'hello', token: (await c.next('welcome')).token }));
      await again.next('welcome');
      assert.equal((await startOn(again, f)).type, 'ack');
      assert.equal(await chats(), 1);
      // Ended, the visitor asks again: nobody is there now.
      again.ws.send(JSON.stringify({ type: 'end' }));
      await again.waitFor(
        (m) => m.type === 'status' && (m.conversation as { status: string }).status === 'ended',
        3000,
      );
      const r = await startOn(again);
      assert.deepEqual([r.type, r.code], ['error', 'chat.unavailable']);
      assert.equal(await chats(), 1);
      c.ws.close();
      again.ws.close();
    });
  });
}
