import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { highlight, parseReference } from '../../src/server/modules/cases/case-search.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase, buildCustomer } from '../helpers/factories.ts';

/**
 * The one search box (GET /search) over cases: references, words in the subject, enquiry, notes and
 * replies (the case's full-text document, kept in the writing transaction), highlighting, filters,
 * and the groups a role sees. Each test uses words of its own: the app is shared within a database.
 */

test('references: CS-000123, cs123, 000123 and 123 name the same case; other text does not', () => {
  for (const q of ['CS-000123', 'cs-000123', 'cs123', 'CS 123', '000123', '123', ' 123 '])
    assert.equal(parseReference(q), 'CS-000123', q);
  for (const q of ['CS-', 'abc', '12a', '0', 'CS-1234567890', '1 2'])
    assert.equal(parseReference(q), null, q);
});

test('highlight escapes everything but its own <mark>', () => {
  const html = highlight('<b onclick="x()">Refund</b> & "refund" it\'s', new Set(['refund']), Infinity);
  assert.equal(
    html,
    '&lt;b onclick=&quot;x()&quot;&gt;<mark>Refund</mark>&lt;/b&gt; &amp; &quot;<mark>refund</mark>&quot; it&#39;s',
  );
  const long = Array.from({ length: 100 }, (_, i) => (i === 60 ? 'needle' : `w${i}`)).join(' ');
  const cut = highlight(long, new Set(['needle']), 10);
  assert.match(cut, /^… w56 w57 w58 w59 <mark>needle<\/mark> w61 .* w65 …$/);
});

