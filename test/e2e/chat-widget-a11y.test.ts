import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { startWidgetSite } from '../helpers/widget-site.ts';

const AXE = fs.readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');
/** Phones: the smallest width WCAG's reflow asks for (320 CSS px) and a common one. */
const PHONES = [
  { width: 320, height: 568 },
  { width: 390, height: 844 },
];
/** The desktop screen the product is made for (core tasks fit 1280×720 without page scrolling). */
const DESKTOP = { width: 1280, height: 720 };

/**
 * Every WCAG 2.0–2.2 A and AA rule axe has, at every impact (not only serious and critical), on
 * the widget inside its shadow root; the host page's own markup is left out.
 */
async function axeWidget(page: Page, what: string) {
  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is injected as a global script
    const axe = (window as any).axe;
    const r = await axe.run(
      { include: [['[data-frontline-chat]']] },
      {
        runOnly: {
          type: 'tag',
          values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22a', 'wcag22aa'],
        },
        // 2.5.8 (target size) is AA in WCAG 2.2; axe leaves it off its default set.
        rules: { 'target-size': { enabled: true } },
      },
    );
    return r.violations.map(
      (v: { id: string; impact: string; nodes: { target: string[]; failureSummary: string }[] }) =>
        `${v.impact} ${v.id}: ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary})`).join('; ')}`,
    );
  });
  assert.deepEqual(violations, [], `${what}: WCAG 2.2 AA violations`);
}

/** The widget's shadow root, for what locators cannot say (focus, layout). */
const inWidget = <T>(page: Page, fn: (root: ShadowRoot) => T): Promise<T> =>
  page.evaluate(
    // Passed as a string: the function runs in the page, where it finds the root itself.
    `(${fn.toString()})(document.querySelector('[data-frontline-chat]').shadowRoot)`,
  ) as Promise<T>;

/** Interactive controls on screen smaller than 24×24 CSS px (WCAG 2.2, 2.5.8), by their text. */
const smallTargets = (page: Page) =>
  inWidget(page, (root) =>
    [...root.querySelectorAll<HTMLElement>('button, input, textarea, select, a[href]')]
      .filter((e) => e.offsetParent !== null || getComputedStyle(e).position === 'fixed')
      .filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.width < 24 || r.height < 24);
      })
      .map((e) => e.getAttribute('aria-label') ?? e.textContent ?? e.tagName),
  );

/** The open panel fills a phone's screen, and nothing scrolls sideways. */
async function fitsPhone(page: Page, vw: { width: number; height: number }, what: string) {
  const box = await inWidget(page, (root) => {
    const r = root.querySelector('.panel')!.getBoundingClientRect();
    const wide = [...root.querySelectorAll<HTMLElement>('.panel *')].filter(
      (e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'hidden',
    );
    return { x: r.x, y: r.y, w: r.width, h: r.height, wide: wide.map((e) => e.className || e.tagName) };
  });
  assert.deepEqual(
    { x: box.x, y: box.y, w: box.w, h: box.h },
    { x: 0, y: 0, w: vw.width, h: vw.height },
    `${what}: the panel fills the screen`,
  );
  assert.deepEqual(box.wide, [], `${what}: nothing scrolls sideways`);
  assert.ok(
    await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    `${what}: the page does not scroll sideways`,
  );
  assert.deepEqual(await smallTargets(page), [], `${what}: every target at least 24×24`);
}

/**
 * The form's button is seen whole without scrolling anything: its box lies inside the panel, inside
 * every box around it that clips (the form scrolls when it is too tall), and inside the viewport.
 */
async function buttonWhole(page: Page, name: string, what: string) {
  const clipped = await page.evaluate(
    `(() => {
      const root = document.querySelector('[data-frontline-chat]').shadowRoot;
      const b = [...root.querySelectorAll('button')].find((e) => e.textContent === ${JSON.stringify(name)});
      if (!b) return ['no button'];
      const r = b.getBoundingClientRect();
      const inside = (o) => r.left >= o.left - 0.5 && r.top >= o.top - 0.5 && r.right <= o.right + 0.5 && r.bottom <= o.bottom + 0.5;
      const out = [];
      if (!inside({ left: 0, top: 0, right: innerWidth, bottom: innerHeight })) out.push('the viewport');
      for (let e = b.parentElement; e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (e.classList.contains('panel') || s.overflowX !== 'visible' || s.overflowY !== 'visible')
          if (!inside(e.getBoundingClientRect())) out.push(e.className || e.tagName);
        if (e.classList.contains('panel')) break;
      }
      return out.map((o) => o + ' [' + [r.top, r.bottom].map(Math.round).join('-') + ']');
    })()`,
  );
  assert.deepEqual(clipped, [], `${what}: "${name}" is cut off by`);
}

const focused = (page: Page) =>
  inWidget(page, (root) => {
    const e = root.activeElement as HTMLElement | null;
    return e ? (e.getAttribute('aria-label') ?? e.getAttribute('name') ?? e.textContent ?? '') : null;
  });

/**
 * The widget's accessibility and phone checks (issue 14: "a phone-sized viewport; axe on the
 * widget"): each screen of it — the button, the pre-chat form and its error, leave a message, a
 * chat with messages, a link and files, an ended chat — on 320 and 390 px wide phones, against
 * every WCAG 2.2 A/AA rule axe has at any impact, plus what axe cannot see: the panel fills the
 * phone with nothing scrolling sideways, targets are 24 px or more, the keyboard opens, uses and
 * closes it, focus is visible and returns to the button.
 */
describe('the chat widget: WCAG 2.2 AA and phones, in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  let site: Awaited<ReturnType<typeof startWidgetSite>>;
  let siteUrl = '';

  before(async () => {
    desktop = await startDesktop({ customers: 1 });
    site = await startWidgetSite(desktop, { viewport: 'width=device-width, initial-scale=1' });
    siteUrl = site.url;
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(async () => {
    await site.close();
    await desktop.close();
  });

  const phone = async (vw: { width: number; height: number }) => {
    const ctx = await desktop.browser.newContext({ viewport: vw, isMobile: true, hasTouch: true });
    const page = await ctx.newPage();
    await page.goto(siteUrl);
    await page.getByRole('button', { name: 'Chat with us' }).waitFor();
    return { ctx, page };
  };

  test('nobody available: the button and the leave-a-message form, by keyboard, on both phones; whole at 1280×720', async () => {
    for (const vw of PHONES) {
      const what = `${vw.width}×${vw.height}`;
      const { ctx, page } = await phone(vw);
      await axeWidget(page, `${what} the closed widget`);
      assert.deepEqual(await smallTargets(page), [], `${what}: the button is large enough`);
      // The keyboard reaches the button from the page, opens the panel, lands in the first field.
      await page.keyboard.press('Tab');
      assert.equal(await focused(page), 'Chat with us');
      const outline = await inWidget(page, (root) => getComputedStyle(root.activeElement!).outlineStyle);
      assert.notEqual(outline, 'none', `${what}: focus is visible`);
      await page.keyboard.press('Enter');
      await page.getByText(/Nobody can chat right now/).waitFor();
      assert.equal(await focused(page), 'name');
      await axeWidget(page, `${what} leave a message`);
      await fitsPhone(page, vw, `${what} leave a message`);
      await buttonWhole(page, 'Send message', `${what} leave a message`);
      // Sent empty: the error is announced (role=alert), the field marked and focused.
      await page.getByRole('button', { name: 'Send message' }).click();
      await page.getByRole('alert').getByText('Please check this field.').waitFor();
      assert.equal(await focused(page), 'name');
      assert.equal(await page.getByLabel('Your name').getAttribute('aria-invalid'), 'true');
      await axeWidget(page, `${what} leave a message, with an error`);
      // Escape closes it, and focus returns to the button.
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Chat with us' }).waitFor();
      assert.equal(await focused(page), 'Chat with us');
      await ctx.close();
    }
    // On a desktop screen the panel sits in the corner: the whole form shows, its button too.
    const ctx = await desktop.browser.newContext({ viewport: DESKTOP });
    const page = await ctx.newPage();
    await page.goto(siteUrl);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByText(/Nobody can chat right now/).waitFor();
    await buttonWhole(page, 'Send message', '1280×720 leave a message');
    await axeWidget(page, '1280×720 leave a message');
    await ctx.close();
  });

  test('a chat on both phones: the form, a chat with messages and files, an ended chat', async () => {
    const officer = await desktop.signIn('olivia');
    await officer.getByLabel('My state').selectOption('available');
    await officer.waitForTimeout(300);
    const olivia = await desktop.ctx.store.db
      .selectFrom('users')
      .select(['id', 'role', 'team_id'])
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    const actor = {
      userId: olivia.id,
      role: olivia.role as 'officer',
      teamId: olivia.team_id,
      via: 'session' as const,
    };
    const wide = await desktop.browser.newContext({ viewport: DESKTOP });
    const onDesktop = await wide.newPage();
    await onDesktop.goto(siteUrl);
    await onDesktop.getByRole('button', { name: 'Chat with us' }).click();
    await onDesktop.getByRole('button', { name: 'Start chat' }).waitFor();
    await buttonWhole(onDesktop, 'Start chat', '1280×720 the pre-chat form');
    await wide.close();
    for (const vw of PHONES) {
      const what = `${vw.width}×${vw.height}`;
      const { ctx, page } = await phone(vw);
      await page.getByRole('button', { name: 'Chat with us' }).click();
      await page.getByRole('button', { name: 'Start chat' }).waitFor();
      await axeWidget(page, `${what} the pre-chat form`);
      await fitsPhone(page, vw, `${what} the pre-chat form`);
      await buttonWhole(page, 'Start chat', `${what} the pre-chat form`);
      // The form by keyboard alone: fields in order, Enter on the button.
      await page.keyboard.type('Mei Ling');
      await page.keyboard.press('Tab');
      await page.keyboard.type('mei@customer.example');
      await page.keyboard.press('Tab');
      await page.keyboard.type(`A question with a long word: ${'x'.repeat(60)}`);
      await page.keyboard.press('Tab');
      assert.equal(await focused(page), 'language');
      await page.keyboard.press('Tab');
      assert.equal(await focused(page), 'Start chat');
      await page.keyboard.press('Enter');
      await page.getByText(/in the queue/).waitFor();
      // The officer answers with words and a file; the customer sends a picture.
      const conv = await desktop.ctx.store.db
        .selectFrom('chat_conversations')
        .select('case_id')
        .orderBy('started_at', 'desc')
        .executeTakeFirstOrThrow();
      await desktop.services.chatOfficer.reply(actor, conv.case_id, {
        clientId: randomUUID(),
        text: 'Hello Mei Ling, here is the form: https://www.example.com/forms/roaming-day-pass-application.',
      });
      // The address is a link (checked by axe, the target size and the reflow below, on both phones).
      await page
        .getByRole('link', {
          name: 'https://www.example.com/forms/roaming-day-pass-application',
          exact: true,
        })
        .waitFor();
      const attach = page.getByRole('button', { name: 'Attach a file' });
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), attach.press('Enter')]);
      await chooser.setFiles({
        name: 'receipt.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.from('%PDF-1.4\n%%EOF\n'),
      });
      await page.getByRole('button', { name: /Download receipt\.pdf/ }).waitFor();
      const input = page.getByRole('textbox', { name: 'Message', exact: true });
      await input.fill('Thank you');
      await input.press('Enter');
      await page.getByText('Thank you', { exact: true }).waitFor();
      await axeWidget(page, `${what} a chat with messages and a file`);
      await fitsPhone(page, vw, `${what} a chat`);
      await page.screenshot({ path: `${SHOTS}/chat-widget-a11y-${vw.width}.png` });
      // The composer and the last message stay in view (focus not hidden, 2.4.11).
      const seen = await inWidget(page, (root) => {
        const ta = root.querySelector('textarea')!.getBoundingClientRect();
        return ta.bottom <= window.innerHeight && ta.top >= 0;
      });
      assert.ok(seen, `${what}: the message box is on screen`);
      // Ended: the transcript button, reached and read like the rest.
      await page.getByRole('button', { name: 'End chat' }).click();
      await page.getByRole('button', { name: 'E-mail me the transcript' }).waitFor();
      await axeWidget(page, `${what} an ended chat`);
      await fitsPhone(page, vw, `${what} an ended chat`);
      await page.getByRole('button', { name: 'Close chat window' }).click();
      assert.equal(await focused(page), 'Chat with us');
      // A new visitor for the next phone: this one's chat is over.
      await ctx.close();
    }
    await officer.close();
  });

  test('the team goes home while the pre-chat form is open: Start chat turns into leave a message, as typed', async () => {
    const olivia = await desktop.ctx.store.db
      .selectFrom('users')
      .select(['id', 'role', 'team_id'])
      .where('username', '=', 'olivia')
      .executeTakeFirstOrThrow();
    const actor = {
      userId: olivia.id,
      role: olivia.role as 'officer',
      teamId: olivia.team_id,
      via: 'session' as const,
    };
    await desktop.services.presence.setOwn(actor, { state: 'available' });
    const ctx = await desktop.browser.newContext({ viewport: DESKTOP });
    const page = await ctx.newPage();
    await page.goto(siteUrl);
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await page.getByLabel('Your name').fill('Late Visitor');
    await page.getByLabel('Your e-mail').fill('late@customer.example');
    await page.getByLabel('How can we help?').fill('Is my order on its way?');
    await desktop.services.presence.setOwn(actor, { state: 'offline' });
    await page.getByRole('button', { name: 'Start chat' }).click();
    await page.getByText(/Nobody can chat right now/).waitFor();
    assert.equal(await page.getByLabel('How can we help?').inputValue(), 'Is my order on its way?');
    assert.equal(await focused(page), 'Send message');
    await page.getByRole('button', { name: 'Send message' }).click();
    await page.getByText(/Your message is logged as CS-\d+/).waitFor();
    await ctx.close();
  });
});
