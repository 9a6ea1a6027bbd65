import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { contactOf, shopWidget, startChat, type WidgetRow } from '../helpers/chat-fixture.ts';
import { dialects } from '../helpers/db.ts';
import { acceptOffer, FakeAgents, routedOfficer, setProfile } from './routing-fixture.ts';

/**
 * A chat's contact (issue 14): taken by the officer who accepts the chat's offer (or answers it
 * first), in progress for them — presence on a contact, the workspace's verify panel on it — and
 * ended with the chat, so it has a length; a transfer ends the passing officer's contact and the
 * next officer gets a new one. The widget says the chat is with an officer from the acceptance.
 */
for (const dialect of await dialects()) {
  describe(`a chat's contact (${dialect})`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const agents = new FakeAgents();
    let widget: WidgetRow;
    /** Two more officers for the transfer (fresh: no earlier contact's after-contact work in flight). */
    let ann: { id: string; token: string };
    let bea: { id: string; token: string };
    const now = () => clock.now().toISOString();
    const officer = () => t.users.officer;

    before(async () => {
      t = await makeTestApp(dialect, { clock });
      t.services.routing.setAgentStates(agents);
      await setProfile(t, officer().id, { languages: ['en'], capacity: { email: 2, chat: 2, sms: 1 } });
      agents.set(officer().id, 'available', now());
      ann = await routedOfficer(t, 'ann', 'Ann');
      bea = await routedOfficer(t, 'bea', 'Bea');
      widget = await shopWidget(t);
    });
    after(() => t.close());

    const stateOf = async (userId: string) => (await t.services.presence.get(userId)).state;

    test('accepted: the contact is the officer’s, in progress; the widget says who; ended with the chat, with its length', async () => {
      agents.set(bea.id, 'offline', now());
      await t.services.presence.setOwn(officer().actor, { state: 'available' });
      const { session, caseId, conversationId } = await startChat(t, widget);
      const waiting = await contactOf(t, conversationId);
      assert.equal(waiting.officer_id, SYSTEM_ACTOR.userId, 'nobody has it while it waits');
      assert.equal((await t.services.chat.status(session))?.status, 'waiting');

      clock.advance(60_000);
      await acceptOffer(t, officer().id, caseId);
      const taken = await contactOf(t, conversationId);
      assert.equal(taken.id, waiting.id, 'the same contact');
      assert.equal(taken.officer_id, officer().id);
      assert.equal(taken.ended_at, null, 'in progress');
      assert.equal(taken.started_at, now(), 'from the answer');
      assert.equal(await stateOf(officer().id), 'on_contact');
      // The timeline says who answered: the officer who accepted, not "Automatic".
      const answered = await t.ctx.store.db
        .selectFrom('case_events')
        .select('actor_id')
        .where('case_id', '=', caseId)
        .where('kind', '=', 'chat.answered')
        .execute();
      assert.deepEqual(
        answered.map((e) => e.actor_id),
        [officer().id],
      );
      const st = await t.services.chat.status(session);
      assert.equal(st?.status, 'active', 'with an officer before any reply');
      assert.equal(st?.officer, 'Test officer');
      // The officer's desktop: the chat is active and the contact in progress is this one.
      const chat = await t.call('officer', 'GET', `/api/v1/cases/${caseId}/chat`);
      assert.equal(chat.data.status, 'active');
      const current = await t.call('officer', 'GET', '/api/v1/contacts/current');
      assert.equal(current.data.contact?.id, taken.id);
      assert.equal(current.data.contact?.channel, 'chat');
      // Its first reply takes nothing again.
      const hi = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/chat/messages`, {
        clientId: randomUUID(),
        text: 'Hello, let me look.',
      });
      assert.equal(hi.statusCode, 201, hi.body);
      assert.equal((await contactOf(t, conversationId)).id, taken.id);

      clock.advance(95_000);
      await t.services.chat.end(session);
      const ended = await contactOf(t, conversationId);
      assert.equal(ended.ended_at, now());
      const dto = await t.call('officer', 'GET', `/api/v1/contacts/${ended.id}`);
      assert.equal(dto.data.durationSeconds, 95);
      assert.equal(await stateOf(officer().id), 'after_contact_work', 'after-contact work, like a call');
    });

    test('a transfer: the passing officer’s contact ends, the next officer gets a new one on the same case', async () => {
      const annActor = { ...officer().actor, userId: ann.id };
      await t.services.presence.setOwn(annActor, { state: 'available' });
      agents.set(officer().id, 'offline', now());
      agents.set(bea.id, 'offline', now());
      agents.set(ann.id, 'available', now());
      const { session, caseId, conversationId } = await startChat(t, widget);
      await acceptOffer(t, ann.id, caseId);
      const first = await contactOf(t, conversationId);
      assert.equal(first.officer_id, ann.id);
      agents.set(bea.id, 'available', now());
      const tr = await t.call(
        null,
        'POST',
        '/api/v1/routing/transfers',
        { caseId, clientId: randomUUID(), toUserId: bea.id, note: 'Roaming charge disputed' },
        { authorization: `Bearer ${ann.token}` },
      );
      assert.equal(tr.statusCode, 201, tr.body);
      const passed = await t.ctx.store.db
        .selectFrom('contacts')
        .selectAll()
        .where('id', '=', first.id)
        .executeTakeFirstOrThrow();
      assert.notEqual(passed.ended_at, null, 'the passing officer’s contact ends');
      assert.equal(await stateOf(ann.id), 'after_contact_work');
      assert.equal((await t.services.chat.status(session))?.status, 'waiting');

      clock.advance(30_000);
      const offer = await t.call(null, 'GET', '/api/v1/routing/offer', undefined, {
        authorization: `Bearer ${bea.token}`,
      });
      const acc = await t.call(
        null,
        'POST',
        `/api/v1/routing/offers/${offer.data.offer.id}/accept`,
        undefined,
        {
          authorization: `Bearer ${bea.token}`,
        },
      );
      assert.equal(acc.statusCode, 200, acc.body);
      const next = await contactOf(t, conversationId);
      assert.notEqual(next.id, first.id, 'a new contact');
      assert.equal(next.officer_id, bea.id);
      assert.equal(next.ended_at, null);
      assert.equal(next.customer_id, first.customer_id);
      const linked = await t.ctx.store.db
        .selectFrom('contact_cases')
        .select('case_id')
        .where('contact_id', '=', next.id)
        .execute();
      assert.deepEqual(
        linked.map((l) => l.case_id),
        [caseId],
      );
      assert.equal(await stateOf(bea.id), 'on_contact');
      assert.equal((await t.services.chat.status(session))?.officer, 'Bea');

      // Ann passed it on: the chat is Bea's to write in, read and end; Ann reads it (the walk's
      // CS-000501, where the customer got Olivia's message while told they chatted with Tom).
      const annSays = { authorization: `Bearer ${ann.token}` };
      const seen = await t.call(null, 'GET', `/api/v1/cases/${caseId}/chat`, undefined, annSays);
      assert.equal(seen.data.officerId, bea.id);
      const lastSeq = seen.data.lastSeq;
      for (const [path, body] of [
        ['messages', { clientId: randomUUID(), text: 'One more thing from Ann' }],
        ['read', { seq: lastSeq }],
        ['typing', { typing: true }],
        ['end', undefined],
      ] as const) {
        const r = await t.call(null, 'POST', `/api/v1/cases/${caseId}/chat/${path}`, body, annSays);
        assert.equal(r.statusCode, 409, `${path}: ${r.body}`);
        assert.equal(r.data.code, 'chat.not_yours', path);
      }
      const after = await t.ctx.store.db
        .selectFrom('chat_conversations')
        .select(['status', 'last_seq', 'officer_id'])
        .where('id', '=', conversationId)
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        { ...after },
        { status: 'active', last_seq: lastSeq, officer_id: bea.id },
        'nothing changed',
      );
      const beaSays = { authorization: `Bearer ${bea.token}` };
      const hers = await t.call(
        null,
        'POST',
        `/api/v1/cases/${caseId}/chat/messages`,
        { clientId: randomUUID(), text: 'Hello, Bea here.' },
        beaSays,
      );
      assert.equal(hers.statusCode, 201, hers.body);
    });

    test('an officer set offline by their team leader with a chat open: the chat goes back to the queue, in the leader’s name', async () => {
      const annActor = { ...officer().actor, userId: ann.id };
      await t.services.presence.setOwn(annActor, { state: 'available' });
      agents.set(officer().id, 'offline', now());
      agents.set(bea.id, 'offline', now());
      agents.set(ann.id, 'available', now());
      const { session, caseId, conversationId } = await startChat(t, widget);
      await acceptOffer(t, ann.id, caseId);
      assert.equal((await t.services.chat.status(session))?.officer, 'Ann');
      const load = async () =>
        (
          await t.ctx.store.db
            .selectFrom('routing_capacity')
            .select('load')
            .where('user_id', '=', ann.id)
            .where('channel', '=', 'chat')
            .executeTakeFirstOrThrow()
        ).load;
      assert.equal(await load(), 1);

      const off = await t.call('team_leader', 'PUT', `/api/v1/presence/users/${ann.id}`, {
        state: 'offline',
      });
      assert.equal(off.statusCode, 200, off.body);
      agents.set(ann.id, 'offline', now());
      await t.services.dispatcher.drain();
      await t.services.dispatcher.drain(); // a second run finds nothing more to do
      // The customer is no longer "chatting with Ann": the chat waits for the next officer.
      const st = await t.services.chat.status(session);
      assert.equal(st?.status, 'waiting');
      assert.equal(st?.officer, null);
      const c = await t.services.cases.row(t.ctx.store.db, caseId);
      assert.equal(c.assignee_id, null);
      assert.equal(await load(), 0, 'her chat room is free');
      const items = await t.ctx.store.db
        .selectFrom('routing_items')
        .select(['state', 'channel'])
        .where('case_id', '=', caseId)
        .where('state', '=', 'waiting')
        .execute();
      assert.deepEqual(
        items.map((i) => `${i.state} ${i.channel}`),
        ['waiting chat'],
      );
      const transfers = await t.ctx.store.db
        .selectFrom('routing_transfers')
        .select(['from_user_id', 'to_user_id', 'note'])
        .where('case_id', '=', caseId)
        .execute();
      assert.equal(transfers.length, 1, 'once, however often the event is seen');
      assert.equal(transfers[0]!.from_user_id, t.users.team_leader.id);
      assert.equal(transfers[0]!.to_user_id, null);
      assert.match(transfers[0]!.note, /set Ann offline/);
      assert.notEqual((await contactOf(t, conversationId)).ended_at, null, 'her contact ended');
      // Out of the way of the next tests: the case is resolved, its chat and item end.
      await t.services.cases.transition(SYSTEM_ACTOR, caseId, {
        action: 'resolve',
        resolutionSummary: 'Done',
      });
    });

    test('a chat that ends frees its officer’s chat room with the case still theirs; one that ends unanswered waits as an e-mail follow-up', async () => {
      const annActor = { ...officer().actor, userId: ann.id };
      await t.services.presence.setOwn(annActor, { state: 'available' });
      agents.set(officer().id, 'offline', now());
      agents.set(bea.id, 'offline', now());
      agents.set(ann.id, 'available', now());
      const live = async (caseId: string) =>
        (
          await t.ctx.store.db
            .selectFrom('routing_items')
            .select(['state', 'channel'])
            .where('case_id', '=', caseId)
            .where('state', 'in', ['waiting', 'offered', 'assigned'])
            .execute()
        ).map((i) => `${i.state} ${i.channel}`);
      const load = async () =>
        (
          await t.ctx.store.db
            .selectFrom('routing_capacity')
            .select('load')
            .where('user_id', '=', ann.id)
            .where('channel', '=', 'chat')
            .executeTakeFirstOrThrow()
        ).load;
      const answered = await startChat(t, widget);
      await acceptOffer(t, ann.id, answered.caseId);
      assert.equal(await load(), 1);
      await t.services.chat.end(answered.session);
      await t.services.dispatcher.drain();
      assert.deepEqual(await live(answered.caseId), [], 'its routed work is done');
      assert.equal(await load(), 0, 'her chat room is free');
      const c = await t.services.cases.row(t.ctx.store.db, answered.caseId);
      assert.equal(c.assignee_id, ann.id, 'the case stays hers');

      agents.set(ann.id, 'offline', now());
      const missed = await startChat(t, widget);
      assert.deepEqual(await live(missed.caseId), ['waiting chat']);
      await t.services.chat.end(missed.session);
      await t.services.dispatcher.drain();
      assert.deepEqual(await live(missed.caseId), ['waiting email'], 'an e-mail to follow up, not a chat');
    });

    test('answered first (no offer): the reply takes it; the officer ends it; two chats: on a contact until the last ends; a closed case ends its chat', async () => {
      await t.services.presence.setOwn(officer().actor, { state: 'available' });
      const one = await startChat(t, widget);
      const two = await startChat(t, widget);
      for (const c of [one, two]) {
        const r = await t.call('officer', 'POST', `/api/v1/cases/${c.caseId}/chat/messages`, {
          clientId: randomUUID(),
          text: 'Hello',
        });
        assert.equal(r.statusCode, 201, r.body);
        const k = await contactOf(t, c.conversationId);
        assert.equal(k.officer_id, officer().id);
        assert.equal(k.ended_at, null);
        // The case is theirs, and routing offers nobody a chat someone is already in.
        assert.equal((await t.services.cases.row(t.ctx.store.db, c.caseId)).assignee_id, officer().id);
        const live = await t.ctx.store.db
          .selectFrom('routing_items')
          .select('state')
          .where('case_id', '=', c.caseId)
          .where('state', 'in', ['waiting', 'offered'])
          .execute();
        assert.equal(live.length, 0, 'no longer waiting or offered');
      }
      assert.equal(await stateOf(officer().id), 'on_contact');
      const end = await t.call('officer', 'POST', `/api/v1/cases/${one.caseId}/chat/end`);
      assert.equal(end.statusCode, 200, end.body);
      assert.notEqual((await contactOf(t, one.conversationId)).ended_at, null);
      assert.equal(await stateOf(officer().id), 'on_contact', 'another chat is still open');
      // The second one's case is resolved with the chat open: the chat and its contact end.
      const closed = await t.call('officer', 'POST', `/api/v1/cases/${two.caseId}/transitions`, {
        action: 'resolve',
        resolutionSummary: 'Explained the charge',
      });
      assert.equal(closed.statusCode, 200, closed.body);
      assert.equal((await t.services.chat.status(two.session))?.status, 'ended');
      assert.notEqual((await contactOf(t, two.conversationId)).ended_at, null);
      assert.equal(await stateOf(officer().id), 'after_contact_work');
    });
  });
}
