import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { Services } from '../../src/server/app.ts';
import type { Ctx } from '../../src/server/platform/context.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { DEMO_PASSWORD, type Desktop, startDesktop } from '../helpers/desktop.ts';

const ZONE = 'Asia/Tokyo';
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

describe('the notification bell in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let ctx: Ctx;
  let services: Services;

  before(async () => {
    desktop = await startDesktop({ customers: 5 });
    ({ ctx, services } = desktop);
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  const userId = async (username: string) =>
    (
      await ctx.store.db
        .selectFrom('users')
        .select('id')
        .where('username', '=', username)
        .executeTakeFirstOrThrow()
    ).id;

  /** Lena, in Tokyo: the bell's times must be hers, not the server's. */
  async function signInLena(): Promise<Page> {
    const page = await desktop.browser.newPage({ timezoneId: ZONE, locale: 'en-US' });
    await page.goto(desktop.url);
    await page.getByLabel('Username').fill('lena');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return page;
  }

  async function urgentCase(subject: string) {
    const olivia = { userId: await userId('olivia'), role: 'officer', via: 'session' as const };
    const customer = await ctx.store.db
      .selectFrom('customers')
      .select('id')
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    const contact = await services.contacts.create(olivia, {
      channel: 'phone',
      direction: 'inbound',
      customerId: customer.id,
    });
    return services.cases.create(olivia, {
      contactId: contact.id,
      type: 'request_for_action',
      criticality: 'highly_critical',
      subject,
    });
  }

  test('arrives live, announced once; times are relative and in the viewer’s zone; Escape and a click outside close it; mark all read', async () => {
    await services.notifications.markAllRead({
      userId: await userId('lena'),
      role: 'team_leader',
      via: 'session',
    });
    const page = await signInLena();
    await page.getByRole('button', { name: /^Notifications \(0\)/ }).waitFor();

    // A highly critical case: an urgent escalation reaches Lena without a reload.
    const c = await urgentCase('No dial tone, customer on home dialysis');
    const bell = page.getByRole('button', { name: /Notifications \(1\) · 1 urgent/ });
    await bell.waitFor({ timeout: 5000 });
    const log = page.getByRole('log', { name: 'New notifications' });
    await page.waitForFunction(() => document.querySelector('[role="log"]')?.textContent?.includes('URGENT'));
    assert.equal(await log.locator('p', { hasText: c.reference }).count(), 1);

    // A breach whose target passed five minutes ago: the due time travels as an instant.
    const dueAt = new Date(Date.now() - 5 * 60_000);
    await services.notifications.notify(ctx.store.db, {
      userIds: [await userId('lena')],
      kind: 'sla.breached',
      caseId: c.id,
      title: `${c.reference}: first response target breached`,
      body: `"${c.subject}" missed its target.`,
      at: dueAt.toISOString(),
    });
    services.dispatcher.poke();
    await page.getByRole('button', { name: /Notifications \(2\) · 1 urgent/ }).waitFor({ timeout: 5000 });

    await page.getByRole('button', { name: /Notifications \(2\)/ }).click();
    const list = page.getByRole('region', { name: 'Notifications' });
    await list.waitFor();
    const text = await list.innerText();
    assert.doesNotMatch(text, ISO, 'no raw ISO instant in the bell');
    // The urgent escalation lists first although the breach is newer: it waits for Lena.
    assert.match(await list.getByRole('listitem').first().innerText(), new RegExp(`URGENT ${c.reference}`));
    assert.match(text, /Was due 5 minutes ago/);
    assert.match(text, /just now/);
    // Hovering a time gives the full date and time in Lena's zone (Tokyo), not the server's.
    const due = list.locator('time', { hasText: 'Was due' });
    const tokyo = new Intl.DateTimeFormat('en-US', {
      timeZone: ZONE,
      hour: 'numeric',
      minute: '2-digit',
    }).format(dueAt);
    assert.ok(
      (await due.getAttribute('title'))?.includes(tokyo),
      `title ${await due.getAttribute('title')} has ${tokyo}`,
    );
    await assertAccessible(page, 'notification bell');
    await page.screenshot({ path: `${SHOTS}/20-bell.png` });

    // Escape closes it and gives focus back to the bell.
    await page.keyboard.press('Escape');
    await list.waitFor({ state: 'detached' });
    assert.equal(
      await page.evaluate(() => document.activeElement?.textContent),
      await page.getByRole('button', { name: /Notifications \(2\)/ }).textContent(),
    );
    // A click outside closes it; a click inside does not.
    await page.getByRole('button', { name: /Notifications \(2\)/ }).click();
    await list.locator('strong').first().click();
    assert.equal(await list.isVisible(), true);
    await page.locator('.brand').click();
    await list.waitFor({ state: 'detached' });

    // A dropped connection: the desktop reconnects and re-fetches, and announces nothing again.
    const before = await log.locator('p').count();
    services.hub.disconnectAll(1012, 'restarting');
    await page.waitForFunction(
      () => document.querySelector('.bell > button')?.getAttribute('title') === 'Reconnecting…',
    );
    await page.waitForFunction(
      () => document.querySelector('.bell > button')?.getAttribute('title') === 'Live',
      null,
      {
        timeout: 5000,
      },
    );
    await page.waitForTimeout(500);
    assert.equal(await log.locator('p').count(), before, 'nothing is announced twice');
    assert.equal(
      await log.locator('p', { hasText: c.reference }).count(),
      2,
      'the escalation and the breach, once each',
    );

    // Mark all read takes the breach and leaves the urgent escalation, first, until it is acknowledged.
    await page.getByRole('button', { name: /Notifications \(2\)/ }).click();
    await list.getByRole('button', { name: 'Mark all read' }).click();
    await page.getByRole('button', { name: /^Notifications \(1\) · 1 urgent$/ }).waitFor();
    const kept = list.getByRole('listitem');
    assert.equal(await kept.count(), 1);
    assert.match(
      await kept.first().innerText(),
      new RegExp(`Awaiting acknowledgement[\\s\\S]*URGENT ${c.reference}`),
    );
    await page.screenshot({ path: `${SHOTS}/21-bell-kept-urgent.png` });

    // The case page answers it too: Open case, Acknowledge there, and the bell empties.
    await kept.first().getByRole('link', { name: 'Open case' }).click();
    const escalation = page.getByRole('region', { name: 'Urgent escalation' });
    await escalation.waitFor();
    await assertAccessible(page, 'case page with an urgent escalation');
    await escalation.getByRole('button', { name: 'Acknowledge' }).click();
    await escalation.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: /^Notifications \(0\)$/ }).waitFor({ timeout: 5000 });
    await page.getByRole('list', { name: 'Conversation' }).getByText('Escalation acknowledged').waitFor();
    const left = await services.notifications.list(
      { userId: await userId('lena'), role: 'team_leader', via: 'session' },
      { unread: true, limit: 10 },
    );
    assert.equal(left.unread, 0);
    const esc = await services.escalations.list(
      { userId: await userId('lena'), role: 'team_leader', via: 'session' },
      { caseId: c.id },
    );
    assert.ok(esc[0]?.acknowledgedAt, 'acknowledged from the case page');
    await page.close();
  });

  test('another tab of the same person follows: read in one, gone from the other', async () => {
    const a = await signInLena();
    const b = await signInLena();
    const c = await urgentCase('Line cut off in error');
    for (const p of [a, b])
      await p.getByRole('button', { name: /Notifications \(1\) · 1 urgent/ }).waitFor({ timeout: 5000 });
    await a.getByRole('button', { name: /Notifications \(1\)/ }).click();
    const item = a
      .getByRole('region', { name: 'Notifications' })
      .getByRole('listitem')
      .filter({ hasText: c.reference });
    await item.getByRole('button', { name: 'Acknowledge' }).click();
    await b.getByRole('button', { name: /^Notifications \(0\)$/ }).waitFor({ timeout: 5000 });
    await a.close();
    await b.close();
  });
});
