import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { shopWidget, startChat, userWithToken, type WidgetRow } from '../helpers/chat-fixture.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

/**
 * Who may act in a case's chat (the walk's CS-000501: Olivia, having transferred her chat to Tom,
 * still wrote to the customer under her name). Only the officer handling a chat writes in it, types
 * to its customer, marks it read and ends it; everyone else with the case reads it (409
 * chat.not_yours for the rest). A chat nobody has answered is anyone's first answer; nobody's reading
 * of it counts. A leader of the chat's team, a supervisor or an administrator may end a chat someone
 * else handles (audited), never write in it. Per role, over HTTP, on both databases.
 */
for (const dialect of await dialects()) {
  describe(`who may act in a case's chat (${dialect})`, () => {
    let t: TestApp;
    let widget: WidgetRow;
    /** A second officer of the team, and a team leader of another team. */
    let ann: { id: string; token: string };
    let otherLeader: { id: string; token: string };
    const as = (u: { token: string }) => ({ authorization: `Bearer ${u.token}` });

    before(async () => {
      t = await makeTestApp(dialect);
      ann = await userWithToken(t, { username: 'ann' });
      const teamB = await t.services.people.createTeam(SYSTEM_ACTOR, {
        name: 'Team B',
        departmentId: t.department.id,
      });
      otherLeader = await userWithToken(t, { username: 'bella', role: 'team_leader', teamId: teamB.id });
      widget = await shopWidget(t);
    });
    after(() => t.close());

    /** A chat waiting for its first answer, its customer having written once more. */
    const waitingChat = () => startChat(t, widget);
    /** A chat the team's officer answered (so handles), the customer writing after the answer. */
    async function officersChat() {
      const c = await waitingChat();
      const hi = await t.call('officer', 'POST', `/api/v1/cases/${c.caseId}/chat/messages`, {
        clientId: randomUUID(),
        text: 'Hello, let me look.',
      });
      assert.equal(hi.statusCode, 201, hi.body);
      await t.services.chat.send(c.session, randomUUID(), 'Thank you');
      return c;
    }
    const conv = (caseId: string) =>
      t.ctx.store.db
        .selectFrom('chat_conversations')
        .selectAll()
        .where('case_id', '=', caseId)
        .executeTakeFirstOrThrow();
    const lines = async (caseId: string) =>
      (
        await t.ctx.store.db
          .selectFrom('chat_entries')
          .select('seq')
          .where('conversation_id', '=', (await conv(caseId)).id)
          .execute()
      ).length;

    /** Every caller but the handler: the roles of the team and two from outside it. */
    const others: {
      who: string;
      call: (m: 'POST', url: string, body?: unknown) => ReturnType<TestApp['call']>;
    }[] = [
      ...(['trainee', 'team_leader', 'supervisor', 'administrator'] as const).map((r) => ({
        who: r,
        call: (m: 'POST', url: string, body?: unknown) => t.call(r, m, url, body),
      })),
      {
        who: 'another officer',
        call: (m: 'POST', url: string, body?: unknown) => t.call(null, m, url, body, as(ann)),
      },
      {
        who: 'a leader of another team',
        call: (m: 'POST', url: string, body?: unknown) => t.call(null, m, url, body, as(otherLeader)),
      },
    ];

    test('a message to the customer: only from the officer handling the chat', async () => {
      const { caseId } = await officersChat();
      const url = `/api/v1/cases/${caseId}/chat/messages`;
      const before = await lines(caseId);
      const wrong: string[] = [];
      for (const o of others) {
        const r = await o.call('POST', url, { clientId: randomUUID(), text: `From ${o.who}` });
        if (r.statusCode !== 409 || r.data?.code !== 'chat.not_yours')
          wrong.push(`${o.who}: ${r.statusCode} ${r.body}`);
        else assert.match(String(r.headers['content-type']), /application\/problem\+json/);
      }
      assert.deepEqual(wrong, []);
      const trainer = await t.call('trainer', 'POST', url, { clientId: randomUUID(), text: 'x' });
      assert.equal(trainer.data?.code, 'auth.forbidden', 'a trainer writes nothing (cases.write)');
      assert.equal(await lines(caseId), before, 'nothing reached the customer');
      const mine = await t.call('officer', 'POST', url, { clientId: randomUUID(), text: 'Found it.' });
      assert.equal(mine.statusCode, 201, mine.body);
    });

    test("read marks: only the handler's reading counts (a leader opening the case is no receipt)", async () => {
      const { caseId } = await officersChat();
      const url = `/api/v1/cases/${caseId}/chat/read`;
      const c0 = await conv(caseId);
      assert.equal(c0.officer_unread, 1);
      const outbox0 = await t.ctx.store.db.selectFrom('outbox').select('id').execute();
      const wrong: string[] = [];
      for (const o of others) {
        const r = await o.call('POST', url, { seq: c0.last_seq });
        if (r.statusCode !== 409 || r.data?.code !== 'chat.not_yours')
          wrong.push(`${o.who}: ${r.statusCode} ${r.body}`);
      }
      assert.deepEqual(wrong, []);
      const c1 = await conv(caseId);
      assert.deepEqual([c1.officer_read_seq, c1.officer_unread], [c0.officer_read_seq, 1], 'still unread');
      assert.equal((await t.ctx.store.db.selectFrom('outbox').select('id').execute()).length, outbox0.length);
      const mine = await t.call('officer', 'POST', url, { seq: c0.last_seq });
      assert.equal(mine.statusCode, 200, mine.body);
      assert.equal(mine.data.unread, 0);
      assert.equal((await conv(caseId)).officer_read_seq, c0.last_seq);
    });

    test('typing reaches the customer only from the handler', async () => {
      const { caseId } = await officersChat();
      const url = `/api/v1/cases/${caseId}/chat/typing`;
      for (const o of others) {
        const r = await o.call('POST', url, { typing: true });
        assert.equal(r.data?.code, 'chat.not_yours', `${o.who}: ${r.statusCode}`);
      }
      assert.equal((await t.call('officer', 'POST', url, { typing: true })).statusCode, 204);
    });

    test("ending: the handler, a leader of the chat's team, a supervisor, an administrator (audited); nobody else", async () => {
      const refused: string[] = [];
      for (const o of others.filter((x) =>
        ['trainee', 'another officer', 'a leader of another team'].includes(x.who),
      )) {
        const { caseId } = await officersChat();
        const r = await o.call('POST', `/api/v1/cases/${caseId}/chat/end`);
        if (r.data?.code !== 'chat.not_yours') refused.push(`${o.who}: ${r.statusCode} ${r.body}`);
        assert.equal((await conv(caseId)).status, 'active', `${o.who} did not end it`);
      }
      assert.deepEqual(refused, []);
      for (const role of ['team_leader', 'supervisor', 'administrator'] as const) {
        const { caseId } = await officersChat();
        const r = await t.call(role, 'POST', `/api/v1/cases/${caseId}/chat/end`);
        assert.equal(r.statusCode, 200, `${role}: ${r.body}`);
        assert.equal(r.data.status, 'ended');
        const audited = await t.ctx.store.db
          .selectFrom('audit_log')
          .selectAll()
          .where('entity_id', '=', caseId)
          .where('action', '=', 'chat.ended_for_officer')
          .execute();
        assert.equal(audited.length, 1, `${role}: audited`);
        assert.equal(audited[0]!.actor_id, t.users[role].id);
        const before = audited[0]!.before;
        assert.match(
          typeof before === 'string' ? before : JSON.stringify(before),
          new RegExp(t.users.officer.id),
        );
      }
      const { caseId } = await officersChat();
      const mine = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/chat/end`);
      assert.equal(mine.statusCode, 200, mine.body);
      const ownAudit = await t.ctx.store.db
        .selectFrom('audit_log')
        .select('id')
        .where('entity_id', '=', caseId)
        .where('action', '=', 'chat.ended_for_officer')
        .execute();
      assert.equal(ownAudit.length, 0, 'the handler ending their own chat is no override');
    });

    test('a chat nobody has answered: anyone who writes on cases answers it first (and takes it); nobody’s reading counts', async () => {
      const { caseId } = await waitingChat();
      const read = await t.call('team_leader', 'POST', `/api/v1/cases/${caseId}/chat/read`, { seq: 1 });
      assert.equal(read.data?.code, 'chat.not_yours');
      assert.equal((await conv(caseId)).officer_read_seq, 0);
      const typing = await t.call('trainee', 'POST', `/api/v1/cases/${caseId}/chat/typing`, { typing: true });
      assert.equal(typing.statusCode, 204, 'typing the first answer');
      const first = await t.call('trainee', 'POST', `/api/v1/cases/${caseId}/chat/messages`, {
        clientId: randomUUID(),
        text: 'Hello, I can help.',
      });
      assert.equal(first.statusCode, 201, first.body);
      assert.equal((await conv(caseId)).officer_id, t.users.trainee.id, 'the first answer took it');
      const late = await t.call('officer', 'POST', `/api/v1/cases/${caseId}/chat/messages`, {
        clientId: randomUUID(),
        text: 'Me too',
      });
      assert.equal(late.data?.code, 'chat.not_yours');
      // One nobody answered may be ended by anyone who writes on cases (a stray chat).
      const stray = await waitingChat();
      const end = await t.call('officer', 'POST', `/api/v1/cases/${stray.caseId}/chat/end`);
      assert.equal(end.statusCode, 200, end.body);
    });

    test('a case without a chat: GET …/chat answers null, not an error; an unknown case 404', async () => {
      const { case: phone } = await buildCase(t);
      const none = await t.call('officer', 'GET', `/api/v1/cases/${phone.id}/chat`);
      assert.equal(none.statusCode, 200, none.body);
      assert.equal(none.body, 'null');
      const unknown = await t.call('officer', 'GET', `/api/v1/cases/${randomUUID()}/chat`);
      assert.equal(unknown.data?.code, 'case.not_found');
    });
  });
}
