import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { txRetries } from '../../src/server/platform/tx-retry.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { contactOf, shopWidget, startChat, type Visitor, type WidgetRow } from '../helpers/chat-fixture.ts';
import { dialects } from '../helpers/db.ts';
import { FakeAgents, rng, setProfile } from './routing-fixture.ts';

/**
 * Ending a chat's contact on the contact screen ends the chat (a walk-through's Olivia pressed "End
 * contact" with a chat live: she went to after-contact work while the widget still said "You are
 * chatting with Olivia Tan", Send enabled). The contacts module publishes `contact.ending` before it
 * writes; the chat module ends the chat by the officer, and the chat's end ends the contact — once,
 * with no loop back. A phone call's contact ends as before.
 */
for (const dialect of await dialects()) {
  describe(`ending a chat's contact ends the chat (${dialect})`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const agents = new FakeAgents();
    let widget: WidgetRow;
    const now = () => clock.now().toISOString();
    const officer = () => t.users.officer;

    before(async () => {
      t = await makeTestApp(dialect, { clock });
      t.services.routing.setAgentStates(agents);
      await setProfile(t, officer().id, { languages: ['en', 'ms'], capacity: { email: 2, chat: 3, sms: 1 } });
      agents.set(officer().id, 'available', now());
      widget = await shopWidget(t);
    });
    after(() => t.close());

    const aminah: Visitor = {
      name: 'Aminah',
      emailLocal: 'aminah',
      question: 'Saya perlukan bantuan dengan bil saya.',
      language: 'Bahasa Melayu',
    };
    /** The officer answers first (no offer): the chat and its contact are theirs. */
    async function answered() {
      const c = await startChat(t, widget, aminah);
      const r = await t.call('officer', 'POST', `/api/v1/cases/${c.caseId}/chat/messages`, {
        clientId: randomUUID(),
        text: 'Hello, Olivia here.',
      });
      assert.equal(r.statusCode, 201, r.body);
      return { ...c, contactId: (await contactOf(t, c.conversationId)).id };
    }
    const conversation = (id: string) =>
      t.ctx.store.db
        .selectFrom('chat_conversations')
        .select(['status', 'ended_at'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
    const contactRow = (id: string) =>
      t.ctx.store.db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const audits = async (contactId: string) =>
      (
        await t.ctx.store.db
          .selectFrom('audit_log')
          .select('action')
          .where('entity_id', '=', contactId)
          .orderBy('at')
          .execute()
      ).map((a) => a.action);
    const endedEvents = async (contactId: string) =>
      (
        await t.ctx.store.db
          .selectFrom('outbox')
          .select('payload')
          .where('name', '=', 'contact.ended')
          .execute()
      ).filter((e) => parseJson<{ id?: string }>(e.payload, {}).id === contactId).length;
    const chatEnded = (caseId: string) =>
      t.ctx.store.db
        .selectFrom('case_events')
        .select(['actor_id', 'data'])
        .where('case_id', '=', caseId)
        .where('kind', '=', 'chat.ended')
        .execute();

    test('the officer ends the chat’s contact: the chat ends by them, the widget is told, the contact ends once with the wrap-up note', async () => {
      await t.services.presence.setOwn(officer().actor, { state: 'available' });
      const { session, caseId, conversationId } = await startChat(t, widget, aminah);
      await t.services.routing.route();
      const offer = await t.call('officer', 'GET', '/api/v1/routing/offer');
      const acc = await t.call('officer', 'POST', `/api/v1/routing/offers/${offer.data.offer.id}/accept`);
      assert.equal(acc.statusCode, 200, acc.body);
      const current = await t.call('officer', 'GET', '/api/v1/contacts/current');
      const contactId = current.data.contact.id as string;
      assert.equal(current.data.contact.channel, 'chat');
      assert.equal((await t.services.chat.status(session))?.status, 'active');

      clock.advance(244_000);
      const end = await t.call('officer', 'PATCH', `/api/v1/contacts/${contactId}`, {
        end: true,
        notes: 'Explained the bill',
      });
      assert.equal(end.statusCode, 200, end.body);
      assert.equal(end.data.endedAt, now());
      assert.equal(end.data.durationSeconds, 244);
      assert.equal(end.data.notes, 'Explained the bill');

      // The customer is no longer "chatting with" an officer who has gone to after-contact work.
      assert.deepEqual({ ...(await conversation(conversationId)) }, { status: 'ended', ended_at: now() });
      const st = await t.services.chat.status(session);
      assert.equal(st?.status, 'ended');
      await assert.rejects(t.services.chat.send(session, randomUUID(), 'Hello?'), /chat\.ended|ended/);
      // Ended by the officer, on the case's timeline.
      const ev = await chatEnded(caseId);
      assert.equal(ev.length, 1);
      assert.equal(ev[0]!.actor_id, officer().id);
      assert.equal(parseJson<{ by?: string }>(ev[0]!.data, {}).by, 'officer');
      // The contact ended once: one audit, one event for the desktops (no loop back through the chat).
      const actions = await audits(contactId);
      assert.equal(actions.filter((a) => a === 'contact.ended').length, 1, actions.join());
      assert.equal(await endedEvents(contactId), 1);
      assert.equal((await contactRow(contactId)).notes, 'Explained the bill');
      assert.equal((await t.services.presence.get(officer().id)).state, 'after_contact_work');
      // Routing frees the chat's room once the end commits, as when the chat ends itself.
      await t.services.dispatcher.drain();
      const load = await t.ctx.store.db
        .selectFrom('routing_capacity')
        .select('load')
        .where('user_id', '=', officer().id)
        .where('channel', '=', 'chat')
        .executeTakeFirstOrThrow();
      assert.equal(load.load, 0);

      const again = await t.call('officer', 'PATCH', `/api/v1/contacts/${contactId}`, { end: true });
      assert.equal(again.statusCode, 409, again.body);
      assert.equal(again.data.code, 'contact.already_ended');
    });

    test('ended without a note: the chat’s end is all that is written; a chat that ends by itself still ends its contact once', async () => {
      await t.services.presence.setOwn(officer().actor, { state: 'available' });
      const one = await answered();
      clock.advance(10_000);
      const end = await t.call('officer', 'PATCH', `/api/v1/contacts/${one.contactId}`, { end: true });
      assert.equal(end.statusCode, 200, end.body);
      assert.equal(end.data.endedAt, now());
      assert.equal((await conversation(one.conversationId)).status, 'ended');
      assert.deepEqual(
        (await audits(one.contactId)).filter((a) => a !== 'contact.created' && a !== 'contact.answered'),
        ['contact.ended'],
      );

      const two = await answered();
      await t.services.chat.end(two.session);
      assert.notEqual((await contactRow(two.contactId)).ended_at, null);
      assert.equal((await audits(two.contactId)).filter((a) => a === 'contact.ended').length, 1);
      assert.equal(await endedEvents(two.contactId), 1);
      const ev = await chatEnded(two.caseId);
      assert.equal(parseJson<{ by?: string }>(ev[0]!.data, {}).by, 'customer');
    });

    test('a supervisor ends an officer’s abandoned chat contact: the chat ends in the supervisor’s name; a phone call ends as before', async () => {
      const c = await answered();
      const end = await t.call('supervisor', 'PATCH', `/api/v1/contacts/${c.contactId}`, { end: true });
      assert.equal(end.statusCode, 200, end.body);
      assert.equal((await conversation(c.conversationId)).status, 'ended');
      assert.equal((await chatEnded(c.caseId))[0]!.actor_id, t.users.supervisor.id);
      // Someone else's officer may not.
      const d = await answered();
      const refused = await t.call('team_leader', 'PATCH', `/api/v1/contacts/${d.contactId}`, { end: true });
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal((await conversation(d.conversationId)).status, 'active', 'the chat goes on');
      await t.services.chat.end(d.session);

      const call = await t.call('officer', 'POST', '/api/v1/contacts', {
        channel: 'phone',
        direction: 'inbound',
      });
      assert.equal(call.statusCode, 201, call.body);
      clock.advance(30_000);
      const hung = await t.call('officer', 'PATCH', `/api/v1/contacts/${call.data.id}`, {
        end: true,
        notes: 'Called back later',
      });
      assert.equal(hung.statusCode, 200, hung.body);
      assert.equal(hung.data.durationSeconds, 30);
      assert.equal(hung.data.notes, 'Called back later');
      assert.deepEqual(await audits(call.data.id), ['contact.created', 'contact.ended']);
      assert.equal(await endedEvents(call.data.id), 1);
    });

    if (dialect === 'postgres')
      test('lock order: ending the contact while the visitor ends the chat, or the case is resolved, never deadlocks', async () => {
        const r = rng(20261208);
        const ROUNDS = 12;
        const retries = txRetries(t.ctx.store);
        for (let i = 0; i < ROUNDS; i++) {
          const c = await answered();
          const endContact = () =>
            t.call('officer', 'PATCH', `/api/v1/contacts/${c.contactId}`, { end: true }).then((res) => {
              if (res.statusCode !== 200 && res.data?.code !== 'contact.already_ended')
                throw new Error(`${res.statusCode} ${res.body}`);
            });
          const other: () => Promise<unknown> =
            i % 2 === 0
              ? () => t.services.chat.end(c.session)
              : () =>
                  t.services.cases.transition(officer().actor, c.caseId, {
                    action: 'resolve',
                    resolutionSummary: 'Explained the bill',
                  });
          const wait = () => new Promise((ok) => setTimeout(ok, r.int(0, 3)));
          const first = r.chance(0.5);
          const res = await Promise.allSettled([
            first ? endContact() : wait().then(endContact),
            first ? wait().then(other) : other(),
          ]);
          for (const x of res) if (x.status === 'rejected') throw x.reason;
          assert.equal((await conversation(c.conversationId)).status, 'ended', `round ${i}`);
          assert.equal(
            (await audits(c.contactId)).filter((a) => a === 'contact.ended').length,
            1,
            `round ${i}`,
          );
        }
        assert.equal(txRetries(t.ctx.store) - retries, 0, 'a transaction was run again after a deadlock');
      });
  });
}
