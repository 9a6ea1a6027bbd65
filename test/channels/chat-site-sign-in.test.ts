import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { identityHash } from '../../src/server/channels/chat/identity.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import type { VerificationPolicyDto } from '../../src/shared/contracts/contacts.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';

/**
 * Issue 14, point 3: a site sign-in (the widget's HMAC of the site's customer id) counts as a
 * verified particular only as far as the verification policy's `siteSignIn` says.
 */
const ORIGIN = 'https://bank.example';
const BASE = {
  required: ['name'],
  anyOf: ['id_number', 'account_number', 'date_of_birth'],
  anyOfCount: 1,
} satisfies VerificationPolicyDto;

for (const dialect of await dialects()) {
  describe(`web chat site sign-in and the verification policy (${dialect})`, () => {
    let t: TestApp;
    let w: { row: Awaited<ReturnType<TestApp['services']['chatWidgets']['row']>>; secret: string };
    before(async () => {
      t = await makeTestApp(dialect);
      const { widget, secret } = await t.services.chatWidgets.create(SYSTEM_ACTOR, {
        name: 'Bank',
        teamId: t.team.id,
        allowedOrigins: [ORIGIN],
      });
      w = { row: await t.services.chatWidgets.row(t.ctx.store.db, widget.id), secret };
    });
    after(() => t.close());

    const setPolicy = (p: VerificationPolicyDto) => t.services.contacts.setPolicy(SYSTEM_ACTOR, p);

    /** A chat started by a visitor with this identity; the chat's contact and what was recorded on it. */
    async function chatAs(identity: { id: string; hash: string } | null) {
      const h = await t.services.chat.hello(w.row, null, identity);
      const n = randomUUID().slice(0, 8);
      await t.services.chat.start(h.session, {
        clientId: randomUUID(),
        name: `Ahmad ${n}`,
        email: `ahmad-${n}@customer.example`,
        question: 'Why was I charged twice?',
        language: 'en',
      });
      const conv = await t.ctx.store.db
        .selectFrom('chat_conversations')
        .selectAll()
        .where('id', '=', h.session.conversationId!)
        .executeTakeFirstOrThrow();
      const rows = await t.ctx.store.db
        .selectFrom('contact_verifications')
        .selectAll()
        .where('contact_id', '=', conv.contact_id)
        .execute();
      const contact = await t.services.contacts.get(SYSTEM_ACTOR, conv.contact_id!);
      return { conv, rows, contact };
    }
    const signedIn = (id: string) => ({ id, hash: identityHash(w.secret, id) });

    test('by default a valid site sign-in links the customer but records no verification', async () => {
      await setPolicy(BASE);
      const { conv, rows, contact } = await chatAs(signedIn('cust-default'));
      assert.equal(conv.external_id, 'cust-default', 'the HMAC was valid');
      assert.equal(rows.length, 0);
      assert.deepEqual(contact.verification?.checks, []);
      assert.equal(contact.verification?.satisfiesPolicy, false);
    });

    test('when the policy names particulars, a valid sign-in is recorded as them by the system, audited', async () => {
      await setPolicy({ ...BASE, siteSignIn: ['name'] });
      const one = await chatAs(signedIn('cust-name'));
      assert.equal(one.rows.length, 1);
      const row = one.rows[0]!;
      assert.equal(row.officer_id, SYSTEM_ACTOR.userId);
      assert.equal(row.customer_id, one.conv.customer_id);
      const checks = typeof row.checks === 'string' ? JSON.parse(row.checks) : row.checks;
      assert.deepEqual(checks, [{ particular: 'name', result: 'match', method: 'site_sign_in' }]);
      assert.equal(Boolean(row.satisfies_policy), false, 'name alone leaves one of the others missing');
      assert.deepEqual(one.contact.verification?.checks, [{ particular: 'name', result: 'match' }]);
      assert.equal(one.contact.verification?.satisfiesPolicy, false);
      assert.deepEqual(one.contact.verification?.missing, BASE.anyOf);
      const trail = await t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', 'customer.verification_recorded')
        .where('entity_id', '=', one.conv.customer_id!)
        .execute();
      assert.equal(trail.length, 1);
      assert.equal(trail[0]!.actor_id, null, 'the system, no officer');
      const afterJson = trail[0]!.after;
      assert.match(
        typeof afterJson === 'string' ? afterJson : JSON.stringify(afterJson),
        /"method":"site_sign_in"/,
      );

      // Standing for a required particular and one of the others, it meets the policy.
      await setPolicy({ ...BASE, siteSignIn: ['name', 'account_number'] });
      const two = await chatAs(signedIn('cust-both'));
      assert.equal(two.rows.length, 1);
      assert.equal(Boolean(two.rows[0]!.satisfies_policy), true);
      assert.equal(two.contact.verification?.satisfiesPolicy, true);
      assert.deepEqual(two.contact.verification?.missing, []);
      // The officer who answers has the chat's contact in progress: verified on it, unmasking for them.
      const officer = { ...t.users.officer.actor, teamId: t.team.id };
      await t.services.chatOfficer.reply(officer, two.conv.case_id, {
        clientId: randomUUID(),
        text: 'Hello.',
      });
      const taken = await t.services.contacts.get(officer, two.conv.contact_id!);
      assert.equal(taken.officerId, t.users.officer.id);
      assert.equal(taken.verified, true, 'met, theirs, in progress: it unmasks for them');
    });

    test('a forged or absent identity records nothing, whatever the policy', async () => {
      await setPolicy({ ...BASE, siteSignIn: ['name', 'account_number'] });
      const forged = await chatAs({ id: 'cust-victim', hash: identityHash('not the secret', 'cust-victim') });
      assert.equal(forged.conv.external_id, null);
      assert.equal(forged.rows.length, 0);
      assert.equal(forged.contact.verification?.satisfiesPolicy, false);
      const malformed = await chatAs({ id: 'cust-victim', hash: 'zz' });
      assert.equal(malformed.rows.length, 0);
      const anonymous = await chatAs(null);
      assert.equal(anonymous.rows.length, 0);
      assert.deepEqual(anonymous.contact.verification?.checks, []);
    });

    test('PUT the policy: siteSignIn only for particulars the policy asks for (problem+json with the field)', async () => {
      const outside = await t.call('supervisor', 'PUT', '/api/v1/settings/verification-policy', {
        ...BASE,
        siteSignIn: ['name', 'email'],
      });
      assert.equal(outside.statusCode, 400);
      assert.match(String(outside.headers['content-type']), /application\/problem\+json/);
      const err = outside.data.errors.find((e: { field?: string }) => e.field === '/body/siteSignIn');
      assert.ok(err, JSON.stringify(outside.data));
      assert.equal(err.rule, 'siteSignInNotInPolicy');
      assert.deepEqual(err.params, { particulars: ['email'] });
      const unknown = await t.call('supervisor', 'PUT', '/api/v1/settings/verification-policy', {
        ...BASE,
        siteSignIn: ['shoe_size'],
      });
      assert.equal(unknown.statusCode, 400);
      assert.ok(
        unknown.data.errors.some((e: { field?: string }) => e.field === '/body/siteSignIn/0'),
        JSON.stringify(unknown.data),
      );
      const ok = await t.call('supervisor', 'PUT', '/api/v1/settings/verification-policy', {
        ...BASE,
        siteSignIn: ['date_of_birth'],
      });
      assert.equal(ok.statusCode, 200);
      const read = await t.call('officer', 'GET', '/api/v1/settings/verification-policy');
      assert.deepEqual(read.data.siteSignIn, ['date_of_birth']);
    });

    test('only a role that manages settings may make a site sign-in count', async () => {
      await setPolicy(BASE);
      for (const role of ['officer', 'team_leader', 'trainee', 'trainer'] as const) {
        const res = await t.call(role, 'PUT', '/api/v1/settings/verification-policy', {
          ...BASE,
          siteSignIn: ['name'],
        });
        assert.equal(res.statusCode, 403, role);
      }
      assert.equal((await t.call(null, 'PUT', '/api/v1/settings/verification-policy', BASE)).statusCode, 401);
      assert.equal((await t.services.contacts.policy()).siteSignIn, undefined, 'nothing changed');
      const admin = await t.call('administrator', 'PUT', '/api/v1/settings/verification-policy', {
        ...BASE,
        siteSignIn: ['name'],
      });
      assert.equal(admin.statusCode, 200);
      assert.deepEqual((await t.services.contacts.policy()).siteSignIn, ['name']);
    });
  });
}
