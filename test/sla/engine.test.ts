import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

const ALWAYS = Object.fromEntries(['1', '2', '3', '4', '5', '6', '7'].map((d) => [d, [['00:00', '24:00']]]));
const MIN = 60_000;
const STORM = 60;
const T0 = '2026-11-23T09:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * MIN).toISOString();

/** A fresh app on a simulated clock with a 24/7 calendar and one catch-all policy. */
async function setup(
  dialect: 'sqlite' | 'postgres',
  targets: { firstResponseMinutes?: number; nextUpdateMinutes?: number; resolutionMinutes?: number },
  env: NodeJS.ProcessEnv = {},
) {
  const clock = fixedClock(T0);
  const t = await makeTestApp(dialect, { clock, env });
  const cal = await t.call('supervisor', 'POST', '/api/v1/calendars', {
    name: 'Hotline',
    timeZone: 'UTC',
    hours: ALWAYS,
  });
  assert.equal(cal.statusCode, 201);
  const policy = await t.call('supervisor', 'POST', '/api/v1/sla-policies', {
    name: 'Standard',
    position: 10,
    calendarId: cal.data.id,
    conditions: {},
    ...targets,
  });
  assert.equal(policy.statusCode, 201, JSON.stringify(policy.data));
  const step = async (minutes: number) => {
    clock.advance(minutes * MIN);
    return t.services.background.tick();
  };
  return { t, clock, step, policy: policy.data };
}

const sla = async (t: TestApp, id: string) =>
  (await t.call('officer', 'GET', `/api/v1/cases/${id}/sla`)).data;
const clockOf = async (t: TestApp, id: string, kind: string) =>
  (await sla(t, id)).clocks.find((c: { kind: string }) => c.kind === kind);
const timeline = async (t: TestApp, id: string) =>
  (await t.call('officer', 'GET', `/api/v1/cases/${id}`)).data.timeline as {
    kind: string;
    actorId: string | null;
    data: Record<string, unknown>;
  }[];
const notes = async (t: TestApp, role: 'officer' | 'team_leader' | 'supervisor' | 'administrator') =>
  (await t.call(role, 'GET', '/api/v1/notifications?unread=true&limit=200')).data.items as {
    kind: string;
    title: string;
    escalationId: string | null;
  }[];

