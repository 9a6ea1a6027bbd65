import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { assertAccessible, haveChromium, SHOTS } from '../helpers/browser.ts';
import { type Desktop, startDesktop } from '../helpers/desktop.ts';
import { demoActors } from '../helpers/pseudo.ts';

/** Every destination a team leader has, in the bar's order. */
const LEADER_LINKS = [
  'Contact',
  'Customers',
  'Queues',
  'Follow-ups',
  'Knowledge',
  'Due soon',
  'Templates & scripts',
];

/**
 * A team leader's busy day at 1280×720 (a newcomer's walk: the bar wrapped to two lines and the
 * queue's last column was cut off): 138 unread notifications of which 14 urgent, the team's queue
 * in pull mode ("Next e-mail"), and the team's cases pending with an action party, urgent, highly
 * critical and breached. The top bar stays one line — links that do not fit wait under "More" — and
 * every column of the team's queue is in sight.
 */
describe('a team leader at 1280×720: the top bar and the team queue fit', { skip: !haveChromium }, () => {
  let desktop: Desktop;

  before(async () => {
    desktop = await startDesktop({ customers: 8 });
    const db = desktop.ctx.store.db;
    const s = desktop.services;
    const actor = await demoActors(db);
    const lena = await db
      .selectFrom('users')
      .select(['id', 'team_id'])
      .where('username', '=', 'lena')
      .executeTakeFirstOrThrow();
    await s.notifications.notifyMany(
      db,
      Array.from({ length: 138 }, (_, i) => ({
        userIds: [lena.id],
        kind: 'sla.breached',
        title: `Service level breached ${i}`,
        body: 'A case of the team is past its due time.',
        urgent: i < 14,
      })),
    );
    const queue = await s.routing.queueFor(db, lena.team_id);
    await db.updateTable('routing_queues').set({ email_pull: true }).where('id', '=', queue.id).execute();
    const customers = await db.selectFrom('customers').select('id').orderBy('created_at').limit(6).execute();
    const owners = ['olivia', 'tom', 'lena'];
    for (const [i, customer] of customers.entries()) {
      const tom = actor('tom');
      const contact = await s.contacts.create(tom, {
        channel: 'phone',
        direction: 'inbound',
        customerId: customer.id,
      });
      const c = await s.cases.create(tom, {
        contactId: contact.id,
        type: 'complaint',
        subject: `Charged twice for roaming in Malaysia during the day pass period, case ${i}`,
      });
      await s.contacts.update(tom, contact.id, { end: true });
      const due = new Date(Date.now() - (3 * 24 + 14) * 3_600_000).toISOString();
      await db
        .updateTable('cases')
        .set({
          status: 'pending_action_party',
          priority: 'urgent',
          criticality: 'highly_critical',
          assignee_id: actor(owners[i % 3]!).userId,
          team_id: lena.team_id,
          sla_due_at: due,
          sla_warn_at: due,
        })
        .where('id', '=', c.id)
        .execute();
    }
  });
  afterEach(() => desktop.assertNoPageErrors());
  after(() => desktop.close());

  /** The bar's links on screen, and whether each lies on the bar's one line. */
  const barLinks = (page: Page) =>
    page.evaluate(() => {
      const bar = document.querySelector('header.topbar')!.getBoundingClientRect();
      return [...document.querySelectorAll<HTMLAnchorElement>('header.topbar nav a')]
        .filter((a) => a.checkVisibility({ visibilityProperty: true }))
        .map((a) => {
          const r = a.getBoundingClientRect();
          return { text: a.textContent ?? '', onBar: r.top >= bar.top && r.bottom <= bar.bottom };
        });
    });

  test('the top bar is one line; what does not fit is under More, each destination reached', async () => {
    const page = await desktop.signIn('lena');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByRole('button', { name: /Notifications \(138\) · 14 urgent/ }).waitFor();
    await page.getByRole('button', { name: 'Next e-mail' }).waitFor();
    const bar = await page.locator('header.topbar').boundingBox();
    await page.screenshot({ path: `${SHOTS}/leader-bar-1280.png` });
    assert.ok(bar && bar.height < 60, `the top bar is ${bar?.height} px tall`);
    const inBar = await barLinks(page);
    assert.ok(
      inBar.every((l) => l.onBar),
      `every link shown is on the bar's line: ${JSON.stringify(inBar)}`,
    );
    // The rest are a click away, in order, and go where they say.
    const more = page.getByRole('button', { name: 'More', exact: true });
    const shown = inBar.map((l) => l.text);
    let under: string[] = [];
    if (shown.length < LEADER_LINKS.length) {
      await more.click();
      const list = page.getByRole('list', { name: 'More destinations' });
      under = await list.getByRole('link').allInnerTexts();
      await page.screenshot({ path: `${SHOTS}/leader-bar-more-1280.png` });
      await assertAccessible(page, 'the top bar with More open');
      await list.getByRole('link', { name: 'Due soon' }).click();
      await page.getByRole('heading', { level: 1, name: /Due soon/ }).waitFor();
      assert.equal(await list.count(), 0, 'the menu closes when a link is chosen');
      assert.match(String(await more.getAttribute('class')), /current/, 'More marks the page it holds');
    } else {
      assert.equal(await more.count(), 0);
    }
    assert.deepEqual([...shown, ...under], LEADER_LINKS, 'every destination, once, in order');
    assert.ok(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      'the page does not scroll sideways',
    );
    await page.close();
  });

  test("the team's queue: every column in sight, long words cut with the whole in a tooltip", async () => {
    const page = await desktop.signIn('lena');
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(`${desktop.url}/#/cases`);
    await page.getByRole('radio', { name: /My team's/ }).check();
    await page.locator('tr[data-case]').nth(5).waitFor();
    await page.locator('.queue-table [data-sla="breached"]').first().waitFor();
    await page.screenshot({ path: `${SHOTS}/leader-queues-1280.png` });
    const m = await page.evaluate(() => {
      const scroll = document.querySelector('.queue-scroll')!;
      const head = [...document.querySelectorAll('.queue-table thead th')].map((th) => {
        const r = th.getBoundingClientRect();
        return { text: th.textContent ?? '', right: r.right };
      });
      const row = document.querySelector('.queue-table tbody tr')!.getBoundingClientRect();
      return {
        sw: scroll.scrollWidth,
        cw: scroll.clientWidth,
        right: scroll.getBoundingClientRect().right,
        head,
        rowHeight: row.height,
      };
    });
    assert.ok(m.sw <= m.cw, `the queue scrolls sideways (${m.sw} > ${m.cw})`);
    const updated = m.head.find((h) => h.text === 'Updated');
    assert.ok(updated && updated.right <= m.right + 0.5, `"Updated" is in sight: ${JSON.stringify(m.head)}`);
    // One case a line or two, not a tower of words (the SLA squeezed to a column of syllables).
    assert.ok(m.rowHeight < 60, `a row is ${m.rowHeight} px tall`);
    const subject = page.locator('tr[data-case] td.subject').first();
    assert.match(String(await subject.getAttribute('title')), /^Charged twice for roaming/);
    assert.ok(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
      'the page does not scroll sideways',
    );
    await page.close();
  });
});
