import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { Actor } from '../../src/server/platform/audit.ts';
import type { Executor } from '../../src/server/platform/db/index.ts';
import { DEMO_PASSWORD, type Desktop } from './desktop.ts';

/**
 * Under the pseudo-locale `en-XA` (src/web/i18n/pseudo.ts) every catalogue string shows inside
 * ⟦…⟧. Text left outside the markers skipped the catalogue — unless it is data: a number, a
 * reference (CS-000123), a date or time from Intl, an e-mail address, a name or a word the test
 * knows is data (`allow`), or anything inside `[data-i18n-skip]` (what people typed: subjects,
 * notes, the server's own messages).
 */
export interface PseudoOptions {
  /** Data the test knows is on screen (people's and customers' names, team, category names…). */
  allow?: string[];
  /** Regions not converted yet (other features' components inside this one): not checked. */
  skip?: string[];
}

export interface Untranslated {
  text: string;
  where: string;
}

/** What in `root` (a CSS selector) is visible, not data, and not from the catalogue. */
export async function untranslated(
  page: Page,
  root: string,
  opts: PseudoOptions = {},
): Promise<Untranslated[]> {
  return page.evaluate(
    ({ root, allow, skip }) => {
      const found: { text: string; where: string }[] = [];
      const skipSel = ['[data-i18n-skip]', 'script', 'style', 'svg', ...skip].join(',');
      // Longest first, so "Billing team" is taken out before "Billing".
      const known = [...allow].filter(Boolean).sort((a, b) => b.length - a.length);
      const DATA = [
        /\b[A-Z]{2,4}-\d{3,}\b/g, // references
        /[\w.+-]+@[\w-]+(\.[\w-]+)+/g, // e-mail addresses
        // Intl dates and times ("2 Dec 2026, 14:05", "Dec 2", "2:05 PM")
        /\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b/g,
        /\b(AM|PM|am|pm)\b/g,
      ];
      const leftover = (raw: string): string => {
        let s = raw;
        // Markers may nest (a translated value inside a translated string): innermost first.
        for (let prev = ''; prev !== s; ) {
          prev = s;
          s = s.replace(/⟦[^⟦⟧]*⟧/g, ' ');
        }
        for (const k of known) s = s.split(k).join(' ');
        for (const re of DATA) s = s.replace(re, ' ');
        // What is left may hold digits, punctuation and symbols, but no letter.
        return /\p{L}/u.test(s) ? raw.trim() : '';
      };
      const describe = (el: Element) => {
        const id = el.id ? `#${el.id}` : '';
        const cls = typeof el.className === 'string' && el.className ? `.${el.className.split(' ')[0]}` : '';
        return `${el.tagName.toLowerCase()}${id}${cls}`;
      };
      const visible = (el: Element) =>
        el.checkVisibility({ visibilityProperty: true, opacityProperty: false }) ||
        // An <option> of a visible <select> is not itself "visible", but it is read.
        (el instanceof HTMLOptionElement && !!el.parentElement?.closest('select')?.checkVisibility());
      for (const base of document.querySelectorAll(root)) {
        const walker = document.createTreeWalker(base, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const el = n.parentElement;
          if (!el || el.closest(skipSel) || !visible(el)) continue;
          const bad = leftover(n.textContent ?? '');
          if (bad) found.push({ text: bad, where: describe(el) });
        }
        for (const el of [base, ...base.querySelectorAll('[aria-label], [title], [placeholder]')]) {
          if (el.closest(skipSel) || !visible(el)) continue;
          for (const attr of ['aria-label', 'title', 'placeholder']) {
            const v = el.getAttribute(attr);
            // A title repeating data (a subject on hover, a full date) is data too.
            if (attr === 'title' && (el.tagName === 'TIME' || el.closest('td.subject, h1[data-i18n-skip]')))
              continue;
            const bad = v ? leftover(v) : '';
            if (bad) found.push({ text: bad, where: `${describe(el)}[${attr}]` });
          }
        }
      }
      return found;
    },
    { root, allow: opts.allow ?? [], skip: opts.skip ?? [] },
  );
}

/** Fails, listing each string that skipped the catalogue, when any visible text in `root` did. */
export async function assertAllTranslated(page: Page, root: string, opts: PseudoOptions = {}) {
  const bad = await untranslated(page, root, opts);
  assert.deepEqual(
    bad,
    [],
    `strings outside the catalogue in ${root}:\n${bad.map((b) => `  ${b.where}: ${JSON.stringify(b.text)}`).join('\n')}`,
  );
}

/**
 * The names the seeded centre shows as data on its screens (people, customers, teams, departments,
 * categories, calendars, policies, rules): allowed through `assertAllTranslated` as they are.
 */
export async function namesOnScreen(db: Executor): Promise<string[]> {
  const names = await Promise.all([
    db.selectFrom('users').select('display_name as n').execute(),
    db.selectFrom('customers').select('display_name as n').execute(),
    db.selectFrom('teams').select('name as n').execute(),
    db.selectFrom('departments').select('name as n').execute(),
    db.selectFrom('case_categories').select('name as n').execute(),
    db.selectFrom('business_calendars').select('name as n').execute(),
    db.selectFrom('sla_policies').select('name as n').execute(),
    db.selectFrom('escalation_rules').select('name as n').execute(),
  ]);
  return names.flat().map((r) => r.n);
}

/** The seeded centre's people as actors by username, to set up what a screen shows through the services. */
export async function demoActors(db: Executor): Promise<(username: string) => Actor> {
  const users = await db.selectFrom('users').select(['id', 'username', 'role']).execute();
  return (username) => {
    const u = users.find((x) => x.username === username);
    if (!u) throw new Error(`no demo user ${username}`);
    return { userId: u.id, role: u.role as Actor['role'], via: 'session' };
  };
}

/** Sign in under en-XA at 1280×720 (by the form's field names: the labels are pseudo-text). */
export async function signInPseudo(desktop: Desktop, username: string): Promise<Page> {
  const page = await desktop.browser.newPage({ viewport: { width: 1280, height: 720 } });
  await page.goto(`${desktop.url}/?lang=en-XA`);
  await page.locator('input[name="username"]').fill(username);
  await page.locator('input[name="password"]').fill(DEMO_PASSWORD);
  await page.locator('button[type="submit"]').click();
  await page.locator('header.topbar').waitFor();
  return page;
}