for (const dialect of await dialects()) {
  describe(`SLA clocks on ${dialect}`, () => {
    test('clocks start, pause while waiting on the customer, resume, are met, with history', async () => {
      const { t, clock } = await setup(dialect, {
        firstResponseMinutes: 60,
        nextUpdateMinutes: 120,
        resolutionMinutes: 480,
      });
      try {
        const { case: c } = await buildCase(t);
        assert.equal(c.firstResponseDueAt, at(60));
        assert.equal(c.resolutionDueAt, at(480));
        assert.equal(c.nextUpdateDueAt, null, 'the update cycle starts with the first response');
        assert.equal(c.slaState, 'ok');

        clock.advance(30 * MIN);
        const paused = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, {
          action: 'await_customer',
        });
        assert.equal(paused.statusCode, 200);
        assert.equal(paused.data.slaState, 'paused');
        assert.equal(paused.data.slaDueAt, null);
        const res = await clockOf(t, c.id, 'resolution');
        assert.equal(res.state, 'paused');
        assert.equal(res.elapsedMinutes, 30);

        clock.advance(120 * MIN); // two hours waiting on the customer do not count
        const resumed = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, {
          action: 'resume',
        });
        assert.equal(resumed.data.resolutionDueAt, at(480 + 120));
        assert.equal(resumed.data.firstResponseDueAt, at(60 + 120));

        clock.advance(10 * MIN);
        await t.call('officer', 'POST', `/api/v1/cases/${c.id}/notes`, {
          visibility: 'public',
          body: 'On it',
        });
        const fr = await clockOf(t, c.id, 'first_response');
        assert.equal(fr.state, 'stopped');
        assert.equal(fr.metAt, at(160));
        assert.equal(fr.elapsedMinutes, 40);
        assert.equal(fr.light, 'met');
        const nu = await clockOf(t, c.id, 'next_update');
        assert.equal(nu.dueAt, at(160 + 120));

        clock.advance(20 * MIN);
        await t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, {
          action: 'resolve',
          resolutionSummary: 'Refunded',
        });
        const view = await sla(t, c.id);
        assert.deepEqual(
          view.clocks.map((k: { kind: string; state: string }) => [k.kind, k.state]),
          [
            ['first_response', 'stopped'],
            ['next_update', 'stopped'],
            ['resolution', 'stopped'],
          ],
        );
        assert.equal(view.clocks[2].elapsedMinutes, 30 + 10 + 20);
        const resolution = view.history
          .filter((h: { clock: string }) => h.clock === 'resolution')
          .map((h: { event: string; at: string }) => [h.event, h.at]);
        assert.deepEqual(resolution, [
          ['started', at(0)],
          ['paused', at(30)],
          ['resumed', at(150)],
          ['met', at(180)],
        ]);
        // Reopening resumes the resolution clock where it stopped.
        clock.advance(60 * MIN);
        const reopened = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, {
          action: 'reopen',
        });
        assert.equal(reopened.data.resolutionDueAt, at(240 + (480 - 60)));
      } finally {
        await t.close();
      }
    });

    test('a policy can also pause while an action party works on it', async () => {
      const { t, clock, policy } = await setup(dialect, { resolutionMinutes: 100 });
      try {
        await t.call('supervisor', 'PATCH', `/api/v1/sla-policies/${policy.id}`, {
          pauseOn: ['pending_customer', 'pending_action_party'],
        });
        const { case: c } = await buildCase(t);
        clock.advance(10 * MIN);
        const r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/referrals`, {
          mode: 'transfer',
          departmentId: t.department.id,
          reason: 'Billing adjusts charges',
        });
        assert.equal(r.statusCode, 201);
        const after = (await t.call('officer', 'GET', `/api/v1/cases/${c.id}`)).data;
        assert.equal(after.status, 'pending_action_party');
        assert.equal(after.slaState, 'paused');
      } finally {
        await t.close();
      }
    });

    test('amber, then red at breach: the timer marks it once, queues and counts show it', async () => {
      const { t, step } = await setup(dialect, { firstResponseMinutes: 60 });
      try {
        const { case: c } = await buildCase(t);
        assert.equal(c.slaWarnAt, at(45), 'amber when a quarter of the target is left');
        await step(50);
        let list = await t.call('team_leader', 'GET', '/api/v1/cases?sla=due_soon');
        assert.deepEqual(
          list.data.items.map((x: { id: string }) => x.id),
          [c.id],
        );
        assert.equal(list.data.items[0].slaState, 'due_soon');
        assert.equal((await t.call('team_leader', 'GET', '/api/v1/cases?sla=breached')).data.items.length, 0);

        const fired = await step(11);
        assert.ok(fired.fired >= 1);
        list = await t.call('team_leader', 'GET', '/api/v1/cases?sla=breached');
        assert.deepEqual(
          list.data.items.map((x: { id: string; slaState: string }) => [x.id, x.slaState]),
          [[c.id, 'breached']],
        );
        const counts = (await t.call('team_leader', 'GET', '/api/v1/cases/counts')).data;
        assert.equal(counts.breached, 1);
        assert.equal(counts.dueSoon, 0);
        const fr = await clockOf(t, c.id, 'first_response');
        assert.equal(fr.breachedAt, at(60));
        assert.equal(fr.light, 'breached');
        assert.equal(fr.leftMinutes, -1);
        await step(5);
        await step(5);
        const breaches = (await timeline(t, c.id)).filter((e) => e.kind === 'sla.breached');
        assert.equal(breaches.length, 1, 'a timer fires once');
        assert.equal(breaches[0]!.actorId, null, 'the system acted');
        assert.ok((await notes(t, 'officer')).some((n) => n.kind === 'sla.breached'));
        // Meeting it late keeps the breach on record.
        await t.call('officer', 'POST', `/api/v1/cases/${c.id}/notes`, {
          visibility: 'public',
          body: 'Sorry',
        });
        assert.equal((await clockOf(t, c.id, 'first_response')).light, 'met_late');
      } finally {
        await t.close();
      }
    });

    test('a breach storm fires set-based: 60 cases in one tick, a fixed handful of statements', async () => {
      const { t, clock } = await setup(dialect, { firstResponseMinutes: 30 });
      try {
        const rule = await t.call('supervisor', 'POST', '/api/v1/escalation-rules', {
          name: 'Tell the team leader at breach',
          position: 1,
          clock: 'first_response',
          offsetMinutes: 0,
          actions: { notify: ['team_leader'] },
        });
        assert.equal(rule.statusCode, 201);
        const ids: string[] = [];
        for (let i = 0; i < STORM; i++) ids.push((await buildCase(t)).case.id);
        // One case waits on the customer: its timers are in the same batch, stale, and do nothing.
        const paused = ids.pop() as string;
        await t.call('officer', 'POST', `/api/v1/cases/${paused}/transitions`, { action: 'await_customer' });

        let statements = 0;
        t.ctx.store.db = t.ctx.store.db.withPlugin({
          transformQuery: (args) => {
            statements++;
            return args.node;
          },
          transformResult: async (args) => args.result,
        });
        clock.advance(31 * MIN);
        const fired = await t.services.timers.tick();
        assert.deepEqual(fired, { fired: 2 * (STORM - 1), failed: 0 }, 'breach + rule per running clock');
        // Per-timer writes would be ~8 statements a timer (≈ 900 here); set-based it is a few per run.
        assert.ok(statements <= 30, `statements for the storm: ${statements}`);

        const breached = (await t.call('team_leader', 'GET', '/api/v1/cases?sla=breached&limit=100')).data
          .items as { id: string }[];
        assert.deepEqual(new Set(breached.map((c) => c.id)), new Set(ids));
        for (const id of [ids[0], ids[STORM - 2]] as string[]) {
          const events = await timeline(t, id);
          assert.equal(events.filter((e) => e.kind === 'sla.breached').length, 1);
          const esc = events.filter((e) => e.kind === 'sla.escalated');
          assert.equal(esc.length, 1);
          assert.deepEqual(esc[0]!.data.rule, { id: rule.data.id, name: 'Tell the team leader at breach' });
          assert.equal((await clockOf(t, id, 'first_response')).breachedAt, at(30));
        }
        assert.equal((await timeline(t, paused)).filter((e) => e.kind.startsWith('sla.')).length, 0);
        const mine = await notes(t, 'officer');
        assert.equal(mine.filter((n) => n.kind === 'sla.breached').length, STORM - 1);
        const leader = await notes(t, 'team_leader');
        assert.equal(leader.filter((n) => n.kind === 'sla.escalated').length, STORM - 1);
        assert.deepEqual(await t.services.timers.tick(), { fired: 0, failed: 0 }, 'nothing fires twice');
      } finally {
        await t.close();
      }
    });

    test('escalation rules climb officer → team leader → supervisor, attributed in the timeline', async () => {
      const { t, step, clock } = await setup(dialect, { resolutionMinutes: 240 });
      try {
        const rule = (body: Record<string, unknown>) =>
          t.call('supervisor', 'POST', '/api/v1/escalation-rules', body);
        assert.equal(
          (
            await rule({
              name: 'Warn owner',
              position: 1,
              clock: 'resolution',
              offsetMinutes: -30,
              actions: { notify: ['assignee'] },
            })
          ).statusCode,
          201,
        );
        assert.equal(
          (
            await rule({
              name: 'To team leader at breach',
              position: 2,
              clock: 'resolution',
              offsetMinutes: 0,
              actions: { notify: ['team_leader'], reassignTo: 'team_leader', raisePriority: 'high' },
            })
          ).statusCode,
          201,
        );
        assert.equal(
          (
            await rule({
              name: 'To supervisor an hour late',
              position: 3,
              clock: 'resolution',
              offsetMinutes: 60,
              actions: { notify: ['supervisor'], reassignTo: 'supervisor' },
            })
          ).statusCode,
          201,
        );
        const { case: c } = await buildCase(t);
        assert.equal(c.assigneeId, t.users.officer.id);

        // A pause before the first rule moves every rule with the due time, and none fires twice.
        clock.advance(100 * MIN);
        await t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, { action: 'await_customer' });
        clock.advance(60 * MIN);
        await t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, { action: 'resume' });
        // Due now at 240 + 60 = 300 minutes.
        await step(300 - 160 - 31); // 269: nothing yet
        assert.equal((await timeline(t, c.id)).filter((e) => e.kind === 'sla.escalated').length, 0);
        await step(2); // 271: the warning
        let esc = (await timeline(t, c.id)).filter((e) => e.kind === 'sla.escalated');
        assert.deepEqual(
          esc.map((e) => (e.data.rule as { name: string }).name),
          ['Warn owner'],
        );
        assert.ok((await notes(t, 'officer')).some((n) => n.kind === 'sla.escalated'));

        await step(30); // 301: breach
        let now = (await t.call('officer', 'GET', `/api/v1/cases/${c.id}`)).data;
        assert.equal(now.assigneeId, t.users.team_leader.id);
        assert.equal(now.priority, 'high');
        const assigned = now.timeline.find((e: { kind: string }) => e.kind === 'case.assigned');
        assert.equal(assigned.data.rule.name, 'To team leader at breach');
        assert.ok((await notes(t, 'team_leader')).some((n) => n.kind === 'sla.escalated'));

        await step(60); // 361: an hour late
        now = (await t.call('officer', 'GET', `/api/v1/cases/${c.id}`)).data;
        assert.equal(now.assigneeId, t.users.supervisor.id);
        esc = (await timeline(t, c.id)).filter((e) => e.kind === 'sla.escalated');
        assert.deepEqual(
          esc.map((e) => (e.data.rule as { name: string }).name),
          ['Warn owner', 'To team leader at breach', 'To supervisor an hour late'],
        );
        await step(600);
        assert.equal((await timeline(t, c.id)).filter((e) => e.kind === 'sla.escalated').length, 3);
        // The audit names the system and the change.
        const audit = await t.ctx.store.db
          .selectFrom('audit_log')
          .select(['action', 'actor_id'])
          .where('entity_id', '=', c.id)
          .where('action', '=', 'case.escalated')
          .execute();
        assert.equal(audit.length, 2);
      } finally {
        await t.close();
      }
    });

    test('highly critical: urgent escalation at once; unacknowledged it climbs; acknowledged it stops', async () => {
      const { t, step } = await setup(dialect, { resolutionMinutes: 240 });
      try {
        const { case: c } = await buildCase(t, {
          criticality: 'highly_critical',
          subject: 'No dial tone, elderly customer',
        });
        let list = (await t.call('team_leader', 'GET', `/api/v1/escalations?open=true&caseId=${c.id}`)).data
          .items;
        assert.equal(list.length, 1);
        assert.equal(list[0].level, 1);
        assert.equal(list[0].targetUserId, t.users.team_leader.id);
        assert.equal(list[0].ackDueAt, at(15));
        const urgent = (await notes(t, 'team_leader')).filter((n) => n.kind === 'escalation.urgent');
        assert.equal(urgent.length, 1);
        assert.match(urgent[0]!.title, /^URGENT CS-/);

        await step(16);
        list = (await t.call('team_leader', 'GET', `/api/v1/escalations?caseId=${c.id}`)).data.items;
        assert.deepEqual(
          list.map((e: { level: number; supersededAt: string | null }) => [e.level, Boolean(e.supersededAt)]),
          [
            [2, false],
            [1, true],
          ],
        );
        const level2 = list[0];
        assert.equal(level2.targetUserId, t.users.supervisor.id);
        assert.ok((await notes(t, 'supervisor')).some((n) => n.escalationId === level2.id));
        // An officer cannot acknowledge; a team leader cannot take the supervisors' level.
        assert.equal(
          (await t.call('officer', 'POST', `/api/v1/escalations/${level2.id}/acknowledge`)).statusCode,
          403,
        );
        const tl = await t.call('team_leader', 'POST', `/api/v1/escalations/${level2.id}/acknowledge`);
        assert.equal(tl.statusCode, 403);
        assert.equal(tl.data.code, 'escalation.not_yours');
        const ok = await t.call('supervisor', 'POST', `/api/v1/escalations/${level2.id}/acknowledge`);
        assert.equal(ok.statusCode, 200);
        assert.equal(ok.data.acknowledgedBy, t.users.supervisor.id);
        const again = await t.call('supervisor', 'POST', `/api/v1/escalations/${level2.id}/acknowledge`);
        assert.equal(again.data.code, 'escalation.already_acknowledged');

        await step(60);
        list = (await t.call('team_leader', 'GET', `/api/v1/escalations?caseId=${c.id}`)).data.items;
        assert.equal(list.length, 2, 'acknowledged: no third level');
        const kinds = (await timeline(t, c.id)).map((e) => e.kind);
        assert.deepEqual(
          kinds.filter((k) => k.startsWith('case.escalated') || k.startsWith('escalation.')),
          ['case.escalated', 'case.escalated', 'escalation.acknowledged'],
        );
        assert.equal(
          (await notes(t, 'supervisor')).filter((n) => n.escalationId).length,
          0,
          'read on acknowledgement',
        );

        // Nobody answers: team leader → supervisors → administrators, then it is recorded as unacknowledged.
        const { case: d } = await buildCase(t, { criticality: 'highly_critical' });
        await step(16);
        await step(16);
        await step(16);
        await step(16);
        list = (await t.call('team_leader', 'GET', `/api/v1/escalations?caseId=${d.id}`)).data.items;
        assert.deepEqual(
          list.map((e: { level: number }) => e.level),
          [3, 2, 1],
        );
        assert.ok((await timeline(t, d.id)).some((e) => e.kind === 'escalation.unacknowledged'));
      } finally {
        await t.close();
      }
    });

    test('follow-up commitments: reminder before, alarm when missed, none when kept', async () => {
      const { t, step } = await setup(dialect, { resolutionMinutes: 2400 });
      try {
        const { case: c, customer } = await buildCase(t);
        const past = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/commitments`, {
          dueAt: at(-1),
          method: 'call',
        });
        assert.equal(past.statusCode, 422);
        assert.equal(past.data.errors[0].field, '/body/dueAt');
        const made = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/commitments`, {
          dueAt: at(120),
          method: 'call',
          note: 'Call back with the refund reference',
        });
        assert.equal(made.statusCode, 201);
        assert.equal(made.data.customerName, customer.displayName);
        const kept = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/commitments`, {
          dueAt: at(60),
          method: 'email',
          remindMinutes: 0,
        });
        const mine = (await t.call('officer', 'GET', '/api/v1/commitments')).data.items;
        assert.deepEqual(
          mine.map((m: { id: string }) => m.id),
          [kept.data.id, made.data.id],
        );
        assert.equal((await t.call('team_leader', 'GET', '/api/v1/commitments')).data.items.length, 0);
        const done = await t.call('officer', 'PATCH', `/api/v1/commitments/${kept.data.id}`, {
          state: 'kept',
        });
        assert.equal(done.data.state, 'kept');
        assert.equal(
          (await t.call('officer', 'PATCH', `/api/v1/commitments/${kept.data.id}`, { state: 'cancelled' }))
            .data.code,
          'commitment.not_open',
        );

        await step(104);
        assert.equal((await notes(t, 'officer')).filter((n) => n.kind === 'commitment.reminder').length, 0);
        await step(2); // 106 ≥ 120 − 15
        const reminders = (await notes(t, 'officer')).filter((n) => n.kind === 'commitment.reminder');
        assert.equal(reminders.length, 1);
        await step(20); // past due, still open
        assert.ok((await notes(t, 'officer')).some((n) => n.kind === 'commitment.overdue'));
        assert.ok((await notes(t, 'team_leader')).some((n) => n.kind === 'commitment.overdue'));
        const events = (await timeline(t, c.id)).map((e) => e.kind);
        assert.deepEqual(
          events.filter((k) => k.startsWith('commitment.')),
          ['commitment.made', 'commitment.made', 'commitment.kept', 'commitment.overdue'],
        );
        const overdue = (await t.call('officer', 'GET', '/api/v1/commitments')).data.items;
        assert.deepEqual(
          overdue.map((m: { overdue: boolean }) => m.overdue),
          [true],
        );
      } finally {
        await t.close();
      }
    });

    test('a closed case takes no new follow-up promise and no progress update until it is reopened', async () => {
      const { t } = await setup(dialect, { resolutionMinutes: 2400 });
      try {
        const { case: c } = await buildCase(t);
        const move = (body: Record<string, unknown>) =>
          t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, body);
        assert.equal((await move({ action: 'resolve', resolutionSummary: 'Refund made' })).statusCode, 200);
        // Resolved is not closed: a call to confirm the refund arrived may still be promised.
        const confirm = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/commitments`, {
          dueAt: at(60),
          method: 'call',
        });
        assert.equal(confirm.statusCode, 201);
        assert.equal((await move({ action: 'close' })).statusCode, 200);
        const promise = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/commitments`, {
          dueAt: at(120),
          method: 'call',
        });
        assert.equal(promise.statusCode, 409);
        assert.equal(promise.data.code, 'case.closed');
        const update = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/progress-updates`, {
          channel: 'sms',
          // Recorded as given (no SMS number is set up here to send it from).
          withoutSending: true,
          body: 'Still working on it',
        });
        assert.equal(update.statusCode, 409);
        assert.equal(update.data.code, 'case.closed');
        const count = async (table: 'commitments' | 'contacts') =>
          Number(
            (
              await t.ctx.store.db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        assert.equal(await count('commitments'), 1, 'only the promise made before closing');
        const contactsBefore = await count('contacts');
        assert.equal((await move({ action: 'reopen', reason: 'Charged again' })).statusCode, 200);
        const again = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/progress-updates`, {
          channel: 'sms',
          // Recorded as given (no SMS number is set up here to send it from).
          withoutSending: true,
          body: 'We are looking into the new charge',
        });
        assert.equal(again.statusCode, 201);
        assert.equal(await count('contacts'), contactsBefore + 1);
      } finally {
        await t.close();
      }
    });

    test('a resolution about to be missed prompts a progress update, sent and logged as a contact', async () => {
      const { t, step } = await setup(dialect, { resolutionMinutes: 240, nextUpdateMinutes: 600 });
      try {
        const { case: c, customer } = await buildCase(t);
        let draft = (await t.call('officer', 'GET', `/api/v1/cases/${c.id}/progress-update`)).data;
        assert.equal(draft.needed, false);
        await step(181); // amber at 180
        assert.ok((await notes(t, 'officer')).some((n) => n.kind === 'progress_update_due'));
        draft = (await t.call('officer', 'GET', `/api/v1/cases/${c.id}/progress-update`)).data;
        assert.equal(draft.needed, true);
        assert.ok(draft.body.includes(customer.displayName));
        assert.ok(draft.body.includes(c.reference));
        assert.ok(draft.body.includes('Test officer'));
        const sent = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/progress-updates`, {
          channel: 'sms',
          // Recorded as given (no SMS number is set up here to send it from).
          withoutSending: true,
          body: draft.body,
        });
        assert.equal(sent.statusCode, 201);
        const contact = (await t.call('officer', 'GET', `/api/v1/contacts/${sent.data.contactId}`)).data;
        assert.equal(contact.channel, 'sms');
        assert.equal(contact.direction, 'outbound');
        assert.equal(contact.notes, draft.body);
        const detail = (await t.call('officer', 'GET', `/api/v1/cases/${c.id}`)).data;
        assert.ok(detail.contactIds.includes(sent.data.contactId));
        assert.ok(detail.timeline.some((e: { kind: string }) => e.kind === 'progress_update.sent'));
        const nu = await clockOf(t, c.id, 'next_update');
        assert.equal(nu.dueAt, at(181 + 600), 'the update starts the next update cycle');
        // The template is the centre's to edit, in the one template syntax; an unknown variable is refused.
        const put = await t.call('supervisor', 'PUT', '/api/v1/settings/sla', {
          urgentAckMinutes: 10,
          progressUpdateTemplate: 'Hello {{customer.name}}, {{case.reference}} is due {{case.dueAt}}.',
        });
        assert.equal(put.statusCode, 200);
        draft = (await t.call('officer', 'GET', `/api/v1/cases/${c.id}/progress-update`)).data;
        assert.ok(draft.body.startsWith(`Hello ${customer.displayName}, ${c.reference} is due `));
        const unknown = await t.call('supervisor', 'PUT', '/api/v1/settings/sla', {
          urgentAckMinutes: 10,
          progressUpdateTemplate: 'Hello {{customer.name}}. {{unknown}}',
        });
        assert.equal(unknown.statusCode, 400);
        assert.deepEqual(unknown.data.errors, [
          {
            field: '/body/progressUpdateTemplate',
            message: 'uses an unknown variable {{unknown}}',
            rule: 'unknownVariable',
            params: { placeholder: '{{unknown}}' },
          },
        ]);
      } finally {
        await t.close();
      }
    });
  });
}
