import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Actor } from '../../src/server/platform/audit.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

/**
 * The case workspace and the queues (issue 12), as people use them: an officer takes a case from
 * the Billing queue, reads the whole thread with its authors, edits the case in place and replies
 * with a template while a second tab follows live; a team leader saves a view and assigns five
 * cases from it at once. Every screen fits 1280×720 without scrolling the page.
 */
describe('case workspace and queues in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let actors: Record<string, Actor>;
  let billingId: string;
  let customers: { id: string; display_name: string }[];

  before(async () => {
    desktop = await startDesktop({ customers: 12 });
    const db = desktop.ctx.store.db;
    const users = await db.selectFrom('users').select(['id', 'username', 'role']).execute();
    actors = Object.fromEntries(
      users.map((u) => [
        u.username,
        { userId: u.id, role: u.role as Actor['role'], via: 'session' as const },
      ]),
    );
    billingId = (
      await db.selectFrom('departments').select('id').where('name', '=', 'Billing').executeTakeFirstOrThrow()
    ).id;
    customers = await db
      .selectFrom('customers')
      .select(['id', 'display_name'])
      .orderBy('created_at')
      .execute();
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  /** Polls until the condition holds (5 s). */
  const until = async (ok: () => Promise<boolean>, what: string) => {
    for (let i = 0; i < 50; i++) {
      if (await ok()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.fail(`timed out: ${what}`);
  };

  const pageFits = async (page: Page, what: string) => {
    const { sh, ch } = await page.evaluate(() => ({
      sh: document.documentElement.scrollHeight,
      ch: document.documentElement.clientHeight,
    }));
    assert.ok(sh <= ch, `${what}: the page scrolls (${sh} > ${ch})`);
  };

  /** A case Tom logged and transferred to Billing, with a team leader's note on it. */
  async function billingCase(subject: string) {
    const s = desktop.services;
    const contact = await s.contacts.create(actors.tom!, {
      channel: 'phone',
      direction: 'inbound',
      customerId: customers[0]!.id,
    });
    const c = await s.cases.create(actors.tom!, {
      contactId: contact.id,
      type: 'complaint',
      subject,
      description: `${'The customer explains the double charge in detail. '.repeat(100)}END-OF-ENQUIRY`,
    });
    await s.contacts.update(actors.tom!, contact.id, { end: true });
    await s.cases.addNote(actors.lena!, c.id, {
      visibility: 'internal',
      body: 'Ledger shows two debits on 3 Oct.',
    });
    await s.cases.refer(actors.tom!, c.id, {
      mode: 'transfer',
      departmentId: billingId,
      reason: 'Refund needs Billing',
      urgent: false,
    });
    return c;
  }

  test('an officer takes a case from the Billing queue, reads the whole thread, edits in place and replies with a template; a second tab follows live', async () => {
    const c = await billingCase('Charged twice for October');
    const page = await desktop.signIn('olivia');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('link', { name: 'Queues' }).click();
    await page.getByRole('radio', { name: 'Department' }).check();
    await page.getByRole('combobox', { name: 'Department' }).selectOption(billingId);
    const row = page.locator(`tr[data-case="${c.reference}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(`${customers[0]!.display_name}.*unassigned`, 's'));
    await pageFits(page, 'queue');
    await assertAccessible(page, 'department queue');
    await row.getByRole('link', { name: c.reference }).click();

    // The workspace: customer named, thread whole and authored, the page does not scroll.
    await page.getByTestId('case-status').waitFor();
    assert.equal(await page.getByTestId('case-customer').innerText(), customers[0]!.display_name);
    const thread = page.getByRole('list', { name: 'Conversation' });
    const text = await thread.innerText();
    assert.match(text, /Enquiry · Tom Lim/);
    assert.match(text, /END-OF-ENQUIRY/, 'the enquiry is shown in full');
    assert.match(text, /Internal note · Lena Koh/);
    assert.match(text, /Referred to a department.*Refund needs Billing.*Tom Lim/s);
    assert.match(text, /Phone call · inbound/);
    await pageFits(page, 'workspace');

    // A second tab (the team leader's) has it open and follows.
    const lena = await desktop.signIn('lena');
    await lena.goto(`${desktop.url}/#/cases/${c.id}`);
    await lena.getByTestId('case-owner').filter({ hasText: 'unassigned' }).waitFor();

    await page.getByRole('button', { name: 'Take', exact: true }).click();
    await page.getByTestId('case-owner').filter({ hasText: 'Owner: you' }).waitFor();
    await lena.getByTestId('case-owner').filter({ hasText: 'Olivia Tan' }).waitFor({ timeout: 5000 });

    await page.getByLabel('Category').selectOption({ label: 'Billing › Refund' });
    await page.getByLabel('Priority').selectOption('high');
    await until(
      async () => (await lena.getByLabel('Priority').inputValue()) === 'high',
      'the other tab shows the priority',
    );
    await until(
      async () =>
        (await lena.getByLabel('Category').inputValue()) === (await page.getByLabel('Category').inputValue()),
      'the other tab shows the category',
    );

    // Reply with a template; the draft is kept on the server as it is typed.
    await page.getByLabel('Insert a standard text').selectOption({ label: 'Acknowledge the enquiry' });
    await page.getByRole('button', { name: 'Insert text' }).click();
    const box = page.getByLabel('Reply (the customer sees this)');
    assert.match(await box.inputValue(), /\S/);
    await page.getByText('Draft kept').waitFor();
    await page.getByRole('button', { name: 'Add reply' }).click();
    await thread.getByText(/Reply to the customer · Olivia Tan/).waitFor();
    await lena
      .getByRole('list', { name: 'Conversation' })
      .getByText(/Reply to the customer · Olivia Tan/)
      .waitFor({ timeout: 5000 });

    await assertAccessible(page, 'case workspace');
    await page.screenshot({ path: `${SHOTS}/workspace-1280x720.png` });
    await pageFits(page, 'workspace after the reply');
    const row2 = await desktop.ctx.store.db
      .selectFrom('cases')
      .select(['assignee_id', 'priority', 'category_id'])
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    assert.equal(row2.assignee_id, actors.olivia!.userId);
    assert.equal(row2.priority, 'high');
    assert.ok(row2.category_id);
    await page.close();
    await lena.close();
  });

  test('a team leader saves a view and assigns five cases from it at once, with a result per row', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) {
      const contact = await desktop.services.contacts.create(actors.lena!, {
        channel: 'phone',
        direction: 'inbound',
        customerId: customers[i + 1]!.id,
      });
      made.push(
        await desktop.services.cases.create(actors.lena!, {
          contactId: contact.id,
          type: 'request_for_action',
          subject: `Bulk ${i}`,
          assigneeId: null,
        }),
      );
      await desktop.services.contacts.update(actors.lena!, contact.id, { end: true });
    }
    const page = await desktop.signIn('lena');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('link', { name: 'Queues' }).click();
    await page.getByRole('radio', { name: "My team's" }).check();
    await page.getByLabel('Owner').selectOption('none');
    await page.getByLabel('Type').selectOption('request_for_action');
    await page.getByRole('button', { name: 'Save as view' }).click();
    await page.getByLabel('View name').fill('Unassigned requests');
    await page.getByLabel('Share with my team').check();
    await page.getByRole('button', { name: 'Save view' }).click();
    const viewLink = page.getByRole('button', { name: /Unassigned requests/ });
    await viewLink.click();
    const table = page.getByRole('table', { name: 'Cases in this queue' });
    for (const c of made) await table.locator(`tr[data-case="${c.reference}"]`).waitFor();
    assert.match(
      await page.getByRole('navigation', { name: 'Queues and views' }).innerText(),
      /Unassigned requests \(team\)\s*5/,
    );

    // Keyboard: j moves, x selects — then the rest by checkbox.
    await page.locator('body').click({ position: { x: 5, y: 700 } });
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    for (const c of made.slice(1)) await page.getByLabel(`Select ${c.reference}`).check();
    await page.getByRole('group', { name: /5 selected/ }).waitFor();
    await page
      .getByRole('group', { name: /5 selected/ })
      .getByLabel('Assign to')
      .selectOption({ label: 'Olivia Tan' });
    await page.getByRole('button', { name: 'Assign', exact: true }).click();
    await page.getByTestId('bulk-result').filter({ hasText: '✓ done' }).first().waitFor();
    await assertAccessible(page, 'queue with a saved view');
    await pageFits(page, 'queue with a bulk result');
    const owners = await desktop.ctx.store.db
      .selectFrom('cases')
      .select('assignee_id')
      .where(
        'id',
        'in',
        made.map((c) => c.id),
      )
      .execute();
    assert.deepEqual(
      owners.map((o) => o.assignee_id),
      made.map(() => actors.olivia!.userId),
    );
    await page.close();
  });

  test('an officer merges a duplicate case into the one kept: everything moves, both say so', async () => {
    const s = desktop.services;
    const contact = await s.contacts.create(actors.olivia!, {
      channel: 'phone',
      direction: 'inbound',
      customerId: customers[6]!.id,
    });
    const kept = await s.cases.create(actors.olivia!, {
      contactId: contact.id,
      type: 'complaint',
      subject: 'No signal at home',
    });
    const dup = await s.cases.create(actors.olivia!, {
      contactId: contact.id,
      type: 'complaint',
      subject: 'No signal (logged twice)',
    });
    await s.cases.addNote(actors.olivia!, dup.id, { visibility: 'internal', body: 'Tower 14 is down.' });
    await s.contacts.update(actors.olivia!, contact.id, { end: true });
    const page = await desktop.signIn('olivia');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${desktop.url}/#/cases/${dup.id}`);
    await page.getByTestId('case-status').waitFor();
    await page.locator('summary', { hasText: 'Merge as a duplicate' }).click();
    await page.getByLabel('Keep this case instead').selectOption(kept.id);
    await page.getByRole('button', { name: 'Merge into it' }).click();
    await page.getByTestId('merged-from').getByRole('link', { name: dup.reference }).waitFor();
    const thread = await page.getByRole('list', { name: 'Conversation' }).innerText();
    assert.match(thread, /Tower 14 is down\./);
    assert.match(thread, new RegExp(`A duplicate was merged into this case: ${dup.reference}`));
    await assertAccessible(page, 'case with a merged duplicate');
    await page.getByTestId('merged-from').getByRole('link', { name: dup.reference }).click();
    await page.getByTestId('merged-into').waitFor();
    assert.equal(await page.getByTestId('case-status').innerText(), 'closed');
    await page.close();
  });

  test('a duplicate logged on a second record of the same person is merged by the reference of the case kept', async () => {
    const s = desktop.services;
    const logged = async (displayName: string, subject: string) => {
      const customer = await s.customers.create(actors.olivia!, { displayName });
      const contact = await s.contacts.create(actors.olivia!, {
        channel: 'phone',
        direction: 'inbound',
        customerId: customer.id,
      });
      const c = await s.cases.create(actors.olivia!, { contactId: contact.id, type: 'complaint', subject });
      await s.contacts.update(actors.olivia!, contact.id, { end: true });
      return c;
    };
    const kept = await logged('Harith Bin Osman', 'Router keeps rebooting');
    const dup = await logged('Harith Osman', 'Router reboots every hour');
    const page = await desktop.signIn('olivia');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${desktop.url}/#/cases/${dup.id}`);
    await page.getByTestId('case-status').waitFor();
    await page.locator('summary', { hasText: 'Merge as a duplicate' }).click();
    // Nothing else open on this record: the reference is the way in.
    assert.equal(await page.getByLabel('Keep this case instead').count(), 0);
    const reference = page.getByLabel('Reference of the case to keep');
    await reference.fill('CS-999999');
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'No other case has the reference' }).waitFor();
    assert.ok(await page.getByRole('button', { name: 'Merge into it' }).isDisabled());
    await reference.fill(kept.reference);
    await page.getByRole('button', { name: 'Find', exact: true }).click();
    const found = page.getByTestId('merge-found');
    await found.waitFor();
    assert.match(await found.innerText(), new RegExp(`${kept.reference} Router keeps rebooting`));
    assert.match(await found.innerText(), /another customer record/);
    await assertAccessible(page, 'merge by reference');
    await page.getByRole('button', { name: 'Merge into it' }).click();
    await page.getByTestId('merged-from').getByRole('link', { name: dup.reference }).waitFor();
    assert.match(page.url(), new RegExp(`#/cases/${kept.id}$`));
    await page.close();
  });
});
