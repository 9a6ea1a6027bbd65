import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { languageTag } from '../../src/server/modules/messages/chat/chat-intake.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { T } from '../../src/widget/text.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { FakeAgents, setProfile } from './routing-fixture.ts';

let n = 0;

test('every language the widget offers, and its English name, is a tag routing can ask for', () => {
  assert.deepEqual(
    T.languages.map((l) => languageTag(l)),
    ['en', 'ms', 'zh', 'ta'],
  );
  assert.deepEqual(
    ['Malay', ' bahasa  Melayu ', 'ms-MY', 'zh_Hant', 'Tamil', 'Klingon', '', null].map(languageTag),
    ['ms', 'ms', 'ms-my', 'zh_hant', 'ta', null, null, null],
  );
});

/**
 * A web chat's language (issue 14, point 2: "the customer's preferred language asks for that
 * language"): the one the visitor chose on the pre-chat form counts, over the customer record's.
 */
for (const dialect of await dialects()) {
  describe(`routing a chat by the language its visitor chose (${dialect})`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const agents = new FakeAgents();
    before(async () => {
      t = await makeTestApp(dialect, { clock });
      t.services.routing.setAgentStates(agents);
    });
    after(() => t.close());

    /**
     * A team with a widget, an English speaker idle longest (the strategy's first pick) and a
     * Malay speaker, and a customer on record with `recordLang` whom the chat's e-mail identifies.
     */
    async function setUp(recordLang: string | null) {
      const tm = await t.services.people.createTeam(SYSTEM_ACTOR, { name: `Chat language team ${++n}` });
      const ids: string[] = [];
      for (const [i, languages] of [['en'], ['en', 'ms-MY']].entries()) {
        const u = await t.services.people.createUser(SYSTEM_ACTOR, {
          username: `cl${n}u${i}`,
          displayName: `Officer ${n}.${i}`,
          role: 'officer',
          password: 'correct horse battery',
          teamId: tm.id,
        });
        await setProfile(t, u.id, { languages, capacity: { chat: 2 } });
        agents.set(u.id, 'available', new Date(clock.now().getTime() + i * 1000).toISOString());
        ids.push(u.id);
      }
      const email = `visitor${n}@customer.example`;
      await t.services.customers.create(SYSTEM_ACTOR, {
        displayName: `Customer ${n}`,
        phones: [],
        emails: [email],
        preferredLanguage: recordLang,
      });
      const w = await t.services.chatWidgets.create(SYSTEM_ACTOR, {
        name: `Shop ${n}`,
        teamId: tm.id,
        allowedOrigins: ['https://shop.example'],
      });
      const widget = await t.services.chatWidgets.row(t.ctx.store.db, w.widget.id);
      return { team: tm, english: ids[0]!, malay: ids[1]!, widget, email };
    }

    async function chat(s: Awaited<ReturnType<typeof setUp>>, language: string | null) {
      const h = await t.services.chat.hello(s.widget, null, null);
      await t.services.chat.start(h.session, {
        clientId: randomUUID(),
        name: 'Siti',
        email: s.email,
        question: 'Bil saya salah',
        language,
      });
      const conv = await t.ctx.store.db
        .selectFrom('chat_conversations')
        .select('case_id')
        .where('id', '=', h.session.conversationId!)
        .executeTakeFirstOrThrow();
      return conv.case_id;
    }
    const itemOf = (caseId: string) =>
      t.ctx.store.db
        .selectFrom('routing_items')
        .select(['id', 'language', 'state', 'channel'])
        .where('case_id', '=', caseId)
        .where('state', 'in', ['waiting', 'offered', 'assigned'])
        .executeTakeFirstOrThrow();
    const openOffer = (caseId: string) =>
      t.ctx.store.db
        .selectFrom('routing_offers')
        .selectAll()
        .where('case_id', '=', caseId)
        .where('state', '=', 'open')
        .execute();

    test('a chat whose visitor chose Malay is offered to the Malay-speaking officer, whatever the record says', async () => {
      const s = await setUp('en');
      const caseId = await chat(s, 'Bahasa Melayu');
      const item = await itemOf(caseId);
      assert.deepEqual([item.channel, item.language], ['chat', 'ms']);
      await t.services.routing.route();
      const offers = await openOffer(caseId);
      assert.equal(offers.length, 1);
      assert.equal(offers[0]!.user_id, s.malay, 'not the English speaker idle longest');
      // Transferred back to the team's queue, the case still asks for Malay.
      const officer = { userId: s.malay, role: 'officer' as const, via: 'token' as const };
      await t.services.routing.accept(officer, offers[0]!.id);
      await t.services.routingTransfers.transfer(officer, {
        clientId: randomUUID(),
        caseId,
        toTeamId: s.team.id,
        note: 'Needs someone from billing who speaks Malay.',
      });
      assert.equal((await itemOf(caseId)).language, 'ms');
    });

    test("the visitor's English over a record that says Malay; no choice leaves the record's", async () => {
      const s = await setUp('ms');
      const english = await chat(s, 'English');
      assert.equal((await itemOf(english)).language, 'en');
      await t.services.routing.route();
      assert.equal((await openOffer(english))[0]?.user_id, s.english, 'the longest idle, both speak English');
      // Another visitor (a new browser) with the same e-mail who chose nothing: the record's Malay.
      const none = await chat(s, null);
      assert.equal((await itemOf(none)).language, 'ms');
      await t.services.routing.route();
      assert.equal((await openOffer(none))[0]?.user_id, s.malay);
    });

    test('a message left in Malay (nobody there) asks for Malay too', async () => {
      const s = await setUp(null);
      const h = await t.services.chat.hello(s.widget, null, null);
      const left = await t.services.chatMail.leave(h.session, {
        clientId: randomUUID(),
        name: 'Siti',
        email: s.email,
        question: 'Tolong hubungi saya',
        language: 'Bahasa Melayu',
      });
      const c = await t.ctx.store.db
        .selectFrom('cases')
        .select('id')
        .where('reference', '=', left.reference)
        .executeTakeFirstOrThrow();
      assert.equal((await itemOf(c.id)).language, 'ms');
    });
  });
}
