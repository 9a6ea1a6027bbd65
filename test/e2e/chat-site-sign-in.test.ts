import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { identityHash } from '../../src/server/channels/chat/identity.ts';
import { DEMO_WIDGET_ID } from '../../src/server/modules/messages/chat/chat-pages.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { startWidgetSite } from '../helpers/widget-site.ts';

const SITE_ID = 'shop-4711';

/**
 * A site sign-in confirmed by the officer (issue 14, point 3): a customer signed in on the shop's
 * site chats; the policy lets a sign-in count, but its link to the record was made from the e-mail
 * typed, so the context pane says it is not yet confirmed and the confirm button waits. Olivia
 * verifies by the questions, confirms, and the next chat of that site account is verified outright.
 */
describe('a chat’s site sign-in, confirmed in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let site: Awaited<ReturnType<typeof startWidgetSite>>;
  /** The customer whose site account the first test links and confirms. */
  let knownId = '';

  before(async () => {
    desktop = await startDesktop({ customers: 2 });
    const { secret } = await desktop.services.chatWidgets.rotateSecret(SYSTEM_ACTOR, DEMO_WIDGET_ID);
    site = await startWidgetSite(desktop, { customer: { id: SITE_ID, hash: identityHash(secret, SITE_ID) } });
    const policy = await desktop.services.contacts.policy();
    await desktop.services.contacts.setPolicy(SYSTEM_ACTOR, { ...policy, siteSignIn: ['name', 'id_number'] });
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    await site.close();
    await desktop.close();
  });

  async function startChat(name: string, email: string) {
    const ctx = await desktop.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await ctx.newPage();
    await page.goto(site.url);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('Your e-mail').fill(email);
    await page.getByLabel('How can we help?').fill('Why was I charged twice?');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByText(/number 1 in the queue/).waitFor();
    return { ctx, page };
  }

  test('not yet confirmed: verify as usual, then confirm; the next chat is verified by the sign-in', async () => {
    const known = (
      await desktop.ctx.store.db
        .selectFrom('customers')
        .select(['id', 'display_name', 'emails', 'id_number'])
        .orderBy('created_at')
        .execute()
    )
      .map((c) => ({ ...c, email: parseJson<string[]>(c.emails, [])[0] }))
      .find((c) => c.email && c.id_number);
    assert.ok(known?.email && known.id_number, 'a demo customer with an e-mail and an ID number');
    knownId = known.id;

    const olivia = await desktop.signIn('olivia');
    await olivia.setViewportSize({ width: 1280, height: 720 });
    await olivia.getByLabel('My state').selectOption('available');
    await olivia.waitForTimeout(300);

    const first = await startChat(known.display_name, known.email);
    await olivia.getByRole('button', { name: 'Accept', exact: true }).click();
    await olivia.waitForURL(/#\/cases\//);
    const line = olivia.getByTestId('site-sign-in');
    await line
      .getByText(
        `Signed in on the site (id ${SITE_ID}) — not yet confirmed as this customer: verify as usual, then confirm.`,
      )
      .waitFor();
    const confirm = olivia.getByRole('button', { name: 'Confirm site account as this customer' });
    assert.equal(await confirm.isDisabled(), true, 'not before the questions');
    await olivia.getByTestId('verification').getByText('Not verified on this contact').waitFor();
    await olivia.screenshot({ path: `${SHOTS}/chat-site-sign-in-unconfirmed-1280x720.png` });
    assert.ok(
      await olivia.evaluate(() => document.documentElement.scrollHeight <= window.innerHeight + 1),
      'the workspace with the site sign-in line fits 1280x720',
    );
    await assertAccessible(olivia, 'the context pane with an unconfirmed site sign-in');

    // The questions, as for any caller.
    const form = olivia.getByRole('form', { name: 'Verify particulars' });
    const field = (p: string) =>
      form.locator('label', { has: olivia.getByTestId(`check-${p}`) }).locator('input');
    await field('name').fill(known.display_name);
    await field('id_number').fill(known.id_number);
    await form.getByRole('button', { name: 'Check answers' }).click();
    await olivia.getByTestId('verification').getByText('Verified on this contact').waitFor();
    await confirm.click();
    await line.getByText(new RegExp(`id ${SITE_ID}\\) — confirmed as this customer by Olivia`)).waitFor();
    assert.equal(await confirm.count(), 0, 'nothing left to confirm');
    await assertAccessible(olivia, 'the context pane with a confirmed site sign-in');
    const link = await desktop.ctx.store.db
      .selectFrom('chat_identities as i')
      .innerJoin('users as u', 'u.id', 'i.confirmed_by')
      .select(['i.customer_id', 'u.username', 'i.linked_by'])
      .where('i.external_id', '=', SITE_ID)
      .executeTakeFirstOrThrow();
    assert.deepEqual({ ...link }, { customer_id: known.id, username: 'olivia', linked_by: 'typed_email' });
    await olivia.getByRole('button', { name: 'End chat' }).click();
    await first.page.getByText('This chat has ended.').waitFor();
    await first.ctx.close();

    // The same site account again, whatever it types: verified by its sign-in for whoever answers.
    await olivia.getByLabel('My state').selectOption('available');
    const second = await startChat('Someone', 'typed.anything@customer.example');
    await olivia.getByRole('button', { name: 'Accept', exact: true }).click();
    await olivia.getByTestId('verification').getByText('Verified on this contact').waitFor();
    await line.getByText(/confirmed as this customer by Olivia/).waitFor();
    await olivia.screenshot({ path: `${SHOTS}/chat-site-sign-in-confirmed-1280x720.png` });
    await olivia.getByRole('button', { name: 'End chat' }).click();
    await second.page.getByText('This chat has ended.').waitFor();
    await second.ctx.close();
    await olivia.close();
  });

  test('the customer’s page lists the site account; a supervisor unlinks it after the chats, an officer may not', async () => {
    assert.ok(knownId, 'the first test linked a site account');
    const olivia = await desktop.signIn('olivia');
    await olivia.setViewportSize({ width: 1280, height: 720 });
    await olivia.goto(`${desktop.url}/#/customers/${knownId}`);
    const section = olivia.getByRole('region', { name: 'Site accounts (web chat)' });
    await section
      .getByText(new RegExp(`site customer id ${SITE_ID} · confirmed as this customer by Olivia Tan`))
      .waitFor();
    assert.equal(await section.getByRole('button', { name: 'Not this customer: unlink' }).count(), 0);
    await olivia.close();

    const sam = await desktop.signIn('sam');
    await sam.setViewportSize({ width: 1280, height: 720 });
    await sam.goto(`${desktop.url}/#/customers/${knownId}`);
    const samSection = sam.getByRole('region', { name: 'Site accounts (web chat)' });
    await samSection.getByRole('button', { name: 'Not this customer: unlink' }).click();
    await samSection
      .getByText(new RegExp(`Unlink site account ${SITE_ID} .* from this customer\\?`))
      .waitFor();
    await assertAccessible(sam, 'the customer page asking to unlink a site account');
    await samSection.getByRole('button', { name: 'Unlink', exact: true }).click();
    await samSection
      .getByRole('status')
      .filter({ hasText: `Site account ${SITE_ID}` })
      .filter({ hasText: 'is no longer linked to this customer.' })
      .waitFor();
    assert.equal(await samSection.getByRole('listitem').count(), 0);
    await sam.screenshot({ path: `${SHOTS}/customer-site-account-unlinked-1280x720.png` });
    const left = await desktop.ctx.store.db
      .selectFrom('chat_identities')
      .select('customer_id')
      .where('external_id', '=', SITE_ID)
      .execute();
    assert.deepEqual(left, []);
    const audit = await desktop.ctx.store.db
      .selectFrom('audit_log as a')
      .innerJoin('users as u', 'u.id', 'a.actor_id')
      .select('u.username')
      .where('a.action', '=', 'customer.site_link_removed')
      .where('a.entity_id', '=', knownId)
      .execute();
    assert.deepEqual(
      audit.map((a) => a.username),
      ['sam'],
    );
    await sam.close();
  });
});
