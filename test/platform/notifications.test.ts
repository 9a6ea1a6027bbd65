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
import { buildCase, buildSla } from '../helpers/factories.ts';

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

        const all = await t.call('team_leader', 'POST', '/api/v1/notifications/read-all');
        assert.equal(all.statusCode, 200);
        assert.equal(all.data.read, 1);
        unread = await t.call('team_leader', 'GET', '/api/v1/notifications?unread=true');
        assert.equal(unread.data.unread, 0);
        assert.equal(unread.data.items.length, 0);
        // Only the caller's: the supervisor's own notifications are untouched.
        assert.equal((await t.call('team_leader', 'POST', '/api/v1/notifications/read-all')).data.read, 0);
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
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
