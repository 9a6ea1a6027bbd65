import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { WEBHOOK_EVENTS } from '../../src/shared/contracts/webhooks.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { assertAllTranslated, namesOnScreen, signInPseudo } from '../helpers/pseudo.ts';

/**
 * Issue 13, point 8, on screen: an administrator subscribes a real local receiver to events (bad
 * input refused beside its field), keeps the signing secret shown once (copied by the button; the
 * receiver verifies a delivery with it), sends a test and sees it in the delivery log, rotates the
 * secret, edits with If-Match (a stale save meets the conflict), switches the endpoint off and on,
 * sees a failing one and one disabled after failures (when and why, in words), switches it on
 * again, and deletes it. Other roles do not see the screen. At 1280×720 the page does not scroll;
 * axe finds nothing serious; under en-XA every word comes from the catalogue.
 */

async function assertFits(page: Page, what: string) {
  const { scroll, height } = await page.evaluate(() => ({
    scroll: document.scrollingElement!.scrollHeight,
    height: window.innerHeight,
  }));
  assert.ok(scroll <= height, `${what}: the page scrolls (${scroll} px in ${height} px)`);
}

/** A real receiver on a free loopback port; `status` is what it answers next. */
async function receiver() {
  const got: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const state = { status: 200 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(state.status, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    got,
    state,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** The Standard Webhooks check, written out from the spec (not the server's code): any signature verifies. */
function verifies(secret: string, g: { headers: http.IncomingHttpHeaders; body: string }): boolean {
  const id = String(g.headers['webhook-id']);
  const ts = String(g.headers['webhook-timestamp']);
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const want = createHmac('sha256', key).update(`${id}.${ts}.${g.body}`).digest();
  return String(g.headers['webhook-signature'])
    .split(' ')
    .some((s) => {
      const [v, sig] = s.split(',');
      const b = Buffer.from(sig ?? '', 'base64');
      return v === 'v1' && b.length === want.length && timingSafeEqual(b, want);
    });
}

describe('webhooks administration in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let hook: Awaited<ReturnType<typeof receiver>>;
  before(async () => {
    // The receiver is on this machine: the SSRF guard lets private addresses through for the test.
    desktop = await startDesktop({ customers: 2, env: { FRONTLINE_WEBHOOKS_ALLOW_PRIVATE: '1' } });
    hook = await receiver();
  });
  after(async () => {
    await hook?.close();
    await desktop?.close();
  });
  afterEach(() => desktop.assertNoPageErrors());

  const only = async () => {
    const all = await desktop.services.webhooks.list();
    assert.equal(all.length, 1);
    return all[0]!;
  };
  /** The sender's loop, run by hand: the desktop's background loops are not started. */
  const send = () => desktop.services.webhookSender.drain();

  test('an administrator subscribes a receiver, keeps the secret, tests, rotates, edits, switches and deletes', async () => {
    const page = await desktop.signIn('admin');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: desktop.url });
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    const list = page.getByRole('navigation', { name: 'Webhook endpoints' });
    await list.getByText('No webhook yet.').waitFor();

    // ── New: no event chosen, then a URL that is not http(s): each refused beside its field ──
    await list.getByRole('link', { name: 'New webhook' }).click();
    const form = page.getByRole('form', { name: 'New webhook' });
    // The events offered are the server's list, each by its API name.
    for (const name of WEBHOOK_EVENTS) await form.getByLabel(name, { exact: true }).waitFor();
    await form.getByLabel('URL', { exact: true }).fill('ftp://hooks.example.com/in');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const eventsProblem = form.locator('#err--body-events');
    await eventsProblem.waitFor();
    assert.match(await eventsProblem.innerText(), /^Events to send /);
    await assertAccessible(page, 'new webhook without events');
    await assertFits(page, 'new webhook');
    await page.screenshot({ path: `${SHOTS}/webhooks-00-new.png` });
    await form.getByLabel('case.created', { exact: true }).check();
    await form.getByLabel('case.status_changed', { exact: true }).check();
    await form.getByLabel('Description').fill('CRM sync');
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const urlProblem = form.locator('#err--body-url');
    await urlProblem.waitFor();
    assert.match(await urlProblem.innerText(), /^URL must be an http:\/\/ or https:\/\/ address/);
    assert.equal(await form.getByLabel('URL', { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await eventsProblem.count(), 0);
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true');
    assert.equal((await desktop.services.webhooks.list()).length, 0);

    // ── Added: the secret is shown this once, and copied by the button ──
    await form.getByLabel('URL', { exact: true }).fill(hook.url);
    await form.getByRole('button', { name: 'Add webhook' }).click();
    const secretBox = page.getByRole('region', { name: 'Signing secret' });
    await secretBox.waitFor();
    const secretField = secretBox.getByLabel('Signing secret (whsec_…)');
    const secret = await secretField.inputValue();
    assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    await page.waitForFunction(() => document.activeElement?.id === 'webhook-secret');
    await secretBox.getByRole('button', { name: 'Copy' }).click();
    await secretBox.getByRole('status').filter({ hasText: 'Copied.' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), secret);
    const w = await only();
    assert.deepEqual(
      { url: w.url, events: w.events, description: w.description, status: w.status },
      {
        url: hook.url,
        events: ['case.created', 'case.status_changed'],
        description: 'CRM sync',
        status: 'active',
      },
    );
    assert.equal(await page.evaluate(() => window.location.hash), `#/admin/webhooks/${w.id}`);
    const item = list.locator(`li[data-webhook="${hook.url}"]`);
    await item.getByText('State: ✓ Active').waitFor();
    await item.getByText('2 events · Nothing delivered yet').waitFor();
    await assertFits(page, 'a new webhook with its secret');
    await assertAccessible(page, 'a new webhook with its secret');
    await page.screenshot({ path: `${SHOTS}/webhooks-01-secret.png` });

    // ── Send test: queued, sent, signed with that secret, and in the log with its answer ──
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByRole('status').filter({ hasText: 'A test event is queued' }).waitFor();
    const log = page.getByRole('region', { name: 'Delivery log' });
    const first = log.locator('tbody[data-event="webhook.test"]').first();
    await first.getByText('Waiting to be sent').waitFor();
    await send();
    assert.equal(hook.got.length, 1);
    assert.ok(verifies(secret, hook.got[0]!), 'the receiver verifies the delivery with the secret shown');
    assert.equal(JSON.parse(hook.got[0]!.body).type, 'webhook.test');
    // The log looks again by itself while a delivery waits.
    await first.getByText('HTTP 200').waitFor();
    const row = first.locator('tr[data-attempt="1"]');
    await row.getByRole('cell', { name: 'webhook.test' }).waitFor();
    await row.getByRole('cell', { name: '1', exact: true }).waitFor();
    assert.match(await row.locator('td').nth(4).innerText(), /^\d+ ms$/);
    assert.match(await row.locator('time').innerText(), /\d/);
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    await item.getByText(/Last delivered \d/).waitFor();

    // ── A new secret: asked first; shown once; both sign for a day ──
    await page.getByRole('button', { name: 'New signing secret' }).click();
    await page.getByText('Make a new signing secret?').waitFor();
    await page.getByRole('button', { name: 'Yes, make a new secret' }).click();
    await secretBox.getByText(/^The previous secret also signs until /).waitFor();
    const rotated = await secretField.inputValue();
    assert.match(rotated, /^whsec_/);
    assert.notEqual(rotated, secret);
    await page.getByRole('button', { name: 'Send test' }).click();
    await log.locator('tbody[data-event="webhook.test"][data-state="pending"]').waitFor();
    await send();
    assert.equal(hook.got.length, 2);
    assert.ok(verifies(rotated, hook.got[1]!) && verifies(secret, hook.got[1]!), 'both keys sign');
    await log.locator('tbody[data-event="webhook.test"]').nth(1).waitFor();
    await page.waitForFunction(() => !document.querySelector('tbody[data-state="pending"]'));
    await secretBox.getByRole('button', { name: 'I have kept it' }).click();
    await secretBox.waitFor({ state: 'detached' });
    // Never shown again: not after leaving the page, not by the API.
    await page.goto(`${desktop.url}/#/admin/webhooks`);
    await page.getByText('Choose an endpoint, or add a new one.').waitFor();
    await item.getByRole('link').click();
    const edit = page.getByRole('form', { name: `Edit webhook ${hook.url}` });
    await edit.waitFor();
    await log.locator('tbody').first().waitFor();
    const html = await page.content();
    assert.ok(!html.includes(secret) && !html.includes(rotated) && !html.includes('whsec_'));
    assert.equal(await page.getByRole('region', { name: 'Signing secret' }).count(), 0);
    assert.ok(!('secret' in (await desktop.services.webhooks.get(w.id))));

    // ── Edit: only what changed, with If-Match ──
    await edit.getByLabel('case.message_received', { exact: true }).check();
    await edit.getByLabel('Description').fill('CRM sync (production)');
    await edit.getByRole('button', { name: 'Save webhook' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved the webhook.' }).waitFor();
    const edited = await only();
    assert.deepEqual(edited.events, ['case.created', 'case.status_changed', 'case.message_received']);
    assert.equal(edited.description, 'CRM sync (production)');
    await item.getByText('3 events').waitFor();
    // Everything, including events added later.
    await edit.getByLabel('All events, including ones added later').check();
    assert.equal(await edit.getByLabel('case.created', { exact: true }).count(), 0);
    await edit.getByRole('button', { name: 'Save webhook' }).click();
    await item.getByText(/^All events · /).waitFor();
    assert.deepEqual((await only()).events, ['*']);

    // ── Changed by someone else meanwhile: refused (412), said, and reloaded on request ──
    await desktop.services.webhooks.update(SYSTEM_ACTOR, w.id, { description: 'Theirs' }, undefined);
    await edit.getByLabel('Description').fill('Mine');
    await edit.getByRole('button', { name: 'Save webhook' }).click();
    const conflict = edit.getByRole('alert').filter({ hasText: 'Someone changed this webhook' });
    await conflict.waitFor();
    assert.equal((await only()).description, 'Theirs');
    await conflict.getByRole('button', { name: 'Reload the webhook' }).click();
    await page.waitForFunction(
      () => document.querySelector<HTMLInputElement>('form input[data-i18n-skip]')?.value === 'Theirs',
    );
    assert.equal(await conflict.count(), 0);

    // ── Switched off and on ──
    await page.getByRole('button', { name: 'Switch off' }).click();
    await page.getByRole('status').filter({ hasText: 'Switched off: nothing is sent to it.' }).waitFor();
    await page.getByTestId('webhook-state').getByText('Switched off by an administrator').waitFor();
    await item.getByText('Switched off').waitFor();
    assert.equal((await only()).status, 'inactive');
    await page.getByRole('button', { name: 'Switch on', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Switched on: events are sent again.' }).waitFor();
    assert.equal((await only()).status, 'active');

    // ── The receiver fails: the log says so with the next attempt, the state says failing ──
    hook.state.status = 500;
    await page.getByRole('button', { name: 'Send test' }).click();
    await log.locator('tbody[data-state="pending"]').getByText('Waiting to be sent').waitFor();
    await send();
    const failing = log.locator('tbody[data-event="webhook.test"]').first();
    await failing.getByText(/HTTP 500 · next attempt /).waitFor();
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    await item.getByText('Failing, retrying').waitFor();
    await page
      .getByTestId('webhook-state')
      .getByText(/^Its last attempt failed, at /)
      .waitFor();
    await assertFits(page, 'a failing webhook with its log');
    await assertAccessible(page, 'a failing webhook with its log');
    await page.screenshot({ path: `${SHOTS}/webhooks-02-log.png` });

    // ── Disabled by the sender after failures: when and why in words; switched on again ──
    const failingSince = new Date(Date.now() - 26 * 3_600_000).toISOString();
    await desktop.ctx.store.db
      .updateTable('webhook_endpoints')
      .set({
        disabled_at: new Date().toISOString(),
        disabled_reason: '10 attempts in a row failed over 26 hours; the last: HTTP 500',
        consecutive_failures: 10,
        failing_since: failingSince,
        version: (await only()).version + 1,
      })
      .where('id', '=', w.id)
      .execute();
    await page.getByRole('button', { name: 'Refresh' }).first().click();
    await item.getByText('Disabled after failures').waitFor();
    const state = page.getByTestId('webhook-state');
    await state
      .getByText(/Disabled automatically at .+ after 10 failed attempts in a row \(failing since /)
      .waitFor();
    await state.getByText('10 attempts in a row failed over 26 hours; the last: HTTP 500').waitFor();
    await assertAccessible(page, 'a disabled webhook');
    await page.screenshot({ path: `${SHOTS}/webhooks-03-disabled.png` });
    // The form was filled before the sender's change: reload it, then switch it on.
    await page.getByRole('button', { name: 'Switch on again' }).click();
    await page.getByRole('button', { name: 'Reload the webhook' }).click();
    await page.getByRole('button', { name: 'Switch on again' }).click();
    await page.getByRole('status').filter({ hasText: 'Switched on: events are sent again.' }).waitFor();
    const back = await only();
    assert.deepEqual(
      { status: back.status, failures: back.consecutiveFailures, disabledAt: back.disabledAt },
      { status: 'active', failures: 0, disabledAt: null },
    );
    await item.getByText('State: ✓ Active').waitFor();

    // ── Deleted, after a Yes ──
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Delete this webhook and its delivery log?').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    assert.equal((await desktop.services.webhooks.list()).length, 1);
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted the webhook.' }).waitFor();
    await list.getByText('No webhook yet.').waitFor();
    assert.equal(await page.evaluate(() => window.location.hash), '#/admin/webhooks');
    assert.equal((await desktop.services.webhooks.list()).length, 0);
  });

  test('the screen says everything through the catalogue (en-XA)', async () => {
    hook.state.status = 200;
    const allow = await namesOnScreen(desktop.ctx.store.db);
    const page = await signInPseudo(desktop, 'admin');
    await page.goto(`${desktop.url}/?lang=en-XA#/admin/webhooks/new`);
    await page.locator('.webhooks-admin form input[type="url"]').fill(hook.url);
    await page.locator('.webhooks-admin fieldset.events > label input').check();
    await page.locator('.webhooks-admin form button[type="submit"]').click();
    // The secret shown, a test sent and logged, a deletion being asked.
    await page.locator('#webhook-secret').waitFor();
    await page.locator('.webhook-actions > .row button').first().click();
    await page.locator('.delivery-log tbody').first().waitFor();
    await send();
    await page.locator('.delivery-log tbody[data-state="succeeded"]').waitFor();
    await page.locator('.webhook-actions > .row button').last().click();
    await page.locator('#webhook-confirm').waitFor();
    await assertAllTranslated(page, 'div.webhooks-admin', { allow });
    await page.screenshot({ path: `${SHOTS}/pseudo-webhooks.png` });
    await assertFits(page, 'webhooks under en-XA');

    // Disabled after failures, its events chosen one by one.
    const w = (await desktop.services.webhooks.list())[0]!;
    await desktop.services.webhooks.update(SYSTEM_ACTOR, w.id, { events: ['case.created'] }, undefined);
    await desktop.ctx.store.db
      .updateTable('webhook_endpoints')
      .set({
        disabled_at: new Date().toISOString(),
        disabled_reason: 'The receiver answered 410 Gone: it wants no more webhooks',
        consecutive_failures: 1,
        failing_since: new Date().toISOString(),
      })
      .where('id', '=', w.id)
      .execute();
    // Loaded afresh (a change of the hash alone keeps the page and its list).
    await page.goto(`${desktop.url}/?lang=en-XA#/admin/webhooks/${w.id}`);
    await page.reload();
    await page.locator('[data-testid="webhook-state"] [data-state="disabled"]').waitFor();
    await page.locator('.webhooks-admin fieldset.events fieldset').first().waitFor();
    await assertAllTranslated(page, 'div.webhooks-admin', { allow });
  });

  test('only administrators see the webhooks', async () => {
    const officer = await desktop.signIn('olivia');
    await officer.goto(`${desktop.url}/#/admin/webhooks`);
    await officer.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.equal(await officer.getByRole('heading', { name: 'Webhooks', level: 1 }).count(), 0);

    const supervisor = await desktop.signIn('sam');
    await supervisor.getByRole('link', { name: 'Administration' }).click();
    await supervisor.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    await supervisor.getByRole('link', { name: 'Service levels' }).waitFor();
    assert.equal(await supervisor.getByRole('link', { name: 'Webhooks' }).count(), 0);
    await supervisor.goto(`${desktop.url}/#/admin/webhooks/new`);
    await supervisor.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    assert.equal(await supervisor.getByRole('heading', { name: 'Webhooks', level: 1 }).count(), 0);
    assert.equal(await supervisor.getByRole('form', { name: 'New webhook' }).count(), 0);
  });
});
