import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Services } from '../../src/server/app.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { fixedClock } from '../../src/server/platform/clock.ts';
import type { Ctx } from '../../src/server/platform/context.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, DEMO_PASSWORD as PASSWORD, startDesktop } from '../helpers/desktop.ts';

const MIN = 60_000;

describe('service levels in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let browser: Browser;
  let ctx: Ctx;
  let services: Services;
  let url: string;
  // The server's clock is simulated: the test moves time, the scheduler ticks when told.
  const clock = fixedClock(new Date());

  before(async () => {
    desktop = await startDesktop({ customers: 10, clock });
    ({ ctx, url, browser, services } = desktop);
  });
  after(() => desktop.close());

  test('a team leader sees a case turn amber then red, and acknowledges its urgent escalation', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByLabel('Username').fill('lena');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Due soon' }).click();
    await page.getByText('No case is at risk').waitFor();

    // Olivia logs a highly critical fault: 15-minute first response, urgent escalation to her team leader.
    const db = ctx.store.db;
    const olivia = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    const customer = await db
      .selectFrom('customers')
      .select('id')
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    const actor = { userId: olivia.id, role: 'officer', via: 'session' as const };
    const contact = await services.contacts.create(actor, {
      channel: 'phone',
      direction: 'inbound',
      customerId: customer.id,
    });
    const c = await services.cases.create(actor, {
      contactId: contact.id,
      type: 'request_for_action',
      criticality: 'highly_critical',
      subject: 'No dial tone, customer on home dialysis',
    });
    // The same fault logged for another team: not Lena's to act on, so not in her team's view.
    const teamB = await services.people.createTeam(SYSTEM_ACTOR, { name: 'Billing Team B' });
    const other = await services.cases.create(actor, {
      contactId: contact.id,
      type: 'request_for_action',
      criticality: 'highly_critical',
      subject: 'Line cut off in error',
      teamId: teamB.id,
    });

    // The urgent notification arrives over the WebSocket without a reload.
    const bell = page.getByRole('button', { name: /Notifications \(1\) · 1 urgent/ });
    await bell.waitFor({ timeout: 10_000 });

    // 12 minutes on: less than a quarter of the target left — amber.
    clock.advance(12 * MIN);
    await services.background.tick();
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.locator(`tr[data-case="${c.reference}"]`);
    await row.locator('[data-sla="due_soon"]').waitFor();
    assert.match(await row.innerText(), /Due soon/);
    await assertAccessible(page, 'due soon view');
    await page.screenshot({ path: `${SHOTS}/08-due-soon.png` });

    // She acknowledges the urgent escalation from the bell.
    await bell.click();
    const list = page.getByRole('region', { name: 'Notifications' });
    assert.match(await list.innerText(), new RegExp(`URGENT ${c.reference}`));
    await assertAccessible(page, 'notifications');
    await list.getByRole('button', { name: 'Acknowledge' }).click();
    await page.getByRole('button', { name: /Notifications \(0\)/ }).waitFor();
    const esc = await db.selectFrom('escalations').selectAll().where('case_id', '=', c.id).execute();
    assert.equal(esc.length, 1);
    const lena = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'lena')
      .executeTakeFirstOrThrow();
    assert.equal(esc[0]!.acknowledged_by, lena.id);

    // Past the 15 minutes: red. Acknowledged, it does not climb to the supervisors.
    clock.advance(5 * MIN);
    await services.background.tick();
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row.locator('[data-sla="breached"]').waitFor();
    assert.match(await page.getByTestId('risk-counts').innerText(), /1 breached/);
    assert.equal(await page.locator(`tr[data-case="${other.reference}"]`).count(), 0);
    // Widened to every team, the other team's case is there too.
    await page.getByLabel('Show').selectOption('all');
    await page.locator(`tr[data-case="${other.reference}"] [data-sla="breached"]`).waitFor();
    assert.match(await page.getByTestId('risk-counts').innerText(), /2 breached/);
    assert.equal(
      (await db.selectFrom('escalations').select('id').where('case_id', '=', c.id).execute()).length,
      1,
    );
    await page.screenshot({ path: `${SHOTS}/09-breached.png` });

    // The case page shows the clock, its history, and the acknowledgement on the timeline.
    await row.getByRole('link', { name: c.reference }).click();
    const fr = page.locator('[data-clock="first_response"]');
    await fr.waitFor();
    assert.match(await fr.innerText(), /First response: breached · 0 h 2 min over/);
    // Resolution is still on time: no progress-update prompt yet.
    assert.equal(await page.getByRole('region', { name: 'Progress update' }).count(), 0);
    assert.match(
      await page.getByRole('list', { name: 'Conversation' }).innerText(),
      /Escalation acknowledged/,
    );
    await assertAccessible(page, 'case page with service level');
    await page.screenshot({ path: `${SHOTS}/10-case-sla.png`, fullPage: true });
  });

  test('the progress-update prompt drafts the text in the one template syntax, its due time in the calendar’s zone (Singapore), and sends it', async () => {
    const db = ctx.store.db;
    const olivia = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    const customer = await db
      .selectFrom('customers')
      .select(['id', 'display_name'])
      .orderBy('created_at')
      .executeTakeFirstOrThrow();
    const actor = { userId: olivia.id, role: 'officer', via: 'session' as const };
    const contact = await services.contacts.create(actor, {
      channel: 'phone',
      direction: 'inbound',
      customerId: customer.id,
    });
    // Highly critical: the demo's 24/7 Singapore hotline calendar, resolution within 4 hours.
    const c = await services.cases.create(actor, {
      contactId: contact.id,
      type: 'request_for_action',
      criticality: 'highly_critical',
      subject: 'Intermittent line at the clinic',
    });
    assert.ok(c.resolutionDueAt);
    const inSingapore = new Intl.DateTimeFormat('en-GB', {
      weekday: 'long',
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Asia/Singapore',
    }).format(new Date(c.resolutionDueAt));
    clock.advance(181 * MIN); // amber: less than a quarter of the four hours left
    await services.background.tick();

    const page = await desktop.signIn('olivia');
    await page.goto(`${url}/#/cases/${c.id}`);
    const prompt = page.getByRole('region', { name: 'Progress update' });
    await prompt.waitFor();
    const text = await prompt.getByLabel('Progress update').inputValue();
    assert.ok(text.startsWith(`Dear ${customer.display_name}, this is Olivia`), text);
    assert.ok(text.includes(`${c.reference} ("Intermittent line at the clinic")`), text);
    assert.ok(text.includes(`resolved by ${inSingapore}.`), `${text} — expected ${inSingapore}`);
    assert.doesNotMatch(text, /UTC|[{}]/);
    await assertAccessible(page, 'progress update prompt');
    await prompt.getByRole('button', { name: 'Send progress update' }).click();
    // Still amber after the update, so the prompt stays; the timeline records what was sent.
    await page
      .getByRole('list', { name: 'Conversation' })
      .getByText('Progress update sent')
      .first()
      .waitFor();
    const sent = await db
      .selectFrom('contacts')
      .select('notes')
      .where('direction', '=', 'outbound')
      .where('customer_id', '=', customer.id)
      .execute();
    assert.ok(sent.some((x) => x.notes === text));
    await page.close();
  });
});
