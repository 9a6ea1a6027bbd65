import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CompiledQuery } from 'kysely';
import {
  type CaseSort,
  countQueries,
  type ListFilter,
  pageQueries,
} from '../../src/server/modules/cases/case-list.ts';
import { caseDerived } from '../../src/server/modules/cases/queue-order.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

/**
 * Queue lists at any depth: every order pages with a keyset cursor and walks exactly the order a
 * full sort gives, for every scope and filter; counts cover the open set; and on SQLite the plans
 * seek an index in order rather than scanning the table or sorting the open set.
 */
const NOW = '2026-11-23T09:00:00.000Z';
const OPEN = ['new', 'open', 'pending_customer', 'pending_action_party'];
const pick = <T>(xs: readonly T[], i: number): T => xs[i % xs.length] as T;

type Row = {
  id: string;
  status: string;
  priority: string;
  criticality: string;
  team_id: string | null;
  department_id: string | null;
  assignee_id: string | null;
  created_at: string;
  updated_at: string;
  sla_due_at: string | null;
  sla_warn_at: string | null;
  queue_rank: number;
};
const iso = (v: unknown) => new Date(v as string).toISOString();

function expected(rows: Row[], sort: CaseSort): string[] {
  const cmp = (a: (string | number)[], b: (string | number)[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as string) < (b[i] as string) ? -1 : 1;
    return 0;
  };
  const r = [...rows];
  if (sort === 'queue')
    r.sort((a, b) => cmp([a.queue_rank, a.created_at, a.id], [b.queue_rank, b.created_at, b.id]));
  if (sort === 'oldest') r.sort((a, b) => cmp([a.created_at, a.id], [b.created_at, b.id]));
  if (sort === 'newest') r.sort((a, b) => -cmp([a.created_at, a.id], [b.created_at, b.id]));
  if (sort === 'updated') r.sort((a, b) => -cmp([a.updated_at, a.id], [b.updated_at, b.id]));
  if (sort === 'due') {
    const withClock = r
      .filter((x) => x.sla_due_at)
      .sort((a, b) => cmp([a.sla_due_at!, a.id], [b.sla_due_at!, b.id]));
    const without = r.filter((x) => !x.sla_due_at).sort((a, b) => cmp([a.id], [b.id]));
    return [...withClock, ...without].map((x) => x.id);
  }
  return r.map((x) => x.id);
}