for (const dialect of await dialects()) {
  describe(`case search on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t.close());

    const search = async (qs: string, role: Parameters<TestApp['call']>[0] = 'officer') => {
      const r = await t.call(role, 'GET', `/api/v1/search?${qs}`);
      assert.equal(r.statusCode, 200, r.body);
      return r.data;
    };
    const q = (s: string) => `q=${encodeURIComponent(s)}`;

    test('a reference in any of its forms names the case; an unknown one names none', async () => {
      const { case: c } = await buildCase(t, { subject: 'Reference lookup' });
      const n = Number(c.reference.slice(3));
      for (const form of [c.reference, c.reference.toLowerCase(), c.reference.slice(3), String(n)]) {
        const r = await search(q(form));
        assert.equal(r.reference, c.id, form);
      }
      assert.equal((await search(q('CS-999999'))).reference, null);
    });

    test('a word only in an internal note finds the case, marked, as a note', async () => {
      const { case: c } = await buildCase(t, { subject: 'Line fault', description: 'No dial tone' });
      assert.equal((await search(q('quokka'))).cases.total, 0);
      await t.services.cases.addNote(t.users.officer.actor, c.id, {
        visibility: 'internal',
        body: 'Customer mentioned a Quokka on the line',
      });
      const r = await search(q('quokka'));
      assert.equal(r.cases.total, 1);
      assert.equal(r.cases.exact, true);
      const hit = r.cases.items[0];
      assert.equal(hit.caseId, c.id);
      assert.equal(hit.matchedIn, 'note');
      assert.match(hit.snippetHtml, /<mark>Quokka<\/mark>/);
    });

    test('a word only in a customer-visible reply finds the case, as a reply', async () => {
      const { case: c } = await buildCase(t, { subject: 'Billing question' });
      await t.call('officer', 'POST', `/api/v1/cases/${c.id}/notes`, {
        visibility: 'public',
        body: 'We have refunded the wombat surcharge.',
      });
      const r = await search(q('Wombat'));
      assert.deepEqual(
        r.cases.items.map((h: { caseId: string }) => h.caseId),
        [c.id],
      );
      assert.equal(r.cases.items[0].matchedIn, 'reply');
    });

    test('every word must match, across subject, enquiry and notes; accents and case do not matter', async () => {
      const { case: c } = await buildCase(t, { subject: 'Café voucher', description: 'Lost the capybara' });
      await buildCase(t, { subject: 'Cafe only' });
      await t.services.cases.addNote(t.users.officer.actor, c.id, {
        visibility: 'internal',
        body: 'Sent a narwhal',
      });
      const r = await search(q('CAFE capybara narwhal'));
      assert.deepEqual(
        r.cases.items.map((h: { caseId: string }) => h.caseId),
        [c.id],
      );
      assert.match(r.cases.items[0].subjectHtml, /<mark>Café<\/mark> voucher/);
    });

    test('what an officer typed is escaped in the snippet, never markup', async () => {
      const { case: c } = await buildCase(t, {
        subject: '<img src=x onerror=alert(1)> ocelot',
        description: '<script>alert("ocelot")</script> & more',
      });
      const r = await search(q('ocelot'));
      const hit = r.cases.items.find((h: { caseId: string }) => h.caseId === c.id);
      assert.ok(hit);
      for (const html of [hit.subjectHtml, hit.snippetHtml]) {
        assert.doesNotMatch(html.replace(/<\/?mark>/g, ''), /[<>]/);
      }
      assert.match(
        hit.snippetHtml,
        /&lt;script&gt;alert\(&quot;<mark>ocelot<\/mark>&quot;\)&lt;\/script&gt; &amp; more/,
      );
    });

    test('the index follows edits: a changed subject is found by its new words only', async () => {
      const { case: c } = await buildCase(t, { subject: 'Pangolin billing' });
      const before = await t.call('officer', 'GET', `/api/v1/cases/${c.id}`);
      const r = await t.call(
        'officer',
        'PATCH',
        `/api/v1/cases/${c.id}`,
        { subject: 'Armadillo billing', description: 'Moved to the armadillo plan' },
        { 'if-match': `"${before.data.version}"` },
      );
      assert.equal(r.statusCode, 200, r.body);
      assert.equal((await search(q('pangolin'))).cases.total, 0);
      const found = await search(q('armadillo'));
      assert.deepEqual(
        found.cases.items.map((h: { caseId: string }) => h.caseId),
        [c.id],
      );
      assert.equal(found.cases.items[0].matchedIn, 'enquiry');
    });

    test('a note whose transaction fails leaves no trace in the index', async () => {
      const { case: c } = await buildCase(t, { subject: 'Rollback' });
      await assert.rejects(
        t.services.cases.addNote(t.users.officer.actor, c.id, {
          visibility: 'internal',
          body: 'axolotl',
          contactId: '01890000-0000-7000-8000-000000000000',
        }),
      );
      assert.equal((await search(q('axolotl'))).cases.total, 0);
    });

    test('filters: status, type, owner and creation dates narrow the cases', async () => {
      const a = (await buildCase(t, { subject: 'Meerkat one', type: 'complaint' })).case;
      const b = (
        await buildCase(t, { subject: 'Meerkat two', type: 'general_enquiry' }, t.users.team_leader.actor)
      ).case;
      const ids = async (qs: string) =>
        (await search(`${q('meerkat')}&${qs}`)).cases.items.map((h: { caseId: string }) => h.caseId).sort();
      assert.deepEqual(await ids(''), [a.id, b.id].sort());
      assert.deepEqual(await ids('type=complaint'), [a.id]);
      assert.deepEqual(await ids(`assigneeId=${t.users.team_leader.id}`), [b.id]);
      assert.deepEqual(await ids('status=open,new'), [a.id, b.id].sort());
      assert.deepEqual(await ids('status=resolved'), []);
      const day = a.createdAt.slice(0, 10);
      assert.deepEqual(await ids(`from=${day}&to=${day}`), [a.id, b.id].sort());
      assert.deepEqual(await ids('to=2000-01-01'), []);
      // A filter applies to a reference too.
      assert.equal((await search(`${q(a.reference)}&type=general_enquiry`)).reference, null);
    });

    test('groups: customers by phone, masked for an officer; articles; one kind only when asked', async () => {
      const phone = dialect === 'sqlite' ? '+65 9123 4501' : '+65 9123 4502';
      const customer = await buildCustomer(t, {
        displayName: 'Xanthippe Okonkwo',
        phones: [{ kind: 'mobile', number: phone }],
      });
      const r = await search(q(phone));
      assert.deepEqual(
        r.customers.items.map((h: { id: string }) => h.id),
        [customer.id],
      );
      assert.notEqual(r.customers.items[0].idNumber, customer.said.idNumber, 'masked for an officer');
      const sup = await search(q(phone), 'supervisor');
      assert.equal(sup.customers.items[0].idNumber, customer.said.idNumber);
      const byName = await search(`${q('Xanthippe Okonkwo')}&kind=customers`);
      assert.deepEqual(
        byName.customers.items.map((h: { id: string }) => h.id),
        [customer.id],
      );
      assert.deepEqual(byName.cases.items, []);
      assert.deepEqual(byName.articles.items, []);
      // A trainer reads cases (masked customers too) and may search; the groups are the same shape.
      const { case: c } = await buildCase(t, { subject: 'Tapir' });
      const trainer = await search(q('tapir'), 'trainer');
      assert.equal(trainer.cases.items[0]?.caseId, c.id);
    });

    test('bad input: blank query, unknown status, reversed dates', async () => {
      for (const [qs, field] of [
        ['q=%20%20', '/query/q'],
        ['q=x&status=lost', '/query/status'],
        ['q=x&from=2026-02-01&to=2026-01-01', '/query/to'],
        ['q=x&assigneeId=me', '/query/assigneeId'],
      ] as const) {
        const r = await t.call('officer', 'GET', `/api/v1/search?${qs}`);
        assert.equal(r.statusCode, 400, `${qs}: ${r.body}`);
        assert.ok(
          r.data.errors.some((e: { field: string }) => e.field === field),
          `${qs}: ${r.body}`,
        );
      }
    });
  });
}
