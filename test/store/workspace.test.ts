import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

for (const dialect of await dialects()) {
  describe(`case workspace on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t.close());

    test('one answer: the case, its customer masked, its contacts, other open cases, commitments', async () => {
      const long = 'The customer explains at length. '.repeat(150); // ~5,000 characters, kept whole
      const {
        case: c,
        customer,
        contact,
      } = await buildCase(t, { subject: 'Disputed charge', description: long });
      // A second open case for the same customer, and a resolved one (not listed).
      const other = await t.services.cases.create(t.users.officer.actor, {
        contactId: contact.id,
        type: 'request_for_action',
        subject: 'Wants a refund',
      });
      const done = await t.services.cases.create(t.users.officer.actor, {
        contactId: contact.id,
        type: 'general_enquiry',
        subject: 'Asked the hours',
      });
      await t.call('officer', 'POST', `/api/v1/cases/${done.id}/transitions`, {
        action: 'resolve',
        resolutionSummary: 'Told',
      });
      await t.call('officer', 'POST', `/api/v1/cases/${c.id}/notes`, {
        body: 'Checked the ledger',
        visibility: 'internal',
      });
      const r = await t.call('officer', 'GET', `/api/v1/cases/${c.id}/workspace`);
      assert.equal(r.statusCode, 200, r.body);
      assert.equal(r.headers.etag, `"${r.data.case.version}"`);
      assert.equal(r.data.case.description, long);
      assert.equal(r.data.case.notes[0].authorId, t.users.officer.id);
      assert.equal(r.data.customer.id, customer.id);
      assert.equal(r.data.customer.masked, true, 'opening a case is not a view of particulars');
      assert.deepEqual(
        r.data.contacts.map((x: { id: string }) => x.id),
        [contact.id],
      );
      assert.equal(r.data.contacts[0].officerId, t.users.officer.id);
      assert.deepEqual(
        r.data.openCases.map((x: { id: string }) => x.id),
        [other.id],
      );
      assert.ok(r.data.recentContacts.some((x: { id: string }) => x.id === contact.id));
      assert.deepEqual(r.data.commitments, []);
      assert.ok(r.data.case.allowedActions.length > 0);
      // No view of particulars was audited by opening the case.
      const viewed = await t.ctx.store.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'customer.particulars_viewed')
        .where('entity_id', '=', customer.id)
        .execute();
      assert.equal(viewed.length, 0);
      const trainer = await t.call('trainer', 'GET', `/api/v1/cases/${c.id}/workspace`);
      assert.equal(trainer.statusCode, 200);
      assert.deepEqual(trainer.data.case.allowedActions, []);
    });

    test('a draft is kept on the server for its writer alone, and saving the note clears it', async () => {
      const { case: c } = await buildCase(t);
      const put = await t.call('officer', 'PUT', `/api/v1/cases/${c.id}/draft`, {
        visibility: 'public',
        body: 'Dear Ms Tan,',
      });
      assert.equal(put.statusCode, 204, put.body);
      const mine = await t.call('officer', 'GET', `/api/v1/cases/${c.id}/workspace`);
      assert.equal(mine.data.draft.body, 'Dear Ms Tan,');
      assert.equal(mine.data.draft.visibility, 'public');
      const theirs = await t.call('team_leader', 'GET', `/api/v1/cases/${c.id}/workspace`);
      assert.equal(theirs.data.draft, null);
      await t.call('officer', 'PUT', `/api/v1/cases/${c.id}/draft`, {
        visibility: 'public',
        body: 'Dear Ms Tan, your refund',
      });
      await t.call('officer', 'POST', `/api/v1/cases/${c.id}/notes`, {
        visibility: 'public',
        body: 'Dear Ms Tan, your refund is on its way.',
      });
      assert.equal((await t.call('officer', 'GET', `/api/v1/cases/${c.id}/workspace`)).data.draft, null);
      await t.call('officer', 'PUT', `/api/v1/cases/${c.id}/draft`, { visibility: 'internal', body: 'x' });
      await t.call('officer', 'PUT', `/api/v1/cases/${c.id}/draft`, { visibility: 'internal', body: '' });
      assert.equal((await t.call('officer', 'GET', `/api/v1/cases/${c.id}/workspace`)).data.draft, null);
    });

    test('colleagues: names, roles and teams for everyone signed in; no contact details', async () => {
      const r = await t.call('officer', 'GET', '/api/v1/colleagues');
      assert.equal(r.statusCode, 200, r.body);
      const me = r.data.items.find((u: { id: string }) => u.id === t.users.officer.id);
      assert.deepEqual(Object.keys(me).sort(), ['active', 'displayName', 'id', 'role', 'teamId']);
      assert.equal(me.teamId, t.team.id);
    });
  });
}
