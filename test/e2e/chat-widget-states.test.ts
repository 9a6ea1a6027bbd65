import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { Actor } from '../../src/server/platform/audit.ts';
import { haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { startWidgetSite } from '../helpers/widget-site.ts';

/** A real 8×8 PNG (red). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEklEQVR4nGP4z8CAFWEXHbQSACj/P8Fu7N9hAAAAAElFTkSuQmCC',
  'base64',
);
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]);

/** Every CSP violation the page reports, recorded from before its first script. */
async function watchCsp(ctx: BrowserContext): Promise<void> {
  await ctx.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) =>
      w.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`),
    );
  });
}
const violations = (page: Page) =>
  page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);

/** The widget's shadow root, for what locators cannot say (layout, a canvas). */
const inWidget = <T>(page: Page, fn: (root: ShadowRoot) => T): Promise<T> =>
  page.evaluate(
    `(${fn.toString()})(document.querySelector('[data-frontline-chat]').shadowRoot)`,
  ) as Promise<T>;

/** How many pictures are drawn in the chat (a thumbnail shown, with pixels). */
const drawn = (page: Page) =>
  inWidget(page, (root) =>
    [...root.querySelectorAll<HTMLCanvasElement>('canvas.thumb')].filter(
      (c) => !c.hidden && c.width > 0 && c.getBoundingClientRect().height > 0,
    ),
  ).then((cs) => (cs as unknown[]).length);

/** Until the widget's element `sel` says nothing. */
const emptied = (page: Page, sel: string, timeout: number) =>
  page.waitForFunction(
    (s) => !document.querySelector('[data-frontline-chat]')!.shadowRoot!.querySelector(s)!.textContent,
    sel,
    { timeout },
  );
const typingLine = (page: Page) => inWidget(page, (root) => root.querySelector('.typing')?.textContent ?? '');
const fileNote = (page: Page) => inWidget(page, (root) => root.querySelector('.fnote')?.textContent ?? '');

/**
 * What a newcomer's walk through web chat found (the widget's side), in Chromium: a picture shown on
 * a page whose CSP refuses blob: and inline styles; an officer's web address a link; "… is typing"
 * gone with the officer's message, after 6 s of silence and when the chat ends; a refused file's
 * reason gone with the next message or after 15 s; the last message in sight once the chat ended.
 */
describe('the chat widget: pictures under a CSP, links, passing states', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let site: Awaited<ReturnType<typeof startWidgetSite>>;
  let actor: Actor;

  before(async () => {
    desktop = await startDesktop({ customers: 1 });
    const ws = desktop.url.replace(/^http/, 'ws');
    // A customer's site with a strict CSP: its own scripts and the widget's host, nothing inline,
    // pictures from itself only (no blob:, no data:), and Trusted Types enforced (no HTML strings).
    site = await startWidgetSite(desktop, {
      viewport: 'width=device-width, initial-scale=1',
      head: `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src ${desktop.url}; connect-src ${desktop.url} ${ws}; img-src 'self'; style-src 'self'; require-trusted-types-for 'script'">`,
    });
    const olivia = await desktop.ctx.store.db
      .selectFrom('users')
      .select(['id', 'role', 'team_id'])
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    actor = { userId: olivia.id, role: olivia.role, teamId: olivia.team_id, via: 'session' };
    await desktop.services.presence.setOwn(actor, { state: 'available' });
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    await site.close();
    await desktop.close();
  });

  /** A visitor on `url` starts a chat; the case it opened. */
  async function startChat(page: Page, url: string, name: string): Promise<string> {
    await page.goto(url);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('Your e-mail').fill(`${name.split(' ')[0]!.toLowerCase()}@customer.example`);
    await page.getByLabel('How can we help?').fill('Is the roaming day pass valid in Malaysia?');
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByText(/in the queue/).waitFor();
    const conv = await desktop.ctx.store.db
      .selectFrom('chat_conversations')
      .select('case_id')
      .orderBy('started_at', 'desc')
      .executeTakeFirstOrThrow();
    return conv.case_id;
  }
  const say = (caseId: string, text: string) =>
    desktop.services.chatOfficer.reply(actor, caseId, { clientId: randomUUID(), text });

  async function sendPicture(page: Page) {
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByRole('button', { name: 'Attach a file' }).click(),
    ]);
    await chooser.setFiles({ name: 'bill photo.png', mimeType: 'image/png', buffer: PNG });
    await page.getByRole('button', { name: /Download bill photo\.png/ }).waitFor();
    // Functions, not strings: a string would be eval'd in the page, which a strict CSP refuses.
    await page.waitForFunction(() =>
      [...document.querySelector('[data-frontline-chat]')!.shadowRoot!.querySelectorAll('canvas.thumb')].some(
        (c) => !(c as HTMLCanvasElement).hidden && (c as HTMLCanvasElement).style.width === '8px',
      ),
    );
  }

  test('the demo page: a picture is shown under the app’s own CSP, nothing refused', async () => {
    const ctx = await desktop.browser.newContext({ viewport: { width: 1280, height: 720 } });
    await watchCsp(ctx);
    const page = await ctx.newPage();
    const caseId = await startChat(page, `${desktop.url}/demo/widget`, 'Demo Visitor');
    await sendPicture(page);
    assert.equal(await drawn(page), 1, 'the picture is drawn');
    assert.deepEqual(await violations(page), [], 'the page refused nothing');
    await desktop.services.chatOfficer.end(actor, caseId);
    await ctx.close();
  });

  test('a strict site: styled, a picture, a link, typing and a refusal that pass, the end in sight', async () => {
    const ctx = await desktop.browser.newContext({
      viewport: { width: 320, height: 568 },
      isMobile: true,
      hasTouch: true,
    });
    await watchCsp(ctx);
    const page = await ctx.newPage();
    const caseId = await startChat(page, site.url, 'Mei Ling');
    // The widget's styles apply although the page refuses inline <style>.
    assert.equal(
      await inWidget(page, (root) => getComputedStyle(root.querySelector('header')!).backgroundColor),
      'rgb(11, 92, 173)',
      'the widget is styled',
    );

    // The officer types, then answers with an article's address: the typing line goes with the answer.
    await desktop.services.chatOfficer.typing(actor, caseId, true);
    await page.getByText('An officer is typing…').waitFor();
    const article = `${desktop.url}/help/roaming-day-pass-charges-abroad`;
    await say(caseId, `Roaming day pass: charges abroad: ${article}. Not javascript:alert(1) though.`);
    await page.getByText(/Roaming day pass: charges abroad/).waitFor();
    assert.equal(await typingLine(page), '', 'the answer ends "is typing" at once');
    const link = page.getByRole('link', { name: article, exact: true });
    assert.equal(await link.getAttribute('href'), article, 'the full stop is not part of the address');
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.equal(await link.getAttribute('rel'), 'noopener noreferrer');
    assert.equal(await page.getByRole('link').count(), 1, 'no other link (no javascript: one)');
    assert.ok(
      (await inWidget(page, (root) => root.querySelector('.officer .bubble')?.innerHTML ?? '')).includes(
        'Not javascript:alert(1) though.',
      ),
      'the rest stays text',
    );
    // What the visitor types stays their words, not links.
    const input = page.getByRole('textbox', { name: 'Message', exact: true });
    await input.fill('I read https://example.com/roaming already');
    await input.press('Enter');
    await page.getByText('I read https://example.com/roaming already').waitFor();
    assert.equal(await page.getByRole('link').count(), 1);

    // A picture, drawn on a page that refuses blob: and data: images.
    await sendPicture(page);
    assert.deepEqual(await violations(page), [], 'the page refused nothing');

    // A refused file says why until the next message is sent.
    const refuse = async () => {
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        page.getByRole('button', { name: 'Attach a file' }).click(),
      ]);
      await chooser.setFiles({ name: 'setup.exe', mimeType: 'application/x-msdownload', buffer: EXE });
      await page
        .getByRole('alert')
        .getByText(/pictures, PDF, text and office documents/)
        .waitFor();
    };
    await refuse();
    await input.fill('Sorry, here is the text instead');
    await input.press('Enter');
    await page.getByText('Sorry, here is the text instead').waitFor();
    assert.equal(await fileNote(page), '', 'the next message clears the refusal');

    // Left alone: "is typing" goes after 6 s without a new signal, the refusal after 15 s.
    await refuse();
    await desktop.services.chatOfficer.typing(actor, caseId, true);
    await page.getByText('Olivia Tan is typing…').waitFor();
    const since = Date.now();
    await emptied(page, '.typing', 10_000);
    const waited = Date.now() - since;
    assert.ok(waited > 4_500 && waited < 8_000, `"is typing" went after ${waited} ms`);
    assert.notEqual(await fileNote(page), '', 'the refusal is still there');
    await emptied(page, '.fnote', 15_000);

    // Enough messages to scroll; the officer types and ends the chat.
    for (let i = 1; i <= 8; i++)
      await say(caseId, `Line ${i} of the answer, long enough to wrap on a phone.`);
    await page.getByText('Line 8 of the answer').waitFor();
    await desktop.services.chatOfficer.typing(actor, caseId, true);
    await page.getByText('Olivia Tan is typing…').waitFor();
    await desktop.services.chatOfficer.end(actor, caseId);
    await page.getByRole('button', { name: 'E-mail me the transcript' }).waitFor();
    assert.equal(await typingLine(page), '', 'the end ends "is typing"');
    const last = await inWidget(page, (root) => {
      const log = root.querySelector('.log')!;
      const items = log.querySelectorAll(':scope > div');
      const lastItem = items[items.length - 1]!.getBoundingClientRect();
      const box = log.getBoundingClientRect();
      return {
        scrolls: log.scrollHeight > log.clientHeight,
        inside: lastItem.top >= box.top - 0.5 && lastItem.bottom <= box.bottom + 0.5,
      };
    });
    assert.ok(last.scrolls, 'the log is long enough to scroll');
    assert.ok(last.inside, 'the last message is in sight once the chat ended');
    await page.screenshot({ path: `${SHOTS}/chat-widget-ended-320.png` });
    assert.deepEqual(await violations(page), [], 'the page refused nothing');
    await ctx.close();
  });
});
