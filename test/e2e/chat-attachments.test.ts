import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Download, Page } from 'playwright-core';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { startWidgetSite } from '../helpers/widget-site.ts';

/** A real 8×8 PNG (red): small enough to read, large enough to see as a thumbnail. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEklEQVR4nGP4z8CAFWEXHbQSACj/P8Fu7N9hAAAAAElFTkSuQmCC',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

async function saved(d: Download): Promise<Buffer> {
  const file = await d.path();
  return fs.readFileSync(file!);
}

/**
 * Files in web chat (issue 14, point 3), in Chromium with two contexts: a customer on another
 * site's page sends a picture with the widget's button from the keyboard, sees it in the chat, and
 * is told at once when a file is of a kind a chat does not take; the officer sees it on the case's
 * thread and downloads it, then sends a PDF back from the chat box, which the customer downloads
 * with their chat session.
 */
describe('web chat files, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let site: Awaited<ReturnType<typeof startWidgetSite>>;
  let siteUrl = '';

  before(async () => {
    desktop = await startDesktop({ customers: 1 });
    site = await startWidgetSite(desktop);
    siteUrl = site.url;
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    await site.close();
    await desktop.close();
  });

  test('the customer sends a picture, the officer opens it and sends a PDF back', async () => {
    const officer = await desktop.signIn('olivia');
    await officer.setViewportSize({ width: 1280, height: 720 });
    await officer.getByLabel('My state').selectOption('available');
    await officer.waitForTimeout(300);
    const customerCtx = await desktop.browser.newContext({
      viewport: { width: 390, height: 844 },
      acceptDownloads: true,
    });
    const customer: Page = await customerCtx.newPage();
    await customer.goto(siteUrl);
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await customer.getByLabel('Your name').fill('Mei Ling');
    await customer.getByLabel('Your e-mail').fill('mei@customer.example');
    await customer.getByLabel('How can we help?').fill('My bill looks wrong, here is a photo.');
    await customer.getByRole('button', { name: 'Start chat' }).click();
    await customer.getByText(/number 1 in the queue/).waitFor();

    // A kind of file a chat does not take: refused in the widget, before anything is sent.
    const attach = customer.getByRole('button', { name: 'Attach a file' });
    const [refusedChooser] = await Promise.all([customer.waitForEvent('filechooser'), attach.click()]);
    await refusedChooser.setFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: PDF });
    await customer
      .getByRole('alert')
      .getByText(/pictures, PDF, text and office documents/)
      .waitFor();
    // A program named like a document passes the widget; the server refuses it by its content.
    const [fakeChooser] = await Promise.all([customer.waitForEvent('filechooser'), attach.click()]);
    await fakeChooser.setFiles({
      name: 'invoice.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]),
    });
    await customer.getByText('Not sent').waitFor();

    // The picture, chosen from the keyboard: the button, then Enter.
    const [chooser] = await Promise.all([customer.waitForEvent('filechooser'), attach.press('Enter')]);
    await chooser.setFiles({ name: 'bill photo.png', mimeType: 'image/png', buffer: PNG });
    const mine = customer.getByRole('button', { name: /Download bill photo\.png/ });
    await mine.waitFor();
    // Shown as a thumbnail (fetched with the chat session from the other origin), drawn from its
    // bytes: red pixels on a canvas, no blob: URL a host page's CSP could refuse.
    await customer.waitForFunction(() => {
      const host = document.querySelector('[data-frontline-chat]')?.shadowRoot;
      const c = host?.querySelector<HTMLCanvasElement>('canvas.thumb');
      if (!c || c.hidden || c.style.width !== '8px') return false;
      const [r, g, b] = c.getContext('2d')!.getImageData(0, 0, 1, 1).data;
      return r! > 200 && g! < 50 && b! < 50;
    });
    const stored = await desktop.ctx.store.db
      .selectFrom('message_attachments')
      .select(['filename', 'content_type'])
      .execute();
    assert.deepEqual(
      stored.map((r) => ({ ...r })),
      [{ filename: 'bill photo.png', content_type: 'image/png' }],
      'one file kept',
    );

    // The officer: the picture on the case's thread, downloadable.
    await officer.getByRole('button', { name: /Chats/ }).click();
    await officer.getByRole('link', { name: /Mei Ling/ }).click();
    const thread = officer.getByRole('list', { name: 'Conversation' });
    const link = thread.getByRole('link', { name: 'bill photo.png' });
    await link.waitFor();
    const [download] = await Promise.all([officer.waitForEvent('download'), link.click()]);
    assert.equal(download.suggestedFilename(), 'bill photo.png');
    assert.deepEqual(await saved(download), PNG);

    // The officer sends a PDF back from the chat box, with a line of text.
    const [officerChooser] = await Promise.all([
      officer.waitForEvent('filechooser'),
      officer.getByRole('button', { name: 'Attach files' }).click(),
    ]);
    await officerChooser.setFiles({ name: 'correct bill.pdf', mimeType: 'application/pdf', buffer: PDF });
    await officer.getByRole('list', { name: 'Attachments' }).last().getByText('correct bill.pdf').waitFor();
    const box = officer.getByLabel('Chat message to Mei Ling');
    await box.fill('Here is the corrected bill.');
    await box.press('Enter');
    await thread.getByRole('link', { name: 'correct bill.pdf' }).waitFor();
    await customer.getByText('Here is the corrected bill.').waitFor();
    const theirs = customer.getByRole('button', { name: /Download correct bill\.pdf/ });
    const [got] = await Promise.all([customer.waitForEvent('download'), theirs.click()]);
    assert.equal(got.suggestedFilename(), 'correct bill.pdf');
    assert.deepEqual(await saved(got), PDF);
    await assertAccessible(customer, 'the chat widget with files');
    await customer.screenshot({ path: `${SHOTS}/chat-files-phone.png` });
    await officer.screenshot({ path: `${SHOTS}/chat-files-workspace.png` });
    await customerCtx.close();
    await officer.close();
  });
});
