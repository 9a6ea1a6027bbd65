import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { SmsSimulator } from '../../src/server/channels/sms/simulator.ts';
import { type Actor, SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

const SID = 'ACrecords';
const TOKEN = 'records-token';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * The walk-through's records, in Chromium at 1280x720: a stranger's text makes a customer named
 * "SMS customer …0042" (their number masked and formatted everywhere on the case), the composer
 * opens on the reply by SMS, and the customer's STOP is theirs on the timeline while the composer
 * says since when and offers no Send; a transfer reads "Unassigned (transferred to …)" on the
 * timeline and "Owner Olivia Tan → —" in History, with no internal id in sight; the audit trail names
 * the officer a leader set offline and says the customer, not "Automatic", received a text.
 */
describe('records in words, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let sim: SmsSimulator;
  let inboundUrl: string;
  let teamId: string;
  const who = async (username: string): Promise<Actor> => {
    const u = await desktop.ctx.store.db
      .selectFrom('users')
      .select(['id', 'role'])
      .where('username', '=', username)
      .executeTakeFirstOrThrow();
    return { userId: u.id, role: u.role, via: 'session' };
  };
  const text = (from: string, body: string) =>
    sim.text(inboundUrl, { accountSid: SID, from, to: '+6561001001', body });
  const caseOf = async (from: string) =>
    (
      await desktop.ctx.store.db
        .selectFrom('messages')
        .select('case_id')
        .where('from_address', '=', from)
        .orderBy('created_at')
        .executeTakeFirstOrThrow()
    ).case_id;
  const fits = async (page: Page) => {
    const { scroll, height } = await page.evaluate(() => ({
      scroll: document.scrollingElement!.scrollHeight,
      height: window.innerHeight,
    }));
    assert.ok(scroll <= height, `the page scrolls (${scroll} px in ${height} px)`);
  };

  before(async () => {
    desktop = await startDesktop({ customers: 3 });
    sim = new SmsSimulator({ [SID]: TOKEN });
    const baseUrl = await sim.start();
    const olivia = await desktop.ctx.store.db
      .selectFrom('users')
      .select('team_id')
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    teamId = olivia.team_id!;
    const e = await desktop.services.smsEndpoints.create(SYSTEM_ACTOR, {
      number: '+65 6100 1001',
      displayName: 'Hotline SMS',
      baseUrl,
      accountSid: SID,
      authToken: TOKEN,
      teamId,
    });
    inboundUrl = `${desktop.url}${e.inboundPath}`;
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    await sim.stop();
    await desktop.close();
  });

  test('a stranger’s text: named without the number, masked and formatted; the reply by SMS first; STOP is the customer’s and stops Send', async () => {
    const page = await desktop.signIn('olivia');
    await page.setViewportSize({ width: 1280, height: 720 });
    const r = await text('+65 9123 0042', 'My fibre is down since this morning');
    assert.equal(r.status, 200, r.body);
    await page.goto(`${desktop.url}/#/cases/${await caseOf('+6591230042')}`);
    const thread = page.getByRole('list', { name: 'Conversation' });
    await thread.getByText('My fibre is down since this morning').first().waitFor();
    // Shown once: the text is the enquiry (it was shown again above it as "Enquiry · Automatic").
    assert.equal(await thread.getByText('My fibre is down since this morning').count(), 1);
    await page.getByText('SMS customer …0042').first().waitFor();
    // The text's contact line is the customer's, not "sms · Automatic" (nobody has taken it yet).
    const contactLine = thread.locator('li.t-contact').first();
    assert.match(await contactLine.innerText(), /· by the customer \(SMS customer …0042\) ·/);
    // And in the context pane's recent contacts.
    const recent = page.locator('h3:has-text("Recent contacts") + ul li').first();
    assert.match(await recent.innerText(), /· by the customer \(SMS customer …0042\)/);
    // The composer opens on the answer the text awaits, by SMS, not on an internal note.
    assert.equal(await page.getByRole('radio', { name: 'Reply to the customer' }).isChecked(), true);
    const bySms = page.getByRole('checkbox', { name: 'Send by SMS' });
    await bySms.waitFor();
    assert.equal(await bySms.isChecked(), true);
    await page.getByText('SMS to *******0042 from +65 6100 1001').waitFor();
    await thread.getByText('*******0042').first().waitFor();
    // The number in full nowhere on the screen: title, context pane, conversation, composer.
    const shown = await page.locator('body').innerText();
    assert.doesNotMatch(shown, /9123\s?0042|\+6591230042/);
    await assertAccessible(page, 'an SMS case');
    await fits(page);
    await page.screenshot({ path: `${SHOTS}/records-sms-case-1280x720.png` });

    // The customer texts STOP: the timeline names them; the composer says since when; no Send.
    await text('+6591230042', 'STOP');
    await thread.getByText('SMS opted out (texted STOP)').waitFor();
    const line = thread.locator('li', { hasText: 'SMS opted out (texted STOP)' });
    assert.match(await line.innerText(), /· by the customer \(SMS customer …0042\) ·/);
    assert.doesNotMatch(await line.innerText(), /Automatic/);
    const warning = page.getByRole('status').filter({ hasText: 'This number has opted out of texts' });
    await warning.waitFor();
    assert.match(await warning.innerText(), /\(STOP on .*\d.*\): nothing can be sent by SMS/);
    await page.getByLabel('Text to the customer (sent as SMS)').fill('Are you still there?');
    assert.equal(await page.getByRole('button', { name: 'Send SMS' }).isDisabled(), true);
    await assertAccessible(page, 'an opted-out SMS case');
    await fits(page);
    await page.screenshot({ path: `${SHOTS}/records-sms-opted-out-1280x720.png` });
    await page.close();
  });

  test('a transfer on the timeline and in History; the audit trail names who and what', async () => {
    const olivia = await who('olivia');
    await text('+65 9123 0077', 'Please check my bill');
    const caseId = await caseOf('+6591230077');
    await desktop.services.cases.update(olivia, caseId, { assigneeId: olivia.userId }, undefined);
    await desktop.services.routingTransfers.transfer(olivia, {
      caseId,
      clientId: randomUUID(),
      toTeamId: teamId,
      note: 'Billing question; sent the tariff',
    });
    // A leader sets Tom offline.
    const tom = await who('tom');
    await desktop.services.presence.setOwn(tom, { state: 'available' });
    await desktop.services.presence.setByLeader({ ...(await who('lena')), teamId }, tom.userId);

    const page = await desktop.signIn('olivia');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${desktop.url}/#/cases/${caseId}`);
    const thread = page.getByRole('list', { name: 'Conversation' });
    await thread
      .getByText(
        'Unassigned (transferred to the queue of Hotline Team A) — “Billing question; sent the tariff”',
      )
      .waitFor();
    assert.equal(await thread.getByText(/^Assigned$/).count(), 0, 'no bare "Assigned" line');
    assert.doesNotMatch(await thread.innerText(), /Assigned · Olivia Tan/);

    await page.getByRole('tab', { name: 'History' }).click();
    const table = page.getByRole('table', { name: 'Case history' });
    await table.waitFor();
    const transfer = table.locator('tbody tr').filter({ hasText: 'Transferred the case' });
    const owner = transfer.getByRole('listitem').filter({ hasText: 'Owner' });
    assert.deepEqual(
      [await owner.locator('del').textContent(), await owner.locator('ins').textContent()],
      ['Olivia Tan', '—'],
    );
    const history = await table.innerText();
    assert.doesNotMatch(history, UUID, 'no internal id shown');
    assert.doesNotMatch(history, /assignee_id|itemId|transferId|teamId/);
    // Olivia's own assignment before it: "Owner — → Olivia Tan".
    const assigned = table.locator('tbody tr').filter({ hasText: 'Changed the case' }).first();
    await assigned.getByRole('listitem').filter({ hasText: 'Owner' }).getByText('Olivia Tan').waitFor();
    await assertAccessible(page, 'case history');
    await fits(page);
    await page.screenshot({ path: `${SHOTS}/records-history-1280x720.png` });
    await page.close();

    const sam = await desktop.signIn('sam');
    await sam.setViewportSize({ width: 1280, height: 720 });
    await sam.goto(`${desktop.url}/#/admin/audit`);
    const trail = sam.getByRole('table', { name: 'Audit trail entries' });
    await trail.waitFor();
    const presence = trail.locator('tbody tr').filter({ hasText: 'Set an officer’s presence' }).first();
    await presence.getByText('Lena Koh').waitFor();
    await presence.getByText('presence of Tom Lim').waitFor();
    const state = presence.getByRole('listitem');
    assert.equal(await state.count(), 1, 'the state alone: no "reasonId — → —"');
    assert.deepEqual(
      [
        await state.locator('.field').textContent(),
        await state.locator('del').textContent(),
        await state.locator('ins').textContent(),
      ],
      ['State', 'Available', 'Offline'],
    );
    const received = trail.locator('tbody tr').filter({ hasText: 'Message received' }).first();
    await received.getByText('The customer').waitFor();
    assert.doesNotMatch(await trail.innerText(), UUID, 'no internal id shown');
    await assertAccessible(sam, 'audit trail');
    await sam.screenshot({ path: `${SHOTS}/records-audit-1280x720.png` });
    await sam.close();
  });
});
