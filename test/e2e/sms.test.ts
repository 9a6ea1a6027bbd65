import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { SmsSimulator } from '../../src/server/channels/sms/simulator.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';

const SID = 'ACe2e';
const TOKEN = 'e2e-token';

/**
 * SMS in the workspace (issue 14, point 5): a customer's text, posted by the local provider simulator
 * with its signature, appears live in the team's queue; the officer replies by SMS, sees before
 * sending how many segments the text takes (an emoji makes it UCS-2), and the simulator receives it
 * from the centre's number; then an SMS template, filled with the case's data, goes the same way.
 * axe on the workspace; it fits 1280x720. An administrator sets numbers up on
 * screen (a bad one refused in words); officers do not see that screen.
 */
describe('SMS in the workspace, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let sim: SmsSimulator;
  let inboundUrl: string;

  before(async () => {
    desktop = await startDesktop({ customers: 3 });
    sim = new SmsSimulator({ [SID]: TOKEN });
    const baseUrl = await sim.start();
    const olivia = await desktop.ctx.store.db
      .selectFrom('users')
      .select('team_id')
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    const e = await desktop.services.smsEndpoints.create(SYSTEM_ACTOR, {
      number: '+65 6100 1001',
      displayName: 'Hotline SMS',
      baseUrl,
      accountSid: SID,
      authToken: TOKEN,
      teamId: olivia.team_id,
    });
    inboundUrl = `${desktop.url}${e.inboundPath}`;
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    await sim.stop();
    await desktop.close();
  });

  test('a text arrives live in the queue; the officer replies by SMS with the segment count shown; the simulator receives it', async () => {
    const page = await desktop.signIn('olivia');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('link', { name: 'Queues' }).click();
    await page.getByRole('radio', { name: "My team's" }).check();

    const r = await sim.text(inboundUrl, {
      accountSid: SID,
      from: '+65 9123 0042',
      to: '+6561001001',
      body: 'My fibre is down since this morning',
    });
    assert.equal(r.status, 200, r.body);
    // Live: the new case appears in the open queue without a reload.
    const row = page.locator('tr', { hasText: 'My fibre is down' });
    await row.waitFor({ timeout: 10_000 });
    await row.getByRole('link').first().click();
    const thread = page.getByRole('list', { name: 'Conversation' });
    await thread.getByText('My fibre is down since this morning').first().waitFor();
    await thread.getByText('Text from').first().waitFor();

    await page.getByRole('radio', { name: 'Reply to the customer' }).check();
    // The case came by SMS: the reply goes by SMS unless the officer says otherwise.
    assert.equal(await page.getByRole('checkbox', { name: 'Send by SMS' }).isChecked(), true);
    // A number is no e-mail address: nothing offers to e-mail this customer.
    assert.equal(await page.getByRole('checkbox', { name: 'Send by e-mail' }).count(), 0);
    const segments = page.getByTestId('sms-segments');
    await page.getByLabel('Text to the customer (sent as SMS)').fill('We are on it.');
    await segments.getByText('1 segment, 147 characters left').waitFor();
    // 64 characters and an emoji: UCS-2, 66 of 70 — then past 70, two segments of 67.
    const reply = `${'Our engineer will call you before 3 pm today to fix it, thank you'.slice(0, 64)} 👍 Ref follows.`;
    await page.getByLabel('Text to the customer (sent as SMS)').fill(reply);
    await segments.getByText(/^2 segments, \d+ characters left/).waitFor();
    assert.match(await segments.innerText(), /70 to a segment/);
    await assertAccessible(page, 'workspace replying by SMS');
    const { scroll, height } = await page.evaluate(() => ({
      scroll: document.scrollingElement!.scrollHeight,
      height: window.innerHeight,
    }));
    assert.ok(scroll <= height, `the page scrolls (${scroll} px in ${height} px)`);
    await page.screenshot({ path: `${SHOTS}/sms-workspace-1280x720.png` });

    await page.getByRole('button', { name: 'Send SMS' }).click();
    await thread.getByText(reply).waitFor();
    assert.equal(await desktop.services.smsSender.drain(), 1);
    const [got] = await sim.waitFor(1);
    assert.deepEqual([got?.to, got?.from, got?.body], ['+6591230042', '+6561001001', reply]);

    // An SMS template (issue 14, point 5): chosen from the standard texts, filled with the case's data,
    // counted before sending, and texted.
    await page.getByLabel('Insert a standard text').selectOption({ label: 'Call-back promised' });
    await page.getByRole('button', { name: 'Insert text' }).click();
    const box = page.getByLabel('Text to the customer (sent as SMS)');
    const caseId = /#\/cases\/([0-9a-f-]{36})/.exec(page.url())?.[1];
    assert.ok(caseId, page.url());
    const { reference } = await desktop.services.cases.row(desktop.ctx.store.db, caseId);
    const templated = (await box.inputValue()).trim();
    assert.match(
      templated,
      new RegExp(`^Frontline: Olivia Tan will call you back about case ${reference} by .+\\.$`),
    );
    assert.doesNotMatch(templated, /\{\{/, 'every placeholder filled');
    await segments.getByText(/^1 segment, \d+ characters left/).waitFor();
    await page.getByRole('button', { name: 'Send SMS' }).click();
    await thread.getByText(templated).waitFor();
    assert.equal(await desktop.services.smsSender.drain(), 1);
    const [, second] = await sim.waitFor(2);
    assert.deepEqual([second?.to, second?.body], ['+6591230042', templated]);
    await page.close();
  });

  test('an administrator adds, changes and removes a number on screen; a bad number is refused in words; officers and supervisors cannot open it', async () => {
    const page = await desktop.signIn('admin');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${desktop.url}/#/admin`);
    await page.getByRole('link', { name: 'SMS numbers' }).click();
    await page.getByRole('heading', { name: 'SMS numbers' }).waitFor();
    const hotline = page.locator('li[data-number="+6561001001"]');
    await hotline.getByText('Working').waitFor();
    assert.match(await hotline.innerText(), /\/api\/v1\/channels\/sms\/[0-9a-f-]{36}\/inbound/);

    await page.getByRole('link', { name: 'Add number' }).click();
    await page.getByLabel('Number').fill('12345');
    await page.getByLabel('Name', { exact: true }).fill('Billing SMS');
    await page.getByLabel('Provider API address').fill('https://api.twilio.com');
    await page.getByLabel('Account SID').fill('ACbilling');
    await page.getByLabel('Auth token').fill('secret');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').getByText('must be a valid phone number').waitFor();
    assert.equal(await page.getByLabel('Number').getAttribute('aria-invalid'), 'true');
    await page.getByLabel('Number').fill('6100 2002');
    await page.getByRole('button', { name: 'Save' }).click();
    const billing = page.locator('li[data-number="+6561002002"]');
    await billing.getByText('Not used yet').waitFor();
    await assertAccessible(page, 'SMS numbers');
    await page.screenshot({ path: `${SHOTS}/sms-numbers-1280x720.png` });
    const { scroll, height } = await page.evaluate(() => ({
      scroll: document.scrollingElement!.scrollHeight,
      height: window.innerHeight,
    }));
    assert.ok(scroll <= height, `the page scrolls (${scroll} px in ${height} px)`);

    await billing.getByRole('link').click();
    await page.getByLabel('Name', { exact: true }).fill('Billing texts');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('li[data-number="+6561002002"]').getByText('Billing texts').waitFor();
    const stored = await desktop.ctx.store.db
      .selectFrom('sms_endpoints')
      .select(['display_name', 'secrets'])
      .where('number', '=', '+6561002002')
      .executeTakeFirstOrThrow();
    assert.equal(stored.display_name, 'Billing texts');
    assert.ok(!stored.secrets.includes('secret'), 'the token is sealed');
    await page.getByRole('button', { name: 'Remove' }).click();
    await page.getByRole('button', { name: 'Yes, remove' }).click();
    await page.locator('li[data-number="+6561002002"]').waitFor({ state: 'detached' });
    await page.close();

    // Officers have no administration; a supervisor has, without the SMS numbers.
    for (const who of ['olivia', 'sam']) {
      const other = await desktop.signIn(who);
      await other.goto(`${desktop.url}/#/admin/sms`);
      await other.getByRole('button', { name: 'Sign out' }).waitFor();
      if (who === 'sam') await other.getByRole('heading', { name: 'Administration' }).waitFor();
      assert.equal(await other.getByRole('heading', { name: 'SMS numbers' }).count(), 0, who);
      assert.equal(await other.getByRole('link', { name: 'SMS numbers' }).count(), 0, who);
      await other.close();
    }
  });
});
