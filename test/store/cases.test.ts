import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase, buildContact, buildCustomer } from '../helpers/factories.ts';

const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

for (const dialect of await dialects()) {
  describe(`cases on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t.close());

    test('created from a contact: owned by its creator, linked both ways, audited, evented', async () => {
      const customer = await buildCustomer(t);
      const contact = await buildContact(t, customer.id);
      const r = await t.call('officer', 'POST', '/api/v1/cases', {
        contactId: contact.id,
        type: 'request_for_action',
        subject: 'Wants a payment extension',
        criticality: 'not_highly_critical',
      });
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(r.headers.location, `/api/v1/cases/${r.data.id}`);
      assert.equal(r.data.status, 'open');
      assert.equal(r.data.assigneeId, t.users.officer.id);
      assert.equal(r.data.teamId, t.team.id);
      assert.equal(r.data.customerId, customer.id);
      assert.equal(r.data.priority, 'normal');
      const detail = await t.call('officer', 'GET', `/api/v1/cases/${r.data.id}`);
      assert.deepEqual(detail.data.contactIds, [contact.id]);
      const c2 = await t.call('officer', 'GET', `/api/v1/contacts/${contact.id}`);
      assert.deepEqual(c2.data.caseIds, [r.data.id]);
      const audit = await t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_id', '=', r.data.id)
        .execute();
      assert.deepEqual(
        audit.map((a) => [a.action, a.actor_id]),
        [['case.created', t.users.officer.id]],
      );
      const events = await t.ctx.store.db
        .selectFrom('outbox')
        .selectAll()
        .where('name', '=', 'case.created')
        .execute();
      assert.ok(events.some((e) => parse(e.payload).id === r.data.id));
    });

    test('a highly critical case defaults to urgent priority', async () => {
      const { case: c } = await buildCase(t, { criticality: 'highly_critical' });
      assert.equal(c.priority, 'urgent');
    });

    test('references are unique and rise', async () => {
      const a = await buildCase(t);
      const b = await buildCase(t);
      assert.ok(b.case.reference > a.case.reference);
    });

    test('transfer referral: the case leaves the officer and joins the department queue, pending the action party', async () => {
      const { case: c } = await buildCase(t, { criticality: 'highly_critical' });
      const r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/referrals`, {
        mode: 'transfer',
        departmentId: t.department.id,
        reason: 'Duplicate charge needs a billing adjustment',
        urgent: true,
      });
      assert.equal(r.statusCode, 201, r.body);
      const d = await t.call('team_leader', 'GET', `/api/v1/cases/${c.id}`);
      assert.equal(d.data.status, 'pending_action_party');
      assert.equal(d.data.departmentId, t.department.id);
      assert.equal(d.data.assigneeId, null);
      assert.equal(d.data.referrals[0].reason, 'Duplicate charge needs a billing adjustment');
      assert.equal(d.data.timeline.at(-1).kind, 'case.referred');
      const queue = await t.call(
        'team_leader',
        'GET',
        `/api/v1/cases?departmentId=${t.department.id}&status=pending_action_party`,
      );
      assert.ok(queue.data.items.some((i: { id: string }) => i.id === c.id));
    });

    test('transfers go only to internal departments, and need one', async () => {
      const { case: c } = await buildCase(t);
      let r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/referrals`, {
        mode: 'transfer',
        reason: 'x',
      });
      assert.equal(r.statusCode, 400);
      assert.equal(r.data.errors[0].field, '/body/departmentId');
      r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/referrals`, {
        mode: 'transfer',
        departmentId: t.outside.id,
        reason: 'x',
      });
      assert.equal(r.statusCode, 400);
      const unchanged = await t.call('officer', 'GET', `/api/v1/cases/${c.id}`);
      assert.equal(unchanged.data.status, 'open');
      assert.equal(unchanged.data.referrals.length, 0);
    });

    test('needs cannot be met: handled at once (resolved), the number given recorded (from the directory or typed)', async () => {
      const { case: c } = await buildCase(t, { type: 'general_enquiry' });
      let r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/referrals`, {
        mode: 'signpost',
        departmentId: t.outside.id,
        reason: 'Dispute about a third-party retailer',
      });
      assert.equal(r.statusCode, 201, r.body);
      assert.equal(r.data.contactNumberGiven, '+65 6100 9000');
      assert.equal(r.data.partyName, 'Consumer Advocacy Office');
      r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/referrals`, {
        mode: 'signpost',
        partyName: 'Town Council',
        contactNumberGiven: '+65 6200 0000',
        reason: 'Lift outage is not ours',
      });
      assert.equal(r.statusCode, 201);
      const d = await t.call('officer', 'GET', `/api/v1/cases/${c.id}`);
      // Handled at once: resolved with the party and the number given, not left open to breach.
      assert.equal(d.data.status, 'resolved');
      assert.match(d.data.resolutionSummary, /Consumer Advocacy Office \(number given: \+65 6100 9000\)/);
      assert.ok(d.data.resolvedAt);
      assert.deepEqual(
        d.data.referrals.map((x: { contactNumberGiven: string }) => x.contactNumberGiven),
        ['+65 6100 9000', '+65 6200 0000'],
      );
      assert.equal(d.data.timeline.filter((e: { kind: string }) => e.kind === 'case.signposted').length, 2);
      r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/referrals`, {
        mode: 'signpost',
        partyName: 'Nobody',
        reason: 'x',
      });
      assert.equal(r.statusCode, 400);
      assert.equal(r.data.errors[0].field, '/body/contactNumberGiven');
    });

    test('a resolved case cannot be transferred', async () => {
      const { case: c } = await buildCase(t);
      await t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, {
        action: 'resolve',
        resolutionSummary: 'Done',
      });
      const r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/referrals`, {
        mode: 'transfer',
        departmentId: t.department.id,
        reason: 'x',
      });
      assert.equal(r.statusCode, 409);
      assert.equal(r.data.code, 'case.transition_not_allowed');
    });

    test('internal notes and customer-visible replies appear in the case and its timeline', async () => {
      const { case: c, contact } = await buildCase(t);
      const n1 = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/notes`, {
        body: 'Customer sounded upset',
        visibility: 'internal',
      });
      const n2 = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/notes`, {
        body: 'We have refunded the duplicate charge.',
        visibility: 'public',
        contactId: contact.id,
      });
      assert.equal(n1.statusCode, 201);
      assert.equal(n2.statusCode, 201);
      const d = await t.call('officer', 'GET', `/api/v1/cases/${c.id}`);
      assert.deepEqual(
        d.data.notes.map((n: { visibility: string }) => n.visibility),
        ['internal', 'public'],
      );
      assert.deepEqual(
        d.data.timeline.map((e: { kind: string }) => e.kind),
        ['case.created', 'note.added', 'reply.added'],
      );
    });

    test('PATCH assigns, audits the change, and honours If-Match', async () => {
      const { case: c } = await buildCase(t, { assigneeId: null });
      assert.equal(c.status, 'new');
      let r = await t.call(
        'team_leader',
        'PATCH',
        `/api/v1/cases/${c.id}`,
        { assigneeId: t.users.officer.id, priority: 'high' },
        { 'if-match': '"1"' },
      );
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.data.status, 'open', 'assigning a new case opens it');
      assert.equal(r.data.version, 2);
      r = await t.call(
        'team_leader',
        'PATCH',
        `/api/v1/cases/${c.id}`,
        { priority: 'low' },
        { 'if-match': '"1"' },
      );
      assert.equal(r.statusCode, 412);
      assert.equal(r.data.code, 'request.precondition_failed');
      r = await t.call('team_leader', 'PATCH', `/api/v1/cases/${c.id}`, {
        assigneeId: '01a20a03-0000-7000-8000-000000000000',
      });
      assert.equal(r.statusCode, 404);
      assert.equal(r.data.errors[0].field, '/body/assigneeId');
      const d = await t.call('officer', 'GET', `/api/v1/cases/${c.id}`);
      assert.equal(d.data.priority, 'high');
      assert.equal(d.headers.etag, '"2"');
      const assigned = d.data.timeline.find((e: { kind: string }) => e.kind === 'case.assigned');
      assert.equal(assigned.data.changes.assignee_id, t.users.officer.id);
      const audit = await t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('entity_id', '=', c.id)
        .where('action', '=', 'case.updated')
        .execute();
      assert.equal(audit.length, 1);
      assert.equal(parse(audit[0]!.before).priority, 'normal');
      assert.equal(parse(audit[0]!.after).priority, 'high');
    });

    test('lists filter by status, owner and customer and paginate with a stable cursor', async () => {
      const customer = await buildCustomer(t);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const contact = await buildContact(t, customer.id);
        ids.push(
          (
            await t.services.cases.create(t.users.trainee.actor, {
              contactId: contact.id,
              type: 'feedback',
              subject: `F${i}`,
            })
          ).id,
        );
      }
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const r: { data: { items: { id: string }[]; nextCursor: string | null } } = await t.call(
          'officer',
          'GET',
          `/api/v1/cases?customerId=${customer.id}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        seen.push(...r.data.items.map((i) => i.id));
        cursor = r.data.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, [...ids].reverse());
      const mine = await t.call(
        'trainee',
        'GET',
        `/api/v1/cases?assigneeId=${t.users.trainee.id}&status=open,new`,
      );
      assert.equal(mine.data.items.length, 5);
      const none = await t.call(
        'trainee',
        'GET',
        `/api/v1/cases?assigneeId=${t.users.trainee.id}&status=closed`,
      );
      assert.equal(none.data.items.length, 0);
    });

    test('a department queue serves the most urgent first, with counts for its header', async () => {
      const dept = await t.services.people.createDepartment(t.users.administrator.actor, {
        name: 'Queue test',
        purpose: 'x',
      });
      const make = async (
        subject: string,
        criticality: 'highly_critical' | 'not_highly_critical',
        priority: 'low' | 'normal' | 'high' | 'urgent',
      ) => (await buildCase(t, { subject, criticality, priority, departmentId: dept.id })).case;
      const normal = await make('normal', 'not_highly_critical', 'normal');
      const low = await make('low', 'not_highly_critical', 'low');
      const urgentCritical = await make('urgent critical', 'highly_critical', 'urgent');
      const urgent = await make('urgent', 'not_highly_critical', 'urgent');
      const high = await make('high', 'not_highly_critical', 'high');
      const r = await t.call('team_leader', 'GET', `/api/v1/cases?departmentId=${dept.id}&sort=queue`);
      assert.equal(r.statusCode, 200, r.body);
      assert.deepEqual(
        r.data.items.map((c: { id: string }) => c.id),
        [urgentCritical.id, urgent.id, high.id, normal.id, low.id],
      );
      assert.equal(r.data.nextCursor, null);
      // Every order pages: two at a time walks the same order.
      const walked: string[] = [];
      let cursor = '';
      do {
        const p = await t.call(
          'team_leader',
          'GET',
          `/api/v1/cases?departmentId=${dept.id}&sort=queue&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        );
        assert.equal(p.statusCode, 200, p.body);
        walked.push(...p.data.items.map((c: { id: string }) => c.id));
        cursor = p.data.nextCursor ?? '';
      } while (cursor);
      assert.deepEqual(walked, [urgentCritical.id, urgent.id, high.id, normal.id, low.id]);
      await t.call('officer', 'POST', `/api/v1/cases/${low.id}/transitions`, {
        action: 'resolve',
        resolutionSummary: 'done',
      });
      const counts = await t.call('team_leader', 'GET', `/api/v1/cases/counts?departmentId=${dept.id}`);
      assert.equal(counts.statusCode, 200, counts.body);
      assert.deepEqual(counts.data, {
        // Open statuses only: resolved and closed cases are history, and counting them grows forever.
        byStatus: { new: 5 - 1 },
        open: 4,
        highlyCritical: 1,
        dueSoon: 0,
        breached: 0,
      });
      const paged = await t.call('team_leader', 'GET', `/api/v1/cases?sort=queue&cursor=${'x'.repeat(8)}`);
      assert.equal(paged.statusCode, 400);
    });

    test('case categories form a tree with paths; cycles are refused', async () => {
      const billing = await t.call('supervisor', 'POST', '/api/v1/case-categories', { name: 'Billing' });
      const dispute = await t.call('supervisor', 'POST', '/api/v1/case-categories', {
        name: 'Charges dispute',
        parentId: billing.data.id,
      });
      assert.equal(dispute.data.path, 'Billing › Charges dispute');
      const cycle = await t.call('supervisor', 'PATCH', `/api/v1/case-categories/${billing.data.id}`, {
        parentId: dispute.data.id,
      });
      assert.equal(cycle.statusCode, 400);
      assert.equal(cycle.data.errors[0].field, '/body/parentId');
      const list = await t.call('officer', 'GET', '/api/v1/case-categories');
      assert.ok(list.data.items.some((c: { path: string }) => c.path === 'Billing › Charges dispute'));
      const { case: c } = await buildCase(t, { categoryId: dispute.data.id });
      assert.equal(c.categoryId, dispute.data.id);
    });
  });
}
