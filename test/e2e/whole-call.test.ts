import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

/**
 * The walk of a whole call (issue 11): find (a wrong pick undone), verify by typed answers, two
 * enquiries — one escalated, one signposted — a reload and a detour in the middle, a double-click on
 * save. Nothing is duplicated and nothing changes meaning.
 */
describe('a whole call in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  before(async () => {
    desktop = await startDesktop({ customers: 20 });
  });
  after(() => desktop.close());

  async function customer(n: number) {
    const c = await desktop.ctx.store.db
      .selectFrom('customers')
      .select(['id', 'display_name', 'id_number', 'phones'])
      .orderBy('created_at')
      .offset(n)
      .limit(1)
      .executeTakeFirstOrThrow();
    return {
      id: c.id,
      name: c.display_name,
      idNumber: c.id_number!,
      mobile: parseJson<{ number: string }[]>(c.phones, [])[0]!.number,
    };
  }
  const find = async (page: Page, q: string) => {
    await page.getByLabel('Find customer').fill(q);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('list', { name: 'Matching customers' }).getByRole('button').first().click();
    await page.getByTestId('id-number').waitFor();
  };
  const count = async (table: 'cases' | 'contacts' | 'referrals' | 'contact_verifications') =>
    (await desktop.ctx.store.db.selectFrom(table).select('id').execute()).length;

  test('find, verify by typed answers, two enquiries, reload and detour mid-call, double-click on save', async () => {
    const who = await customer(3);
    const wrong = await customer(4);
    const db = desktop.ctx.store.db;
    const cases0 = await count('cases');
    const contacts0 = await count('contacts');
    const page = await desktop.signIn('olivia');

    await page.getByRole('button', { name: 'Answer call' }).dblclick();
    await page.getByText('This is Olivia Tan').waitFor();
    assert.equal((await count('contacts')) - contacts0, 1, 'a double-click answers one call');

    // The wrong namesake first; undone inside the call.
    await find(page, wrong.mobile);
    await page.getByRole('button', { name: 'Wrong customer? Change' }).click();
    // Focus goes where the next step starts, never to the page body.
    await page.waitForFunction(() => document.activeElement?.id === 'customer-search');
    await find(page, who.mobile);
    assert.match(await page.locator('.work').innerText(), new RegExp(who.name));

    // Verification: the officer types what the caller says; a wrong ID is told apart from a right one.
    await page.getByLabel('ID number (NRIC / passport)').fill('S0000000A');
    await page.getByRole('button', { name: 'Check answers' }).click();
    await page.getByTestId('check-id_number').filter({ hasText: 'does not match' }).waitFor();
    await page.waitForFunction(() => document.activeElement?.id === 'verify-status');
    // The officer is told what blocks it and what is still needed, in words.
    const why = await page.getByRole('status').filter({ hasText: 'Not yet verified' }).innerText();
    assert.match(why, /Did not match: ID number \(NRIC \/ passport\) — ask again/);
    assert.match(why, /Still needed: Registered name; and one of: /);
    assert.match(why, /1 answer has not matched; verification locks at 3\./);
    assert.equal(
      await page.getByLabel('ID number (NRIC / passport)').inputValue(),
      '',
      'typed answers are cleared',
    );
    await page.getByLabel('Registered name').fill(who.name.toLowerCase());
    await page.getByLabel('ID number (NRIC / passport)').fill(who.idNumber);
    await page.getByRole('button', { name: 'Check answers' }).click();
    await page.getByText('Verified: account details shown.').waitFor();
    await page.waitForFunction(
      (want) => document.querySelector('[data-testid="id-number"]')?.textContent === want,
      who.idNumber,
    );

    // First enquiry, escalated: every choice made, then a reload before saving.
    const billing = await db
      .selectFrom('departments')
      .selectAll()
      .where('name', '=', 'Billing')
      .executeTakeFirstOrThrow();
    await page
      .getByLabel("The enquiry, in the customer's words")
      .fill('Account barred after a payment was reversed');
    await page.getByLabel('Type').selectOption('complaint');
    await page.getByLabel('Highly critical').check();
    await page.getByLabel('Escalate to department').check();
    await page.getByRole('combobox', { name: /^Department/ }).selectOption(billing.id);
    await page.getByLabel('Reason / note').fill('Restore the account today');
    await page.getByLabel('Wrap-up notes').fill('Customer upset; escalated');
    await page.waitForResponse((r) => r.url().includes('/draft') && r.request().method() === 'PUT');
    await page.reload();
    await page.getByTestId('id-number').waitFor();
    const form = {
      enquiry: await page.getByLabel("The enquiry, in the customer's words").inputValue(),
      type: await page.getByLabel('Type').inputValue(),
      critical: await page.getByLabel('Highly critical').isChecked(),
      escalate: await page.getByLabel('Escalate to department').isChecked(),
      department: await page.getByRole('combobox', { name: /^Department/ }).inputValue(),
      reason: await page.getByLabel('Reason / note').inputValue(),
      wrapUp: await page.getByLabel('Wrap-up notes').inputValue(),
    };
    assert.deepEqual(form, {
      enquiry: 'Account barred after a payment was reversed',
      type: 'complaint',
      critical: true,
      escalate: true,
      department: billing.id,
      reason: 'Restore the account today',
      wrapUp: 'Customer upset; escalated',
    });
    assert.equal(
      await page.getByLabel('Resolution summary').count(),
      0,
      'the reason did not become a resolution',
    );
    // The verification results are the contact's: still shown, still unmasked.
    await page.getByText('Verified: account details shown.').waitFor();
    assert.equal(await page.getByTestId('id-number').innerText(), who.idNumber);

    // A detour to the knowledge base and back changes nothing either.
    await page.getByRole('link', { name: 'Knowledge' }).click();
    await page.getByRole('link', { name: 'Contact' }).click();
    assert.equal(await page.getByLabel('Reason / note').inputValue(), 'Restore the account today');

    await page.getByRole('button', { name: 'Save outcome' }).dblclick();
    await page.getByRole('status').filter({ hasText: 'saved (pending action party)' }).waitFor();
    assert.equal((await count('cases')) - cases0, 1, 'a double-click saves one case');
    await page.waitForFunction(() => document.activeElement?.id === 'another-enquiry');

    // Anything else? A second enquiry on the same call, signposted to an outside party.
    await page.getByRole('button', { name: 'Log another enquiry' }).click();
    await page.waitForFunction(() => document.activeElement?.id === 'enquiry');
    assert.equal(await page.getByLabel("The enquiry, in the customer's words").inputValue(), '');
    await page
      .getByLabel("The enquiry, in the customer's words")
      .fill('Dispute with a retailer about a phone');
    await page.getByLabel('Needs cannot be met').check();
    const outside = await db
      .selectFrom('departments')
      .selectAll()
      .where('external', '=', true)
      .orderBy('name')
      .executeTakeFirstOrThrow();
    await page.getByLabel('Department or outside party (directory)').selectOption(outside.id);
    await page.getByLabel('Reason / note').fill('Retailer dispute: not ours');
    await page.getByRole('button', { name: 'Save outcome' }).click();
    const logged = page.getByRole('list', { name: 'Enquiries logged on this contact' });
    await logged.getByText(/saved \(resolved\)/).waitFor();
    assert.equal(await logged.locator('li').count(), 2);
    await page.screenshot({ path: `${SHOTS}/whole-call.png` });

    // Once a case is logged the customer is fixed.
    assert.equal(await page.getByRole('button', { name: 'Wrong customer? Change' }).count(), 0);
    await page.getByRole('button', { name: 'End contact' }).click();
    await page.getByText(/Contact ended after \d+ s/).waitFor();

    // The signposted case says on its record whom the customer was sent to and the number given.
    await logged.locator('li').nth(1).getByRole('link').click();
    const timeline = page.getByRole('list', { name: 'Conversation' });
    await timeline.waitFor();
    assert.match(
      await timeline.innerText(),
      new RegExp(`${outside.name}, number given ${outside.phone!.replace(/[+]/g, '\\+')}`),
    );
    assert.match(await page.locator('main, body').first().innerText(), /Resolution: Signposted to/);

    // The record: one contact, two cases, each as the officer meant it.
    const contact = await db
      .selectFrom('contacts')
      .selectAll()
      .where(
        'officer_id',
        '=',
        (await db.selectFrom('users').select('id').where('username', '=', 'olivia').executeTakeFirstOrThrow())
          .id,
      )
      .orderBy('started_at', 'desc')
      .executeTakeFirstOrThrow();
    assert.equal((await count('contacts')) - contacts0, 1, 'one contact for the whole call');
    assert.equal(contact.customer_id, who.id);
    assert.equal(contact.notes, 'Customer upset; escalated');
    assert.ok(contact.ended_at);
    const onContact = await db
      .selectFrom('contact_cases')
      .innerJoin('cases', 'cases.id', 'contact_cases.case_id')
      .selectAll('cases')
      .where('contact_cases.contact_id', '=', contact.id)
      .orderBy('cases.created_at')
      .execute();
    assert.equal(onContact.length, 2);
    assert.equal((await count('cases')) - cases0, 2);
    const [escalated, signposted] = onContact as [(typeof onContact)[0], (typeof onContact)[0]];
    assert.deepEqual(
      [
        escalated.type,
        escalated.criticality,
        escalated.status,
        escalated.department_id,
        escalated.customer_id,
      ],
      ['complaint', 'highly_critical', 'pending_action_party', billing.id, who.id],
    );
    assert.equal(signposted.status, 'resolved');
    assert.match(
      signposted.resolution_summary ?? '',
      new RegExp(`number given: ${outside.phone!.replace(/[+]/g, '\\+')}`),
    );
    const referrals = await db
      .selectFrom('referrals')
      .selectAll()
      .where('case_id', 'in', [escalated.id, signposted.id])
      .execute();
    assert.deepEqual(referrals.map((r) => r.mode).sort(), ['signpost', 'transfer']);
    const changed = await db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', contact.id)
      .where('action', '=', 'contact.customer_changed')
      .execute();
    assert.equal(changed.length, 1, 'the wrong pick and its correction are on the record');
    // The draft went with the call.
    assert.equal(
      (
        await db
          .selectFrom('contact_drafts')
          .select('contact_id')
          .where('contact_id', '=', contact.id)
          .execute()
      ).length,
      0,
    );
    desktop.assertNoPageErrors();
    await page.close();
  });
});