for (const dialect of await dialects()) {
  describe(`case queues on ${dialect}`, () => {
    let t: TestApp;
    let rows: Row[];
    before(async () => {
      t = await makeTestApp(dialect);
      const db = t.ctx.store.db;
      const outside = await db
        .selectFrom('departments')
        .select('id')
        .where('id', '!=', t.department.id)
        .executeTakeFirstOrThrow();
      for (let i = 0; i < 36; i++) {
        const { case: c } = await buildCase(t, { subject: `case ${i}` });
        const status = pick(
          ['new', 'open', 'pending_customer', 'pending_action_party', 'resolved', 'closed', 'open'],
          i,
        );
        const priority = pick(['low', 'normal', 'high', 'urgent', 'normal'], i * 7);
        const criticality = i % 5 === 0 ? 'highly_critical' : 'not_highly_critical';
        // Several cases share a creation time, so the id must break the tie.
        const created = new Date(Date.parse('2026-11-01T00:00:00Z') + (i % 9) * 3_600_000).toISOString();
        const due =
          i % 4 === 0 ? null : new Date(Date.parse(NOW) + (((i * 37) % 23) - 11) * 3_600_000).toISOString();
        const warn = due ? new Date(Date.parse(due) - 2 * 3_600_000).toISOString() : null;
        await db
          .updateTable('cases')
          .set({
            status,
            priority,
            criticality,
            team_id: i % 3 === 0 ? null : t.team.id,
            department_id: pick([t.department.id, outside.id, null], i),
            assignee_id: i % 4 === 1 ? null : t.users.officer.id,
            created_at: created,
            updated_at: new Date(Date.parse(created) + ((i * 13) % 17) * 60_000).toISOString(),
            sla_due_at: due,
            sla_warn_at: warn,
            ...caseDerived({ status, priority, criticality }),
          })
          .where('id', '=', c.id)
          .execute();
      }
      rows = (await db.selectFrom('cases').selectAll().execute()).map((r) => ({
        ...(r as unknown as Row),
        created_at: iso(r.created_at),
        updated_at: iso(r.updated_at),
        sla_due_at: r.sla_due_at && iso(r.sla_due_at),
        sla_warn_at: r.sla_warn_at && iso(r.sla_warn_at),
      }));
    });
    after(() => t.close());

    const filters: [string, string, (r: Row) => boolean][] = [
      ['everything', '', () => true],
      ['open', `status=${OPEN.join(',')}`, (r) => OPEN.includes(r.status)],
      ['history', 'status=resolved,closed', (r) => !OPEN.includes(r.status)],
      ['new only', 'status=new', (r) => r.status === 'new'],
      [
        'team',
        `teamId=TEAM&status=${OPEN.join(',')}`,
        (r) => r.team_id === 'TEAM' && OPEN.includes(r.status),
      ],
      [
        'department',
        `departmentId=DEPT&status=${OPEN.join(',')}`,
        (r) => r.department_id === 'DEPT' && OPEN.includes(r.status),
      ],
      [
        'mine',
        `assigneeId=ME&status=${OPEN.join(',')}`,
        (r) => r.assignee_id === 'ME' && OPEN.includes(r.status),
      ],
      [
        'unassigned',
        `unassigned=true&status=${OPEN.join(',')}`,
        (r) => r.assignee_id === null && OPEN.includes(r.status),
      ],
      [
        'at risk',
        `sla=at_risk&status=${OPEN.join(',')}`,
        (r) => !!r.sla_warn_at && r.sla_warn_at <= NOW && OPEN.includes(r.status),
      ],
      ['on track', 'sla=on_track', (r) => !r.sla_warn_at || r.sla_warn_at > NOW],
      ['highly critical', 'criticality=highly_critical', (r) => r.criticality === 'highly_critical'],
      ['urgent', 'priority=urgent', (r) => r.priority === 'urgent'],
    ];
    const sorts: CaseSort[] = ['queue', 'due', 'newest', 'oldest', 'updated'];

    test('every order and filter pages through exactly the fully sorted list', async () => {
      const sub = (s: string) =>
        s.replace('TEAM', t.team.id).replace('DEPT', t.department.id).replace('ME', t.users.officer.id);
      for (const [name, query, keep] of filters) {
        const want = rows.filter((r) =>
          keep({
            ...r,
            team_id: r.team_id === t.team.id ? 'TEAM' : r.team_id,
            department_id: r.department_id === t.department.id ? 'DEPT' : r.department_id,
            assignee_id: r.assignee_id === t.users.officer.id ? 'ME' : r.assignee_id,
          }),
        );
        assert.ok(want.length > 0 || name === 'urgent', `${name}: the fixture has cases`);
        for (const sort of sorts) {
          const got: string[] = [];
          let cursor = '';
          for (let pages = 0; pages < 50; pages++) {
            const r = await t.call(
              'team_leader',
              'GET',
              `/api/v1/cases?${sub(query)}&sort=${sort}&limit=4${cursor ? `&cursor=${cursor}` : ''}`,
            );
            assert.equal(r.statusCode, 200, r.body);
            assert.ok(r.data.items.length <= 4);
            got.push(...r.data.items.map((c: { id: string }) => c.id));
            cursor = r.data.nextCursor ?? '';
            if (!cursor) break;
          }
          assert.deepEqual(got, expected(want, sort), `${name} in ${sort} order`);
        }
      }
    });

    test('a cursor belongs to its order; a forged one is refused', async () => {
      const p = await t.call('team_leader', 'GET', '/api/v1/cases?sort=queue&limit=2');
      assert.ok(p.data.nextCursor);
      const other = await t.call(
        'team_leader',
        'GET',
        `/api/v1/cases?sort=newest&cursor=${p.data.nextCursor}`,
      );
      assert.equal(other.statusCode, 400);
      assert.equal(other.data.errors[0].field, '/query/cursor');
      const forged = Buffer.from(JSON.stringify(['queue', 'x', '2026-01-01T00:00:00Z', 'nope'])).toString(
        'base64url',
      );
      assert.equal(
        (await t.call('team_leader', 'GET', `/api/v1/cases?sort=queue&cursor=${forged}`)).statusCode,
        400,
      );
    });

    test('counts cover the open set of the scope, and follow every change of status and priority', async () => {
      const open = rows.filter((r) => OPEN.includes(r.status) && r.team_id === t.team.id);
      const c = await t.call('team_leader', 'GET', `/api/v1/cases/counts?teamId=${t.team.id}`);
      assert.equal(c.statusCode, 200, c.body);
      assert.equal(c.data.open, open.length);
      assert.equal(c.data.highlyCritical, open.filter((r) => r.criticality === 'highly_critical').length);
      assert.equal(c.data.breached, open.filter((r) => r.sla_due_at && r.sla_due_at <= NOW).length);
      assert.equal(
        c.data.dueSoon,
        open.filter((r) => r.sla_warn_at && r.sla_warn_at <= NOW && r.sla_due_at! > NOW).length,
      );
      assert.deepEqual(Object.keys(c.data.byStatus).sort(), [...new Set(open.map((r) => r.status))].sort());
      // The derived columns follow writes: resolving drops a case from the open set, a priority
      // change moves it in the queue.
      const target = open.find((r) => r.status === 'open' && r.assignee_id === t.users.officer.id)!;
      const patched = await t.call('officer', 'PATCH', `/api/v1/cases/${target.id}`, {
        priority: 'urgent',
        criticality: 'highly_critical',
      });
      assert.equal(patched.statusCode, 200, patched.body);
      const top = await t.call(
        'team_leader',
        'GET',
        `/api/v1/cases?teamId=${t.team.id}&status=${OPEN.join(',')}&sort=queue&limit=50`,
      );
      const firstNonTop = top.data.items.findIndex(
        (x: { priority: string; criticality: string }) =>
          !(x.priority === 'urgent' && x.criticality === 'highly_critical'),
      );
      assert.ok(
        top.data.items
          .slice(0, firstNonTop === -1 ? undefined : firstNonTop)
          .some((x: { id: string }) => x.id === target.id),
      );
      const resolved = await t.call('officer', 'POST', `/api/v1/cases/${target.id}/transitions`, {
        action: 'resolve',
        resolutionSummary: 'done',
      });
      assert.equal(resolved.statusCode, 200, resolved.body);
      const after = await t.call('team_leader', 'GET', `/api/v1/cases/counts?teamId=${t.team.id}`);
      assert.equal(after.data.open, open.length - 1);
      const row = await t.ctx.store.db
        .selectFrom('cases')
        .select(['is_open', 'queue_rank'])
        .where('id', '=', target.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual({ ...row, is_open: Number(row.is_open) }, { is_open: 0, queue_rank: 0 });
    });

    if (dialect === 'sqlite') {
      test('queue pages seek an index in order: no table scan, no sort of the open set', async () => {
        const db = t.ctx.store.db;
        const scopes: [string, ListFilter][] = [
          ['mine', { assigneeId: t.users.officer.id }],
          ['team', { teamId: t.team.id }],
          ['department', { departmentId: t.department.id }],
          ['centre', {}],
        ];
        const problems: string[] = [];
        for (const [scope, f] of scopes) {
          for (const sort of sorts) {
            // The owner's open set is small (tens): sorting it is cheap, and the planner may do so.
            const mayTempSort =
              scope === 'mine' || (scope !== 'centre' && (sort === 'newest' || sort === 'oldest'));
            for (const q of pageQueries(db, { ...f, status: OPEN }, sort, undefined, 50, NOW)) {
              if (!q) continue;
              const c = q.compile();
              const plan = await db.executeQuery<{ detail: string }>(
                CompiledQuery.raw(`EXPLAIN QUERY PLAN ${c.sql}`, [...c.parameters]),
              );
              const text = plan.rows.map((r) => r.detail).join(' | ');
              if (/SCAN cases(?! USING)/.test(text)) problems.push(`${scope}/${sort}: full scan: ${text}`);
              if (!mayTempSort && /TEMP B-TREE/.test(text)) problems.push(`${scope}/${sort}: sorts: ${text}`);
            }
          }
        }
        assert.deepEqual(problems, []);
      });

      test('a customer’s other open cases (the workspace) seek the customer, in update order', async () => {
        const db = t.ctx.store.db;
        for (const q of pageQueries(
          db,
          { customerId: t.users.officer.id, status: OPEN },
          'updated',
          undefined,
          11,
          NOW,
        )) {
          if (!q) continue;
          const c = q.compile();
          const plan = await db.executeQuery<{ detail: string }>(
            CompiledQuery.raw(`EXPLAIN QUERY PLAN ${c.sql}`, [...c.parameters]),
          );
          const text = plan.rows.map((r) => r.detail).join(' | ');
          // Walking the centre's open set in update order and filtering by customer took 24 ms at 1M.
          assert.match(text, /USING INDEX cases_customer_open \(customer_id=\? AND is_open=\?\)/, text);
          assert.doesNotMatch(text, /TEMP B-TREE/, text);
        }
      });

      test('queue counts read the scope’s index only: never the table, never history', async () => {
        const db = t.ctx.store.db;
        const problems: string[] = [];
        for (const [scope, f] of [
          ['mine', { assigneeId: t.users.officer.id }],
          ['team', { teamId: t.team.id }],
          ['department', { departmentId: t.department.id }],
          ['centre', {}],
        ] as [string, ListFilter][]) {
          const q = countQueries(db, f, NOW);
          for (const [what, b] of [['by status', q.byStatus]] as const) {
            const c = b.compile();
            const plan = await db.executeQuery<{ detail: string }>(
              CompiledQuery.raw(`EXPLAIN QUERY PLAN ${c.sql}`, [...c.parameters]),
            );
            const text = plan.rows.map((r) => r.detail).join(' | ');
            if (/SCAN cases(?! USING)/.test(text)) problems.push(`${scope}/${what}: full scan: ${text}`);
            if (what === 'by status' && !/USING COVERING INDEX cases_q_/.test(text))
              problems.push(`${scope}/${what}: reads the table: ${text}`);
          }
        }
        assert.deepEqual(problems, []);
      });
    }
  });
}
