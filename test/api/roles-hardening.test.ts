import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase, buildCustomer } from '../helpers/factories.ts';

/** A tiny PNG: enough bytes to compare. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * Each role does only what it may: a trainer reads and changes nothing (no solution comments, no
 * knowledge usage) and sees particulars masked, contacts included; an officer's file on a published
 * public article goes through review like the text before anyone outside can download it.
 */
for (const dialect of await dialects()) {
  describe(`roles hardening on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(async () => t.close());

    /** A published article (public unless told), written by the officer and approved by the leader. */
    async function published(title: string, audience: 'public' | 'internal' = 'public') {
      const a = await t.call('officer', 'POST', '/api/v1/kb/articles', {
        title,
        body: `How to ${title.toLowerCase()}.`,
        kind: 'sop',
        audience,
      });
      assert.equal(a.statusCode, 201, a.body);
      await t.call('officer', 'POST', `/api/v1/kb/articles/${a.data.id}/submit`);
      const ok = await t.call('team_leader', 'POST', `/api/v1/kb/articles/${a.data.id}/approve`, {});
      assert.equal(ok.statusCode, 200, ok.body);
      return { id: a.data.id as string, slug: a.data.slug as string };
    }

    describe('a trainer takes no part in the knowledge base', () => {
      test('POST /solutions/:id/comments: 403 for a trainer, 201 for a trainee and an officer', async () => {
        const s = await t.call('officer', 'POST', '/api/v1/solutions', {
          problem: 'Double charge after plan change',
          solution: 'Refund the pro-rated amount.',
        });
        assert.equal(s.statusCode, 201, s.body);
        const url = `/api/v1/solutions/${s.data.id}/comments`;
        const r = await t.call('trainer', 'POST', url, { body: 'Looks right' });
        assert.equal(r.statusCode, 403, r.body);
        assert.equal(r.data.code, 'auth.forbidden');
        assert.equal((await t.call('trainee', 'POST', url, { body: 'Seen it twice' })).statusCode, 201);
        assert.equal((await t.call('officer', 'POST', url, { body: 'Agree' })).statusCode, 201);
        const after = await t.call('trainer', 'GET', `/api/v1/solutions/${s.data.id}`);
        assert.equal(after.statusCode, 200, 'the trainer still reads the discussion');
        assert.equal(after.data.comments.length, 2);
      });

      test('POST /kb/articles/:id/usage: 403 for a trainer, so the count is not moved; 200 for a trainee', async () => {
        const a = await published('Reset a voicemail PIN', 'internal');
        const { case: c } = await buildCase(t);
        const r = await t.call('trainer', 'POST', `/api/v1/kb/articles/${a.id}/usage`, {
          action: 'viewed',
          caseId: c.id,
        });
        assert.equal(r.statusCode, 403, r.body);
        const ok = await t.call('trainee', 'POST', `/api/v1/kb/articles/${a.id}/usage`, {
          action: 'answered',
          caseId: c.id,
        });
        assert.equal(ok.statusCode, 200, ok.body);
        assert.equal(ok.data.usageCount, 1, 'only the trainee’s use counted');
      });
    });

    test("a trainer sees a contact's caller number and notes masked; an officer sees them", async () => {
      const customer = await buildCustomer(t);
      const made = await t.call('officer', 'POST', '/api/v1/contacts', {
        channel: 'phone',
        direction: 'inbound',
        customerId: customer.id,
        fromAddress: '+65 9123 4567',
        notes: 'Caller gave NRIC S7654321D and asked about the bill',
      });
      assert.equal(made.statusCode, 201, made.body);
      const one = await t.call('trainer', 'GET', `/api/v1/contacts/${made.data.id}`);
      assert.equal(one.statusCode, 200);
      const listed = await t.call('trainer', 'GET', `/api/v1/contacts?customerId=${customer.id}`);
      const fromList = listed.data.items.find((x: { id: string }) => x.id === made.data.id);
      for (const seen of [one.data, fromList]) {
        assert.ok(seen.fromAddress, 'the trainer still sees that a number was given');
        assert.doesNotMatch(String(seen.fromAddress), /9123/, 'but not the number');
        assert.doesNotMatch(String(seen.notes), /S7654321D/);
      }
      const officer = await t.call('officer', 'GET', `/api/v1/contacts/${made.data.id}`);
      assert.equal(officer.data.fromAddress, '+65 9123 4567');
      assert.match(officer.data.notes, /S7654321D/);
    });

    test('a trainer is offered no case moves; an officer is', async () => {
      const { case: c } = await buildCase(t);
      const asTrainer = await t.call('trainer', 'GET', `/api/v1/cases/${c.id}`);
      assert.deepEqual(asTrainer.data.allowedActions, []);
      const listed = await t.call('trainer', 'GET', '/api/v1/cases?limit=5');
      assert.ok(listed.data.items.every((x: { allowedActions: string[] }) => x.allowedActions.length === 0));
      const asOfficer = await t.call('officer', 'GET', `/api/v1/cases/${c.id}`);
      assert.ok(asOfficer.data.allowedActions.includes('resolve'));
    });

    test('a trainer sees a customer masked', async () => {
      const customer = await buildCustomer(t, { idNumber: 'S7654321D' });
      const r = await t.call('trainer', 'GET', `/api/v1/customers/${customer.id}`);
      assert.equal(r.statusCode, 200);
      assert.equal(r.data.masked, true);
      assert.doesNotMatch(JSON.stringify(r.data), /S7654321D/);
    });

    describe('attachments go through review like the text', () => {
      test("an officer's file on a published public article is not downloadable anonymously until that version is approved", async () => {
        const a = await published('Read your e-bill');
        const up = await t.call('officer', 'POST', `/api/v1/kb/articles/${a.id}/attachments`, {
          filename: 'ebill.png',
          contentType: 'image/png',
          dataBase64: PNG.toString('base64'),
        });
        assert.equal(up.statusCode, 201, up.body);
        assert.equal(up.data.pending, true);
        const fileId = up.data.id as string;

        // Before approval: nowhere outside the writers.
        assert.equal((await t.call(null, 'GET', `/api/v1/public/kb/attachments/${fileId}`)).statusCode, 404);
        assert.doesNotMatch((await t.call(null, 'GET', `/help/${a.slug}`)).body, /ebill\.png/);
        assert.equal((await t.call('trainee', 'GET', `/api/v1/kb/attachments/${fileId}`)).statusCode, 404);
        assert.deepEqual(
          (await t.call('trainee', 'GET', `/api/v1/kb/articles/${a.id}`)).data.attachments,
          [],
        );
        // The writer sees it waiting, on a draft the attachment started.
        const mine = (await t.call('officer', 'GET', `/api/v1/kb/articles/${a.id}`)).data;
        assert.equal(mine.attachments.length, 1);
        assert.equal(mine.attachments[0].pending, true);
        assert.equal(mine.draft.state, 'draft');
        assert.equal(mine.published.number, 1, 'the published version is untouched');

        // In review the version is frozen: no more files.
        await t.call('officer', 'POST', `/api/v1/kb/articles/${a.id}/submit`);
        const frozen = await t.call('officer', 'POST', `/api/v1/kb/articles/${a.id}/attachments`, {
          filename: 'late.txt',
          contentType: 'text/plain',
          dataBase64: Buffer.from('late').toString('base64'),
        });
        assert.equal(frozen.statusCode, 409, frozen.body);
        assert.equal(frozen.data.code, 'kb_article.in_review');
        assert.equal((await t.call(null, 'GET', `/api/v1/public/kb/attachments/${fileId}`)).statusCode, 404);

        // Approved: public at once.
        const ok = await t.call('team_leader', 'POST', `/api/v1/kb/articles/${a.id}/approve`, {});
        assert.equal(ok.statusCode, 200, ok.body);
        const got = await t.call(null, 'GET', `/api/v1/public/kb/attachments/${fileId}`);
        assert.equal(got.statusCode, 200);
        assert.ok(got.rawPayload.equals(PNG), 'the bytes are the file');
        assert.match((await t.call(null, 'GET', `/help/${a.slug}`)).body, /ebill\.png/);
        const reader = (await t.call('trainee', 'GET', `/api/v1/kb/articles/${a.id}`)).data;
        assert.deepEqual(
          reader.attachments.map((x: { filename: string; pending?: boolean }) => [x.filename, x.pending]),
          [['ebill.png', undefined]],
        );
      });

      test('a publisher attaches through review too: nobody attaches to the published version directly', async () => {
        const a = await published('Port a number in');
        const up = await t.call('team_leader', 'POST', `/api/v1/kb/articles/${a.id}/attachments`, {
          filename: 'form.txt',
          contentType: 'text/plain',
          dataBase64: Buffer.from('Porting form').toString('base64'),
        });
        assert.equal(up.statusCode, 201, up.body);
        assert.equal(up.data.pending, true);
        assert.equal(
          (await t.call(null, 'GET', `/api/v1/public/kb/attachments/${up.data.id}`)).statusCode,
          404,
        );
      });

      test('a file on a rejected draft stays unpublished', async () => {
        const a = await published('Change a billing address');
        const up = await t.call('officer', 'POST', `/api/v1/kb/articles/${a.id}/attachments`, {
          filename: 'address.txt',
          contentType: 'text/plain',
          dataBase64: Buffer.from('Old form').toString('base64'),
        });
        await t.call('officer', 'POST', `/api/v1/kb/articles/${a.id}/submit`);
        await t.call('team_leader', 'POST', `/api/v1/kb/articles/${a.id}/reject`, { note: 'Wrong form' });
        assert.equal(
          (await t.call(null, 'GET', `/api/v1/public/kb/attachments/${up.data.id}`)).statusCode,
          404,
        );
        assert.equal(
          (await t.call('trainee', 'GET', `/api/v1/kb/attachments/${up.data.id}`)).statusCode,
          404,
        );
        assert.equal(
          (await t.call('officer', 'GET', `/api/v1/kb/attachments/${up.data.id}`)).statusCode,
          200,
        );
      });
    });
  });
}
