import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { ImapFetchers } from '../../src/server/channels/email/imap-fetcher.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { newId } from '../../src/server/platform/ids.ts';
import { DEFAULT_MAILBOX_OPTIONS } from '../../src/shared/contracts/mailboxes.ts';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { type Dovecot, startDovecot } from '../helpers/dovecot.ts';
import { mail } from '../helpers/mail.ts';
import { assertAllTranslated, namesOnScreen, signInPseudo } from '../helpers/pseudo.ts';

/**
 * Issue 13, points 2 and 7, on screen: an administrator sets up a mailbox fetched by IMAP (from a
 * real Dovecot), sees its health as the fetcher finds it, fixes its password and renames it; sees
 * the mail that could not be sent and retries it, and the mail that became no case with why. Other
 * roles do not see the screens. At 1280×720 the page does not scroll; axe finds nothing serious.
 */

/** The page itself does not scroll at 1280×720: each pane scrolls on its own. */
async function assertFits(page: Page, what: string) {
  const { scroll, height } = await page.evaluate(() => ({
    scroll: document.scrollingElement!.scrollHeight,
    height: window.innerHeight,
  }));
  assert.ok(scroll <= height, `${what}: the page scrolls (${scroll} px in ${height} px)`);
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 15_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('e-mail administration in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let dovecot: Dovecot | null;
  let fetchers: ImapFetchers;
  before(async () => {
    desktop = await startDesktop({ customers: 3 });
    dovecot = await startDovecot({ users: { support: 'support-secret' } });
    // The app's own fetchers run only when the server's background loops do; these are synced by hand.
    fetchers = new ImapFetchers({
      inbound: desktop.services.inbound,
      mailboxes: desktop.services.mailboxes,
      onError: () => {},
    });
  });
  after(async () => {
    await fetchers?.stop();
    await dovecot?.stop();
    await desktop?.close();
  });
  afterEach(() => desktop.assertNoPageErrors());

  const mailboxByAddress = async (address: string) =>
    (await desktop.services.mailboxes.list()).find((m) => m.address === address)!;

  test('an administrator sets up an IMAP mailbox, sees its health, fixes its password and renames it', async (t) => {
    if (!dovecot) return t.skip('dovecot is not installed');
    const { host, port } = dovecot;
    const page = await desktop.signIn('admin');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByRole('link', { name: 'E-mail' }).click();
    await page.getByRole('heading', { name: 'E-mail', level: 1 }).waitFor();
    // The demo centre's own mailbox is listed.
    await page.getByRole('navigation', { name: 'Mailboxes' }).getByText('support@frontline.demo').waitFor();

    // ── Create, with a wrong password; a missing host is refused beside its field ──
    await page.getByRole('link', { name: 'New mailbox' }).click();
    const form = page.getByRole('form', { name: 'New mailbox' });
    await form.getByLabel('Address', { exact: true }).fill('support@centre.example');
    await form.getByLabel('Display name').fill('Support');
    await form.getByLabel('Team', { exact: true }).selectOption({ label: 'Hotline Team A' });
    await form.getByLabel('First-response target (minutes)').fill('120');
    assert.equal(await form.getByLabel('IMAP host').count(), 0, 'IMAP settings only for IMAP');
    await form.getByLabel('Fetched from an existing IMAP mailbox').check();
    await form.getByLabel('IMAP port').fill(String(port));
    await form.getByLabel(/^IMAP over TLS/).uncheck();
    await form.getByLabel('IMAP user name').fill('support');
    await form.getByLabel('IMAP password').fill('not-the-password');
    await form.getByText('No password set.').first().waitFor();
    await form.getByRole('button', { name: 'Add mailbox' }).click();
    const hostProblem = form.locator('#err--body-imap-host');
    await hostProblem.waitFor();
    assert.match(await hostProblem.innerText(), /^IMAP host /);
    assert.equal(await form.getByLabel('IMAP host').getAttribute('aria-invalid'), 'true');
    await page.waitForFunction(() => document.activeElement?.getAttribute('aria-invalid') === 'true');
    await assertAccessible(page, 'new mailbox with a problem');
    await form.getByLabel('IMAP host').fill(host);
    await form.getByRole('button', { name: 'Add mailbox' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved mailbox support@centre.example.' }).waitFor();
    const edit = page.getByRole('form', { name: 'Edit mailbox support@centre.example' });
    await edit.waitFor();

    const box = await mailboxByAddress('support@centre.example');
    assert.equal(box.inbound, 'imap');
    assert.deepEqual(
      { ...box.imap },
      {
        host,
        port,
        tls: false,
        user: 'support',
        folder: 'INBOX',
        processedFolder: 'Frontline/Processed',
        hasPassword: true,
      },
    );
    assert.equal(box.firstResponseMinutes, 120);
    assert.equal(box.smtp, null, 'no SMTP host: sent through the server’s SMTP_URL');
    assert.deepEqual(box.options, DEFAULT_MAILBOX_OPTIONS, 'the form starts from the server’s defaults');
    // Write-only: the password typed is gone from the page; the form and the list say it is set.
    assert.equal(await edit.getByLabel('IMAP password').inputValue(), '');
    await edit.getByText('A password is set and never shown').waitFor();
    assert.ok(!(await page.content()).includes('not-the-password'));
    const list = page.getByRole('navigation', { name: 'Mailboxes' });
    const item = list.locator('li[data-mailbox="support@centre.example"]');
    await item.getByText('In by IMAP (password set)').waitFor();
    await item.getByText('Cases to Hotline Team A').waitFor();
    await item.getByText('Health: ? Not checked yet').waitFor();

    // ── The fetcher is refused: the list says so in words, with the error and its time ──
    await fetchers.sync();
    await until(
      'the sign-in refused',
      async () => (await mailboxByAddress('support@centre.example')).health === 'authentication',
    );
    await page.getByRole('button', { name: 'Refresh health' }).click();
    await item.getByText('Sign-in refused').waitFor();
    await item.getByText(/^Last error \d/).waitFor();
    await page.getByTestId('mailbox-health').getByText('refused the user name or password').waitFor();
    await assertFits(page, 'mailbox with a failing sign-in');
    await assertAccessible(page, 'mailbox with a failing sign-in');
    await page.screenshot({ path: `${SHOTS}/mailboxes-01-sign-in-refused.png` });

    // ── The right password: saved without showing it; the next fetch works ──
    await edit.getByLabel('IMAP password').fill('support-secret');
    await edit.getByRole('button', { name: 'Save mailbox' }).click();
    // The same words were shown when the mailbox was made: wait for this save (the new version),
    // not for the status line, which may still say so from before.
    await until(
      'the password saved',
      async () => (await mailboxByAddress('support@centre.example')).version === 2,
    );
    await page.getByRole('status').filter({ hasText: 'Saved mailbox support@centre.example.' }).waitFor();
    await until(
      'the typed password leaves the page',
      async () => (await edit.getByLabel('IMAP password').inputValue()) === '',
    );
    await fetchers.sync();
    await until('a fetch', async () => (await mailboxByAddress('support@centre.example')).lastFetchAt);
    await page.getByRole('button', { name: 'Refresh health' }).click();
    await item.getByText('Health: ✓ Working').waitFor();
    await item.getByText(/^Last fetch \d/).waitFor();
    assert.equal(await item.getByText(/^Last error/).count(), 0, 'new settings: the old error is gone');

    // ── Renamed: only the name is sent, so the health it has stays ──
    await edit.getByLabel('Display name').fill('Customer Support');
    await edit.getByRole('button', { name: 'Save mailbox' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved mailbox support@centre.example.' }).waitFor();
    const renamed = await mailboxByAddress('support@centre.example');
    assert.equal(renamed.displayName, 'Customer Support');
    assert.equal(renamed.health, 'ok');
    assert.equal(renamed.version, 3);
    await item.getByText('Customer Support').waitFor();
    await item.getByText('Working').waitFor();
    await assertFits(page, 'mailbox editor');
    await assertAccessible(page, 'mailbox editor');
    await page.screenshot({ path: `${SHOTS}/mailboxes-02-working.png` });

    // ── Changed by someone else meanwhile: the save is refused (412) and the form reloads theirs ──
    await desktop.services.mailboxes.update(
      SYSTEM_ACTOR,
      renamed.id,
      { signature: 'The support desk' },
      undefined,
    );
    await edit.getByLabel('Signature').fill('Mine');
    await edit.getByRole('button', { name: 'Save mailbox' }).click();
    const conflict = edit.getByRole('alert').filter({ hasText: 'Someone changed this mailbox' });
    await conflict.waitFor();
    assert.equal((await mailboxByAddress('support@centre.example')).signature, 'The support desk');
    await conflict.getByRole('button', { name: 'Reload the mailbox' }).click();
    await page.waitForFunction(
      () => (document.querySelector('textarea') as HTMLTextAreaElement | null)?.value === 'The support desk',
    );
    assert.equal(await conflict.count(), 0);
  });

  test('the mail that could not be sent is retried from the screen; mail that became no case says why', async () => {
    const { services, ctx } = desktop;
    const box = await services.mailboxes.create(SYSTEM_ACTOR, {
      address: 'billing@centre.example',
      displayName: 'Billing',
      inbound: 'smtp',
      options: { acknowledge: false },
    });
    const receive = (raw: Buffer) =>
      services.inbound.receive({ channel: 'email', raw, transport: 'api', endpointId: box.id });
    const first = await receive(mail({ from: 'Ana <ana@customer.example>', to: 'billing@centre.example' }));
    assert.equal(first.outcome?.result, 'message');
    const caseId = first.outcome?.result === 'message' ? first.outcome.caseId : '';
    const { reference } = await services.cases.get(caseId);
    // Mail from our own address (a loop) and mail flagged as spam: set aside, never a case.
    const loop = await receive(
      mail({ from: 'billing@centre.example', to: 'billing@centre.example', subject: 'Looping' }),
    );
    assert.equal(loop.outcome?.result === 'ignored' && loop.outcome.reason, 'own_address');
    const spam = await receive(
      mail({
        from: 'promo@spam.example',
        to: 'billing@centre.example',
        headers: { 'X-Spam-Flag': 'YES' },
      }),
    );
    assert.equal(spam.outcome?.result === 'ignored' && spam.outcome.reason, 'spam');

    // A reply that gave up after its retries (dead-lettered), as the sender leaves one.
    const at = new Date().toISOString();
    const deadId = newId();
    await ctx.store.db
      .insertInto('messages')
      .values({
        id: deadId,
        case_id: caseId,
        contact_id: null,
        channel: 'email',
        direction: 'outbound',
        kind: 'reply',
        endpoint_id: box.id,
        raw_id: null,
        source_key: `${deadId}@centre.example`,
        in_reply_to: null,
        refs: '[]',
        from_address: 'billing@centre.example',
        from_name: 'Billing',
        to_addresses: JSON.stringify([{ address: 'ana@customer.example', name: 'Ana' }]),
        cc_addresses: '[]',
        subject: `Re: Your bill [${reference}]`,
        body_text: 'We have corrected it.',
        body_html: null,
        remote_images: false,
        author_id: null,
        state: 'failed',
        state_reason: 'permanent: 550 5.1.1 mailbox unavailable',
        attempts: 8,
        next_attempt_at: null,
        lease_until: null,
        created_at: at,
        sent_at: null,
        updated_at: at,
      })
      .execute();

    const page = await desktop.signIn('admin');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${desktop.url}/#/admin/mail`);
    await page.getByRole('link', { name: 'Mail problems' }).click();
    const dead = page.getByRole('region', { name: 'Mail that could not be sent' });
    const row = dead.getByRole('row').filter({ hasText: `Re: Your bill [${reference}]` });
    await row.getByRole('link', { name: reference }).waitFor();
    assert.equal(await row.getByRole('link', { name: reference }).getAttribute('href'), `#/cases/${caseId}`);
    await row.getByText('ana@customer.example').waitFor();
    await row.getByText('permanent: 550 5.1.1 mailbox unavailable').waitFor();
    const ignored = page.getByRole('region', { name: 'Mail that did not become a case' });
    await ignored
      .getByRole('row')
      .filter({ hasText: 'billing@centre.example' })
      .getByText('From one of our own addresses (a mail loop)')
      .waitFor();
    await ignored
      .getByRole('row')
      .filter({ hasText: 'promo@spam.example' })
      .getByText('Spam', { exact: true })
      .waitFor();
    await assertFits(page, 'mail problems');
    await assertAccessible(page, 'mail problems');
    await page.screenshot({ path: `${SHOTS}/mailboxes-03-problems.png` });

    // Retry: queued again, and the row leaves the list.
    await row.getByRole('button', { name: 'Retry' }).click();
    await dead.getByRole('status').filter({ hasText: 'Queued to be sent again.' }).waitFor();
    await dead.getByText('No message is waiting to be retried.').waitFor();
    const retried = await ctx.store.db
      .selectFrom('messages')
      .select(['state', 'attempts'])
      .where('id', '=', deadId)
      .executeTakeFirstOrThrow();
    assert.deepEqual({ ...retried }, { state: 'queued', attempts: 0 });
  });

  test('the screens say everything through the catalogue (en-XA)', async () => {
    const allow = await namesOnScreen(desktop.ctx.store.db);
    const page = await signInPseudo(desktop, 'admin');
    const box = await mailboxByAddress('billing@centre.example');
    await page.goto(`${desktop.url}/?lang=en-XA#/admin/mail/mailboxes/${box.id}`);
    await page.locator('form[aria-label] input[type="email"]').waitFor();
    // The IMAP settings shown too.
    await page.locator('input[name="inbound"][value="imap"]').check();
    await assertAllTranslated(page, 'div.mail-admin', { allow });
    await page.goto(`${desktop.url}/?lang=en-XA#/admin/mail/problems`);
    await page.locator('section[aria-labelledby="ignored-h"] tbody tr').first().waitFor();
    await assertAllTranslated(page, 'div.mail-admin', { allow });
    await assertFits(page, 'mail problems under en-XA');
  });

  test('only administrators see the e-mail screens', async () => {
    const officer = await desktop.signIn('olivia');
    assert.equal(await officer.getByRole('link', { name: 'Administration' }).count(), 0);
    await officer.goto(`${desktop.url}/#/admin/mail`);
    await officer.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.equal(await officer.getByRole('heading', { name: 'E-mail', level: 1 }).count(), 0);
    assert.equal(await officer.getByRole('link', { name: 'Mailboxes' }).count(), 0);

    // A supervisor runs the administration page, but not the mailboxes (channels.manage).
    const supervisor = await desktop.signIn('sam');
    await supervisor.getByRole('link', { name: 'Administration' }).click();
    await supervisor.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    await supervisor.getByRole('link', { name: 'Service levels' }).waitFor();
    assert.equal(await supervisor.getByRole('link', { name: 'E-mail' }).count(), 0);
    await supervisor.goto(`${desktop.url}/#/admin/mail/problems`);
    await supervisor.getByRole('heading', { name: 'Administration', level: 1 }).waitFor();
    assert.equal(await supervisor.getByRole('heading', { name: 'E-mail', level: 1 }).count(), 0);
    assert.equal(await supervisor.getByRole('region', { name: 'Mail that could not be sent' }).count(), 0);
  });
});
