import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { DEMO_PASSWORD, type Desktop, startDesktop } from '../helpers/desktop.ts';
import { routedCase } from '../routing/routing-fixture.ts';

/**
 * Routing on screen (issue 14, point 2): an e-mail case is offered to one officer, who declines;
 * the next officer accepts (a double-click is one acceptance) and lands on the case, while the
 * team leader watches the queue change live. An administrator gives an officer Malay, and a
 * Malay-speaking customer's case is offered to that officer. Pull mode's "Next e-mail". A team
 * leader signs an officer out from the team panel. An officer sees neither the queue nor the
 * settings screens: each guarded address says they have no access, with a link home.
 */
describe('routing in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let teamId = '';
  let omarId = '';
  const pages: Page[] = [];
  let n = 0;

  before(async () => {
    desktop = await startDesktop({ customers: 3 });
    const team = await desktop.ctx.store.db
      .selectFrom('teams')
      .select('id')
      .where('name', '=', 'Hotline Team A')
      .executeTakeFirstOrThrow();
    teamId = team.id;
    // A second officer in Olivia's team.
    const omar = await desktop.services.people.createUser(SYSTEM_ACTOR, {
      username: 'omar',
      displayName: 'Omar Said',
      role: 'officer',
      password: DEMO_PASSWORD,
      teamId,
    });
    omarId = omar.id;
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    for (const p of pages) await p.close().catch(() => {});
    await desktop.close();
  });

  async function signIn(username: string): Promise<Page> {
    const page = await desktop.signIn(username);
    await page.setViewportSize({ width: 1280, height: 720 });
    pages.push(page);
    return page;
  }

  /** An e-mail that opened a case in the hotline team's queue, as the inbound chain opens one. */
  async function emailCase(subject: string, preferredLanguage: string | null = null) {
    const customer = await desktop.services.customers.create(SYSTEM_ACTOR, {
      displayName: `Routed Customer ${++n}`,
      phones: [],
      emails: [],
      preferredLanguage,
    });
    const id = await routedCase(desktop, { channel: 'email', teamId, customerId: customer.id, subject });
    return { id, customer: customer.displayName };
  }

  const fits = async (page: Page, what: string) => {
    const h = await page.evaluate(() => document.documentElement.scrollHeight);
    assert.ok(h <= 720, `${what}: the page is ${h} px tall at 1280×720`);
  };

  test('offered to one officer, declined, accepted by the next with a double-click; the leader sees it live', async () => {
    const lena = await signIn('lena');
    await lena.goto(`${desktop.url}/#/cases`);
    await lena.getByRole('link', { name: 'Routing queue' }).click();
    await lena.getByRole('heading', { name: 'Routing queue' }).waitFor();
    await lena.getByText('Nothing is waiting.').waitFor();

    // Both at work; Olivia has been free longer, so the item is hers first.
    const olivia = await signIn('olivia');
    await olivia.getByLabel('My state').selectOption('available');
    await lena.getByRole('heading', { name: 'Routing queue' }).waitFor();
    const omar = await signIn('omar');
    await omar.waitForTimeout(1100);
    await omar.getByLabel('My state').selectOption('available');
    await omar.waitForTimeout(300);

    const item = await emailCase('My bill is twice what it should be');
    const banner = olivia.getByRole('region', { name: /E-mail for you/ });
    await banner.waitFor();
    await banner.getByText(item.customer).waitFor();
    await banner.getByText('My bill is twice what it should be').waitFor();
    await banner.getByText(/s to answer/).waitFor();
    await banner.getByText(/waiting \d+/).waitFor();
    // The screen reader hears of it once, in words.
    const said = await olivia.locator('[aria-live="assertive"]').innerText();
    assert.match(said, /E-mail offered to you from Routed Customer \d+: My bill is twice/);
    // The leader's queue changed live: the item, offered to Olivia.
    const row = lena.locator(`tr[data-case="${item.id}"]`);
    await row.getByText('offered to Olivia Tan').waitFor();
    assert.match(await row.innerText(), /E-mail/);

    // A reload shows the same offer: it is the server's.
    const offerId = await banner.getAttribute('data-offer');
    await olivia.reload();
    await olivia.getByRole('region', { name: /E-mail for you/ }).waitFor();
    assert.equal(await olivia.locator('.offer-banner').getAttribute('data-offer'), offerId);
    await assertAccessible(olivia, 'the offer banner');
    await fits(olivia, 'the contact screen with an offer');
    await olivia.screenshot({ path: `${SHOTS}/routing-offer-1280x720.png` });

    // Keyboard: Tab reaches Accept and Decline; Olivia declines.
    const decline = olivia.getByRole('button', { name: 'Decline' });
    await decline.focus();
    await olivia.keyboard.press('Enter');
    await olivia.locator(`.offer-banner[data-offer="${offerId}"]`).waitFor({ state: 'detached' });

    // Declined: Omar is offered it next.
    const omarBanner = omar.getByRole('region', { name: /E-mail for you/ });
    await omarBanner.waitFor();
    await row.getByText('offered to Omar Said').waitFor();
    assert.equal(await olivia.locator('.offer-banner').count(), 0, 'never offered to two at once');
    await lena.screenshot({ path: `${SHOTS}/routing-queue-1280x720.png` });
    await omarBanner.getByRole('button', { name: 'Accept' }).dblclick();
    await omar.waitForURL(new RegExp(`#/cases/${item.id}$`));
    await omar.getByText('My bill is twice what it should be').first().waitFor();
    await omar.locator('.offer-banner').waitFor({ state: 'detached' });
    assert.equal(await omar.locator('.offer-error').count(), 0, 'no "offer gone" after the second click');
    const offers = await desktop.ctx.store.db
      .selectFrom('routing_offers')
      .select(['user_id', 'state'])
      .where('case_id', '=', item.id)
      .orderBy('offered_at')
      .execute();
    assert.deepEqual(
      offers.map((o) => o.state),
      ['declined', 'accepted'],
    );
    assert.equal(offers[1]!.user_id, omarId);
    const c = await desktop.services.cases.row(desktop.ctx.store.db, item.id);
    assert.equal(c.assignee_id, omarId);
    // Gone from the leader's queue, live.
    await row.waitFor({ state: 'detached' });
    await assertAccessible(lena, 'the routing queue');
    await fits(lena, 'the routing queue');
  });

  test('an administrator gives an officer Malay; a Malay-speaking customer is offered to that officer', async () => {
    const admin = await signIn('admin');
    await admin.goto(`${desktop.url}/#/admin`);
    await admin.getByRole('link', { name: 'Routing', exact: true }).click();
    await admin.getByRole('heading', { name: 'Routing', exact: true }).waitFor();
    await admin.getByLabel('Team', { exact: true }).selectOption({ label: 'Hotline Team A' });
    const omarRow = admin.locator(`tr[data-user="${omarId}"]`);
    await omarRow.waitFor();
    // Omar holds one e-mail already (the first test): room for a second.
    assert.match(await omarRow.innerText(), /1 \/ 1/);
    await omarRow.getByRole('button', { name: 'Edit Omar Said' }).click();
    const editor = admin.getByRole('form', { name: 'Routing profile of Omar Said' });
    await editor.getByLabel('Languages').fill('ms, en');
    await editor.getByRole('button', { name: 'Add skill' }).click();
    await editor.getByLabel('Skill', { exact: true }).fill('billing');
    await editor.getByLabel('Proficiency (1–5)').selectOption('4');
    await editor.getByLabel('E-mail at once').fill('2');
    await editor.getByRole('button', { name: 'Save profile' }).click();
    await omarRow.getByText('Malay, English').waitFor();
    await omarRow.getByText('billing 4').waitFor();
    assert.match(await omarRow.innerText(), /1 \/ 2/);
    await assertAccessible(admin, 'routing profiles and queue settings');
    await fits(admin, 'routing profiles and queue settings');
    await admin.screenshot({ path: `${SHOTS}/routing-admin-1280x720.png` });
    const audit = await desktop.ctx.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_id', '=', omarId)
      .where('action', '=', 'routing_profile.updated')
      .execute();
    assert.equal(audit.length, 1);

    // Olivia has been free longest, but she does not speak Malay.
    const olivia = pages[1]!;
    const omar = pages[2]!;
    const item = await emailCase('Bil saya terlalu tinggi', 'ms');
    const banner = omar.getByRole('region', { name: /E-mail for you/ });
    await banner.getByText('Bil saya terlalu tinggi').waitFor();
    await banner.getByText(item.customer).waitFor();
    assert.equal(await olivia.locator('.offer-banner').count(), 0, 'not offered to Olivia');
    await banner.getByRole('button', { name: 'Accept' }).click();
    await omar.waitForURL(new RegExp(`#/cases/${item.id}$`));
    await fits(omar, 'the case accepted');
  });

  test('pull mode: "Next e-mail" takes the next one, or says there is none', async () => {
    const admin = pages.at(-1)!;
    await admin.getByLabel('Officers pull e-mail').check();
    await admin.getByRole('button', { name: 'Save queue' }).click();
    await admin.getByText('Saved.').waitFor();
    const olivia = pages[1]!;
    await olivia.reload();
    const next = olivia.getByRole('button', { name: 'Next e-mail' });
    await next.waitFor();
    const item = await emailCase('Please take this one in turn');
    await olivia.waitForTimeout(1500);
    assert.equal(await olivia.locator('.offer-banner').count(), 0, 'pulled, not offered');
    await next.click();
    await olivia.waitForURL(new RegExp(`#/cases/${item.id}$`));
    await next.click();
    await olivia.getByText('No e-mail is waiting for you.').waitFor();
    await fits(olivia, 'a case with the pull button');
    // Back to offering, for what follows.
    await admin.getByLabel('Officers pull e-mail').uncheck();
    await admin.getByRole('button', { name: 'Save queue' }).click();
    await admin.getByText('Saved.').waitFor();
  });

  test('a team leader signs an officer out from the team panel (audited)', async () => {
    const lena = pages[0]!;
    const olivia = pages[1]!;
    await lena.goto(`${desktop.url}/#/cases`);
    const panel = lena.getByRole('region', { name: 'Team presence' });
    const oliviaRow = panel.locator('li', { hasText: 'Olivia' });
    await oliviaRow.getByText('Available').waitFor();
    await oliviaRow.getByRole('button', { name: 'Set offline: Olivia Tan' }).click();
    await oliviaRow.getByText(/signed out by a leader/).waitFor();
    await olivia.waitForFunction(
      () => (document.getElementById('presence-state') as HTMLSelectElement | null)?.value === 'offline',
    );
    const audit = await desktop.ctx.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'presence.set_by_leader')
      .execute();
    assert.equal(audit.length, 1);
  });

  test('an officer sees neither the routing queue nor the profiles and queue settings', async () => {
    const olivia = pages[1]!;
    await olivia.goto(`${desktop.url}/#/cases`);
    await olivia.getByRole('heading', { name: 'Queues' }).waitFor();
    assert.equal(await olivia.getByRole('link', { name: 'Routing queue' }).count(), 0);
    // Typed or followed, each guarded address says so in words, with the way home (it was a blank page).
    const noAccess = olivia.getByRole('heading', { name: 'You don’t have access to this page' });
    for (const address of [
      '#/routing',
      '#/admin/routing',
      '#/admin',
      '#/admin/sla',
      '#/scripts',
      '#/at-risk',
    ]) {
      await olivia.goto(`${desktop.url}/${address}`);
      await noAccess.waitFor();
      assert.equal(await olivia.getByRole('heading', { name: 'Routing queue' }).count(), 0, address);
      assert.equal(await olivia.getByText('Queue settings').count(), 0, address);
    }
    await assertAccessible(olivia, 'a screen the role may not open');
    await olivia.screenshot({ path: `${SHOTS}/no-access-1280x720.png` });
    await olivia.getByRole('link', { name: 'Go to your start page' }).click();
    await olivia.getByRole('heading', { name: 'Contact', exact: true }).waitFor();
    assert.equal(await noAccess.count(), 0);
    // An address that names no screen is not blank either.
    await olivia.goto(`${desktop.url}/#/nowhere`);
    await olivia.getByRole('heading', { name: 'There is no such page' }).waitFor();
    // The team leader opens the routing queue as before.
    const lena = pages[0]!;
    await lena.goto(`${desktop.url}/#/routing`);
    await lena.getByRole('heading', { name: 'Routing queue' }).waitFor();
    assert.equal(await lena.getByRole('heading', { name: 'You don’t have access to this page' }).count(), 0);
  });
});
