import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { midnightsBetween, sumStints } from '../../src/server/modules/presence/time-in-state.ts';
import { PRESENCE_ACTIONS, transition } from '../../src/server/modules/presence/transitions.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { fixedClock } from '../../src/server/platform/clock.ts';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { PRESENCE_STATES } from '../../src/shared/contracts/presence.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildContact, buildCustomer } from '../helpers/factories.ts';

/** Every (state, action) pair, written out: the table in transitions.ts must agree cell by cell. */
const EXPECTED = `
  from                 set_available set_break set_offline leader_offline signed_out contact_started contact_ended      acw_expired disconnected
  available            available     break     offline     offline        offline    on_contact      available          available   offline
  on_contact           -             -         -           offline        offline    on_contact      after_contact_work on_contact  offline
  after_contact_work   available     break     offline     offline        offline    on_contact      after_contact_work available   offline
  break                available     break     offline     offline        offline    on_contact      break              break       offline
  offline              available     break     offline     offline        offline    on_contact      offline            offline     offline
`;

describe('presence transition table', () => {
  test('every state × action, as written above', () => {
    const lines = EXPECTED.trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/));
    const actions = lines[0]!.slice(1);
    assert.deepEqual([...actions].sort(), [...PRESENCE_ACTIONS].sort());
    assert.deepEqual(
      lines
        .slice(1)
        .map((l) => l[0])
        .sort(),
      [...PRESENCE_STATES].sort(),
    );
    for (const [state, ...cells] of lines.slice(1)) {
      actions.forEach((action, i) => {
        const got = transition(state as never, action as never);
        const want = cells[i];
        assert.deepEqual(
          got,
          want === '-' ? { ok: false } : { ok: true, next: want },
          `${state} × ${action}`,
        );
      });
    }
  });
  test('on a contact and after-contact work are never chosen by the person', () => {
    for (const s of PRESENCE_STATES)
      for (const a of ['set_available', 'set_break', 'set_offline'] as const) {
        const t = transition(s, a);
        if (t.ok) assert.ok(!['on_contact', 'after_contact_work'].includes(t.next), `${s} × ${a}`);
      }
  });
});

describe('time in state arithmetic', () => {
  test("midnights are the centre's, 23 or 25 hours apart when clocks change", () => {
    assert.deepEqual(midnightsBetween('2026-11-23T10:00:00Z', '2026-11-25T10:00:00Z', 'Asia/Singapore'), [
      '2026-11-23T16:00:00.000Z',
      '2026-11-24T16:00:00.000Z',
    ]);
    // London leaves summer time on 2026-10-25: that day lasts 25 hours.
    assert.deepEqual(midnightsBetween('2026-10-24T12:00:00Z', '2026-10-26T12:00:00Z', 'Europe/London'), [
      '2026-10-24T23:00:00.000Z',
      '2026-10-26T00:00:00.000Z',
    ]);
    assert.deepEqual(midnightsBetween('2026-11-23T16:00:00Z', '2026-11-23T17:00:00Z', 'Asia/Singapore'), []);
  });
  test('stints are clipped to the day, and an open one counts to now', () => {
    const s = (state: string, a: string, b: string | null) => ({
      user_id: 'u',
      state,
      reason_id: null,
      started_at: a,
      ended_at: b,
    });
    const sums = sumStints(
      [
        s('available', '2026-11-22T15:00:00Z', '2026-11-22T17:00:00Z'),
        s('break', '2026-11-22T17:00:00Z', '2026-11-22T17:30:00Z'),
        s('available', '2026-11-22T17:30:00Z', null),
      ],
      '2026-11-22T16:00:00Z',
      '2026-11-23T16:00:00Z',
      '2026-11-22T18:00:00Z',
    );
    assert.equal(sums.get('u\u0000available\u0000'), 3600 + 1800);
    assert.equal(sums.get('u\u0000break\u0000'), 1800);
  });
});

