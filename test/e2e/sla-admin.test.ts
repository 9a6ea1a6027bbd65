import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { fixedClock } from '../../src/server/platform/clock.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

const HOUR = 3_600_000;

/** The page itself does not scroll at 1280×720: each pane scrolls on its own. */
async function assertFits(page: Page, what: string) {
  const { scroll, height } = await page.evaluate(() => ({
    scroll: document.scrollingElement!.scrollHeight,
    height: window.innerHeight,
  }));
  assert.ok(scroll <= height, `${what}: the page scrolls (${scroll} px in ${height} px)`);
}

describe('service-level administration in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  // Held still, so the preview (at "now") and a case created after it are timed from the same instant.
  const clock = fixedClock(new Date());
  before(async () => {
    desktop = await startDesktop({ customers: 5, clock });
  });
  after(() => desktop.close());
  afterEach(() => desktop.assertNoPageErrors());

  test('a supervisor creates a calendar with a holiday and a policy, and sees it chosen for a new case', async () => {
    const { services, ctx } = desktop;
    // The demo's seed leaves the held clock days in the past; the browser's own clock (the holiday
    // editor's "today") is the real one. Hold the server at the real now, so both agree on which day
    // "tomorrow in Singapore" is whatever the hour of the run.
    clock.set(new Date());
    const now = clock.now();
    // Tomorrow in Singapore is the holiday: a calendar open around the clock but that day.
    const sgDate = (ms: number) =>
      new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Singapore' }).format(new Date(ms));
    const holiday = sgDate(now.getTime() + 24 * HOUR);

    const page = await desktop.signIn('sam');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'Service levels' }).click();
    await page.getByRole('heading', { name: 'Service levels', level: 1 }).waitFor();

    // ── Calendar ──
    await page.getByRole('link', { name: 'New calendar' }).click();
    const cal = page.getByRole('form', { name: 'New calendar' });
    await cal.getByLabel('Calendar name').fill('Premium desk');
    await cal.getByLabel('Time zone').fill('Asia/Singapore');
    await cal.getByRole('button', { name: 'Open around the clock' }).click();
    // A reversed interval is refused, and the API's message shows beside it.
    await cal.getByLabel('Monday interval 1 closes').fill('00:00');
    await cal.getByRole('button', { name: 'Add holiday' }).click();
    await cal.getByLabel('Holiday 1 date').fill(holiday);
    await cal.getByLabel('Holiday 1 name').fill('Founders’ Day');
    await cal.getByRole('button', { name: 'Add calendar' }).click();
    const mondayProblem = cal.locator('#err-hours-1-0');
    await mondayProblem.waitFor();
    assert.match(await mondayProblem.innerText(), /must end after it starts/);
    assert.equal(await cal.getByLabel('Monday interval 1 closes').getAttribute('aria-invalid'), 'true');
    // Keyboard focus lands on the first field marked.
    await page.waitForFunction(
      () => document.activeElement?.getAttribute('aria-label') === 'Monday interval 1 opens',
    );
    await assertAccessible(page, 'calendar editor with a problem');
    await cal.getByLabel('Monday interval 1 closes').fill('24:00');
    await cal.getByRole('button', { name: 'Add calendar' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved calendar “Premium desk”.' }).waitFor();
    await page.getByRole('form', { name: 'Edit calendar Premium desk' }).waitFor();
    const calendars = await services.calendars.list();
    const premium = calendars.find((c) => c.name === 'Premium desk')!;
    assert.deepEqual(premium.holidays, [{ date: holiday, name: 'Founders’ Day' }]);
    assert.equal(premium.weeklyOpenHours, 168);
    // A pasted list: a bad line is named by its number, then the list is added.
    const paste = page
      .getByRole('form', { name: 'Edit calendar Premium desk' })
      .getByLabel('Holidays to import');
    await paste.fill("2027-01-01 New Year's Day\n2027-13-01 Nonsense");
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText(/line 2 \(date\)/).waitFor();
    await paste.fill("2027-01-01 New Year's Day");
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Imported 1 holiday.' }).waitFor();
    assert.equal(await page.getByLabel('Holiday 2 name').inputValue(), "New Year's Day");
    assert.equal((await services.calendars.get(premium.id)).holidays.length, 2);
    await assertFits(page, 'calendar editor');
    await assertAccessible(page, 'calendar editor');
    await page.screenshot({ path: `${SHOTS}/sla-admin-calendar.png` });

    // ── Policy: complaints of high priority by phone, on that calendar, tried before the demo's ──
    await page.getByRole('link', { name: 'SLA policies' }).click();
    await page.getByRole('link', { name: 'New policy' }).click();
    const pol = page.getByRole('form', { name: 'New policy' });
    await pol.getByLabel('Policy name').fill('Premium complaints');
    await pol.getByLabel('Position').fill('5');
    await pol.getByLabel('Business calendar').selectOption({ label: 'Premium desk (Asia/Singapore)' });
    await pol.getByRole('group', { name: /^Type/ }).getByLabel('Complaint').check();
    await pol
      .getByRole('group', { name: /^Priority/ })
      .getByLabel('High')
      .check();
    await pol
      .getByRole('group', { name: /^First contact/ })
      .getByLabel('Phone')
      .check();
    // No target at all: refused, beside the resolution target.
    await pol.getByRole('button', { name: 'Add policy' }).click();
    const noTarget = pol.locator('#err--body-resolutionMinutes');
    await noTarget.waitFor();
    assert.match(await noTarget.innerText(), /at least one target/);
    await pol.getByLabel('First response (minutes)').fill('30');
    await pol.getByLabel('Resolution (minutes)').fill(String(24 * 60));
    await pol.getByRole('button', { name: 'Add policy' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved policy “Premium complaints”.' }).waitFor();
    const policy = (await services.policies.list()).find((p) => p.name === 'Premium complaints')!;
    assert.deepEqual(policy.conditions, { types: ['complaint'], priorities: ['high'], channels: ['phone'] });
    assert.equal(policy.calendarId, premium.id);
    // It heads the list of policies tried.
    const list = page.getByRole('navigation', { name: 'Policies, in the order they are tried' });
    assert.match(await list.getByRole('link').first().innerText(), /5\. Premium complaints/);
    await assertFits(page, 'policy editor');
    await assertAccessible(page, 'policy editor');
    await page.screenshot({ path: `${SHOTS}/sla-admin-policy.png` });

    // ── Escalation rules and acknowledgement time are there too ──
    await page.getByRole('link', { name: 'Escalation rules' }).click();
    await page.getByRole('link', { name: 'New escalation rule' }).click();
    const rule = page.getByRole('form', { name: 'New escalation rule' });
    await rule.getByLabel('Rule name').fill('Premium: supervisor an hour before');
    await rule.getByLabel('Minutes from the breach').fill('-60');
    await rule.getByRole('group', { name: /^Type/ }).getByLabel('Complaint').check();
    await rule
      .getByRole('group', { name: /^Notify/ })
      .getByLabel('The case owner')
      .uncheck();
    await rule.getByRole('button', { name: 'Add rule' }).click();
    const noAction = rule.locator('#err-actions');
    await noAction.waitFor();
    assert.match(await noAction.innerText(), /at least one action/);
    await rule
      .getByRole('group', { name: /^Notify/ })
      .getByLabel('The supervisors')
      .check();
    await rule.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved escalation rule' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/sla-admin-rule.png` });
    await assertFits(page, 'escalation rule editor');
    await assertAccessible(page, 'escalation rule editor');

    await page.getByRole('link', { name: 'Acknowledgement & updates' }).click();
    const ack = page.getByLabel('Urgent escalation: acknowledge within (minutes)');
    await ack.fill('0');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.locator('#err--body-urgentAckMinutes').waitFor();
    await ack.fill('10');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved acknowledgement' }).waitFor();
    assert.equal((await services.escalations.settings()).urgentAckMinutes, 10);
    await assertAccessible(page, 'acknowledgement settings');

    // ── Preview, by keyboard: the new policy is chosen ──
    await page.getByRole('link', { name: 'Preview' }).click();
    const sample = page.getByRole('form', { name: 'Sample case' });
    await sample.getByLabel('Type').selectOption('complaint');
    await sample.getByLabel('First contact’s channel').selectOption('phone');
    await sample.getByRole('button', { name: 'Preview' }).click();
    const result = page.getByRole('region', { name: /Chosen policy/ });
    // At normal priority the demo's Complaints policy applies, and the preview says why not the new one.
    await result.getByRole('heading', { name: 'Chosen policy: Complaints' }).waitFor();
    assert.match(await result.innerText(), /Premium complaints: not this one — priority does not match/);
    // Then by keyboard: the priority chosen with the arrow keys, Enter in a field previews.
    await sample.getByLabel('Priority').focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await sample.getByLabel('Priority').inputValue(), 'high');
    await sample.getByLabel('Customer segment').focus();
    await page.keyboard.press('Enter');
    await result.getByRole('heading', { name: 'Chosen policy: Premium complaints' }).waitFor();
    assert.match(await result.getByRole('heading').first().innerText(), /Chosen policy: Premium complaints/);
    const dueOf = async (kind: string) =>
      result.locator(`tr[data-clock="${kind}"] time`).getAttribute('datetime');
    const previewFirst = await dueOf('first_response');
    const previewResolution = await dueOf('resolution');
    // A day of open time from now, with tomorrow closed: two days on the clock.
    assert.equal(previewResolution, new Date(now.getTime() + 48 * HOUR).toISOString());
    assert.equal(previewFirst, new Date(now.getTime() + 30 * 60_000).toISOString());
    assert.match(await result.innerText(), /Premium: supervisor an hour before/);
    assert.match(await result.innerText(), /Premium complaints: matches/);
    await assertFits(page, 'preview');
    await assertAccessible(page, 'policy preview');
    await page.screenshot({ path: `${SHOTS}/sla-admin-preview.png` });

    // ── A real case with those facts gets that policy and those due times ──
    const olivia = await ctx.store.db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    const customer = await ctx.store.db
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
      type: 'complaint',
      priority: 'high',
      subject: 'Billed for a plan I cancelled',
    });
    await services.contacts.update(actor, contact.id, { end: true });
    assert.equal(c.slaPolicyId, policy.id);
    // Read as the supervisor's desktop reads it: the case page's service level.
    const sla = await page.evaluate(
      async (id) => (await fetch(`/api/v1/cases/${id}/sla`, { credentials: 'same-origin' })).json(),
      c.id,
    );
    assert.equal(sla.policy.name, 'Premium complaints');
    const due = Object.fromEntries(sla.clocks.map((k: { kind: string; dueAt: string }) => [k.kind, k.dueAt]));
    assert.deepEqual(due, { first_response: previewFirst, resolution: previewResolution });
    await page.goto(`${desktop.url}/#/cases/${c.id}`);
    await page.getByRole('heading', { name: 'Service level: Premium complaints' }).waitFor();

    // The order of policies changes by keyboard: tried after Highly critical, renumbered 10, 20, 30…
    await page.goto(`${desktop.url}/#/admin/sla/policies`);
    await page.getByRole('button', { name: 'Try Premium complaints later' }).focus();
    await page.keyboard.press('Enter');
    const order = page
      .getByRole('navigation', { name: 'Policies, in the order they are tried' })
      .getByRole('link');
    await order.first().filter({ hasText: '10. Highly critical' }).waitFor();
    assert.deepEqual(
      (await services.policies.list()).map((p) => [p.position, p.name]),
      [
        [10, 'Highly critical'],
        [20, 'Premium complaints'],
        [30, 'Complaints'],
        [40, 'Standard'],
      ],
    );
    await assertFits(page, 'policy list');
    await page.close();
  });

  test('roles without the SLA admin permission do not see the screens', async () => {
    for (const who of ['olivia', 'lena']) {
      const page = await desktop.signIn(who);
      await page.goto(`${desktop.url}/#/admin/sla/policies`);
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      assert.equal(await page.getByRole('heading', { name: 'Service levels' }).count(), 0, who);
      assert.equal(await page.getByRole('link', { name: 'Service levels' }).count(), 0, who);
      await page.close();
    }
  });
});
