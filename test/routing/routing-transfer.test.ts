import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { CUSTOMER_LINE } from '../../src/server/modules/routing/routing-transfer.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { tx } from '../../src/server/platform/context.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { shopWidget, startChat, userWithToken, type WidgetRow } from '../helpers/chat-fixture.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';
import { FakeAgents, routedCase, setProfile } from './routing-fixture.ts';

let n = 0;

/**
 * Transfer (issue 14, point 4): to an officer (an offer they accept), to a team's queue, the
 * refusals (offline, away, at capacity, not one's case), a double click, the chat's customer told
 * in a neutral line with nothing lost or doubled.
 */
for (const dialect of await dialects()) {
  describe(`routing transfer (${dialect})`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const agents = new FakeAgents();
    let widget: WidgetRow;
    /** Officers of a second team, with tokens. */
    let teamB: { id: string };
    const b: { id: string; token: string }[] = [];
    const now = () => clock.now().toISOString();

    before(async () => {
      t = await makeTestApp(dialect, { clock });
      t.services.routing.setAgentStates(agents);
      // Team A's test users: only the officer takes routed work here (the others are offline).
      // English: the chat's visitor below chooses it on the form, and the item asks for it.
      await setProfile(t, t.users.officer.id, { languages: ['en'], capacity: { email: 2, chat: 2, sms: 1 } });
      agents.set(t.users.officer.id, 'available', now());
      teamB = await t.services.people.createTeam(SYSTEM_ACTOR, { name: 'Team B' });
      for (const i of [0, 1])
        b.push(
          await userWithToken(t, {
            username: `tb${i}`,
            displayName: `Bea ${i}`,
            teamId: teamB.id,
            beforeToken: (id) => setProfile(t, id, { capacity: { email: 1, chat: 1, sms: 1 } }),
          }),
        );
      widget = await shopWidget(t);
    });
    after(() => t.close());

    const asB = (i: number) => ({ authorization: `Bearer ${b[i]!.token}` });
    const load = async (userId: string, channel: string) =>
      (
        await t.ctx.store.db
          .selectFrom('routing_capacity')
          .select('load')
          .where('user_id', '=', userId)
          .where('channel', '=', channel)
          .executeTakeFirstOrThrow()
      ).load;
    const openOffer = (caseId: string) =>
      t.ctx.store.db
        .selectFrom('routing_offers')
        .selectAll()
        .where('case_id', '=', caseId)
        .where('state', '=', 'open')
        .executeTakeFirst();
    /** A case routed to the test officer and accepted by them. */
    async function takenByA(caseId: string) {
      await t.services.routing.route();
      const o = await openOffer(caseId);
      assert.equal(o?.user_id, t.users.officer.id, 'offered to officer A');
      await t.services.routing.accept(t.users.officer.actor, o!.id);
    }
    const transfer = (
      body: Record<string, unknown>,
      role: 'officer' | 'team_leader' | 'trainee' = 'officer',
    ) =>
      t.call(role, 'POST', '/api/v1/routing/transfers', { clientId: randomUUID(), note: 'Context', ...body });

    test('a chat to an officer: offered, accepted, answered; the customer told neutrally; a double click is one transfer', async () => {
      for (const x of b) agents.set(x.id, 'available', now());
      const { session: s, caseId, conversationId } = await startChat(t, widget);
      await takenByA(caseId);
      const hi = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/chat/messages`, {
        clientId: randomUUID(),
        text: 'Hello, let me look.',
      });
      assert.equal(hi.statusCode, 201, hi.body);
      await t.services.chat.send(s, randomUUID(), 'It says 40 dollars');
      assert.equal(await load(t.users.officer.id, 'chat'), 1);
      const answeredAt = (
        await t.ctx.store.db
          .selectFrom('chat_conversations')
          .select('answered_at')
          .where('id', '=', conversationId)
          .executeTakeFirstOrThrow()
      ).answered_at;

      // Officer A transfers to Bea 0 with a note; the dialog's client id sent twice (a double click).
      const body = {
        caseId,
        clientId: randomUUID(),
        toUserId: b[0]!.id,
        note: 'Roaming charge in Malaysia disputed; she wants a refund.',
      };
      const [r1, r2] = await Promise.all([
        t.call('officer', 'POST', '/api/v1/routing/transfers', body),
        t.call('officer', 'POST', '/api/v1/routing/transfers', body),
      ]);
      assert.deepEqual([r1.statusCode, r2.statusCode].sort(), [200, 201], `${r1.body} ${r2.body}`);
      assert.equal(r1.data.id, r2.data.id);
      assert.equal(r1.data.state, 'offered');
      assert.equal(r1.data.toName, 'Bea 0');
      assert.equal(r1.data.fromName, 'Test officer');
      const again = await t.call('officer', 'POST', '/api/v1/routing/transfers', body);
      assert.equal(again.statusCode, 200);
      assert.equal(again.data.id, r1.data.id);

      // A's room freed, Bea's taken by the offer; the case waits for her answer.
      assert.equal(await load(t.users.officer.id, 'chat'), 0);
      assert.equal(await load(b[0]!.id, 'chat'), 1);
      const offer = await openOffer(caseId);
      assert.equal(offer?.user_id, b[0]!.id);
      const c = await t.services.cases.row(t.ctx.store.db, caseId);
      assert.equal(c.assignee_id, null);
      assert.equal(c.team_id, teamB.id);
      const counted = async (table: 'routing_transfers' | 'case_notes') =>
        (await t.ctx.store.db.selectFrom(table).select('id').where('case_id', '=', caseId).execute()).length;
      assert.equal(await counted('routing_transfers'), 1, 'one transfer');
      assert.equal(await counted('case_notes'), 1, 'one note');
      const events = await t.ctx.store.db
        .selectFrom('case_events')
        .select(['kind', 'actor_id'])
        .where('case_id', '=', caseId)
        .where('kind', '=', 'routing.transferred')
        .execute();
      assert.deepEqual(
        events.map((e) => ({ ...e })),
        [{ kind: 'routing.transferred', actor_id: t.users.officer.id }],
      );
      const audited = await t.ctx.store.db
        .selectFrom('audit_log')
        .select(['actor_id', 'after'])
        .where('entity_id', '=', caseId)
        .where('action', '=', 'routing.transferred')
        .execute();
      assert.equal(audited.length, 1);
      assert.equal(audited[0]!.actor_id, t.users.officer.id);

      // The customer: one neutral line, no name; the chat waits for its next officer.
      const seen = await t.services.chat.sync(s, 0);
      const system = seen.items.filter((l) => l.side === 'system');
      assert.deepEqual(
        system.map((l) => l.text),
        [CUSTOMER_LINE.officer],
      );
      assert.doesNotMatch(system[0]!.text, /Bea|Test officer|Team B/);
      assert.equal((await t.services.chat.status(s))?.status, 'waiting');

      // Bea reads the context, accepts and answers; the customer sees her answer after everything else.
      const list = await t.call(null, 'GET', `/api/v1/routing/transfers?caseId=${caseId}`, undefined, asB(0));
      assert.equal(list.statusCode, 200, list.body);
      assert.equal(list.data.items[0].note, body.note);
      const mine = await t.call(null, 'GET', '/api/v1/routing/offer', undefined, asB(0));
      assert.equal(mine.data.offer.caseId, caseId);
      const acc = await t.call(
        null,
        'POST',
        `/api/v1/routing/offers/${mine.data.offer.id}/accept`,
        undefined,
        asB(0),
      );
      assert.equal(acc.statusCode, 200, acc.body);
      const reply = await t.call(
        null,
        'POST',
        `/api/v1/cases/${caseId}/chat/messages`,
        { clientId: randomUUID(), text: 'Hi, I have your case and the note.' },
        asB(0),
      );
      assert.equal(reply.statusCode, 201, reply.body);
      const all = await t.services.chat.sync(s, 0);
      assert.deepEqual(
        all.items.map((l) => [l.seq, l.side, l.author]),
        [
          [1, 'visitor', null],
          [2, 'officer', 'Test officer'],
          [3, 'visitor', null],
          [4, 'system', null],
          [5, 'officer', 'Bea 0'],
        ],
      );
      const conv = await t.ctx.store.db
        .selectFrom('chat_conversations')
        .selectAll()
        .where('id', '=', conversationId)
        .executeTakeFirstOrThrow();
      assert.equal(conv.status, 'active');
      assert.equal(conv.officer_id, b[0]!.id);
      assert.equal(conv.answered_at, answeredAt, 'the first answer is kept');
      assert.equal((await t.services.cases.row(t.ctx.store.db, caseId)).assignee_id, b[0]!.id);
      const after = await t.call('officer', 'GET', `/api/v1/routing/transfers?caseId=${caseId}`);
      assert.equal(after.data.items[0].state, 'taken');
      // Bea's chats list it as hers; A's no longer do.
      const beas = await t.call(null, 'GET', '/api/v1/chats/mine', undefined, asB(0));
      assert.ok(
        beas.data.items.some((x: { caseId: string; mine: boolean }) => x.caseId === caseId && x.mine),
      );
      const as = await t.call('officer', 'GET', '/api/v1/chats/mine');
      assert.ok(!as.data.items.some((x: { caseId: string; mine: boolean }) => x.caseId === caseId && x.mine));
      await t.services.chat.end(s);
    });

    test("an e-mail case to a team's queue: offered to someone of that team, never back to its sender first", async () => {
      for (const x of b) agents.set(x.id, 'available', now());
      const customer = await t.services.customers.create(SYSTEM_ACTOR, {
        displayName: `Q ${++n}`,
        phones: [],
        emails: [],
      });
      const caseId = await routedCase(t, { channel: 'email', teamId: t.team.id, customerId: customer.id });
      await takenByA(caseId);
      const res = await transfer({ caseId, toTeamId: teamB.id, note: 'Billing dispute: Team B owns these.' });
      assert.equal(res.statusCode, 201, res.body);
      assert.equal(res.data.state, 'queued');
      assert.equal(res.data.toTeamName, 'Team B');
      assert.equal(res.data.toUserId, null);
      assert.equal(await load(t.users.officer.id, 'email'), 0, "the sender's room frees up");
      const c = await t.services.cases.row(t.ctx.store.db, caseId);
      assert.equal(c.team_id, teamB.id);
      assert.equal(c.assignee_id, null);
      await t.services.routing.route();
      const o = await openOffer(caseId);
      assert.ok(o && b.some((x) => x.id === o.user_id), 'offered to someone of Team B');
      await t.services.routing.accept({ userId: o.user_id, role: 'officer', via: 'token' }, o.id);
      const list = await t.call('officer', 'GET', `/api/v1/routing/transfers?caseId=${caseId}`);
      assert.equal(list.data.items[0].state, 'taken');
      await t.services.cases.transition(SYSTEM_ACTOR, caseId, {
        action: 'resolve',
        resolutionSummary: 'Done',
      });
    });

    test('refused with a 409 when the officer is offline, on a break or at capacity; nothing changes', async () => {
      const customer = await t.services.customers.create(SYSTEM_ACTOR, {
        displayName: `R ${++n}`,
        phones: [],
        emails: [],
      });
      const caseId = await routedCase(t, { channel: 'sms', teamId: t.team.id, customerId: customer.id });
      await takenByA(caseId);
      const before = await t.services.cases.row(t.ctx.store.db, caseId);
      agents.set(b[0]!.id, 'offline', now());
      const off = await transfer({ caseId, toUserId: b[0]!.id });
      assert.equal(off.statusCode, 409, off.body);
      assert.equal(off.data.code, 'routing_transfer.officer_unavailable');
      assert.equal(off.data.state, 'offline');
      agents.set(b[0]!.id, 'break', now());
      const away = await transfer({ caseId, toUserId: b[0]!.id });
      assert.equal(away.data.code, 'routing_transfer.officer_unavailable');
      assert.equal(away.data.state, 'break');
      // Bea 1 on a contact takes routed work, but her one SMS slot is full.
      agents.set(b[1]!.id, 'on_contact', now());
      await tx(t.ctx, (trx) =>
        trx
          .updateTable('routing_capacity')
          .set({ load: 1 })
          .where('user_id', '=', b[1]!.id)
          .where('channel', '=', 'sms')
          .execute(),
      );
      const full = await transfer({ caseId, toUserId: b[1]!.id });
      assert.equal(full.statusCode, 409, full.body);
      assert.equal(full.data.code, 'routing_transfer.officer_at_capacity');
      await tx(t.ctx, (trx) =>
        trx
          .updateTable('routing_capacity')
          .set({ load: 0 })
          .where('user_id', '=', b[1]!.id)
          .where('channel', '=', 'sms')
          .execute(),
      );
      const self = await transfer({ caseId, toUserId: t.users.officer.id });
      assert.equal(self.data.code, 'routing_transfer.same_officer');
      // Nothing moved: the case, A's item and room, no transfer, no note, no line.
      const after = await t.services.cases.row(t.ctx.store.db, caseId);
      assert.equal(after.version, before.version);
      assert.equal(after.assignee_id, t.users.officer.id);
      assert.equal(await load(t.users.officer.id, 'sms'), 1);
      assert.equal(await load(b[0]!.id, 'sms'), 0);
      const rows = await t.ctx.store.db
        .selectFrom('routing_transfers')
        .select('id')
        .where('case_id', '=', caseId)
        .execute();
      assert.equal(rows.length, 0);
      const items = await t.ctx.store.db
        .selectFrom('routing_items')
        .select(['state', 'assigned_to'])
        .where('case_id', '=', caseId)
        .execute();
      assert.deepEqual(
        items.map((i) => ({ ...i })),
        [{ state: 'assigned', assigned_to: t.users.officer.id }],
      );
      // Declined, the transferred item waits in Bea 1's team queue for the next of that team.
      agents.set(b[0]!.id, 'available', now());
      const ok = await transfer({ caseId, toUserId: b[1]!.id });
      assert.equal(ok.statusCode, 201, ok.body);
      const offer = await openOffer(caseId);
      assert.equal(offer?.user_id, b[1]!.id);
      const dec = await t.call(
        null,
        'POST',
        `/api/v1/routing/offers/${offer!.id}/decline`,
        undefined,
        asB(1),
      );
      assert.equal(dec.statusCode, 204, dec.body);
      await t.services.routing.route();
      assert.equal((await openOffer(caseId))?.user_id, b[0]!.id);
      const list = await t.call('officer', 'GET', `/api/v1/routing/transfers?caseId=${caseId}`);
      assert.equal(list.data.items[0].state, 'queued');
      await t.services.cases.transition(SYSTEM_ACTOR, caseId, {
        action: 'resolve',
        resolutionSummary: 'Done',
      });
    });

    test("who may transfer: the case's handler and its team's leader; not another officer; not a case off routing", async () => {
      agents.set(b[0]!.id, 'available', now());
      agents.set(b[1]!.id, 'available', now());
      const customer = await t.services.customers.create(SYSTEM_ACTOR, {
        displayName: `W ${++n}`,
        phones: [],
        emails: [],
      });
      const caseId = await routedCase(t, { channel: 'email', teamId: t.team.id, customerId: customer.id });
      await takenByA(caseId);
      const trainee = await transfer({ caseId, toTeamId: teamB.id }, 'trainee');
      assert.equal(trainee.statusCode, 403, trainee.body);
      assert.equal(trainee.data.code, 'routing_transfer.not_yours');
      const neither = await transfer({ caseId });
      assert.equal(neither.statusCode, 400);
      assert.deepEqual(
        neither.data.errors.map((e: { field: string }) => e.field),
        ['/body/toUserId'],
      );
      const both = await transfer({ caseId, toUserId: b[0]!.id, toTeamId: teamB.id });
      assert.deepEqual(
        both.data.errors.map((e: { field: string }) => e.field),
        ['/body/toTeamId'],
      );
      // Team A's leader may hand on a case of Team A; Bea (Team B, not handling it) may not.
      const lead = await transfer({ caseId, toTeamId: teamB.id }, 'team_leader');
      assert.equal(lead.statusCode, 201, lead.body);
      const bea = await t.call(
        null,
        'POST',
        '/api/v1/routing/transfers',
        { caseId, clientId: randomUUID(), toTeamId: t.team.id, note: 'x' },
        asB(1),
      );
      assert.equal(bea.statusCode, 403, bea.body);
      // A phone case never went through routing.
      const pc = await buildCase(t, { assigneeId: t.users.officer.id });
      const off = await transfer({ caseId: pc.case.id, toTeamId: teamB.id });
      assert.equal(off.statusCode, 409, off.body);
      assert.equal(off.data.code, 'routing_transfer.not_routed');
      // The targets: Team B's available officers first, the caller left out, the teams' queues.
      const targets = await t.call('officer', 'GET', `/api/v1/routing/transfer-targets?caseId=${caseId}`);
      assert.equal(targets.statusCode, 200, targets.body);
      assert.equal(targets.data.channel, 'email');
      assert.ok(!targets.data.officers.some((o: { userId: string }) => o.userId === t.users.officer.id));
      assert.equal(targets.data.officers[0].availability, 'available');
      assert.deepEqual(
        targets.data.queues.map((q: { name: string }) => q.name),
        ['Team A', 'Team B'],
      );
    });
  });
}
