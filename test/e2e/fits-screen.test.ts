import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

/**
 * "The screen is a tool used eight hours a day. The core task fits 1280×720 without scrolling the
 * page." The contact screen is a workspace: the page never scrolls, each column scrolls on its own,
 * and the controls of the call are reached without losing sight of the rest.
 */
describe('the contact screen fits 1280×720', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  before(async () => {
    desktop = await startDesktop({ customers: 10 });
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  const open = async (username: string) => {
    const page = await desktop.signIn(username);
    await page.setViewportSize({ width: 1280, height: 720 });
    return page;
  };
  const pageScroll = (page: Page) =>
    page.evaluate(() => ({
      scrollHeight: document.documentElement.scrollHeight,
      scrollY: window.scrollY,
    }));

  /** Reached by scrolling only its own column: inside the viewport, on top, and the page unmoved. */
  async function reachable(page: Page, what: string, locator: Locator) {
    await locator.scrollIntoViewIfNeeded();
    const box = await locator.boundingBox();
    assert.ok(box, `${what} is rendered`);
    assert.ok(
      box.x >= 0 && box.y >= 0 && box.x + box.width <= 1280 && box.y + box.height <= 720,
      `${what} is inside the viewport: ${JSON.stringify(box)}`,
    );
    assert.equal((await pageScroll(page)).scrollY, 0, `reaching ${what} does not scroll the page`);
    // Nothing (a sticky footer, another column) covers it where a click would land.
    const onTop = await locator.evaluate((el) => {
      const r = el.getBoundingClientRect();
      const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
      return !!hit && (el === hit || el.contains(hit));
    });
    assert.ok(onTop, `${what} is not covered by anything`);
  }

  test('an officer mid-call: verification, a saved enquiry, a second one escalated with suggestions — no page scroll', async () => {
    const c = await desktop.ctx.store.db
      .selectFrom('customers')
      .select(['display_name', 'id_number', 'phones'])
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirstOrThrow();
    const page = await open('olivia');
    await page.getByRole('button', { name: 'Answer call' }).click();
    await page.getByLabel('Find customer').fill(parseJson<{ number: string }[]>(c.phones, [])[0]!.number);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('list', { name: 'Matching customers' }).getByRole('button').first().click();
    await page.getByTestId('id-number').waitFor();
    await page.getByLabel('Registered name').fill(c.display_name);
    await page.getByLabel('ID number (NRIC / passport)').fill(c.id_number!);
    await page.getByRole('button', { name: 'Check answers' }).click();
    await page.getByText('Verified: account details shown.').waitFor();

    // One enquiry saved, so the list of saved enquiries shows.
    await page.getByLabel("The enquiry, in the customer's words").fill('Asks when the bill is due');
    await page.getByLabel('Resolution summary').fill('Told the due date');
    await page.getByRole('button', { name: 'Save outcome' }).click();
    await page.getByRole('list', { name: 'Enquiries logged on this contact' }).waitFor();

    // A second one, typed so articles are suggested, escalated so the department picker shows.
    await page.getByRole('button', { name: 'Log another enquiry' }).click();
    await page
      .getByLabel("The enquiry, in the customer's words")
      .fill('Needs a payment extension for an overdue bill');
    await page.getByRole('list', { name: 'Suggested articles list' }).getByRole('listitem').first().waitFor();
    await page.getByLabel('Highly critical').check();
    await page.getByLabel('Escalate to department').check();
    await page.getByRole('combobox', { name: /^Department/ }).waitFor();
    await page.getByLabel('Wrap-up notes').fill('Escalated to billing');

    const before = await pageScroll(page);
    await page.screenshot({ path: `${SHOTS}/fits-screen-officer-mid-call.png` });
    assert.ok(before.scrollHeight <= 720, `the page is ${before.scrollHeight} px tall at 1280×720`);

    await reachable(page, 'Check answers', page.getByRole('button', { name: 'Check answers' }));
    // The middle column scrolled back to its top, the customer; Save outcome is still in sight.
    await page.locator('.work').evaluate((el) => el.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}/fits-screen-officer-top.png` });
    const stuck = await page.getByRole('button', { name: 'Save outcome' }).boundingBox();
    assert.ok(
      stuck && stuck.y >= 0 && stuck.y + stuck.height <= 720,
      'Save outcome stays in sight without scrolling',
    );
    await reachable(page, 'the enquiry box', page.getByLabel("The enquiry, in the customer's words"));
    await reachable(page, 'Save outcome', page.getByRole('button', { name: 'Save outcome' }));
    await reachable(page, 'End contact', page.getByRole('button', { name: 'End contact' }));
    await reachable(
      page,
      'the first suggested article',
      page.getByRole('list', { name: 'Suggested articles list' }).getByRole('listitem').first(),
    );
    await reachable(
      page,
      'the saved enquiry',
      page.getByRole('list', { name: 'Enquiries logged on this contact' }).getByRole('listitem').first(),
    );
    assert.ok((await pageScroll(page)).scrollHeight <= 720, 'still no page scroll');
    await page.close();
  });

  for (const [username, role] of [
    ['olivia', 'officer'],
    ['lena', 'team leader'],
    ['admin', 'administrator'],
  ] as const) {
    test(`the top bar is one line at 1280 px for ${role === 'officer' ? 'an' : 'a'} ${role}`, async () => {
      const page = await open(username);
      await page.getByRole('heading', { level: 1, name: 'Contact' }).waitFor();
      const bar = await page.locator('header').boundingBox();
      assert.ok(bar && bar.height < 60, `the top bar is ${bar?.height} px tall`);
      // Every destination stays a link in the bar, on that one line.
      const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
      for (const link of await links.all()) {
        const box = await link.boundingBox();
        assert.ok(box && box.y + box.height <= bar.y + bar.height, `${await link.innerText()} is on the bar`);
      }
      assert.ok((await pageScroll(page)).scrollHeight <= 720, 'the idle contact screen does not scroll');
      if (username === 'admin') await page.screenshot({ path: `${SHOTS}/fits-screen-admin-bar.png` });
      await page.close();
    });
  }
});
