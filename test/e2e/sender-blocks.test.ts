import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { mail } from '../helpers/mail.ts';
import { assertAllTranslated, namesOnScreen, signInPseudo } from '../helpers/pseudo.ts';

/**
 * Issue 13, point 5, on screen: an administrator blocks a domain and an address under E-mail →
 * Blocked senders (a malformed one is refused beside its field), sees who added each and when,
 * and unblocks one after saying yes. Mail from a blocked sender makes no case; once unblocked it
 * does. Other roles do not see the screen. At 1280×720 the page does not scroll; axe finds nothing
 * serious; under en-XA every word comes from the catalogue.
 */

async function assertFits(page: Page, what: string) {
  const { scroll, height } = await page.evaluate(() => ({
    scroll: document.scrollingElement!.scrollHeight,
    height: window.innerHeight,
  }));
  assert.ok(scroll <= height, `${what}: the page scrolls (${scroll} px in ${height} px)`);
}

describe('the sender block list in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  before(async () => {
    desktop = await startDesktop({ customers: 2 });
  });
  after(() => desktop?.close());
  afterEach(() => desktop.assertNoPageErrors());

  const patterns = async () => (await desktop.services.mailboxes.blocks()).map((b) => b.pattern);
  const receive = async (from: string) => {
    const box = (await desktop.services.mailboxes.list()).find((m) => m.address === 'support@frontline.demo');
    return desktop.services.inbound.receive({
      channel: 'email',
      raw: mail({ from, to: 'support@frontline.demo' }),
      transport: 'api',
      endpointId: box!.id,
    });
  };

  test('an administrator blocks a domain and an address, sees who and when, and unblocks one', async () => {
    // One added by the system (no person): said as such.
    await desktop.services.mailboxes.block(SYSTEM_ACTOR, { pattern: 'noreply@loop.example' });
    const page = await desktop.signIn('admin');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'E-mail' }).click();
    await page.getByRole('link', { name: 'Blocked senders' }).click();
    const region = page.getByRole('region', { name: 'Blocked senders' });
    await region.waitFor();
    const system = region.getByRole('row').filter({ hasText: 'noreply@loop.example' });
    await system.getByRole('cell', { name: 'Automatic' }).waitFor();

    // ── Not an address nor a domain: refused beside the field, focus on it, nothing stored ──
    const form = region.getByRole('form', { name: 'Block a sender' });
    const field = form.getByLabel('Address or domain');
    await field.fill('spam.example');
    await form.getByRole('button', { name: 'Block' }).click();
    const problem = form.locator('#err--body-pattern');
    await problem.waitFor();
    // In words, not the regular expression the schema checks with.
    assert.match(
      await problem.innerText(),
      /^Address or domain must be an address \(someone@example\.com\) or a whole domain/,
    );
    assert.doesNotMatch(await problem.innerText(), /\^|\\s/);
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true');
    assert.deepEqual(await patterns(), ['noreply@loop.example']);
    await assertAccessible(page, 'a refused pattern');

    // ── A whole domain, with a reason; then an address (stored in lower case) ──
    await field.fill('@Spam.example');
    await form.getByLabel('Reason (optional)').fill('Promotions every hour');
    await form.getByRole('button', { name: 'Block' }).click();
    await region.getByRole('status').filter({ hasText: 'Blocked @spam.example.' }).waitFor();
    assert.equal(await field.inputValue(), '', 'the form is emptied for the next one');
    assert.equal(await field.getAttribute('aria-invalid'), null);
    const domain = region.getByRole('row').filter({ hasText: '@spam.example' });
    await domain.getByText('(whole domain)').waitFor();
    await domain.getByRole('cell', { name: 'Promotions every hour' }).waitFor();
    await domain.getByRole('cell', { name: 'Alex Admin' }).waitFor();
    assert.match(await domain.locator('time').innerText(), /\d/);
    await field.fill('Pest@Other.example');
    await form.getByRole('button', { name: 'Block' }).click();
    await region.getByRole('status').filter({ hasText: 'Blocked pest@other.example.' }).waitFor();
    await region
      .getByRole('row')
      .filter({ hasText: 'pest@other.example' })
      .getByRole('cell', { name: '—' })
      .waitFor();
    // Blocking again changes nothing, and says so.
    await field.fill('@spam.example');
    await form.getByRole('button', { name: 'Block' }).click();
    await region
      .getByRole('status')
      .filter({ hasText: '@spam.example was already blocked: nothing changed.' })
      .waitFor();
    assert.deepEqual(await patterns(), ['@spam.example', 'noreply@loop.example', 'pest@other.example']);
    const blocks = await desktop.services.mailboxes.blocks();
    assert.equal(blocks.find((b) => b.pattern === '@spam.example')?.reason, 'Promotions every hour');
    await assertFits(page, 'blocked senders');
    await assertAccessible(page, 'blocked senders');
    await page.screenshot({ path: `${SHOTS}/sender-blocks-01-list.png` });

    // The block works: mail from the domain makes no case.
    const blocked = await receive('Someone <someone@spam.example>');
    assert.equal(blocked.outcome?.result === 'ignored' && blocked.outcome.reason, 'blocked');

    // ── Unblock asks first; Cancel keeps it ──
    await domain.getByRole('button', { name: 'Unblock' }).click();
    const yes = domain.getByRole('button', { name: 'Yes, unblock' });
    await yes.waitFor();
    await domain.getByText('Unblock @spam.example? Its next mail becomes a case again.').waitFor();
    await page.waitForFunction(() => document.activeElement?.textContent === 'Yes, unblock');
    await assertAccessible(page, 'unblock asked');
    await domain.getByRole('button', { name: 'Cancel' }).click();
    await domain.getByRole('button', { name: 'Unblock' }).waitFor();
    assert.equal(await yes.count(), 0);
    assert.ok((await patterns()).includes('@spam.example'));
    await domain.getByRole('button', { name: 'Unblock' }).click();
    await yes.click();
    await region.getByRole('status').filter({ hasText: 'Unblocked @spam.example.' }).waitFor();
    await region.getByRole('row').filter({ hasText: '@spam.example' }).waitFor({ state: 'detached' });
    assert.deepEqual(await patterns(), ['noreply@loop.example', 'pest@other.example']);
    const again = await receive('Someone <someone@spam.example>');
    assert.equal(again.outcome?.result, 'message', 'unblocked: the next mail becomes a case');
  });

  test('the screen says everything through the catalogue (en-XA)', async () => {
    const allow = await namesOnScreen(desktop.ctx.store.db);
    const page = await signInPseudo(desktop, 'admin');
    await page.goto(`${desktop.url}/?lang=en-XA#/admin/mail/blocked`);
    await page.locator('.sender-blocks tbody tr').first().waitFor();
    // A refused pattern and an unblock being asked, both on screen.
    await page.locator('.sender-blocks form input').first().fill('nothing');
    await page.locator('.sender-blocks form button[type="submit"]').click();
    await page.locator('#err--body-pattern').waitFor();
    await page.locator('.sender-blocks tbody tr td.actions button').first().click();
    await page.locator('.sender-blocks .confirm').waitFor();
    await assertAllTranslated(page, 'div.mail-admin', { allow });
    await assertFits(page, 'blocked senders under en-XA');
  });

  test('only administrators see the block list', async () => {
    const officer = await desktop.signIn('olivia');
    await officer.goto(`${desktop.url}/#/admin/mail/blocked`);
    await officer.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.equal(await officer.getByRole('region', { name: 'Blocked senders' }).count(), 0);
    assert.equal(await officer.getByRole('link', { name: 'Blocked senders' }).count(), 0);

    const supervisor = await desktop.signIn('sam');
    await supervisor.goto(`${desktop.url}/#/admin/mail/blocked`);
    await supervisor.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    assert.equal(await supervisor.getByRole('region', { name: 'Blocked senders' }).count(), 0);
    assert.equal(await supervisor.getByRole('link', { name: 'E-mail' }).count(), 0);
  });
});
