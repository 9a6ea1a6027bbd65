import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { DEMO_PASSWORD, type Desktop, startDesktop } from '../helpers/desktop.ts';

/**
 * Issue 11, lock-out: a person locked out by wrong passwords is told for how long; an administrator
 * sees the lock on the Users screen, lifts it, and sets a new password for someone who lost theirs.
 */
describe('administrators unlock users and reset passwords in Chromium', { skip: !haveChromium }, () => {
  let desktop: Desktop;
  const pageErrors: string[] = [];
  /** Any uncaught error in a page fails the test, even when the screen looked right. */
  const watch = (page: Page): Page => {
    page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.stack ?? e.message}`));
    return page;
  };
  before(async () => {
    desktop = await startDesktop({ customers: 3 });
  });
  after(() => desktop?.close());

  /** The sign-in form as a person fills it; returns the page, signed in or showing why not. */
  async function signInWith(username: string, password: string, page?: Page): Promise<Page> {
    const p = page ?? watch(await desktop.browser.newPage());
    if (!page) await p.goto(desktop.url);
    await p.getByLabel('Username').fill(username);
    await p.getByLabel('Password').fill(password);
    // Returns once the server has answered, so attempts are counted one after another.
    await Promise.all([
      p.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login')),
      p.getByRole('button', { name: 'Sign in' }).click(),
    ]);
    return p;
  }

  test('a locked user is told for how long; the administrator unlocks them from the Users screen', async () => {
    // The sign-in page logs nothing in the console: the session check on load answers a signed-out
    // browser without a 401 (issue 14 audit).
    const tom = watch(await desktop.browser.newPage());
    const consoleErrors: string[] = [];
    tom.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(`${m.text()} ${m.location().url}`);
    });
    await tom.goto(desktop.url);
    await tom.getByRole('button', { name: 'Sign in' }).waitFor();
    await tom.waitForLoadState('networkidle');
    assert.deepEqual(consoleErrors, [], 'the sign-in page logs no console error');
    await signInWith('tom', 'not my password at all', tom);
    await tom.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();
    for (let i = 2; i <= desktop.ctx.config.login.maxFailures; i++)
      await signInWith('tom', `not my password at all ${i}`, tom);
    await signInWith('tom', DEMO_PASSWORD, tom);
    await tom
      .getByRole('alert')
      .filter({ hasText: 'Too many failed sign-ins. Try again in 15 minutes.' })
      .waitFor();
    await tom.screenshot({ path: `${SHOTS}/admin-users-01-locked-out.png` });

    const admin = watch(await desktop.signIn('admin'));
    await admin.getByRole('link', { name: 'Administration' }).click();
    const users = admin.getByRole('region', { name: 'Users and roles' });
    const tomRow = users.getByRole('row').filter({ hasText: 'Tom Lim' });
    await tomRow.getByText(/Locked until \d/).waitFor();
    assert.equal(await users.getByText(/Locked until/).count(), 1, 'only Tom is locked');
    await assertAccessible(admin, 'users screen with a locked user');
    await admin.screenshot({ path: `${SHOTS}/admin-users-02-locked.png`, fullPage: true });

    await tomRow.getByRole('button', { name: 'Unlock Tom Lim' }).click();
    await users.getByRole('status').filter({ hasText: 'Tom Lim can sign in again.' }).waitFor();
    assert.equal(await tomRow.getByText(/Locked until/).count(), 0);

    await signInWith('tom', DEMO_PASSWORD, tom);
    await tom.getByRole('button', { name: 'Sign out' }).waitFor();
    await admin.close();
    await tom.close();
    assert.deepEqual(pageErrors, []);
  });

  test('the administrator resets a password: the rule is explained, old sessions end, the new one signs in', async () => {
    const oliviaBefore = watch(await desktop.signIn('olivia'));
    const admin = watch(await desktop.signIn('admin'));
    await admin.getByRole('link', { name: 'Administration' }).click();
    const users = admin.getByRole('region', { name: 'Users and roles' });
    await users.getByRole('button', { name: 'Reset password of Olivia Tan' }).click();
    const form = users.getByRole('form', { name: 'Password reset for Olivia Tan' });
    const field = form.getByLabel('New password for Olivia Tan');

    await field.fill('password1234');
    await form.getByRole('button', { name: 'Set password' }).click();
    await users
      .getByRole('alert')
      .filter({ hasText: 'is one of the most commonly used passwords' })
      .waitFor();
    await field.fill('olivia-tan-forever');
    await form.getByRole('button', { name: 'Set password' }).click();
    await users.getByRole('alert').filter({ hasText: 'must not contain the username' }).waitFor();
    await assertAccessible(admin, 'password reset form with a refusal');

    const next = 'kettle on the windowsill';
    await field.fill(next);
    await form.getByRole('button', { name: 'Set password' }).click();
    await users
      .getByRole('status')
      .filter({ hasText: 'New password set for Olivia Tan; their sessions have ended.' })
      .waitFor();
    await admin.screenshot({ path: `${SHOTS}/admin-users-03-reset.png`, fullPage: true });

    // The session Olivia had before the reset is over: a reload shows the sign-in form.
    await oliviaBefore.reload();
    await oliviaBefore.getByRole('button', { name: 'Sign in' }).waitFor();
    await signInWith('olivia', DEMO_PASSWORD, oliviaBefore);
    await oliviaBefore.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();
    await signInWith('olivia', next, oliviaBefore);
    await oliviaBefore.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.deepEqual(pageErrors, []);
  });
});
