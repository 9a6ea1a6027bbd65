import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Services } from '../../src/server/app.ts';
import type { Actor } from '../../src/server/platform/audit.ts';
import type { Ctx } from '../../src/server/platform/context.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

/**
 * The one search box in Chromium: `/` focuses it from anywhere; a case reference opens the case; a
 * word that only an internal note has lists the case (marked) under Cases, reachable with the arrow
 * keys and opened with Enter; a phone number typed as the caller says it finds the customer.
 */
describe('the one search box in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let ctx: Ctx;
  let services: Services;
  let caseId: string;
  let reference: string;
  let customerId: string;

  before(async () => {
    desktop = await startDesktop({ customers: 5 });
    ({ ctx, services } = desktop);
    const user = await ctx.store.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    const olivia: Actor = { userId: user.id, role: 'officer', via: 'session' };
    const customer = await services.customers.create(olivia, {
      displayName: 'Priya Ramasamy',
      phones: [{ kind: 'mobile', number: '+65 9876 5432' }],
    });
    customerId = customer.id;
    const contact = await services.contacts.create(olivia, {
      channel: 'phone',
      direction: 'inbound',
      customerId,
    });
    const c = await services.cases.create(olivia, {
      contactId: contact.id,
      type: 'complaint',
      subject: 'Router keeps dropping the line',
      description: 'Drops every evening since the upgrade.',
    });
    caseId = c.id;
    reference = c.reference;
    await services.cases.addNote(olivia, c.id, {
      visibility: 'internal',
      body: 'Caller says the drop started after the flamingo promotion was applied.',
    });
    // This call is over: an open contact would be Olivia's call in progress when she signs in.
    await services.contacts.update(olivia, contact.id, { end: true });
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  /** `/` from the page body focuses the box; the query is typed and sent with Enter. */
  async function searchFor(page: Page, q: string) {
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('/');
    const box = page.getByRole('searchbox', { name: 'Search cases, customers and articles' });
    assert.equal(await box.evaluate((el) => el === document.activeElement), true, '/ focuses the box');
    await page.keyboard.type(q);
    await page.keyboard.press('Enter');
  }

  test('a reference opens the case directly', async () => {
    const page = await desktop.signIn('olivia');
    await searchFor(page, reference.slice(3)); // "000001": as an officer reads it out
    await page.waitForURL(`**/#/cases/${caseId}`);
    await page
      .getByRole('heading', { name: /Router keeps dropping the line/ })
      .first()
      .waitFor();
    await page.close();
  });

  test('a word only in an internal note: the case, marked, grouped with counts; arrows and Enter open it', async () => {
    const page = await desktop.signIn('olivia');
    await searchFor(page, 'Flamingo');
    await page.getByRole('heading', { name: 'Cases (1)' }).waitFor();
    await page.getByRole('heading', { name: /^Customers \(\d+\+?\)$/ }).waitFor();
    await page.getByRole('heading', { name: /^Articles \(\d+\+?\)$/ }).waitFor();
    const hit = page.getByRole('link', { name: new RegExp(reference) });
    assert.equal(await hit.locator('mark', { hasText: 'flamingo' }).count(), 1);
    assert.match((await hit.textContent()) ?? '', /in the note/);
    await assertAccessible(page, 'the search results');
    await page.screenshot({ path: `${SHOTS}/search-results.png` });
    // From the box, Down reaches the first result; Enter opens it.
    await page.getByRole('searchbox', { name: 'Search cases, customers and articles' }).focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(
      await hit.evaluate((el) => el === document.activeElement),
      true,
      'Down focuses the first result',
    );
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/#/cases/${caseId}`);
    await page.close();
  });

  test('a phone number as the caller says it finds the customer', async () => {
    const page = await desktop.signIn('olivia');
    await searchFor(page, '9876 5432');
    await page.getByRole('heading', { name: 'Customers (1)' }).waitFor();
    await page.getByRole('link', { name: /Priya Ramasamy/ }).click();
    await page.waitForURL(`**/#/customers/${customerId}`);
    await page.close();
  });
});
