import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { tx } from '../../src/server/platform/context.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

/**
 * Conflict-safe case writes: every write that changes a case (property edits and assignment,
 * transitions, referrals) takes `If-Match` with the version the writer saw. A stale one is refused
 * with 412 naming who changed the case and when, and changes nothing; no `If-Match` (an
 * integration) still works; notes are appends and need none.
 */
for (const dialect of await dialects()) {
  describe(`If-Match on case writes on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(async () => t.close());

    /** A case at version 2, last changed by the team leader. */
    async function changedByLeader() {
      const { case: c } = await buildCase(t);
      const r = await t.call(
        'team_leader',
        'PATCH',
        `/api/v1/cases/${c.id}`,
        { priority: 'high' },
        {
          'if-match': '"1"',
        },
      );
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers.etag, '"2"', 'a write answers the new version');
      return c.id;
    }

    const WRITES: { name: string; method: 'PATCH' | 'POST'; path: string; body: unknown }[] = [
      { name: 'PATCH /cases/:id (edit)', method: 'PATCH', path: '', body: { subject: 'Stale subject' } },
      { name: 'PATCH /cases/:id (assignment)', method: 'PATCH', path: '', body: { assigneeId: null } },
      {
        name: 'POST /cases/:id/transitions',
        method: 'POST',
        path: '/transitions',
        body: { action: 'resolve', resolutionSummary: 'Refunded' },
      },
      {
        name: 'POST /cases/:id/referrals',
        method: 'POST',
        path: '/referrals',
        body: { mode: 'transfer', departmentId: '', reason: 'Billing dispute' },
      },
    ];

    for (const w of WRITES) {
      test(`${w.name}: a stale If-Match is 412 with who changed it and when, and changes nothing`, async () => {
        const id = await changedByLeader();
        const before = (await t.call('officer', 'GET', `/api/v1/cases/${id}`)).data;
        const body =
          w.path === '/referrals' ? { ...(w.body as object), departmentId: t.department.id } : w.body;
        const r = await t.call('officer', w.method, `/api/v1/cases/${id}${w.path}`, body, {
          'if-match': '"1"',
        });
        assert.equal(r.statusCode, 412, r.body);
        assert.match(String(r.headers['content-type']), /^application\/problem\+json/);
        assert.equal(r.data.code, 'request.precondition_failed');
        assert.equal(r.data.currentVersion, 2);
        assert.deepEqual(r.data.changedBy, {
          id: t.users.team_leader.id,
          displayName: 'Test team_leader',
        });
        const audit = await t.ctx.store.db
          .selectFrom('audit_log')
          .select('at')
          .where('entity_id', '=', id)
          .where('action', '=', 'case.updated')
          .executeTakeFirstOrThrow();
        assert.equal(new Date(r.data.changedAt).toISOString(), new Date(audit.at).toISOString());
        const now = await t.call('officer', 'GET', `/api/v1/cases/${id}`);
        assert.equal(now.headers.etag, '"2"');
        assert.deepEqual(now.data, before, 'the refused write changed nothing');
      });

      test(`${w.name}: the current version is accepted, and no If-Match still works (integrations)`, async () => {
        const id = await changedByLeader();
        const body =
          w.path === '/referrals' ? { ...(w.body as object), departmentId: t.department.id } : w.body;
        const ok = await t.call('officer', w.method, `/api/v1/cases/${id}${w.path}`, body, {
          'if-match': '"2"',
        });
        assert.ok(ok.statusCode === 200 || ok.statusCode === 201, ok.body);
        const id2 = await changedByLeader();
        const plain = await t.call('officer', w.method, `/api/v1/cases/${id2}${w.path}`, body);
        assert.ok(plain.statusCode === 200 || plain.statusCode === 201, plain.body);
      });
    }

    test('GET /cases/:id and a transition answer the version as an ETag; the ETag is what If-Match takes', async () => {
      const { case: c } = await buildCase(t);
      const g = await t.call('officer', 'GET', `/api/v1/cases/${c.id}`);
      assert.equal(g.headers.etag, '"1"');
      const r = await t.call(
        'officer',
        'POST',
        `/api/v1/cases/${c.id}/transitions`,
        { action: 'await_customer' },
        { 'if-match': String(g.headers.etag) },
      );
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers.etag, '"2"');
      assert.equal(r.data.version, 2);
    });

    test('a note needs no If-Match and does not move the version, so an open tab stays current', async () => {
      const { case: c } = await buildCase(t);
      const n = await t.call('trainee', 'POST', `/api/v1/cases/${c.id}/notes`, {
        body: 'Called back',
        visibility: 'internal',
      });
      assert.equal(n.statusCode, 201, n.body);
      const r = await t.call(
        'officer',
        'POST',
        `/api/v1/cases/${c.id}/transitions`,
        { action: 'await_customer' },
        { 'if-match': '"1"' },
      );
      assert.equal(r.statusCode, 200, r.body);
    });

    test('an automatic change names no person: changedBy is null', async () => {
      const { case: c } = await buildCase(t);
      await tx(t.ctx, async (trx) => {
        await t.services.cases.applyAutomatic(trx, c.id, { priority: 'urgent' }, { id: 'r', name: 'Rule' });
      });
      const r = await t.call(
        'officer',
        'POST',
        `/api/v1/cases/${c.id}/transitions`,
        { action: 'await_customer' },
        { 'if-match': '"1"' },
      );
      assert.equal(r.statusCode, 412, r.body);
      assert.equal(r.data.changedBy, null);
      assert.equal(r.data.currentVersion, 2);
    });

    test('a malformed If-Match is 400 naming the header', async () => {
      const { case: c } = await buildCase(t);
      const r = await t.call(
        'officer',
        'POST',
        `/api/v1/cases/${c.id}/transitions`,
        { action: 'await_customer' },
        { 'if-match': '"abc"' },
      );
      assert.equal(r.statusCode, 400, r.body);
      assert.equal(r.data.errors[0].field, '/headers/if-match');
    });
  });
}
