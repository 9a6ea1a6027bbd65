import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Ctx } from '../../src/server/platform/context.ts';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

describe('templates and call scripts in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let ctx: Ctx;
  let url: string;

  const signIn = (username: string) => desktop.signIn(username);

  /** The n-th demo customer by creation, with the particulars the test needs. */
  async function customerAt(n: number) {
    const c = await ctx.store.db
      .selectFrom('customers')
      .select(['id', 'display_name', 'phones'])
      .orderBy('created_at')
      .offset(n)
      .limit(1)
      .executeTakeFirstOrThrow();
    const account = await ctx.store.db
      .selectFrom('accounts')
      .select('account_number')
      .where('customer_id', '=', c.id)
      .orderBy('opened_at')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    return {
      id: c.id,
      name: c.display_name,
      mobile: parseJson<{ number: string }[]>(c.phones, [])[0]!.number,
      accountNumber: account.account_number,
    };
  }

  before(async () => {
    desktop = await startDesktop({ customers: 12 });
    ({ ctx, url } = desktop);
  });
  after(() => desktop.close());

  test("beside the call, the officer follows the payment-extension script: a branch, the customer's real name, particulars once verified", async () => {
    const who = await customerAt(2);
    const page = await signIn('olivia');
    await page.getByRole('button', { name: 'Answer call' }).click();
    await page.getByLabel('Find customer').fill(who.mobile);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('list', { name: 'Matching customers' }).getByRole('button').first().click();
    await page.getByTestId('id-number').waitFor();

    const panel = page.getByRole('region', { name: 'Call script' });
    await panel.getByLabel('Script to follow').selectOption({ label: 'Payment extension' });
    const text = panel.getByTestId('script-text');
    await panel.getByRole('heading', { name: 'Confirm identity' }).waitFor();
    await text.filter({ hasText: who.name }).waitFor();
    assert.equal(
      await text.innerText(),
      `Before we discuss the bill, ${who.name}, I need to confirm a few details with you. (Verify the customer in the contact flow before you go on.)`,
    );

    await panel.getByRole('button', { name: 'Next step' }).click();
    await panel.getByRole('heading', { name: 'Ask the reason' }).waitFor();
    // Not verified yet: the account number is masked, and the panel says so.
    await text.filter({ hasText: '****' }).waitFor();
    assert.ok(!(await text.innerText()).includes(who.accountNumber));
    assert.match(await panel.innerText(), /Masked until the customer is verified: account number/);
    await assertAccessible(page, 'contact flow with a call script');
    await page.screenshot({ path: `${SHOTS}/scripts-01-contact-flow.png`, fullPage: true });

    // Verified on this contact, the same step shows the real account number when read again.
    await page.getByLabel('Registered name').fill(who.name);
    await page.getByLabel('Account number').fill(who.accountNumber);
    await page.getByRole('button', { name: 'Check answers' }).click();
    await page.getByText('Verified: account details shown.').waitFor();
    await panel.getByRole('button', { name: 'Back' }).click();
    await panel.getByRole('heading', { name: 'Confirm identity' }).waitFor();
    await panel.getByRole('button', { name: 'Next step' }).click();
    await text.filter({ hasText: who.accountNumber }).waitFor();

    // The customer is in temporary hardship: the branch offers the extension, then confirms it.
    const answers = panel.getByRole('list', { name: "Customer's answer" });
    await answers.getByRole('button', { name: 'Temporary hardship' }).click();
    await panel.getByRole('heading', { name: 'Offer an extension' }).waitFor();
    assert.match(
      await text.innerText(),
      /^I can extend the due date by up to 14 days\. The outstanding balance is SGD /,
    );
    await answers.getByRole('button', { name: 'Customer accepts' }).click();
    await panel.getByRole('heading', { name: 'Confirm and record' }).waitFor();
    await text.filter({ hasText: `Thank you, ${who.name}.` }).waitFor();
    // No case yet: the reference is shown as a gap to fill, and said so.
    assert.match(await text.innerText(), /Your case reference is \[case reference\]\.$/);
    assert.match(await panel.innerText(), /No value here yet, shown in \[brackets\]: case reference/);
    assert.match(await panel.innerText(), /Step 4 · Payment extension/);

    // Back retraces the path taken, not the list order.
    await panel.getByRole('button', { name: 'Back' }).click();
    await panel.getByRole('heading', { name: 'Offer an extension' }).waitFor();
    await answers.getByRole('button', { name: 'Customer accepts' }).click();
    await panel.getByRole('button', { name: 'Next step' }).click();
    await panel.getByRole('heading', { name: 'Close the call' }).waitFor();
    await panel.getByText('End of the script.').waitFor();
    await page.close();
  });

  test('on a case, the officer picks an e-mail template, sees it filled with the case reference, and inserts it into the reply', async () => {
    const who = await customerAt(3);
    const olivia = await ctx.store.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    const actor = { userId: olivia.id, role: 'officer', via: 'session' as const };
    const services = desktop.services;
    const contact = await services.contacts.create(actor, {
      channel: 'phone',
      direction: 'inbound',
      customerId: who.id,
    });
    const c = await services.cases.create(actor, {
      contactId: contact.id,
      type: 'request_for_action',
      subject: 'Asks for a two-week payment extension',
    });

    const page = await signIn('olivia');
    await page.goto(`${url}/#/cases/${c.id}`);
    await page.getByLabel('Insert a standard text').selectOption({ label: 'Acknowledge the enquiry' });
    const preview = page.getByRole('figure', { name: "Preview with this case's details" });
    await preview.waitFor();
    assert.equal(
      await preview.getByTestId('template-subject').innerText(),
      `We have your enquiry – ${c.reference}`,
    );
    const body = await preview.getByTestId('template-text').innerText();
    assert.match(body, new RegExp(`^Dear ${who.name},`));
    assert.ok(
      body.includes(
        `Thank you for contacting us about "Asks for a two-week payment extension". Your case reference is ${c.reference}.`,
      ),
      body,
    );
    assert.ok(body.includes('Olivia Tan'), 'signed by the officer using it');
    await assertAccessible(page, 'case page with a template preview');
    await page.screenshot({ path: `${SHOTS}/scripts-02-case-template.png`, fullPage: true });

    await page.getByRole('button', { name: 'Insert text' }).click();
    const reply = page.getByLabel('Reply (the customer sees this)');
    assert.equal(await reply.inputValue(), body);
    await page.getByRole('button', { name: 'Add reply' }).click();
    // In the conversation, once saved: the preview above the composer says the same words already.
    await page
      .getByRole('list', { name: 'Conversation' })
      .getByText(`Your case reference is ${c.reference}.`, { exact: false })
      .first()
      .waitFor();
    const notes = await ctx.store.db
      .selectFrom('case_notes')
      .selectAll()
      .where('case_id', '=', c.id)
      .execute();
    assert.equal(notes.length, 1);
    assert.equal(notes[0]!.visibility, 'public');
    assert.ok(notes[0]!.body.includes(c.reference));
    await page.close();
  });

  test('a team leader opens Templates & scripts, writes an SMS template with a variable, and is its author; an officer has no such screen', async () => {
    const lena = await ctx.store.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'lena')
      .executeTakeFirstOrThrow();
    const page = await signIn('lena');
    const refused: string[] = [];
    page.on('response', (r) => {
      if (r.status() === 403) refused.push(`${r.request().method()} ${r.url()}`);
    });
    await page.locator('#nav-scripts').click();
    await page.getByRole('heading', { level: 1, name: 'Templates & scripts' }).waitFor();
    assert.equal(await page.locator('#nav-scripts').getAttribute('aria-current'), 'page');
    const templates = page.getByRole('region', { name: 'Templates for replies and calls' });
    await templates.getByRole('cell', { name: 'Acknowledge the enquiry', exact: true }).waitFor();
    const scripts = page.getByRole('region', { name: 'Call scripts' });
    await scripts.getByRole('button', { name: 'Edit script Payment extension' }).waitFor();
    await assertAccessible(page, 'templates and scripts for a team leader');

    const form = templates.getByRole('form', { name: 'New template' });
    await form.getByLabel('Kind of template').selectOption({ label: 'SMS template' });
    await form.getByLabel('Template name').fill('Call-back missed');
    await form.getByLabel(/^Text/).fill('Dear {{customer.name}}, we tried to call you about ');
    await form.getByLabel('Insert a variable').selectOption({ label: 'Case reference — {{case.reference}}' });
    await form.getByRole('button', { name: 'Add template' }).click();
    await templates.getByRole('status').filter({ hasText: 'Saved “Call-back missed”.' }).waitFor();
    const listed = templates.getByRole('row').filter({ hasText: 'Call-back missed' });
    assert.match(await listed.innerText(), /SMS template\s+customer\.name, case\.reference/);
    await page.screenshot({ path: `${SHOTS}/scripts-03-team-leader.png`, fullPage: true });

    const row = await ctx.store.db
      .selectFrom('templates')
      .selectAll()
      .where('name', '=', 'Call-back missed')
      .executeTakeFirstOrThrow();
    assert.equal(row.kind, 'sms');
    assert.equal(row.body, 'Dear {{customer.name}}, we tried to call you about {{case.reference}}');
    assert.equal(row.created_by, lena.id);
    assert.equal(row.updated_by, lena.id);
    assert.deepEqual(refused, [], 'the screen asks the API for nothing a team leader may not have');
    await page.close();

    // An officer uses templates but does not write them: no link, and the route shows no editor.
    const officer = await signIn('olivia');
    await officer.locator('#nav-kb').waitFor();
    assert.equal(await officer.locator('#nav-scripts').count(), 0);
    await officer.goto(`${url}/#/scripts`);
    await officer.reload();
    await officer.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.equal(await officer.getByRole('heading', { name: 'Templates & scripts' }).count(), 0);
    assert.equal(await officer.locator('main form, main textarea, main input').count(), 0);
    await officer.close();
  });

  test('a supervisor finds the editor from Administration, writes a phrase (an unknown variable is refused beside the text) and opens a script’s steps', async () => {
    const page = await signIn('sam');
    await page.getByRole('link', { name: 'Administration' }).click();
    const admin = page.getByRole('main');
    await admin.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    await admin.getByRole('link', { name: 'Templates & scripts' }).waitFor();
    await assertAccessible(page, 'administration');
    // One editor: Administration points to it rather than holding a second copy.
    assert.equal(await admin.getByRole('region', { name: 'Templates for replies and calls' }).count(), 0);
    await admin.getByRole('link', { name: 'Templates & scripts' }).click();
    await page.getByRole('heading', { level: 1, name: 'Templates & scripts' }).waitFor();
    const templates = page.getByRole('region', { name: 'Templates for replies and calls' });
    await templates.getByRole('cell', { name: 'Acknowledge the enquiry', exact: true }).waitFor();

    const form = templates.getByRole('form', { name: 'New template' });
    await form.getByLabel('Template name').fill('Apology for a late call-back');
    await form.getByLabel(/^Text/).fill('Sorry, {{customer.nickname}}, we are late with {{case.reference}}.');
    await form.getByRole('button', { name: 'Add template' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: 'uses an unknown variable {{customer.nickname}}' })
      .waitFor();
    await form.getByLabel(/^Text/).fill('Sorry, ');
    await form.getByLabel('Insert a variable').selectOption({ label: 'Customer name — {{customer.name}}' });
    assert.equal(await form.getByLabel(/^Text/).inputValue(), 'Sorry, {{customer.name}}');
    await form.getByRole('button', { name: 'Add template' }).click();
    await templates.getByRole('cell', { name: 'Apology for a late call-back', exact: true }).waitFor();
    const row = await ctx.store.db
      .selectFrom('templates')
      .selectAll()
      .where('name', '=', 'Apology for a late call-back')
      .executeTakeFirstOrThrow();
    assert.equal(row.body, 'Sorry, {{customer.name}}');

    const scripts = page.getByRole('region', { name: 'Call scripts' });
    await scripts.getByRole('button', { name: 'Edit script Payment extension' }).click();
    const editor = scripts.getByRole('form', { name: 'Edit the call script' });
    await editor.waitFor();
    assert.equal(await editor.getByLabel('Step 2 title').inputValue(), 'Ask the reason');
    assert.equal(
      await editor.getByLabel('Step 2 choice 1', { exact: true }).inputValue(),
      'Temporary hardship',
    );
    // Renaming the last step leaves the steps that went on to it pointing nowhere: refused, and
    // the message sits with each of those steps. Nothing is saved.
    await editor.getByLabel('Step 7 id').fill('finish');
    await editor.getByRole('button', { name: 'Save the script' }).click();
    await editor.getByRole('alert').filter({ hasText: 'names no step: "close"' }).first().waitFor();
    assert.equal(await editor.getByRole('alert').filter({ hasText: 'names no step: "close"' }).count(), 3);
    await assertAccessible(page, 'call script editor');
    await page.screenshot({ path: `${SHOTS}/scripts-04-script-editor.png`, fullPage: true });
    const stored = await ctx.store.db
      .selectFrom('call_scripts')
      .select('version')
      .where('name', '=', 'Payment extension')
      .executeTakeFirstOrThrow();
    assert.equal(stored.version, 1);
    await editor.getByLabel('Step 7 id').fill('close');
    await editor.getByRole('button', { name: 'Save the script' }).click();
    await scripts.getByRole('status').filter({ hasText: 'Saved “Payment extension”.' }).waitFor();
    await page.close();
  });
});
