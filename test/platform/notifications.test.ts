import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import WebSocket from 'ws';
import { buildServices } from '../../src/server/app.ts';
import { systemClock } from '../../src/server/platform/clock.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import { newId } from '../../src/server/platform/ids.ts';
import { seedDemo } from '../../src/server/seed/demo.ts';
import { fixedClock, makeTestApp } from '../helpers/app.ts';
import { dialects, openTestDb } from '../helpers/db.ts';
import { buildCase, buildContact, buildCustomer, buildSla } from '../helpers/factories.ts';

interface Message {
  type: string;
  id?: string;
  room?: string;
}

for (const dialect of await dialects()) {
  describe(`live notifications on ${dialect}`, () => {
    test('a team leader holding 600 unread is still told of a new urgent escalation, and it lists first', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      const port = (t.app.server.address() as { port: number }).port;
      try {
        const lead = t.users.team_leader;
        // 600 older unread notifications (the old poll took the oldest 500 and stopped there).
        const old = Array.from({ length: 600 }, (_, i) => ({
          id: newId(),
          user_id: lead.id,
          kind: 'sla.breached',
          case_id: null,
          escalation_id: null,
          title: `Old breach ${i}`,
          body: 'Long ago.',
          urgent: false,
          created_at: new Date(Date.parse('2026-11-01T09:00:00Z') + i * 60_000).toISOString(),
          read_at: null,
        }));
        for (let i = 0; i < old.length; i += 200)
          await t.ctx.store.db
            .insertInto('notifications')
            .values(old.slice(i, i + 200))
            .execute();
        const messages: Message[] = [];
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/stream`, {
          headers: { authorization: `Bearer ${lead.token}` },
        });
        const told = new Promise<Message>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no notification.created within 2 s')), 2000);
          ws.on('message', (raw) => {
            const m = JSON.parse(String(raw)) as Message;
            messages.push(m);
            if (m.type === 'notification.created') {
              clearTimeout(timer);
              resolve(m);
            }
          });
        });
        await new Promise<void>((r) => ws.once('open', () => r()));
        await new Promise((r) => setTimeout(r, 100));
        // An officer logs a highly critical case through the API: urgent escalation to the team leader.
        const { contact } = await buildCase(t);
        const r = await t.call('officer', 'POST', '/api/v1/cases', {
          contactId: contact.id,
          type: 'complaint',
          criticality: 'highly_critical',
          subject: 'Line down, customer on home dialysis',
        });
        assert.equal(r.statusCode, 201);
        const m = await told;
        assert.equal(m.room, `user:${lead.id}`);
        const list = await t.call('team_leader', 'GET', '/api/v1/notifications?unread=true&limit=20');
        assert.equal(list.data.unread, 601);
        assert.equal(list.data.urgent, 1);
        assert.equal(list.data.items.length, 20);
        assert.equal(list.data.items[0].kind, 'escalation.urgent');
        assert.ok(list.data.items[0].title.includes(r.data.reference));
        ws.close();
      } finally {
        await t.close();
      }
    });

    test('closing a case withdraws its notifications; "mark all read" empties the bell and tells other tabs', async () => {
      const t = await makeTestApp(dialect);
      try {
        const lead = t.users.team_leader;
        const { case: c } = await buildCase(t, { criticality: 'highly_critical' });
        const { case: other } = await buildCase(t, { criticality: 'highly_critical' });
        let unread = await t.call('team_leader', 'GET', '/api/v1/notifications?unread=true');
        assert.equal(unread.data.unread, 2);
        for (const action of ['resolve', 'close'] as const) {
          const res = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, {
            action,
            ...(action === 'resolve' ? { resolutionSummary: 'Fixed', customerConfirmed: true } : {}),
          });
          assert.equal(res.statusCode, 200, JSON.stringify(res.data));
        }
        unread = await t.call('team_leader', 'GET', '/api/v1/notifications?unread=true');
        assert.deepEqual(
          unread.data.items.map((n: { caseId: string }) => n.caseId),
          [other.id],
          'the closed case is no longer in the bell',
        );
        const withdrawn = await t.ctx.store.db
          .selectFrom('outbox')
          .select('payload')
          .where('name', '=', 'notification.read')
          .execute();
        assert.ok(withdrawn.some((w) => JSON.stringify(w.payload).includes(lead.id)));

        // A routine notice beside the open urgent escalation: mark all read takes only the routine one.
        await t.services.notifications.notify(t.ctx.store.db, {
          userIds: [lead.id],
          kind: 'progress_update_due',
          caseId: other.id,
          title: 'Send the customer a progress update',
          body: 'The resolution target is close.',
        });
        const all = await t.call('team_leader', 'POST', '/api/v1/notifications/read-all');
        assert.equal(all.statusCode, 200);
        assert.deepEqual(all.data, { read: 1, kept: 1 });
        unread = await t.call('team_leader', 'GET', '/api/v1/notifications?unread=true');
        assert.equal(unread.data.unread, 1);
        assert.deepEqual(
          unread.data.items.map((n: { kind: string }) => n.kind),
          ['escalation.urgent'],
        );
        // Only the caller's: the supervisor's own notifications are untouched.
        assert.equal((await t.call('team_leader', 'POST', '/api/v1/notifications/read-all')).data.read, 0);
      } finally {
        await t.close();
      }
    });

    test('"mark all read" never reads an urgent escalation still awaiting acknowledgement; acknowledging (by anyone in the chain) or closing the case does', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      try {
        const lead = t.users.team_leader;
        const { case: mine } = await buildCase(t, { criticality: 'highly_critical' });
        clock.advance(60_000);
        const { case: theirs } = await buildCase(t, { criticality: 'highly_critical' });
        clock.advance(60_000);
        const { case: closing } = await buildCase(t, { criticality: 'highly_critical' });
        clock.advance(60_000);
        await t.services.notifications.notify(t.ctx.store.db, {
          userIds: [lead.id],
          kind: 'sla.breached',
          title: 'Routine breach',
          body: 'Missed its target.',
        });
        const all = await t.call('team_leader', 'POST', '/api/v1/notifications/read-all');
        assert.deepEqual(all.data, { read: 1, kept: 3 });
        let list = await t.call('team_leader', 'GET', '/api/v1/notifications?unread=true');
        assert.equal(list.data.unread, 3);
        assert.equal(list.data.urgent, 3);
        assert.deepEqual(
          list.data.items.map((n: { caseId: string; awaitsAcknowledgement: boolean }) => [
            n.caseId,
            n.awaitsAcknowledgement,
          ]),
          [
            [mine.id, true],
            [theirs.id, true],
            [closing.id, true],
          ],
        );
        // A second press changes nothing and still answers.
        assert.deepEqual((await t.call('team_leader', 'POST', '/api/v1/notifications/read-all')).data, {
          read: 0,
          kept: 3,
        });

        // Lena acknowledges hers; a supervisor answers another (it answers the chain); the third case closes.
        const esc = async (caseId: string) =>
          (await t.call('team_leader', 'GET', `/api/v1/escalations?caseId=${caseId}&open=true`)).data.items[0]
            .id as string;
        const ack = await t.call(
          'team_leader',
          'POST',
          `/api/v1/escalations/${await esc(mine.id)}/acknowledge`,
        );
        assert.equal(ack.statusCode, 200, ack.body);
        const other = await t.call(
          'supervisor',
          'POST',
          `/api/v1/escalations/${await esc(theirs.id)}/acknowledge`,
        );
        assert.equal(other.statusCode, 200, other.body);
        for (const action of ['resolve', 'close'] as const) {
          const res = await t.call('officer', 'POST', `/api/v1/cases/${closing.id}/transitions`, {
            action,
            ...(action === 'resolve' ? { resolutionSummary: 'Fixed', customerConfirmed: true } : {}),
          });
          assert.equal(res.statusCode, 200, JSON.stringify(res.data));
        }
        list = await t.call('team_leader', 'GET', '/api/v1/notifications?unread=true');
        assert.equal(list.data.unread, 0);
        assert.deepEqual(list.data.items, []);
      } finally {
        await t.close();
      }
    });

    test('urgent escalations awaiting acknowledgement list first, the longest waiting first; then the rest newest first', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      try {
        const lead = t.users.team_leader;
        const routine = async (title: string) => {
          clock.advance(60_000);
          await t.services.notifications.notify(t.ctx.store.db, {
            userIds: [lead.id],
            kind: 'sla.breached',
            title,
            body: 'Missed its target.',
          });
        };
        await routine('r1');
        clock.advance(60_000);
        const { case: first } = await buildCase(t, { criticality: 'highly_critical', subject: 'u1' });
        await routine('r2');
        clock.advance(60_000);
        const { case: second } = await buildCase(t, { criticality: 'highly_critical', subject: 'u2' });
        await routine('r3');
        clock.advance(60_000);
        const { case: acked } = await buildCase(t, { criticality: 'highly_critical', subject: 'u3' });
        await routine('r4');
        const e = await t.call('team_leader', 'GET', `/api/v1/escalations?caseId=${acked.id}&open=true`);
        await t.call('team_leader', 'POST', `/api/v1/escalations/${e.data.items[0].id}/acknowledge`);
        const titles = (r: { data: { items: { title: string; caseId: string | null }[] } }) =>
          r.data.items.map((n) => (n.caseId === first.id ? 'u1' : n.caseId === second.id ? 'u2' : n.title));
        // Unread only (what the bell asks for).
        const unread = await t.call('team_leader', 'GET', '/api/v1/notifications?unread=true');
        assert.deepEqual(titles(unread), ['u1', 'u2', 'r4', 'r3', 'r2', 'r1']);
        // All, read ones included: the acknowledged escalation takes its place among the rest.
        const all = await t.call('team_leader', 'GET', '/api/v1/notifications');
        const allTitles = titles(all);
        assert.deepEqual(allTitles.slice(0, 3), ['u1', 'u2', 'r4']);
        assert.ok(allTitles.indexOf('r3') > allTitles.findIndex((x) => x.startsWith('URGENT')));
        // A page holds the urgent ones even when older than the page's routine items.
        const page = await t.call('team_leader', 'GET', '/api/v1/notifications?unread=true&limit=3');
        assert.deepEqual(titles(page), ['u1', 'u2', 'r4']);
      } finally {
        await t.close();
      }
    });

    test('a breach is announced once to each person: the clocks and a rule acting at the breach say it together', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      try {
        await buildSla(t);
        // The demo centre's rule: at the resolution breach, tell the owner and the team leader, and hand over.
        await t.services.escalations.createRule(t.users.administrator.actor, {
          name: 'Team leader takes over at breach',
          position: 20,
          clock: 'resolution',
          offsetMinutes: 0,
          actions: { notify: ['assignee', 'team_leader'], reassignTo: 'team_leader', raisePriority: 'high' },
        });
        const { case: c } = await buildCase(t);
        // The office calendar opens Mondays only: a month passes the 600-minute target.
        clock.advance(30 * 24 * 3_600_000);
        await t.services.background.tick();
        await t.services.background.tick();
        const rows = await t.ctx.store.db
          .selectFrom('notifications')
          .select(['user_id', 'kind', 'title'])
          .where('case_id', '=', c.id)
          .where('title', 'like', '%resolution target breached%')
          .execute();
        const per = (userId: string) => rows.filter((r) => r.user_id === userId);
        assert.equal(per(t.users.team_leader.id).length, 1, JSON.stringify(rows));
        assert.equal(per(t.users.officer.id).length, 1, JSON.stringify(rows));
        const list = await t.call('team_leader', 'GET', '/api/v1/notifications?unread=true');
        const breach = list.data.items.find((n: { caseId: string }) => n.caseId === c.id);
        assert.ok(breach.at, 'the breach notice carries its due instant');
      } finally {
        await t.close();
      }
    });

    test('a verification lock names the customer, carries the call’s time and links to the customer', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      try {
        const mei = await buildCustomer(t, { displayName: 'Tan Mei Ling' });
        const contact = await buildContact(t, mei.id);
        clock.advance(5 * 60_000);
        for (const [particular, value] of [
          ['id_number', 'S0000001A'],
          ['date_of_birth', '1990-01-01'],
          ['name', 'Someone Else'],
        ] as const) {
          const r = await t.call('officer', 'POST', `/api/v1/contacts/${contact.id}/verification`, {
            answers: [{ particular, value }],
          });
          assert.equal(r.statusCode, 201, r.body);
        }
        const list = await t.call('team_leader', 'GET', '/api/v1/notifications?unread=true');
        const n = list.data.items.find((x: { kind: string }) => x.kind === 'verification.locked');
        assert.ok(n, JSON.stringify(list.data));
        assert.equal(n.customerId, mei.id);
        assert.match(`${n.title} ${n.body}`, /Tan Mei Ling/);
        assert.equal(Date.parse(n.at), Date.parse(contact.startedAt), 'the time of the call');
        assert.doesNotMatch(`${n.title} ${n.body}`, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
        assert.doesNotMatch(`${n.title} ${n.body}`, /S8|1980-05-17/, 'no particular in the text');
      } finally {
        await t.close();
      }
    });

    test('notification texts carry no raw ISO instant: the due time travels in `at`', async () => {
      const clock = fixedClock('2026-11-23T09:00:00.000Z');
      const t = await makeTestApp(dialect, { clock });
      try {
        await buildSla(t);
        await buildCase(t, { criticality: 'highly_critical' });
        // The office calendar opens Mondays only: a month passes the 600-minute target.
        clock.advance(30 * 24 * 3_600_000);
        await t.services.background.tick();
        const rows = await t.ctx.store.db.selectFrom('notifications').selectAll().execute();
        assert.ok(
          rows.some((r) => r.kind === 'sla.breached' && r.at),
          'a breach carries its due instant',
        );
        for (const r of rows) assert.doesNotMatch(`${r.title} ${r.body}`, /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
      } finally {
        await t.close();
      }
    });
  });
}

describe('the demo centre', () => {
  test('starts nobody on notifications about cases it has already closed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'frontline-seed-'));
    const store = await openTestDb('sqlite');
    const ctx = {
      store,
      clock: systemClock,
      config: { ...loadConfig({ FRONTLINE_DATA_DIR: dir }), secureCookies: false },
    };
    try {
      await seedDemo(ctx, { customers: 20, cases: 150, password: 'seed-test-password-4821' });
      // The first scheduler ticks fire every deadline the history left behind.
      const services = buildServices(ctx);
      await services.background.tick();
      await services.background.tick();
      await services.background.close();
      const stale = await store.db
        .selectFrom('notifications')
        .innerJoin('cases', 'cases.id', 'notifications.case_id')
        .select(['notifications.title', 'cases.closed_at'])
        .where('notifications.read_at', 'is', null)
        .where('cases.status', '=', 'closed')
        .execute();
      assert.deepEqual(stale, []);
      const closedWithNotes = await store.db
        .selectFrom('notifications')
        .innerJoin('cases', 'cases.id', 'notifications.case_id')
        .select('notifications.id')
        .where('cases.status', '=', 'closed')
        .execute();
      assert.ok(
        closedWithNotes.length > 0,
        'the history did notify about cases later closed: they were withdrawn',
      );
      // A breach is announced once: nobody holds two notices of one breach of one case.
      const breaches = await store.db
        .selectFrom('notifications')
        .select(['user_id', 'case_id', 'title'])
        .where('title', 'like', '%target breached%')
        .execute();
      const seen = new Map<string, number>();
      for (const b of breaches) {
        const key = `${b.user_id} ${b.case_id} ${b.title}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      assert.ok(breaches.length > 0, 'the demo history breaches targets');
      assert.deepEqual(
        [...seen].filter(([, n]) => n > 1),
        [],
      );
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
