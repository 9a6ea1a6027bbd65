import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Ctx } from '../../src/server/platform/context.ts';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

const EXTENSION_ANSWER = /extend your payment due date by up to 14 days/;
/** A 1×1 PNG: binary bytes (above 0x7f) to prove the upload's base64 round trip. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('knowledge in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let ctx: Ctx;
  let url: string;

  const signIn = (username: string) => desktop.signIn(username);

  const articleId = async (title: string) =>
    await ctx.store.db
      .selectFrom('kb_articles as a')
      .innerJoin('kb_versions as v', 'v.id', 'a.published_version_id')
      .select(['a.id', 'a.usage_count'])
      .where('v.title', '=', title)
      .executeTakeFirstOrThrow();

  before(async () => {
    desktop = await startDesktop({ customers: 10 });
    ({ ctx, url } = desktop);
  });
  after(() => desktop.close());

  test('an officer on a call types a query, inserts the suggested answer into the reply; the article’s usage count rises and counts for the case', async () => {
    const before = await articleId('Payment extension for an overdue bill');
    assert.equal(before.usage_count, 0);
    const c = await ctx.store.db
      .selectFrom('customers')
      .select('phones')
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    const mobile = parseJson<{ number: string }[]>(c.phones, [])[0]!.number;

    const page = await signIn('olivia');
    await page.getByRole('button', { name: 'Answer call' }).click();
    await page.getByLabel('Find customer').fill(mobile);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('list', { name: 'Matching customers' }).getByRole('button').first().click();
    await page
      .getByLabel("The enquiry, in the customer's words")
      .fill('Can I have more time to pay this bill?');

    // As the enquiry is typed, the right article is already suggested first.
    const list = page.getByRole('list', { name: 'Suggested articles list' });
    await list
      .getByRole('listitem')
      .first()
      .filter({ hasText: 'Payment extension for an overdue bill' })
      .waitFor();
    // The officer searches in their own words: a typo still finds it.
    await page.getByLabel('Search the knowledge base').fill('payment extention');
    const hit = list.getByRole('listitem').filter({ hasText: 'Payment extension for an overdue bill' });
    await hit.waitFor();
    assert.equal(
      await list.getByRole('listitem').first().locator('strong').innerText(),
      'Payment extension for an overdue bill',
      'the expected article is the top suggestion',
    );
    assert.equal((await hit.locator('mark').count()) > 0, true, 'matches are highlighted');
    assert.equal(await hit.getByTestId('usage-count').innerText(), 'used 0×');
    await assertAccessible(page, 'contact flow with suggestions');

    await hit.getByRole('button', { name: 'Insert answer' }).click();
    await hit.getByTestId('usage-count').filter({ hasText: 'used 1×' }).waitFor();
    assert.match(await page.getByLabel('Resolution summary').inputValue(), EXTENSION_ANSWER);
    await page.screenshot({ path: `${SHOTS}/kb-01-suggestions.png`, fullPage: true });

    // The usage is stored against the article and this contact.
    const after1 = await articleId('Payment extension for an overdue bill');
    assert.equal(after1.usage_count, 1);

    await page.getByLabel('Customer confirmed it is resolved to their satisfaction').check();
    await page.getByRole('button', { name: 'Save outcome' }).click();
    await page.getByRole('status').filter({ hasText: 'saved' }).waitFor();

    // The article page shows the count; the usage report counts the case the call opened, resolved.
    await page.goto(`${url}/#/kb/${before.id}`);
    await page.getByTestId('article-usage').filter({ hasText: 'used 1×' }).waitFor();
    await assertAccessible(page, 'article page');
    const { services } = desktop;
    const report = await services.knowledge.usageReport(10);
    const row = report.find((r) => r.articleId === before.id);
    assert.deepEqual(row && { uses: row.uses, cases: row.cases, resolved: row.resolvedCases }, {
      uses: 1,
      cases: 1,
      resolved: 1,
    });
    await page.close();
  });

  test('a team leader reviews a draft with preview and diff; an officer proposes a solution, the leader agrees and sends it; the officer acknowledges; the leader sees it', async () => {
    // The officer writes an article with a preview and submits it.
    const olivia = await signIn('olivia');
    await olivia.goto(`${url}/#/kb/new`);
    await olivia.getByLabel('Title').fill('eBill sign-up');
    await olivia.getByLabel('Body (Markdown)').fill('Sign up in the app under **Billing → eBill**.');
    await olivia.getByRole('button', { name: 'Preview' }).click();
    assert.equal(
      await olivia.getByRole('region', { name: 'Preview' }).locator('strong').innerText(),
      'Billing → eBill',
    );
    await olivia.getByRole('button', { name: 'Save draft' }).click();
    await olivia.getByRole('button', { name: 'Submit for review' }).click();
    await olivia.getByTestId('article-status').filter({ hasText: 'in review' }).waitFor();
    // No approve button for an officer.
    assert.equal(await olivia.getByRole('button', { name: 'Approve and publish' }).count(), 0);

    const lena = await signIn('lena');
    await lena.goto(`${url}/#/kb/review`);
    await lena.getByRole('link', { name: 'eBill sign-up' }).click();
    await lena.getByRole('button', { name: 'Approve and publish' }).click();
    await lena.getByTestId('article-status').filter({ hasText: 'published' }).waitFor();
    // The next version, compared with the published one.
    await lena.getByRole('button', { name: 'Write a new version' }).click();
    await lena
      .getByLabel('Body (Markdown)')
      .fill('Sign up in the app under **Billing → eBill**. It is free.');
    await lena.getByLabel('What changed').fill('Say it is free');
    await lena.getByRole('button', { name: 'Save draft' }).click();
    await lena.getByRole('button', { name: 'Compare with v1' }).click();
    const changes = lena.getByRole('region', { name: 'Changes from v1 to v2' });
    assert.match(await changes.locator('pre ins').first().innerText(), /It is free\./);
    assert.match(await changes.locator('pre del').first().innerText(), /eBill\*\*\.$/m);
    // Only what was changed is listed: the answer derived from the body is not made explicit.
    assert.deepEqual(await changes.locator('p').allInnerTexts(), []);

    // The officer proposes an agreed solution.
    await olivia.goto(`${url}/#/kb/solutions`);
    await olivia.getByRole('button', { name: 'Propose a solution' }).click();
    await olivia
      .getByLabel('The problem, as customers meet it')
      .fill('Customers abroad cannot receive the OTP by SMS');
    await olivia
      .getByLabel('The solution and response to apply every time (Markdown)')
      .fill('Send the one-time password by **e-mail** instead, after full verification.');
    await olivia.getByRole('button', { name: 'Propose' }).click();
    await olivia.getByTestId('solution-status').filter({ hasText: 'proposed' }).waitFor();
    await assertAccessible(olivia, 'proposed solution');

    // The team leader comments and agrees it for the hotline team.
    await lena.goto(`${url}/#/kb/solutions`);
    await lena.getByRole('link', { name: 'Customers abroad cannot receive the OTP by SMS' }).click();
    await lena.getByLabel('Comment').fill('Agreed with Security.');
    await lena.getByRole('button', { name: 'Add comment' }).click();
    await lena.getByText('Agreed with Security.').waitFor();
    await lena.getByLabel('Article title').fill('OTP for customers abroad');
    await lena.getByLabel('Hotline Team A').check();
    await lena.getByRole('button', { name: 'Agree, publish and send' }).click();
    await lena.getByTestId('solution-status').filter({ hasText: 'agreed' }).waitFor();

    // The officer has it to read and acknowledges.
    await olivia.goto(`${url}/#/kb/reading`);
    await olivia.getByRole('link', { name: 'To read (1)' }).waitFor();
    const item = olivia
      .getByRole('list', { name: 'To read' })
      .getByRole('listitem')
      .filter({ hasText: 'OTP for customers abroad' });
    await item.getByRole('button', { name: 'I have read it' }).click();
    await item.getByText(/^read /).waitFor();
    await olivia.getByRole('link', { name: 'To read', exact: true }).waitFor();

    // The team leader sees who has read it and who has not.
    await lena.goto(`${url}/#/kb/sent`);
    const sent = lena
      .getByRole('table', { name: 'Sent for reading' })
      .getByRole('row')
      .filter({ hasText: 'OTP for customers abroad' });
    await sent.waitFor();
    assert.match(await sent.getByTestId('ack-count').innerText(), /^1 of \d+$/);
    assert.doesNotMatch(await sent.innerText(), /Olivia Tan/);
    assert.match(await sent.innerText(), /Tom Lim/);
    await assertAccessible(lena, 'sent for reading');
    await lena.screenshot({ path: `${SHOTS}/kb-02-sent.png`, fullPage: true });
    await olivia.close();
    await lena.close();
  });

  test('an author attaches a PNG to a draft from the editor; it is listed, stored and downloads byte for byte; a file over 5 MB is refused', async () => {
    const page = await signIn('olivia');
    await page.goto(`${url}/#/kb/new`);
    // Attachments need an article: a new one says so instead of offering the input.
    await page.getByText('Save the draft first to attach files.').waitFor();
    await page.getByLabel('Title').fill('Screenshots of the eBill screen');
    await page.getByLabel('Body (Markdown)').fill('Where to find **eBill** in the app.');
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.getByRole('button', { name: 'Edit draft' }).click();
    const editor = page.getByRole('region', { name: 'Article editor' });
    await editor.getByRole('heading', { name: 'Edit draft' }).waitFor();

    await editor
      .getByLabel('Attach a file')
      .setInputFiles({ name: 'ebill.png', mimeType: 'image/png', buffer: PNG });
    const files = editor.getByRole('list', { name: 'Attached files' });
    const link = files.getByRole('link', { name: 'ebill.png' });
    await link.waitFor();
    await assertAccessible(page, 'article editor with an attachment');

    const row = await ctx.store.db
      .selectFrom('kb_attachments')
      .select(['id', 'article_id', 'content_type', 'size', 'data'])
      .where('filename', '=', 'ebill.png')
      .executeTakeFirstOrThrow();
    assert.deepEqual([row.content_type, row.size], ['image/png', PNG.length]);
    assert.ok(Buffer.from(row.data).equals(PNG), 'the stored bytes are the file');
    // Through the link the page shows, with the session: the same bytes, shown inline as an image.
    const href = await link.getAttribute('href');
    assert.equal(href, `/api/v1/kb/attachments/${row.id}`);
    const got = await page.evaluate(async (h) => {
      const r = await fetch(h);
      return {
        type: r.headers.get('content-type'),
        disposition: r.headers.get('content-disposition'),
        bytes: [...new Uint8Array(await r.arrayBuffer())],
      };
    }, href!);
    assert.equal(got.type, 'image/png');
    assert.match(got.disposition ?? '', /^inline; filename="ebill\.png"/);
    assert.ok(Buffer.from(got.bytes).equals(PNG), 'the downloaded bytes are the file');

    // Too large: refused with the limit named, nothing uploaded.
    await editor.getByLabel('Attach a file').setInputFiles({
      name: 'big.bin',
      mimeType: 'application/octet-stream',
      buffer: Buffer.alloc(5 * 1024 * 1024 + 1),
    });
    await editor.getByRole('alert').filter({ hasText: 'big.bin is 5.0 MB; the limit is 5 MB.' }).waitFor();
    assert.equal(await files.getByRole('listitem').count(), 1);

    // The article page lists it too, and a writer can attach from there.
    await page.goto(`${url}/#/kb/${row.article_id}`);
    const view = page.getByRole('region', { name: 'Attachments' });
    await view.getByRole('link', { name: 'ebill.png' }).waitFor();
    await view.getByLabel('Attach a file').setInputFiles({
      name: 'steps.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('1. Öffnen\n2. eBill\n'),
    });
    await view.getByRole('link', { name: 'steps.txt' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/kb-03-attachments.png`, fullPage: true });
    await page.close();
  });

  test('a supervisor adds a synonym group (a bad one is refused with its line); the new word then finds the article that uses only the other; an officer has no Synonyms tab', async () => {
    const hearing = 'Customers with hearing impairment: text relay';
    const sam = await signIn('sam');
    const search = async (q: string) => {
      await sam.goto(`${url}/#/kb`);
      await sam.getByLabel('Search articles').fill(q);
      const results = sam.getByRole('list', { name: 'Search results' });
      await results.waitFor();
      return results;
    };
    // Before: the article never says "deaf", so it is not found.
    const before = await search('deaf');
    assert.equal(await before.getByRole('listitem').filter({ hasText: hearing }).count(), 0);

    await sam.getByRole('link', { name: 'Synonyms' }).click();
    const groups = sam.getByLabel('Synonym groups');
    await groups.waitFor();
    await groups.fill('instalment, installment, payment plan\nDeaf, deaf');
    await sam.getByRole('button', { name: 'Save synonyms' }).click();
    await sam
      .getByRole('alert')
      .filter({ hasText: 'Line 2: needs two different words or phrases' })
      .waitFor();
    await assertAccessible(sam, 'synonyms editor with an error');

    await groups.fill('instalment, installment, payment plan\n\ndeaf, hearing impaired');
    await sam.getByRole('button', { name: 'Save synonyms' }).click();
    await sam.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    assert.equal(await groups.inputValue(), 'instalment, installment, payment plan\ndeaf, hearing impaired');
    const stored = await ctx.store.db
      .selectFrom('kb_synonyms')
      .select('terms')
      .orderBy('created_at')
      .execute();
    assert.deepEqual(
      stored.map((r) => parseJson<string[]>(r.terms, [])),
      [
        ['instalment', 'installment', 'payment plan'],
        ['deaf', 'hearing impaired'],
      ],
    );
    await sam.screenshot({ path: `${SHOTS}/kb-04-synonyms.png`, fullPage: true });

    const after = await search('deaf');
    await after.getByRole('listitem').first().filter({ hasText: hearing }).waitFor();
    await sam.close();

    const olivia = await signIn('olivia');
    await olivia.goto(`${url}/#/kb`);
    await olivia.getByRole('link', { name: 'Policy questions' }).waitFor();
    assert.equal(await olivia.getByRole('link', { name: 'Synonyms' }).count(), 0);
    // Typing the address does not open the editor either (and the server refuses the save: kb.manage).
    await olivia.goto(`${url}/#/kb/synonyms`);
    await olivia.getByRole('navigation', { name: 'Knowledge' }).waitFor();
    assert.equal(await olivia.getByLabel('Synonym groups').count(), 0);
    await olivia.close();
  });

  test('an officer flags a policy inconsistency on a case to a named supervisor, who answers; the case shows the answer', async () => {
    const { services } = desktop;
    const olivia = await ctx.store.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    const actor = { userId: olivia.id, role: 'officer', via: 'session' as const };
    const contact = await services.contacts.create(actor, { channel: 'phone', direction: 'inbound' });
    const c = await services.cases.create(actor, {
      contactId: contact.id,
      type: 'complaint',
      subject: 'Late fee while in hospital',
    });

    const page = await signIn('olivia');
    await page.goto(`${url}/#/cases/${c.id}`);
    await page.getByText('Flag a policy inconsistency').click();
    await page.getByLabel('Raise to').selectOption({ label: 'Sam Rahman (supervisor)' });
    await page
      .getByLabel('The policy or procedure')
      .fill('A second late-fee waiver in a year needs approval');
    await page
      .getByLabel('What the customer needs that it does not meet')
      .fill('Was in hospital for both bills');
    await page.getByLabel('Evidence').fill('Discharge letters seen; dates match the bills');
    await page.getByRole('button', { name: 'Raise' }).click();
    await page.getByRole('heading', { name: 'Policy questions' }).waitFor();
    await assertAccessible(page, 'case page with a policy question');

    const sam = await signIn('sam');
    await sam.goto(`${url}/#/kb/flags`);
    const item = sam
      .getByRole('listitem')
      .filter({ hasText: 'A second late-fee waiver in a year needs approval' });
    await item.getByLabel('Your answer').fill('Waive it: medical grounds are an exception.');
    await item.getByRole('button', { name: 'Answer' }).click();
    await item.getByText('answered', { exact: true }).waitFor();

    await page.reload();
    await page.getByText('Waive it: medical grounds are an exception.').waitFor();
    const kinds = (await services.cases.get(c.id)).timeline.map((e) => e.kind);
    assert.ok(kinds.includes('policy_flag.raised') && kinds.includes('policy_flag.answered'), kinds.join());
    // The timeline says it in words, not as the server's event names.
    const timeline = await page.getByRole('list', { name: 'Conversation' }).innerText();
    assert.match(timeline, /Policy question raised/);
    assert.match(timeline, /Policy question answered/);
    assert.doesNotMatch(timeline, /policy_flag|policy flag\./);
    await page.close();
    await sam.close();
  });
});
