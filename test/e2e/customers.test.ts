import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

/**
 * An unknown caller is registered from the call (warned that their mobile is on another record),
 * then a supervisor merges the new record into the existing customer from the 360 view.
 */
describe('register and merge customers in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  before(async () => {
    desktop = await startDesktop({ customers: 12 });
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  test('register an unknown caller, then merge them into the existing customer', async () => {
    const db = desktop.ctx.store.db;
    const existing = await db
      .selectFrom('customers')
      .select(['id', 'display_name', 'phones'])
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    const mobile = parseJson<{ number: string }[]>(existing.phones, [])[0]!.number;

    // The officer answers, the caller is not found: register them from the call.
    const page = await desktop.signIn('olivia');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('button', { name: 'Answer call' }).click();
    await page.getByRole('button', { name: 'Unknown caller' }).click();
    await page.getByRole('button', { name: 'Register new customer' }).click();
    const form = page.getByRole('form', { name: 'Register new customer' });
    await form.getByLabel('Full name').fill('Nadia Rahim');
    await form.getByLabel('Mobile').fill(mobile);
    await form.getByLabel('E-mail').fill('nadia.rahim@example.com');
    await form.getByRole('button', { name: 'Register', exact: true }).click();
    // Warned, naming who holds the mobile (masked ID for an officer), not refused.
    const warning = form.getByRole('alert');
    await warning.waitFor();
    assert.match(await warning.innerText(), new RegExp(`Mobile .* belongs to ${existing.display_name}`));
    assert.match(await warning.innerText(), /ID \*+\w{4}/);
    await assertAccessible(page, 'the registration form with a duplicate warning');
    await page.screenshot({ path: `${SHOTS}/customers-register.png` });
    await form.getByRole('button', { name: 'Register anyway' }).click();
    await page.getByRole('heading', { name: 'Nadia Rahim' }).waitFor();
    const created = await db
      .selectFrom('customers')
      .select('id')
      .where('display_name', '=', 'Nadia Rahim')
      .executeTakeFirstOrThrow();
    const contact = await db
      .selectFrom('contacts')
      .select(['id', 'customer_id'])
      .where('customer_id', '=', created.id)
      .executeTakeFirstOrThrow();
    await page.getByRole('button', { name: 'End contact' }).click();
    await page.getByText(/Contact ended after \d+ s/).waitFor();

    // A supervisor merges the new record into the existing one from the existing customer's view.
    const sam = await desktop.signIn('sam');
    await sam.setViewportSize({ width: 1280, height: 720 });
    await sam.goto(`${desktop.url}/#/customers/${existing.id}`);
    await sam.getByRole('heading', { name: existing.display_name, level: 1 }).waitFor();
    assert.match(await sam.locator('#change-rule').innerText(), /without a verified contact/);
    await sam.getByRole('button', { name: 'Merge with…' }).click();
    await sam.getByLabel('Find customer').fill('Nadia Rahim');
    await sam.getByRole('button', { name: 'Search', exact: true }).click();
    await sam.getByRole('list', { name: 'Matching customers' }).getByRole('button').first().click();
    const preview = sam.locator('#merge-preview');
    await preview.waitFor();
    const moves = await preview.innerText();
    assert.match(moves, /1 contact\b/);
    assert.match(moves, /e-mails nadia\.rahim@example\.com/);
    await assertAccessible(sam, 'the merge preview');
    await sam.screenshot({ path: `${SHOTS}/customers-merge.png` });
    await sam.getByRole('button', { name: `Merge into ${existing.display_name}` }).click();
    await sam.getByRole('heading', { name: 'Merge two records' }).waitFor({ state: 'detached' });

    const loser = await db
      .selectFrom('customers')
      .select(['merged_into_id'])
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    assert.equal(loser.merged_into_id, existing.id);
    const moved = await db
      .selectFrom('contacts')
      .select('customer_id')
      .where('id', '=', contact.id)
      .executeTakeFirstOrThrow();
    assert.equal(moved.customer_id, existing.id);

    // The merged record's address opens the one kept.
    await sam.goto(`${desktop.url}/#/customers/${created.id}`);
    await sam.waitForFunction((id) => window.location.hash === `#/customers/${id}`, existing.id);
    await sam.getByText('The record you opened was merged into this one.').waitFor();
    await assertAccessible(sam, 'the customer view after a merge');
    await page.close();
    await sam.close();
  });
});
