import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { DEMO_PASSWORD, type Desktop, startDesktop } from '../helpers/desktop.ts';

/** Presence (issue 14, point 1): an officer's break seen live by their team leader. */
describe('presence in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  before(async () => {
    desktop = await startDesktop({ customers: 3 });
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  async function signIn(username: string): Promise<Page> {
    const page = await desktop.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await page.goto(desktop.url);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return page;
  }

  test('an officer goes on a break with a reason, the team leader sees it live, and back to available', async () => {
    const lena = await signIn('lena');
    await lena.goto(`${desktop.url}/#/cases`);
    const panel = lena.getByRole('region', { name: 'Team presence' });
    const oliviaRow = panel.locator('li', { hasText: 'Olivia' });
    await oliviaRow.getByText('Offline').waitFor();

    const olivia = await signIn('olivia');
    const state = olivia.getByLabel('My state');
    await state.selectOption({ label: 'Available' });
    await oliviaRow.getByText('Available').waitFor();
    await state.selectOption({ label: 'Break: Lunch' });
    await olivia
      .locator('#presence-since')
      .getByText(/for \d+ min/)
      .waitFor();
    // Live: no reload on the leader's side.
    await oliviaRow.getByText('Break: Lunch').waitFor();
    await assertAccessible(lena, 'queues with the team presence panel');
    await assertAccessible(olivia, 'the top bar with the state control');
    for (const page of [lena, olivia]) {
      const h = await page.evaluate(() => document.documentElement.scrollHeight);
      assert.ok(h <= 720, `the page is ${h} px tall at 1280×720`);
    }
    await lena.screenshot({ path: `${SHOTS}/presence-team.png` });

    await state.selectOption({ label: 'Available' });
    await oliviaRow.getByText('Available').waitFor();
    assert.equal(await state.inputValue(), 'available');
    await olivia.close();
    await lena.close();
  });
});
