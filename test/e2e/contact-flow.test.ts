import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { Browser, Page } from 'playwright-core';
import type { Ctx } from '../../src/server/platform/context.ts';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, DEMO_PASSWORD as PASSWORD, startDesktop } from '../helpers/desktop.ts';

describe('agent desktop in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let browser: Browser;
  let ctx: Ctx;
  let url: string;
  let mobile: string;
  let idNumber: string;
  let name: string;

  const signIn = (username: string) => desktop.signIn(username);

  /** Answer a call and pick the customer found by `query` (the n-th customer by creation). */
  async function answerAndFind(page: Page, query: string) {
    await page.getByRole('button', { name: 'Answer call' }).click();
    await page.getByLabel('Find customer').fill(query);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('list', { name: 'Matching customers' }).getByRole('button').first().click();
    await page.getByTestId('id-number').waitFor();
  }

  /** The services and Olivia's actor, to set up records the way the app would. */
  async function asOlivia() {
    const olivia = await ctx.store.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    return {
      services: desktop.services,
      actor: { userId: olivia.id, role: 'officer', via: 'session' as const },
    };
  }

  async function customerAt(n: number) {
    const c = await ctx.store.db
      .selectFrom('customers')
      .select(['id', 'phones', 'id_number', 'display_name'])
      .orderBy('created_at')
      .offset(n)
      .limit(1)
      .executeTakeFirstOrThrow();
    return {
      id: c.id,
      mobile: parseJson<{ number: string }[]>(c.phones, [])[0]!.number,
      idNumber: c.id_number!,
      displayName: c.display_name,
    };
  }

  before(async () => {
    desktop = await startDesktop({ customers: 30 });
    ({ ctx, url, browser } = desktop);
    const c = await ctx.store.db
      .selectFrom('customers')
      .select(['id', 'phones', 'id_number', 'display_name'])
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    mobile = parseJson<{ number: string }[]>(c.phones, [])[0]!.number;
    // Kept as a text's sender is kept (E.164, "+6591234567"), so the card has something to format;
    // search goes by the number's normalised key, which is the same.
    await ctx.store.db
      .updateTable('customers')
      .set({ phones: JSON.stringify([{ kind: 'mobile', number: mobile.replace(/\s/g, '') }]) })
      .where('id', '=', c.id)
      .execute();
    idNumber = c.id_number!;
    name = c.display_name;
  });
  after(() => desktop.close());

  test('an officer finds a caller by mobile, verifies, classifies, resolves with confirmation; the case shows resolved with its timeline', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await assertAccessible(page, 'login page');
    await page.screenshot({ path: `${SHOTS}/01-login.png` });
    await page.getByLabel('Username').fill('olivia');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('button', { name: 'Answer call' }).click();
    await page.getByText('This is Olivia Tan').waitFor();
    await page.getByLabel('Find customer').fill(mobile);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('list', { name: 'Matching customers' }).getByRole('button').first().click();

    // Unverified: particulars and account numbers are masked.
    const id = page.getByTestId('id-number');
    await id.waitFor();
    assert.match(await id.innerText(), /^\*+/);
    assert.match(await page.getByTestId('account').first().innerText(), /^\*+\d{4}/);
    await assertAccessible(page, 'contact flow');

    // The officer types what the caller says; the server compares it with the record.
    await page.getByLabel('Registered name').fill(name.toUpperCase());
    await page.getByLabel('ID number (NRIC / passport)').fill(idNumber.toLowerCase());
    await page.getByRole('button', { name: 'Check answers' }).click();
    await page.getByText('Verified: account details shown.').waitFor();
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="id-number"]')?.textContent === want,
      idNumber,
    );
    // The mobile as people read it ("+65 9123 4567"), not as stored.
    const mobileShown = page.getByRole('region', { name: 'Customer' }).locator('dt:has-text("Mobile") + dd');
    await mobileShown
      .filter({ hasText: parsePhoneNumberFromString(mobile)!.formatInternational() })
      .waitFor();

    await page
      .getByLabel("The enquiry, in the customer's words")
      .fill('I was charged twice for roaming last month.');
    // A reload in the middle of the call loses nothing: the contact, the customer, the verification and the words.
    await page.reload();
    assert.equal(
      await page.getByLabel("The enquiry, in the customer's words").inputValue(),
      'I was charged twice for roaming last month.',
    );
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="id-number"]')?.textContent === want,
      idNumber,
    );
    await page.getByLabel('Type').selectOption('complaint');
    await page.getByLabel('Resolution summary').fill('Explained the duplicate charge; refund issued.');
    await page.getByLabel('Customer confirmed it is resolved to their satisfaction').check();
    await page.screenshot({ path: `${SHOTS}/02-contact-flow.png`, fullPage: true });
    await page.getByRole('button', { name: 'Save outcome' }).click();
    const saved = page.getByRole('status').filter({ hasText: 'saved' });
    await saved.waitFor();
    assert.match(await saved.innerText(), /CS-\d{6} saved \(resolved\)/);
    await page.getByLabel('Asked “Is there anything else I can help you with?”').check();
    await page.getByRole('button', { name: 'End contact' }).click();
    await page.getByText(/Contact ended after \d+ s/).waitFor();

    await saved.getByRole('link').click();
    await page.getByTestId('case-status').waitFor();
    assert.equal(await page.getByTestId('case-status').innerText(), 'resolved');
    const conversation = page.getByRole('list', { name: 'Conversation' });
    // Authors are named once the colleagues list has arrived (fetched beside the case): until then
    // the thread says "a colleague", so wait for the name rather than read the first render.
    let timeline = await conversation.innerText();
    for (let i = 0; i < 50 && !/Enquiry · Olivia Tan/.test(timeline); i++) {
      await page.waitForTimeout(100);
      timeline = await conversation.innerText();
    }
    assert.match(timeline, /Enquiry · Olivia Tan/);
    assert.match(timeline, /Status changed → resolved/);
    assert.match(
      await page.getByRole('complementary', { name: 'Case properties' }).innerText(),
      /confirmed by the customer/,
    );
    await assertAccessible(page, 'case page');
    await page.screenshot({ path: `${SHOTS}/03-case.png`, fullPage: true });

    const row = await ctx.store.db
      .selectFrom('cases')
      .selectAll()
      .where('status', '=', 'resolved')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(Boolean(row.customer_confirmed), true);
    await page.close();
  });

  test("an officer escalates a highly critical problem to Billing; Billing's team leader sees it at the top of the queue", async () => {
    const billing = await ctx.store.db
      .selectFrom('departments')
      .selectAll()
      .where('name', '=', 'Billing')
      .executeTakeFirstOrThrow();
    // Two ordinary referrals already wait in Billing's queue.
    const { services, actor } = await asOlivia();
    for (const subject of ['Older billing question', 'Another billing question']) {
      const other = await customerAt(5);
      const contact = await services.contacts.create(actor, {
        channel: 'phone',
        direction: 'inbound',
        customerId: other.id,
      });
      const c = await services.cases.create(actor, {
        contactId: contact.id,
        type: 'request_for_action',
        subject,
      });
      await services.cases.refer(actor, c.id, {
        mode: 'transfer',
        departmentId: billing.id,
        reason: 'Billing to check',
      });
      // Those calls are over: an open contact would be Olivia's call in progress when she signs in.
      await services.contacts.update(actor, contact.id, { end: true });
    }

    const page = await signIn('olivia');
    const who = await customerAt(1);
    await answerAndFind(page, who.mobile);
    await page.getByLabel('Registered name').fill(who.displayName);
    await page.getByLabel('ID number (NRIC / passport)').fill(who.idNumber);
    await page.getByRole('button', { name: 'Check answers' }).click();
    await page.getByText('Verified: account details shown.').waitFor();
    await page
      .getByLabel("The enquiry, in the customer's words")
      .fill('Whole account barred after a payment was wrongly reversed');
    await page.getByLabel('Type').selectOption('complaint');
    await page.getByLabel('Highly critical').check();
    await page.getByLabel('Escalate to department').check();
    await page
      .getByRole('combobox', { name: /^Department/ })
      .selectOption({ label: `Billing — ${billing.phone} (${billing.hours})` });
    await page.getByLabel('Reason / note').fill('Payment reversal barred the account; restore today');
    await page.getByRole('button', { name: 'Save outcome' }).click();
    await page.getByRole('status').filter({ hasText: 'saved (pending action party)' }).waitFor();
    // The contact in progress is the server's: end it, or Olivia's next sign-in resumes it.
    await page.getByRole('button', { name: 'End contact' }).click();
    await page.getByText(/Contact ended after/).waitFor();
    await page.close();

    const lead = await signIn('bella');
    await lead.getByRole('link', { name: 'Queues' }).click();
    const table = lead.getByRole('table', { name: 'Cases in this queue' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    assert.equal(await rows.count(), 3);
    const top = await rows.first().innerText();
    assert.match(top, /Whole account barred/);
    assert.match(top, /urgent/);
    assert.match(top, /Highly critical/);
    // The highly critical policy (4 hours, around the clock) gives it a due time.
    const dueCell = await rows.first().locator('td').nth(7).innerText();
    assert.match(dueCell, /On time · due in \d+ (h|min)/, `SLA cell was "${dueCell}"`);
    await table.getByRole('button', { name: 'SLA' }).click();
    assert.equal(await lead.getByRole('combobox', { name: 'Order' }).inputValue(), 'due');
    await table
      .getByRole('columnheader', { name: 'SLA' })
      .and(lead.locator('[aria-sort="ascending"]'))
      .waitFor();
    await table.locator('tbody tr').first().waitFor();
    assert.match(
      await lead.getByTestId('queue-counts').innerText(),
      /3 open · 1 highly critical · 3 pending action party/,
    );
    await assertAccessible(lead, 'queues');
    await lead.screenshot({ path: `${SHOTS}/04-billing-queue.png`, fullPage: true });
    await lead.close();
  });

  test('a caller whose need cannot be met: the officer records the directory number given', async () => {
    const page = await signIn('olivia');
    await page.getByRole('button', { name: 'Answer call' }).click();
    await page.getByRole('button', { name: 'Unknown caller' }).click();
    await page
      .getByLabel("The enquiry, in the customer's words")
      .fill('Dispute with a shop that sold me a phone on credit');
    await page.getByLabel('Needs cannot be met').check();
    // Saving without choosing where to refer: the error sits beside the field and nothing is created.
    const before = (await ctx.store.db.selectFrom('cases').select('id').execute()).length;
    await page.getByRole('button', { name: 'Save outcome' }).click();
    await page.getByRole('alert').filter({ hasText: 'Department is required' }).waitFor();
    assert.equal((await ctx.store.db.selectFrom('cases').select('id').execute()).length, before);
    await page.getByLabel('Department or outside party (directory)').selectOption({ index: 5 });
    const chosen = await page.getByLabel('Department or outside party (directory)').inputValue();
    const party = await ctx.store.db
      .selectFrom('departments')
      .selectAll()
      .where('id', '=', chosen)
      .executeTakeFirstOrThrow();
    assert.equal(await page.getByLabel('Number given to the customer').inputValue(), party.phone);
    await page.getByLabel('Reason / note').fill('Third-party retailer dispute');
    await page.getByRole('button', { name: 'Save outcome' }).click();
    await page.getByRole('status').filter({ hasText: 'saved' }).waitFor();
    assert.equal(
      (await ctx.store.db.selectFrom('cases').select('id').execute()).length,
      before + 1,
      'exactly one case',
    );
    const referral = await ctx.store.db
      .selectFrom('referrals')
      .selectAll()
      .where('mode', '=', 'signpost')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal(referral.contact_number_given, party.phone);
    assert.equal(referral.department_id, party.id);
    await page.getByRole('button', { name: 'End contact' }).click();
    await page.getByText(/Contact ended after/).waitFor();
    await page.close();
  });

  test('an unverified contact cannot reveal masked account details', async () => {
    const page = await signIn('olivia');
    const who = await customerAt(2);
    await answerAndFind(page, who.idNumber);
    // Name alone does not meet the policy: everything stays masked.
    await page.getByLabel('Registered name').fill(who.displayName);
    await page.getByRole('button', { name: 'Check answers' }).click();
    await page.getByText('Not yet verified').waitFor();
    const html = await page.content();
    assert.ok(!html.includes(who.idNumber), 'the ID number must not reach the page');
    const accounts = await ctx.store.db
      .selectFrom('accounts')
      .select('account_number')
      .where('customer_id', '=', who.id)
      .execute();
    for (const a of accounts)
      assert.ok(!html.includes(a.account_number), 'account numbers must not reach the page');
    assert.match(await page.getByTestId('account').first().innerText(), /^\*+/);
    // Asking the API directly from the page gets the same masked answer.
    const direct = await page.evaluate(
      async (id) => (await (await fetch(`/api/v1/customers/${id}`)).json()).masked,
      who.id,
    );
    assert.equal(direct, true);
    await page.getByRole('button', { name: 'End contact' }).click();
    await page.getByText(/Contact ended after/).waitFor();
    await page.close();
  });

  test('the customer 360 view: masked without a verified contact, complete with one; accessible', async () => {
    const who = await customerAt(3);
    const page = await signIn('olivia');
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByLabel('Find customer').fill(who.idNumber);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('list', { name: 'Matching customers' }).getByRole('button').first().click();
    await page.getByText('Particulars are masked').waitFor();
    assert.ok(!(await page.content()).includes(who.idNumber));
    await assertAccessible(page, 'customer 360');

    // Verified on a contact, the same view shows the particulars.
    const { services, actor } = await asOlivia();
    const contact = await services.contacts.create(actor, {
      channel: 'phone',
      direction: 'inbound',
      customerId: who.id,
    });
    await services.contacts.verify(actor, contact.id, {
      answers: [
        { particular: 'name', value: who.displayName },
        { particular: 'id_number', value: who.idNumber },
      ],
    });
    await page.goto(`${url}/#/customers/${who.id}?contact=${contact.id}`);
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="id-number"]')?.textContent === want,
      who.idNumber,
    );
    assert.match(await page.locator('.c360').innerText(), /Contacts/);
    await page.screenshot({ path: `${SHOTS}/05-customer-360.png`, fullPage: true });
    await page.close();
    await services.contacts.update(actor, contact.id, { end: true });
  });

  test('keyboard: ? lists the shortcuts; Alt+A answers, Alt+F finds, Alt+E writes the enquiry', async () => {
    const page = await signIn('olivia');
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Alt\+A\s+Answer a call/);
    await assertAccessible(page, 'shortcuts dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await page.keyboard.press('Alt+A');
    await page.getByText('This is Olivia Tan').waitFor();
    await page.keyboard.press('Alt+F');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'customer-search');
    // Typing ? in a field types it, it does not open the help.
    await page.keyboard.type('who?');
    assert.equal(await dialog.isVisible(), false);
    await page.keyboard.press('Alt+E');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'enquiry');
    await page.getByRole('button', { name: 'End contact' }).click();
    await page.getByText(/Contact ended after/).waitFor();
    await page.close();
  });

  test('administration: the supervisor edits the greeting and the directory; errors show beside their field', async () => {
    const page = await signIn('sam');
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('heading', { name: 'Standard phrases' }).waitFor();
    assert.equal(
      await page.getByRole('heading', { name: 'Users and roles' }).count(),
      0,
      'users are for administrators',
    );
    await assertAccessible(page, 'administration');
    await page.screenshot({ path: `${SHOTS}/06-administration.png`, fullPage: true });

    await page
      .getByLabel("Greeting ({{officer.name}} is the officer's name)")
      .fill('Good morning, Frontline Telecom, {{officer.name}} speaking.');
    await page.getByRole('button', { name: 'Save phrases' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    const dir = page.getByRole('region', { name: 'Departments and directory' });
    await dir.getByLabel('Name', { exact: true }).fill('Town Council');
    await dir.getByLabel('Purpose').fill('Lifts, lighting and common areas (outside party)');
    await dir.getByLabel('Phone').fill('call us maybe');
    await dir.getByRole('button', { name: 'Add to directory' }).click();
    const phoneError = dir.getByRole('alert').filter({ hasText: /^Phone / });
    await phoneError.waitFor();
    await dir.getByLabel('Phone').fill('+65 6200 0000');
    await dir.getByLabel('Outside party').check();
    await dir.getByRole('button', { name: 'Add to directory' }).click();
    await dir.getByRole('cell', { name: 'Town Council (outside party)' }).waitFor();
    await dir.getByRole('button', { name: 'Edit Town Council' }).click();
    await dir.getByLabel('Hours').fill('Mon–Fri 08:30–17:30');
    await dir.getByRole('button', { name: 'Save changes' }).click();
    await dir.getByRole('cell', { name: 'Mon–Fri 08:30–17:30' }).waitFor();
    const cats = page.getByRole('region', { name: 'Case categories' });
    await cats.getByLabel('Category name').fill('Outages');
    await cats.getByRole('button', { name: 'Add category' }).click();
    await cats.getByLabel('Outages', { exact: true }).click();
    await cats.getByText('Outages (inactive)').waitFor();
    await page.close();

    const officer = await signIn('olivia');
    await officer.getByRole('button', { name: 'Answer call' }).click();
    await officer.getByText('Good morning, Frontline Telecom, Olivia Tan speaking.').waitFor();
    await officer.close();
  });

  test('case page: a note draft survives a reload; replies; a referral names its missing field, then moves the case', async () => {
    const { services, actor } = await asOlivia();
    const who = await customerAt(4);
    const contact = await services.contacts.create(actor, {
      channel: 'phone',
      direction: 'inbound',
      customerId: who.id,
    });
    const c = await services.cases.create(actor, {
      contactId: contact.id,
      type: 'request_for_action',
      subject: 'Change of plan',
    });

    const page = await signIn('olivia');
    await page.goto(`${url}/#/cases/${c.id}`);
    await page.getByLabel('Reply to the customer').check();
    await page
      .getByLabel('Reply (the customer sees this)')
      .fill('We have scheduled the plan change for Monday.');
    await page.reload();
    await page.getByLabel('Reply to the customer').check();
    assert.equal(
      await page.getByLabel('Reply (the customer sees this)').inputValue(),
      'We have scheduled the plan change for Monday.',
    );
    await page.getByRole('button', { name: 'Add reply' }).click();
    await page
      .getByRole('list', { name: 'Conversation' })
      .getByText('We have scheduled the plan change for Monday.')
      .waitFor();

    await page.locator('summary', { hasText: 'Refer to a department' }).click();

    const refer = page.getByRole('group', { name: 'Refer to a department' });
    await refer.getByLabel('Reason').fill('Plan change needs billing');
    await refer.getByRole('button', { name: 'Refer' }).click();
    await refer.getByText('Department is required for a transfer').waitFor();
    await refer.getByRole('combobox', { name: /^Department/ }).selectOption({ label: 'Billing' });
    await refer.getByRole('button', { name: 'Refer' }).click();
    await page.getByTestId('case-status').filter({ hasText: 'pending action party' }).waitFor();
    assert.match(await page.getByTestId('case-owner').innerText(), /Owner: unassigned · queue: Billing/);
    const notes = await ctx.store.db
      .selectFrom('case_notes')
      .selectAll()
      .where('case_id', '=', c.id)
      .execute();
    assert.deepEqual(
      notes.map((n) => n.visibility),
      ['public'],
    );
    await page.close();
  });
});
