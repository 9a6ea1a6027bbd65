import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

const DAY = 86_400_000;

const notes = async (t: TestApp, userId: string, kind: string) =>
  t.ctx.store.db
    .selectFrom('notifications')
    .select(['title', 'urgent'])
    .where('user_id', '=', userId)
    .where('kind', '=', kind)
    .execute();
const timeline = async (t: TestApp, caseId: string) =>
  (
    await t.ctx.store.db
      .selectFrom('case_events')
      .select('kind')
      .where('case_id', '=', caseId)
      .orderBy('at')
      .execute()
  ).map((e) => e.kind);

for (const dialect of await dialects()) {
  describe(`agreed solutions and dissemination on ${dialect}`, () => {
    test('proposed from a case, discussed, agreed by the team leader: published, searchable, sent to the team', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      try {
        // A second team whose member must not be asked to read it.
        const teamB = await t.services.people.createTeam(SYSTEM_ACTOR, { name: 'Team B' });
        const outsider = await t.services.people.createUser(SYSTEM_ACTOR, {
          username: 'bob',
          displayName: 'Bob in Team B',
          role: 'officer',
          password: 'correct horse battery',
          teamId: teamB.id,
        });
        const { case: c } = await buildCase(t);
        const proposed = await t.call('officer', 'POST', '/api/v1/solutions', {
          caseId: c.id,
          problem: 'Customers overseas cannot reload prepaid credit with a foreign card',
          solution: 'Reload with the **prepaid voucher** code sent by SMS; the fee is waived.',
        });
        assert.equal(proposed.statusCode, 201, proposed.body);
        const id = proposed.data.id as string;
        assert.equal(proposed.data.status, 'proposed');
        assert.equal(proposed.data.caseReference, c.reference);
        assert.ok((await timeline(t, c.id)).includes('solution.proposed'));

        // The team discusses: a trainee can comment; the proposer hears of it.
        const commented = await t.call('trainee', 'POST', `/api/v1/solutions/${id}/comments`, {
          body: 'Works for top-up cards too?',
        });
        assert.equal(commented.statusCode, 201);
        await t.call('team_leader', 'POST', `/api/v1/solutions/${id}/comments`, { body: 'Yes, same flow.' });
        const detail = (await t.call('officer', 'GET', `/api/v1/solutions/${id}`)).data;
        assert.deepEqual(
          detail.comments.map((k: { authorName: string; body: string }) => [k.authorName, k.body]),
          [
            ['Test trainee', 'Works for top-up cards too?'],
            ['Test team_leader', 'Yes, same flow.'],
          ],
        );
        assert.equal((await notes(t, t.users.officer.id, 'solution.comment')).length, 2);

        // An officer cannot agree it.
        const body = { title: 'Reload credit from overseas', teamIds: [t.team.id], acknowledgeWithinDays: 2 };
        assert.equal(
          (await t.call('officer', 'POST', `/api/v1/solutions/${id}/agree`, body)).statusCode,
          403,
        );
        const agreed = await t.call('team_leader', 'POST', `/api/v1/solutions/${id}/agree`, body);
        assert.equal(agreed.statusCode, 200, agreed.body);
        assert.equal(agreed.data.status, 'agreed');
        assert.equal(agreed.data.decidedBy, t.users.team_leader.id);
        assert.ok(agreed.data.articleId && agreed.data.disseminationId);
        assert.ok((await timeline(t, c.id)).includes('solution.agreed'));
        assert.equal((await notes(t, t.users.officer.id, 'solution.agreed')).length, 1);

        // It is a published article, approved by the team leader, found by search.
        const article = (await t.call('officer', 'GET', `/api/v1/kb/articles/${agreed.data.articleId}`)).data;
        assert.equal(article.status, 'published');
        assert.equal(article.published.reviewedBy, t.users.team_leader.id);
        assert.match(article.published.bodyHtml, /<strong>prepaid voucher<\/strong>/);
        const hits = (await t.call('officer', 'GET', '/api/v1/kb/search?q=reload%20overseas')).data.items;
        assert.equal(hits[0]?.articleId, agreed.data.articleId);
        // Agreeing twice is refused.
        assert.equal(
          (await t.call('supervisor', 'POST', `/api/v1/solutions/${id}/agree`, body)).data.code,
          'solution.already_decided',
        );

        // Disseminated to every other member of Team A — not to the leader who sent it, not to Team B.
        const did = agreed.data.disseminationId as string;
        const view = (await t.call('team_leader', 'GET', `/api/v1/disseminations/${did}`)).data;
        const teamA = ['officer', 'trainee', 'supervisor', 'trainer', 'administrator'] as const;
        assert.deepEqual(
          view.recipients.map((r: { userId: string }) => r.userId).sort(),
          teamA.map((r) => t.users[r].id).sort(),
        );
        assert.ok(!view.recipients.some((r: { userId: string }) => r.userId === outsider.id));
        assert.equal(view.total, 5);
        assert.equal(view.acknowledged, 0);
        assert.equal(view.dueAt, '2026-11-25T09:00:00.000Z');
        assert.equal((await notes(t, t.users.officer.id, 'kb.reading')).length, 1);
        assert.equal((await notes(t, outsider.id, 'kb.reading')).length, 0);

        // Each reads it in their own list and acknowledges; twice keeps the first time.
        const mine = (await t.call('officer', 'GET', '/api/v1/readings')).data.items;
        assert.deepEqual(
          mine.map((r: { title: string }) => r.title),
          ['Reload credit from overseas'],
        );
        const ack = await t.call('officer', 'POST', `/api/v1/disseminations/${did}/acknowledge`);
        assert.equal(ack.statusCode, 200);
        assert.equal(ack.data.acknowledgedAt, '2026-11-23T09:00:00.000Z');
        clock.advance(60_000);
        const again = await t.call('officer', 'POST', `/api/v1/disseminations/${did}/acknowledge`);
        assert.equal(again.data.acknowledgedAt, '2026-11-23T09:00:00.000Z');
        assert.equal((await t.call('officer', 'GET', '/api/v1/readings')).data.items.length, 0);
        // Someone not asked cannot acknowledge it.
        const bobAsk = await t.services.disseminations
          .acknowledge({ userId: outsider.id, role: 'officer', via: 'session' }, did)
          .catch((e: { code: string }) => e.code);
        assert.equal(bobAsk, 'dissemination.not_found');
        await t.call('trainee', 'POST', `/api/v1/disseminations/${did}/acknowledge`);

        // The team leader's view: who has not, first.
        const tl = (await t.call('team_leader', 'GET', '/api/v1/disseminations?pending=true')).data.items;
        assert.equal(tl.length, 1);
        assert.equal(tl[0].acknowledged, 2);
        assert.deepEqual(
          tl[0].recipients
            .slice(0, 3)
            .map((r: { name: string; acknowledgedAt: string | null }) => r.acknowledgedAt),
          [null, null, null],
        );
        assert.deepEqual(
          tl[0].recipients
            .filter((r: { acknowledgedAt: string | null }) => !r.acknowledgedAt)
            .map((r: { name: string }) => r.name),
          ['Test administrator', 'Test supervisor', 'Test trainer'],
        );

        // Audit: proposal, agreement, publication, dissemination, acknowledgements.
        const audited = await t.ctx.store.db
          .selectFrom('audit_log')
          .select(['entity_type', 'action'])
          .where('entity_type', 'in', ['solution', 'dissemination'])
          .execute();
        const actions = audited.map((a) => `${a.entity_type}.${a.action}`).sort();
        assert.deepEqual(actions, [
          'dissemination.acknowledge',
          'dissemination.acknowledge',
          'dissemination.create',
          'solution.agreed',
          'solution.propose',
        ]);
      } finally {
        await t.close();
      }
    });

    test('reminders: on the due date those who have not acknowledged are reminded, daily, and the sender is told how many', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      try {
        const a = await t.services.knowledge.create(SYSTEM_ACTOR, {
          title: 'Fee table',
          body: 'x',
          kind: 'billing',
        });
        await t.services.knowledge.submit(SYSTEM_ACTOR, a.id);
        await t.services.knowledge.approve(SYSTEM_ACTOR, a.id);
        const sent = await t.call('team_leader', 'POST', `/api/v1/kb/articles/${a.id}/disseminations`, {
          teamIds: [t.team.id],
          acknowledgeWithinDays: 1,
          note: 'New fees from December',
        });
        assert.equal(sent.statusCode, 201, sent.body);
        const did = sent.data.id as string;
        for (const r of ['officer', 'trainee', 'supervisor'] as const)
          await t.call(r, 'POST', `/api/v1/disseminations/${did}/acknowledge`);

        // Before the due date nothing is sent.
        clock.advance(DAY - 60_000);
        await t.services.background.tick();
        assert.equal((await notes(t, t.users.trainer.id, 'kb.reading_reminder')).length, 0);

        clock.advance(60_000);
        await t.services.background.tick();
        assert.equal((await notes(t, t.users.trainer.id, 'kb.reading_reminder')).length, 1);
        assert.equal((await notes(t, t.users.administrator.id, 'kb.reading_reminder')).length, 1);
        assert.equal(
          (await notes(t, t.users.officer.id, 'kb.reading_reminder')).length,
          0,
          'read it already',
        );
        const told = await notes(t, t.users.team_leader.id, 'kb.reading_outstanding');
        assert.deepEqual(
          told.map((n) => n.title),
          ['2 not yet acknowledged: "Fee table"'],
        );

        // The trainer reads it; next day only the administrator is reminded again.
        await t.call('trainer', 'POST', `/api/v1/disseminations/${did}/acknowledge`);
        clock.advance(DAY);
        await t.services.background.tick();
        assert.equal((await notes(t, t.users.trainer.id, 'kb.reading_reminder')).length, 1);
        assert.equal((await notes(t, t.users.administrator.id, 'kb.reading_reminder')).length, 2);

        // The leader nudges by hand; once everyone has read it, reminders stop.
        const nudged = await t.call('team_leader', 'POST', `/api/v1/disseminations/${did}/remind`);
        assert.deepEqual(nudged.data, { reminded: 1 });
        await t.call('administrator', 'POST', `/api/v1/disseminations/${did}/acknowledge`);
        clock.advance(DAY);
        await t.services.background.tick();
        assert.equal((await notes(t, t.users.administrator.id, 'kb.reading_reminder')).length, 3);
        const done = (await t.call('team_leader', 'GET', `/api/v1/disseminations/${did}`)).data;
        assert.equal(done.acknowledged, done.total);
        assert.equal(done.reminders, 3);
        clock.advance(DAY);
        await t.services.background.tick();
        const pending = await t.ctx.store.db
          .selectFrom('timers')
          .select('id')
          .where('ref_id', '=', did)
          .where('state', '=', 'pending')
          .execute();
        assert.equal(pending.length, 0, 'no reminder left once everyone has read it');
        // A proposal can also be declined with a reason.
        const p = await t.services.solutions.propose(t.users.officer.actor, { problem: 'p', solution: 's' });
        const declined = await t.call('team_leader', 'POST', `/api/v1/solutions/${p.id}/decline`, {
          note: 'Against the refund policy',
        });
        assert.equal(declined.data.status, 'declined');
        assert.equal(declined.data.decisionNote, 'Against the refund policy');
        assert.equal(declined.data.articleId, null);
      } finally {
        await t.close();
      }
    });

    test('a policy inconsistency goes to a named authority with the evidence; chased when overdue; the answer is tracked on the case', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      try {
        const { case: c } = await buildCase(t);
        const raised = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/policy-flags`, {
          authorityId: t.users.supervisor.id,
          policy: 'Late fees cannot be waived after 30 days',
          customerNeed: 'The customer was in hospital for six weeks',
          evidence: 'Hospital discharge letter seen on the call; case notes of 20 Nov',
          answerWithinDays: 2,
        });
        assert.equal(raised.statusCode, 201, raised.body);
        const fid = raised.data.id as string;
        assert.equal(raised.data.status, 'open');
        assert.equal(raised.data.authorityName, 'Test supervisor');
        assert.equal(raised.data.dueAt, '2026-11-25T09:00:00.000Z');
        assert.ok((await timeline(t, c.id)).includes('policy_flag.raised'));
        assert.equal((await notes(t, t.users.supervisor.id, 'policy_flag.raised')).length, 1);
        // The authority sees it in their list; the officer in theirs.
        assert.equal((await t.call('supervisor', 'GET', '/api/v1/policy-flags')).data.items[0].id, fid);
        assert.equal(
          (await t.call('officer', 'GET', '/api/v1/policy-flags?for=raised')).data.items[0].id,
          fid,
        );
        assert.equal((await t.call('officer', 'GET', '/api/v1/policy-flags?for=all')).statusCode, 403);
        assert.equal(
          (await t.call('officer', 'GET', `/api/v1/policy-flags?caseId=${c.id}`)).data.items.length,
          1,
          'a case reader sees its flags',
        );

        // Overdue: the authority is chased, urgently; the officer told.
        clock.advance(2 * DAY);
        await t.services.background.tick();
        const chased = await notes(t, t.users.supervisor.id, 'policy_flag.overdue');
        assert.equal(chased.length, 1);
        assert.ok(chased[0]!.urgent);
        assert.equal((await notes(t, t.users.officer.id, 'policy_flag.overdue')).length, 1);
        assert.equal((await t.call('officer', 'GET', `/api/v1/policy-flags/${fid}`)).data.overdue, true);

        // Only the named authority answers (a team leader who is not named cannot).
        const wrong = await t.call('team_leader', 'POST', `/api/v1/policy-flags/${fid}/answer`, {
          answer: 'No',
        });
        assert.equal(wrong.data.code, 'policy_flag.not_yours');
        const answered = await t.call('supervisor', 'POST', `/api/v1/policy-flags/${fid}/answer`, {
          answer: 'Waive it: medical grounds are an exception. Policy to be updated.',
        });
        assert.equal(answered.statusCode, 200, answered.body);
        assert.equal(answered.data.status, 'answered');
        assert.equal(answered.data.answeredByName, 'Test supervisor');
        assert.equal(answered.data.overdue, false);
        assert.equal((await notes(t, t.users.officer.id, 'policy_flag.answered')).length, 1);
        assert.deepEqual(
          (await timeline(t, c.id)).filter((k) => k.startsWith('policy_flag')),
          ['policy_flag.raised', 'policy_flag.answered'],
        );
        assert.equal(
          (await t.call('supervisor', 'POST', `/api/v1/policy-flags/${fid}/answer`, { answer: 'x' })).data
            .code,
          'policy_flag.already_answered',
        );
        const audited = await t.ctx.store.db
          .selectFrom('audit_log')
          .select('action')
          .where('entity_type', '=', 'policy_flag')
          .execute();
        assert.deepEqual(audited.map((a) => a.action).sort(), ['answer', 'raise']);
      } finally {
        await t.close();
      }
    });
  });
}
