import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { identityHash } from '../../src/server/channels/chat/identity.ts';
import { type Actor, SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import type { VerificationPolicyDto } from '../../src/shared/contracts/contacts.ts';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCustomer } from '../helpers/factories.ts';

/**
 * Issue 14, point 3: a site sign-in (the widget's HMAC of the site's customer id) counts as a
 * verified particular only as far as the verification policy's `siteSignIn` says — and only once an
 * officer confirmed that the site account is the customer. The link between the site's id and a
 * customer record is made on its first chat from the e-mail the visitor TYPED, which anyone signed in
 * to the site may type; an officer who verified the customer by the policy's questions confirms it,
 * or unlinks it.
 */
const ORIGIN = 'https://bank.example';
const BASE = {
  required: ['name'],
  anyOf: ['id_number', 'account_number', 'date_of_birth'],
  anyOfCount: 1,
} satisfies VerificationPolicyDto;
/** A confirmed sign-in alone meets the policy. */
const COUNTS: VerificationPolicyDto = { ...BASE, siteSignIn: ['name', 'id_number'] };

const json = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);

for (const dialect of await dialects()) {
  describe(`web chat site sign-in and the verification policy (${dialect})`, () => {
    let t: TestApp;
    const clock = fixedClock('2026-11-23T09:00:00.000Z');
    let w: { row: Awaited<ReturnType<TestApp['services']['chatWidgets']['row']>>; secret: string };
    /** The officer who answers the chats, and a second one of the same team (transfers). */
    let officer: Actor;
    let bea: Actor;
    before(async () => {
      t = await makeTestApp(dialect, { clock });
      const { widget, secret } = await t.services.chatWidgets.create(SYSTEM_ACTOR, {
        name: 'Bank',
        teamId: t.team.id,
        allowedOrigins: [ORIGIN],
      });
      w = { row: await t.services.chatWidgets.row(t.ctx.store.db, widget.id), secret };
      officer = { ...t.users.officer.actor, teamId: t.team.id };
      const b = await t.services.people.createUser(SYSTEM_ACTOR, {
        username: 'bea',
        displayName: 'Bea',
        role: 'officer',
        password: 'correct horse battery',
        teamId: t.team.id,
      });
      bea = { userId: b.id, role: 'officer', via: 'token', teamId: t.team.id };
    });
    after(() => t.close());

    const setPolicy = (p: VerificationPolicyDto) => t.services.contacts.setPolicy(SYSTEM_ACTOR, p);
    /** A customer on file with particulars to ask for, and the address they write from. */
    const customer = async () => {
      const email = `on-file-${randomUUID()}@customer.example`;
      return { ...(await buildCustomer(t, { emails: [email] })), email };
    };
    const signedIn = (id: string) => ({ id, hash: identityHash(w.secret, id) });

    /** A chat started by a visitor with this identity and e-mail; the chat's contact and what was recorded on it. */
    async function chatAs(identity: { id: string; hash: string } | null, email?: string) {
      const h = await t.services.chat.hello(w.row, null, identity);
      const n = randomUUID().slice(0, 8);
      await t.services.chat.start(h.session, {
        clientId: randomUUID(),
        name: `Ahmad ${n}`,
        email: email ?? `ahmad-${n}@customer.example`,
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
      return { conv, rows, contact, session: h.session };
    }

    /** The officer answers the chat (it becomes theirs, its contact in progress); the contact as they see it. */
    async function answer(caseId: string, by: Actor = officer) {
      await t.services.chatOfficer.reply(by, caseId, { clientId: randomUUID(), text: 'Hello.' });
      const chat = await t.services.chatOfficer.forCase(caseId);
      const conv = await t.ctx.store.db
        .selectFrom('chat_conversations')
        .select('contact_id')
        .where('case_id', '=', caseId)
        .executeTakeFirstOrThrow();
      return { chat, contact: await t.services.contacts.get(by, conv.contact_id!) };
    }

    /** The policy's questions, answered right by the visitor. */
    const askQuestions = (contactId: string, c: { said: { name: string; idNumber: string } }, by = officer) =>
      t.services.contacts.verify(by, contactId, {
        answers: [
          { particular: 'name', value: c.said.name },
          { particular: 'id_number', value: c.said.idNumber },
        ],
      });

    const confirm = (caseId: string, role: Parameters<TestApp['call']>[0] = 'officer') =>
      t.call(role, 'POST', `/api/v1/cases/${caseId}/chat/site-link/confirm`);
    const unlink = (caseId: string, role: Parameters<TestApp['call']>[0] = 'officer') =>
      t.call(role, 'DELETE', `/api/v1/cases/${caseId}/chat/site-link`);
    const linkOf = (externalId: string) =>
      t.ctx.store.db
        .selectFrom('chat_identities')
        .selectAll()
        .where('widget_id', '=', w.row.id)
        .where('external_id', '=', externalId)
        .executeTakeFirst();
    const trail = (action: string, customerId: string) =>
      t.ctx.store.db
        .selectFrom('audit_log')
        .selectAll()
        .where('action', '=', action)
        .where('entity_id', '=', customerId)
        .execute();

    /** A site account linked to this customer and confirmed by the officer after verifying them. */
    async function confirmedLink(externalId: string, c: Awaited<ReturnType<typeof customer>>) {
      const first = await chatAs(signedIn(externalId), c.email);
      const { contact } = await answer(first.conv.case_id);
      await askQuestions(contact.id, c);
      const res = await confirm(first.conv.case_id);
      assert.equal(res.statusCode, 200, res.body);
      await t.services.chatOfficer.end(officer, first.conv.case_id);
    }

    test('by default a valid site sign-in links the customer but records no verification', async () => {
      await setPolicy(BASE);
      const { conv, rows, contact } = await chatAs(signedIn('cust-default'));
      assert.equal(conv.external_id, 'cust-default', 'the HMAC was valid');
      assert.equal(rows.length, 0);
      assert.deepEqual(contact.verification?.checks, []);
      assert.equal(contact.verification?.satisfiesPolicy, false);
    });

    test('the attack: a site account typing someone else’s e-mail is linked unconfirmed and verifies nothing', async () => {
      await setPolicy(COUNTS);
      const victim = await customer();
      const one = await chatAs(signedIn('attacker-a'), victim.email);
      assert.equal(one.conv.customer_id, victim.id, 'found by the e-mail typed, as an e-mail sender is');
      const link = await linkOf('attacker-a');
      assert.equal(link?.customer_id, victim.id);
      assert.equal(link?.linked_by, 'typed_email');
      assert.equal(link?.confirmed_at, null);
      assert.equal(one.rows.length, 0, 'nothing recorded on an unconfirmed link');
      const { chat, contact } = await answer(one.conv.case_id);
      assert.equal(contact.verified, false);
      assert.deepEqual(chat.siteLink && { state: chat.siteLink.state, by: chat.siteLink.linkedBy }, {
        state: 'unconfirmed',
        by: 'typed_email',
      });
      const read = await t.call('officer', 'GET', `/api/v1/customers/${victim.id}?contactId=${contact.id}`);
      assert.equal(read.statusCode, 200);
      assert.notEqual(read.data.idNumber, victim.said.idNumber, 'the victim’s particulars stay masked');
      await t.services.chatOfficer.end(officer, one.conv.case_id);

      // Every later chat of that site account lands on the victim's record, and still verifies nothing.
      const two = await chatAs(signedIn('attacker-a'), 'attacker@elsewhere.example');
      assert.equal(two.conv.customer_id, victim.id);
      assert.equal(two.rows.length, 0);
      assert.equal((await answer(two.conv.case_id)).contact.verified, false);
      await t.services.chatOfficer.end(officer, two.conv.case_id);

      // An address nobody has written from makes a new record: no better, as its owner's mail would join it.
      const fresh = await chatAs(signedIn('attacker-b'), `not-yet-${randomUUID()}@victim.example`);
      assert.equal((await linkOf('attacker-b'))?.linked_by, 'new_record');
      assert.equal((await linkOf('attacker-b'))?.confirmed_at, null);
      assert.equal(fresh.rows.length, 0);
      assert.equal((await trail('customer.verification_recorded', victim.id)).length, 0);
    });

    test('confirm: refused before the questions; after them confirmed, audited; the next chat counts as verified', async () => {
      await setPolicy(COUNTS);
      const real = await customer();
      const first = await chatAs(signedIn('real-v'), real.email);
      const { contact } = await answer(first.conv.case_id);
      const early = await confirm(first.conv.case_id);
      assert.equal(early.statusCode, 403);
      assert.match(String(early.headers['content-type']), /application\/problem\+json/);
      assert.equal(early.data.code, 'contact.not_verified');
      assert.equal((await linkOf('real-v'))?.confirmed_at, null);

      await askQuestions(contact.id, real);
      const ok = await confirm(first.conv.case_id);
      assert.equal(ok.statusCode, 200, ok.body);
      assert.equal(ok.data.state, 'confirmed');
      assert.equal(ok.data.externalId, 'real-v');
      assert.equal(ok.data.linkedBy, 'typed_email');
      assert.equal(ok.data.confirmedBy, t.users.officer.id);
      assert.equal(ok.data.confirmedAt, clock.now().toISOString());
      const row = await linkOf('real-v');
      assert.equal(row?.confirmed_by, t.users.officer.id);
      assert.equal(row?.confirmed_contact_id, contact.id);
      const audited = await trail('customer.site_link_confirmed', real.id);
      assert.equal(audited.length, 1);
      assert.equal(audited[0]!.actor_id, t.users.officer.id);
      assert.equal(audited[0]!.entity_type, 'customer');
      assert.equal(json(audited[0]!.after).siteCustomerId, 'real-v');
      assert.equal((await t.services.chatOfficer.forCase(first.conv.case_id)).siteLink?.state, 'confirmed');
      await t.services.chatOfficer.end(officer, first.conv.case_id);

      // The next chat of that site account: recorded by the system, and verified for whoever answers it.
      const next = await chatAs(signedIn('real-v'), 'typed-anything@customer.example');
      assert.equal(next.conv.customer_id, real.id, 'the link, not the address typed');
      assert.equal(next.rows.length, 1);
      assert.equal(next.rows[0]!.officer_id, SYSTEM_ACTOR.userId);
      assert.deepEqual(json(next.rows[0]!.checks), [
        { particular: 'name', result: 'match', method: 'site_sign_in' },
        { particular: 'id_number', result: 'match', method: 'site_sign_in' },
      ]);
      const taken = await answer(next.conv.case_id);
      assert.equal(taken.contact.verified, true, 'met, theirs, in progress: it unmasks for them');
      const read = await t.call(
        'officer',
        'GET',
        `/api/v1/customers/${real.id}?contactId=${taken.contact.id}`,
      );
      assert.equal(read.data.idNumber, real.said.idNumber);
      await t.services.chatOfficer.end(officer, next.conv.case_id);
    });

    test('a confirmed sign-in counts only as the particulars the policy names', async () => {
      const c = await customer();
      await setPolicy({ ...BASE, siteSignIn: ['name'] });
      await confirmedLink('cust-name', c);
      const one = await chatAs(signedIn('cust-name'));
      assert.equal(one.rows.length, 1);
      assert.equal(Boolean(one.rows[0]!.satisfies_policy), false, 'name alone leaves one of the others');
      assert.deepEqual(one.contact.verification?.checks, [{ particular: 'name', result: 'match' }]);
      assert.deepEqual(one.contact.verification?.missing, BASE.anyOf);
      const recorded = await trail('customer.verification_recorded', c.id);
      const bySite = recorded.filter((r) => json(r.after).method === 'site_sign_in');
      assert.equal(bySite.length, 1);
      assert.equal(bySite[0]!.actor_id, null, 'the system, no officer');
      await setPolicy(BASE);
      const none = await chatAs(signedIn('cust-name'));
      assert.equal(none.rows.length, 0, 'the policy names nothing: a confirmed sign-in records nothing');
    });

    test('confirming twice changes nothing; only the officer handling the chat, while it lasts', async () => {
      await setPolicy(COUNTS);
      const c = await customer();
      const chat = await chatAs(signedIn('twice'), c.email);
      const caseId = chat.conv.case_id;
      for (const role of ['trainer'] as const) {
        const res = await confirm(caseId, role);
        assert.equal(res.statusCode, 403, role);
        assert.equal(res.data.code, 'auth.forbidden');
        assert.equal((await unlink(caseId, role)).data.code, 'auth.forbidden');
      }
      assert.equal((await confirm(caseId, null)).statusCode, 401);
      assert.equal((await unlink(caseId, null)).statusCode, 401);
      // Waiting: its contact is nobody's yet.
      assert.equal((await confirm(caseId)).data.code, 'contact.not_yours');
      const { contact } = await answer(caseId);
      await askQuestions(contact.id, c);
      for (const role of ['team_leader', 'supervisor', 'administrator'] as const) {
        const res = await confirm(caseId, role);
        assert.equal(res.statusCode, 403, role);
        assert.equal(res.data.code, 'contact.not_yours', role);
        assert.equal((await unlink(caseId, role)).data.code, 'contact.not_yours', role);
      }
      assert.equal((await linkOf('twice'))?.confirmed_at, null);

      const a = await confirm(caseId);
      clock.advance(5_000);
      const b = await confirm(caseId);
      assert.equal(b.statusCode, 200);
      assert.deepEqual(b.data, a.data, 'the same confirmation');
      assert.equal((await trail('customer.site_link_confirmed', c.id)).length, 1);

      // Past the chat's wrap-up the contact is no longer the officer's to act on.
      await t.services.chatOfficer.end(officer, caseId);
      clock.advance(11 * 60_000);
      const late = await unlink(caseId);
      assert.equal(late.statusCode, 409);
      assert.equal(late.data.code, 'contact.already_ended');

      const anonymous = await chatAs(null);
      await answer(anonymous.conv.case_id);
      const none = await confirm(anonymous.conv.case_id);
      assert.equal(none.statusCode, 409);
      assert.equal(none.data.code, 'chat.no_site_sign_in');
      assert.equal((await t.services.chatOfficer.forCase(anonymous.conv.case_id)).siteLink, null);
      await t.services.chatOfficer.end(officer, anonymous.conv.case_id);
    });

    test('unlink: the link goes, its sign-in is withdrawn from the contact, audited; the next chat links afresh', async () => {
      await setPolicy(COUNTS);
      const c = await customer();
      await confirmedLink('shared-u', c);
      const chat = await chatAs(signedIn('shared-u'));
      const caseId = chat.conv.case_id;
      const { contact } = await answer(caseId);
      assert.equal(contact.verified, true, 'by the confirmed sign-in');

      // The officer asks anyway, and the answers are someone else's: a mismatch, and the link goes.
      await t.services.contacts.verify(officer, contact.id, {
        answers: [{ particular: 'date_of_birth', value: '1999-01-01' }],
      });
      const res = await unlink(caseId);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.data.state, 'unlinked');
      assert.equal(await linkOf('shared-u'), undefined);
      const after = await t.services.contacts.get(officer, contact.id);
      assert.equal(after.verified, false);
      assert.deepEqual(after.verification?.checks, [{ particular: 'date_of_birth', result: 'mismatch' }]);
      const removed = await trail('customer.site_link_removed', c.id);
      assert.equal(removed.length, 1);
      assert.equal(removed[0]!.actor_id, t.users.officer.id);
      assert.equal(json(removed[0]!.before).siteCustomerId, 'shared-u');
      assert.equal(json(removed[0]!.after).signInWithdrawn, true);
      // Again: nothing left to unlink, nothing written.
      assert.equal((await unlink(caseId)).statusCode, 200);
      assert.equal((await trail('customer.site_link_removed', c.id)).length, 1);

      // The customer corrects the answer and passes: the officer links it again, as their own link.
      await askQuestions(contact.id, c);
      await t.services.contacts.verify(officer, contact.id, {
        answers: [{ particular: 'date_of_birth', value: '1980-05-17' }],
      });
      const again = await confirm(caseId);
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.data.linkedBy, 'officer');
      assert.equal(again.data.state, 'confirmed');
      assert.equal((await unlink(caseId)).statusCode, 200);
      await t.services.chatOfficer.end(officer, caseId);

      // Its next chat is linked from what is typed, unconfirmed.
      const other = await customer();
      const next = await chatAs(signedIn('shared-u'), other.email);
      assert.equal(next.conv.customer_id, other.id);
      assert.equal((await linkOf('shared-u'))?.linked_by, 'typed_email');
      assert.equal((await linkOf('shared-u'))?.confirmed_at, null);
      assert.equal(next.rows.length, 0);
    });

    test('the customer’s page: their site accounts listed; a supervisor unlinks one after its chats, not while one is live', async () => {
      await setPolicy(COUNTS);
      const c = await customer();
      await confirmedLink('page-u', c);
      const accounts = (role: Parameters<TestApp['call']>[0]) =>
        t.call(role, 'GET', `/api/v1/customers/${c.id}/site-accounts`);
      const listed = await accounts('officer');
      assert.equal(listed.statusCode, 200, listed.body);
      assert.equal(listed.data.items.length, 1);
      assert.equal(listed.data.items[0].widgetName, 'Bank');
      assert.equal(listed.data.items[0].siteCustomerId, 'page-u');
      assert.equal(listed.data.items[0].linkedBy, 'typed_email');
      assert.equal(listed.data.items[0].confirmedBy, t.users.officer.id);
      assert.equal((await accounts(null)).statusCode, 401);
      assert.equal(
        (await t.call('officer', 'GET', `/api/v1/customers/${randomUUID()}/site-accounts`)).statusCode,
        404,
      );

      const path = `/api/v1/customers/${c.id}/site-accounts/${w.row.id}/page-u`;
      // Only who may merge records may say a site account is not this one.
      for (const role of ['officer', 'team_leader', 'trainee', 'trainer'] as const)
        assert.equal((await t.call(role, 'DELETE', path)).statusCode, 403, role);
      // While a chat of it is live, its officer unlinks it there (where the contact's sign-in goes too).
      const live = await chatAs(signedIn('page-u'));
      const busy = await t.call('supervisor', 'DELETE', path);
      assert.equal(busy.statusCode, 409, busy.body);
      assert.equal(busy.data.code, 'chat.site_link_in_use');
      await t.services.chatOfficer.end(officer, live.conv.case_id);

      const gone = await t.call('supervisor', 'DELETE', path);
      assert.equal(gone.statusCode, 204, gone.body);
      assert.equal(await linkOf('page-u'), undefined);
      assert.deepEqual((await accounts('officer')).data.items, []);
      const removed = await trail('customer.site_link_removed', c.id);
      assert.equal(removed.length, 1);
      assert.equal(removed[0]!.actor_id, t.users.supervisor.id);
      assert.equal(json(removed[0]!.before).confirmedBy, t.users.officer.id);
      // Again, or another customer's: nothing to unlink here.
      assert.equal((await t.call('supervisor', 'DELETE', path)).statusCode, 404);
      // Its next chat is linked from what is typed, unconfirmed, and verifies nothing.
      const next = await chatAs(signedIn('page-u'), c.email);
      assert.equal((await linkOf('page-u'))?.confirmed_at, null);
      assert.equal(next.rows.length, 0);
      await t.services.chatOfficer.end(officer, next.conv.case_id);
    });

    test('a transfer: the next officer’s contact gets the confirmed sign-in, not the questions asked before', async () => {
      await setPolicy({ ...BASE, siteSignIn: ['name'] });
      const c = await customer();
      await confirmedLink('xfer-x', c);
      const chat = await chatAs(signedIn('xfer-x'));
      const caseId = chat.conv.case_id;
      const first = await answer(caseId);
      await askQuestions(first.contact.id, c);
      assert.equal((await t.services.contacts.get(officer, first.contact.id)).verified, true);
      await t.services.routingTransfers.transfer(officer, {
        caseId,
        clientId: randomUUID(),
        toTeamId: t.team.id,
        note: 'Card dispute',
      });
      const next = await answer(caseId, bea);
      assert.notEqual(next.contact.id, first.contact.id, 'a new contact for the next officer');
      assert.equal(next.contact.officerId, bea.userId);
      assert.deepEqual(next.contact.verification?.checks, [{ particular: 'name', result: 'match' }]);
      assert.equal(next.contact.verified, false, 'the first officer’s id number check stays theirs');
      assert.deepEqual(next.contact.verification?.missing, BASE.anyOf);
      await t.services.chatOfficer.end(bea, caseId);

      // An unconfirmed link carries nothing either.
      const u = await chatAs(signedIn('xfer-unconfirmed'), c.email);
      await answer(u.conv.case_id);
      await t.services.routingTransfers.transfer(officer, {
        caseId: u.conv.case_id,
        clientId: randomUUID(),
        toTeamId: t.team.id,
        note: 'Card dispute',
      });
      const taken = await answer(u.conv.case_id, bea);
      assert.deepEqual(taken.contact.verification?.checks, []);
      await t.services.chatOfficer.end(bea, u.conv.case_id);
    });

    test('a customer merge moves the site link and the chats to the record kept; a confirmed link stays confirmed', async () => {
      await setPolicy(COUNTS);
      const dup = await customer();
      const kept = await customer();
      await confirmedLink('merged-1', dup);
      const merged = await t.services.customers.merge(SYSTEM_ACTOR, kept.id, {
        otherCustomerId: dup.id,
        winner: 'this',
      });
      assert.equal(merged.loserId, dup.id);
      const link = await linkOf('merged-1');
      assert.equal(link?.customer_id, kept.id);
      assert.notEqual(link?.confirmed_at, null);
      const left = await t.ctx.store.db
        .selectFrom('chat_conversations')
        .select('id')
        .where('customer_id', '=', dup.id)
        .execute();
      assert.equal(left.length, 0, 'no chat left on the merged-away record');
      // The site account's next chat opens on the record kept, verified as the policy says.
      const next = await chatAs(signedIn('merged-1'), 'whatever@customer.example');
      assert.equal(next.conv.customer_id, kept.id);
      assert.equal(next.rows.length, 1);
    });

    test('links made before provenance was kept read as unconfirmed, by the e-mail typed', async () => {
      const c = await customer();
      await sql`insert into chat_identities (widget_id, external_id, customer_id, created_at) values (${w.row.id}, ${'legacy'}, ${c.id}, ${clock.now().toISOString()})`.execute(
        t.ctx.store.db,
      );
      const row = await linkOf('legacy');
      assert.equal(row?.linked_by, 'typed_email');
      assert.equal(row?.confirmed_at, null);
      assert.equal(row?.confirmed_by, null);
      await setPolicy(COUNTS);
      const chat = await chatAs(signedIn('legacy'));
      assert.equal(chat.conv.customer_id, c.id);
      assert.equal(chat.rows.length, 0);
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