for (const dialect of await dialects()) {
  describe(`presence (${dialect})`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    const officer = () => t.users.officer;
    const state = async (id = officer().id) => (await t.services.presence.get(id)).state;
    const history = (id = officer().id) =>
      t.ctx.store.db
        .selectFrom('presence_history')
        .selectAll()
        .where('user_id', '=', id)
        .orderBy('started_at')
        .orderBy('id')
        .execute();
    const openContacts = async () => {
      const open = await t.ctx.store.db
        .selectFrom('contacts')
        .select('id')
        .where('officer_id', '=', officer().id)
        .where('ended_at', 'is', null)
        .execute();
      return open.map((c) => c.id);
    };
    before(async () => {
      t = await makeTestApp(dialect, { clock });
    });
    after(() => t?.close());

    test('a person sets their own state; a break needs an active reason; the same state twice changes nothing', async () => {
      const [lunch] = await t.services.presence.reasons.list();
      assert.equal(await state(), 'offline');
      await t.services.presence.setOwn(officer().actor, { state: 'available' });
      const again = await t.services.presence.setOwn(officer().actor, { state: 'available' });
      assert.equal(again.version, 1);
      clock.advance(60_000);
      const onBreak = await t.services.presence.setOwn(officer().actor, {
        state: 'break',
        reasonId: lunch!.id,
      });
      assert.equal(onBreak.state, 'break');
      assert.equal(onBreak.reasonName, 'Lunch');
      assert.equal(onBreak.setBy, 'self');
      const h = await history();
      assert.deepEqual(
        h.map((r) => [r.state, r.ended_at !== null]),
        [
          ['available', true],
          ['break', false],
        ],
      );
      const events = await t.ctx.store.db
        .selectFrom('outbox')
        .select('payload')
        .where('name', '=', 'presence.changed')
        .execute();
      assert.equal(events.length, 2);
      assert.deepEqual(parseJson<{ teamIds: string[] }>(events[1]!.payload, { teamIds: [] }).teamIds, [
        t.team.id,
      ]);
    });

    test('a contact puts the officer on it; its end starts after-contact work, which returns them to available once', async () => {
      await t.services.presence.reasons.setSettings(SYSTEM_ACTOR, { afterContactWorkSeconds: 120 });
      const customer = await buildCustomer(t);
      const c1 = await buildContact(t, customer.id);
      const c2 = await buildContact(t, customer.id);
      assert.equal(await state(), 'on_contact');
      await t.services.contacts.update(officer().actor, c1.id, { end: true });
      assert.equal(await state(), 'on_contact', 'another contact is still open');
      clock.advance(10_000);
      await t.services.contacts.update(officer().actor, c2.id, { end: true });
      const acw = await t.services.presence.get(officer().id);
      assert.equal(acw.state, 'after_contact_work');
      assert.equal(acw.until, new Date(clock.now().getTime() + 120_000).toISOString());
      clock.advance(119_000);
      await t.services.timers.tick();
      assert.equal(await state(), 'after_contact_work');
      clock.advance(1000);
      assert.equal((await t.services.timers.tick()).fired, 1);
      assert.equal(await state(), 'available');
      clock.advance(600_000);
      assert.equal((await t.services.timers.tick()).fired, 0);
      const h = await history();
      assert.equal(h.filter((r) => r.state === 'after_contact_work').length, 1);
      assert.equal(h.at(-1)!.set_by, 'system');
    });

    test('leaving after-contact work early disarms the timer; a new contact too', async () => {
      const customer = await buildCustomer(t);
      const c = await buildContact(t, customer.id);
      await t.services.contacts.update(officer().actor, c.id, { end: true });
      assert.equal(await state(), 'after_contact_work');
      await t.services.presence.setOwn(officer().actor, { state: 'offline' });
      clock.advance(200_000);
      await t.services.timers.tick();
      assert.equal(await state(), 'offline', 'the stale timer changed nothing');
      await assert.rejects(
        async () => {
          await buildContact(t, customer.id);
          assert.equal(await state(), 'on_contact');
          await t.services.presence.setOwn(officer().actor, { state: 'available' });
        },
        (e: { code?: string }) => e.code === 'presence.transition_not_allowed',
      );
      for (const id of await openContacts())
        await t.services.contacts.update(officer().actor, id, { end: true });
    });

    test('no wrap-up configured: straight back to available', async () => {
      await t.services.presence.reasons.setSettings(SYSTEM_ACTOR, { afterContactWorkSeconds: 0 });
      const customer = await buildCustomer(t);
      await t.services.presence.setOwn(officer().actor, { state: 'available' }).catch(() => {});
      const c = await buildContact(t, customer.id);
      await t.services.contacts.update(officer().actor, c.id, { end: true });
      assert.equal(await state(), 'available');
      await t.services.presence.reasons.setSettings(SYSTEM_ACTOR, { afterContactWorkSeconds: 120 });
    });

    test('a desktop gone past the grace period sets offline; a reload within it changes nothing', async () => {
      const tl = t.users.team_leader;
      await t.services.presence.setOwn(tl.actor, { state: 'available' });
      // A reload: gone, back 3 s later.
      await t.services.presence.disconnected(tl.id);
      clock.advance(3000);
      await t.services.presence.connected(tl.id);
      clock.advance(t.services.presence.graceMs + 1000);
      await t.services.timers.tick();
      assert.equal(await state(tl.id), 'available');
      // Gone for good.
      await t.services.presence.disconnected(tl.id);
      clock.advance(t.services.presence.graceMs - 1000);
      await t.services.timers.tick();
      assert.equal(await state(tl.id), 'available');
      clock.advance(1000);
      await t.services.timers.tick();
      const p = await t.services.presence.get(tl.id);
      assert.equal(p.state, 'offline');
      assert.equal(p.setBy, 'system');
      // A desktop still beating on another node spares the person a grace timer armed here.
      await t.services.presence.setOwn(tl.actor, { state: 'available' });
      await t.services.presence.disconnected(tl.id);
      clock.advance(30_000);
      await t.services.presence.seen([tl.id]);
      clock.advance(t.services.presence.graceMs);
      await t.services.timers.tick();
      assert.equal(await state(tl.id), 'available');
    });

    test('a team leader signs one of their team out (offline only, audited); not someone of another team', async () => {
      const tl = { ...t.users.team_leader.actor, teamId: t.team.id };
      await t.services.presence.setOwn(t.users.trainee.actor, { state: 'available' });
      const p = await t.services.presence.setByLeader(tl, t.users.trainee.id);
      assert.equal(p.state, 'offline');
      assert.equal(p.setBy, 'leader');
      const audit = await t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'presence.set_by_leader')
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(audit[0]!.actor_id, tl.userId);
      const other = await t.services.people.createTeam(SYSTEM_ACTOR, {
        name: 'Team B',
        departmentId: t.department.id,
      });
      await assert.rejects(
        t.services.presence.setByLeader({ ...tl, teamId: other.id }, t.users.trainee.id),
        (e: { code?: string }) => e.code === 'presence.not_your_team',
      );
      await assert.rejects(
        t.services.presence.team({ ...tl, teamId: other.id }, t.team.id),
        (e: { code?: string }) => e.code === 'presence.not_your_team',
      );
      const team = await t.services.presence.team(tl);
      assert.ok(team.items.some((i) => i.userId === t.users.trainee.id && i.state === 'offline'));
    });

    test("time in state per person per day, across the centre's midnight (Asia/Singapore)", async () => {
      await t.services.calendars.create(SYSTEM_ACTOR, {
        name: 'Centre hours',
        timeZone: 'Asia/Singapore',
        hours: { '1': [['08:00', '18:00']] },
      });
      const sup = t.users.supervisor;
      const reasons = await t.services.presence.reasons.list();
      const training = reasons.find((r) => r.name === 'Training')!;
      // 23 Nov 23:00 to 24 Nov 01:30 in Singapore (UTC+8): across its midnight, 16:00 UTC.
      clock.set('2026-11-23T15:00:00.000Z');
      await t.services.presence.setOwn(sup.actor, { state: 'available' });
      clock.set('2026-11-23T15:30:00.000Z');
      await t.services.presence.setOwn(sup.actor, { state: 'break', reasonId: training.id });
      clock.set('2026-11-23T16:30:00.000Z');
      await t.services.presence.setOwn(sup.actor, { state: 'available' });
      clock.set('2026-11-23T17:30:00.000Z');
      await t.services.presence.setOwn(sup.actor, { state: 'offline' });
      // The break was cut at midnight: two rows, each within its day.
      const h = (await history(sup.id)).filter((r) => r.state === 'break');
      assert.deepEqual(
        h.map((r) => [r.started_at, r.ended_at]),
        [
          ['2026-11-23T15:30:00.000Z', '2026-11-23T16:00:00.000Z'],
          ['2026-11-23T16:00:00.000Z', '2026-11-23T16:30:00.000Z'],
        ],
      );
      const mine = (d: Awaited<ReturnType<typeof t.services.presence.timeInState>>) =>
        Object.fromEntries(
          d.items
            .filter((i) => i.userId === sup.id)
            .map((i) => [`${i.state}${i.reasonName ? `:${i.reasonName}` : ''}`, i.seconds]),
        );
      const day1 = await t.services.presence.timeInState(sup.actor, {
        teamId: t.team.id,
        date: '2026-11-23',
      });
      assert.equal(day1.timeZone, 'Asia/Singapore');
      assert.equal(day1.from, '2026-11-22T16:00:00.000Z');
      assert.deepEqual(
        { available: mine(day1).available, 'break:Training': mine(day1)['break:Training'] },
        { available: 1800, 'break:Training': 1800 },
      );
      const day2 = await t.services.presence.timeInState(sup.actor, {
        teamId: t.team.id,
        date: '2026-11-24',
      });
      // Offline from 17:30 UTC counts up to now (the clock), and no further.
      clock.set('2026-11-23T18:00:00.000Z');
      const day2Later = await t.services.presence.timeInState(sup.actor, {
        teamId: t.team.id,
        date: '2026-11-24',
      });
      assert.deepEqual(mine(day2), { 'break:Training': 1800, available: 3600 });
      assert.deepEqual(mine(day2Later), { 'break:Training': 1800, available: 3600, offline: 1800 });
    });

    test('break reasons: renamed, switched off, deleted only when never used', async () => {
      const r = t.services.presence.reasons;
      const lunch = (await r.list()).find((x) => x.name === 'Lunch')!;
      await assert.rejects(
        r.remove(SYSTEM_ACTOR, lunch.id),
        (e: { code?: string }) => e.code === 'presence_reason.in_use',
      );
      const renamed = await r.update(SYSTEM_ACTOR, lunch.id, { name: 'Meal', active: false }, lunch.version);
      assert.deepEqual([renamed.name, renamed.active, renamed.version], ['Meal', false, lunch.version + 1]);
      await assert.rejects(
        r.update(SYSTEM_ACTOR, lunch.id, { active: true }, lunch.version),
        (e: { code?: string }) => e.code === 'request.precondition_failed',
      );
      const typo = await r.create(SYSTEM_ACTOR, { name: 'Trainnig' });
      await r.remove(SYSTEM_ACTOR, typo.id);
      assert.ok(!(await r.list()).some((x) => x.id === typo.id));
    });
  });
}
