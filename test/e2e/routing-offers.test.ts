import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { DEMO_PASSWORD, type Desktop, startDesktop } from '../helpers/desktop.ts';
import { routedCase } from '../routing/routing-fixture.ts';

/**
 * Several offers at once, and a decline, on the officer's strip (the walk of issue 14: a second offer
 * was hidden while the first's time-out ran; a decline had the strip straight back; "31 s to answer"
 * with a 30 s time-out). Olivia's desktop clock is 20 s behind the server's: every countdown is
 * still the server's, never more than the time-out.
 */
describe('routing offers on the strip, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let teamId = '';
  let olivia: Page;
  let n = 0;
  const BEHIND_MS = 20_000;

  before(async () => {
    desktop = await startDesktop({ customers: 2 });
    teamId = (
      await desktop.ctx.store.db
        .selectFrom('teams')
        .select('id')
        .where('name', '=', 'Hotline Team A')
        .executeTakeFirstOrThrow()
    ).id;
    // Olivia's computer's clock is 20 s slow.
    olivia = await desktop.browser.newPage({ viewport: { width: 1280, height: 720 } });
    await olivia.clock.install({ time: Date.now() - BEHIND_MS });
    await olivia.goto(desktop.url);
    await olivia.getByLabel('Username').fill('olivia');
    await olivia.getByLabel('Password').fill(DEMO_PASSWORD);
    await olivia.getByRole('button', { name: 'Sign in' }).click();
    await olivia.getByRole('button', { name: 'Sign out' }).waitFor();
    await olivia.getByLabel('My state').selectOption('available');
    await olivia.waitForTimeout(300);
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    await olivia.close().catch(() => {});
    await desktop.close();
  });

  /** A text message that opened a case in the hotline team's queue, as the SMS intake opens one. */
  async function smsCase(subject: string) {
    const customer = await desktop.services.customers.create(SYSTEM_ACTOR, {
      displayName: `Texting Customer ${++n}`,
      phones: [],
      emails: [],
    });
    const id = await routedCase(desktop, { channel: 'sms', teamId, customerId: customer.id, subject });
    return { id, customer: customer.displayName };
  }

  const offerOf = (caseId: string) =>
    desktop.ctx.store.db
      .selectFrom('routing_offers')
      .selectAll()
      .where('case_id', '=', caseId)
      .orderBy('offered_at')
      .execute();

  /** The strip's countdown of one offer, against the server's own seconds left. */
  async function countdown(strip: Locator, caseId: string): Promise<number> {
    // The server's seconds left as the text is read (the test and the server share one clock).
    const at = Date.now();
    const text = await strip.locator('.offer-left').innerText();
    const shown = Number(/(\d+) s to answer/.exec(text)?.[1]);
    const [o] = await offerOf(caseId);
    const server = (Date.parse(o!.expires_at) - at) / 1000;
    assert.ok(shown <= 30, `"${text}" with a 30 s time-out`);
    assert.ok(Math.abs(shown - server) <= 2, `"${text}" while the server has ${server.toFixed(1)} s left`);
    return shown;
  }

  test('a second offer is shown at once beside the first, each with its own countdown, each announced', async () => {
    const first = await smsCase('My top-up did not arrive');
    const strips = olivia.locator('.offer-banner');
    const a = olivia.locator('.offer-banner', { hasText: 'My top-up did not arrive' });
    await a.waitFor();
    await countdown(a, first.id);
    const said = olivia.locator('[aria-live="assertive"]');
    assert.match(await said.innerText(), /Text message offered to you from Texting Customer 1: My top-up/);

    await olivia.waitForTimeout(2000);
    const second = await smsCase('Roaming in Malaysia');
    const b = olivia.locator('.offer-banner', { hasText: 'Roaming in Malaysia' });
    await b.waitFor();
    // Both on the strip, oldest first, each its own region with its own time.
    assert.equal(await strips.count(), 2);
    assert.equal(await strips.first().getAttribute('data-offer'), (await offerOf(first.id))[0]!.id);
    assert.equal(await olivia.getByRole('region', { name: 'Text message for you' }).count(), 2);
    const leftA = await countdown(a, first.id);
    const leftB = await countdown(b, second.id);
    assert.ok(leftB > leftA, `the newer offer has more time (${leftB} s against ${leftA} s)`);
    // The new one is announced, not the first again.
    await olivia.waitForFunction(() =>
      /Roaming in Malaysia/.test(document.querySelector('[aria-live="assertive"]')?.textContent ?? ''),
    );
    assert.doesNotMatch(await said.innerText(), /top-up/);
    await assertAccessible(olivia, 'two offers on the strip');
    await olivia.screenshot({ path: `${SHOTS}/routing-two-offers-1280x720.png` });

    // Keyboard: Accept and Decline of the first, then Accept of the second.
    await a.getByRole('button', { name: 'Accept' }).focus();
    await olivia.keyboard.press('Tab');
    assert.equal(await olivia.evaluate(() => document.activeElement?.textContent), 'Decline');
    await olivia.keyboard.press('Tab');
    assert.equal(
      await olivia.evaluate(() =>
        document.activeElement?.closest('.offer-banner')?.textContent?.includes('Roaming'),
      ),
      true,
    );
    assert.equal(await olivia.evaluate(() => document.activeElement?.textContent), 'Accept');

    // Accepting the first (Enter) opens it; the second stays, its time still running, not restarted.
    await a.getByRole('button', { name: 'Accept' }).focus();
    await olivia.keyboard.press('Enter');
    await olivia.waitForURL(new RegExp(`#/cases/${first.id}$`));
    await a.waitFor({ state: 'detached' });
    assert.equal(await strips.count(), 1);
    assert.ok((await countdown(b, second.id)) <= leftB);
    assert.ok(
      await olivia.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1),
      'the case with an offer on the strip fits 1280x720',
    );
  });

  test('declined with nobody else to take it: the strip says so, and the offer does not come straight back', async () => {
    const b = olivia.locator('.offer-banner', { hasText: 'Roaming in Malaysia' });
    await b.getByRole('button', { name: 'Decline' }).click();
    await olivia.getByRole('status').getByText('Declined — it goes to someone else.').waitFor();
    await b.waitFor({ state: 'detached' });
    // A pass runs after the decline and every second: nobody else is at work, and still it stays away.
    await olivia.waitForTimeout(3000);
    assert.equal(await olivia.locator('.offer-banner').count(), 0, 'not offered again at once');
    const item = await desktop.ctx.store.db
      .selectFrom('routing_items as i')
      .innerJoin('cases as c', 'c.id', 'i.case_id')
      .select('i.state')
      .where('c.subject', '=', 'Roaming in Malaysia')
      .executeTakeFirstOrThrow();
    assert.equal(item.state, 'waiting');
    await olivia.screenshot({ path: `${SHOTS}/routing-declined-1280x720.png` });
  });
});
