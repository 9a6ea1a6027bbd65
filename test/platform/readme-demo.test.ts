import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { buildApp, type Services } from '../../src/server/app.ts';
import { fixedClock } from '../../src/server/platform/clock.ts';
import { loadConfig } from '../../src/server/platform/config.ts';
import type { Ctx } from '../../src/server/platform/context.ts';
import { seedDemo } from '../../src/server/seed/demo.ts';
import { openTestDb } from '../helpers/db.ts';

/**
 * What the README tells a newcomer to try on the demo centre must hold on it (issue 11: the example
 * search found nothing, and `bella` was called Billing's team leader while leading no team).
 */
const README = fs.readFileSync('README.md', 'utf8');
const DEMO_PASSWORD = 'demo-0123456789ab';

let t: { ctx: Ctx; app: FastifyInstance; services: Services };
before(async () => {
  const store = await openTestDb('sqlite');
  const ctx: Ctx = {
    store,
    clock: fixedClock('2026-12-02T09:00:00.000Z'),
    config: { ...loadConfig({ FRONTLINE_DATA_DIR: '/tmp/frontline-test' }), secureCookies: false },
  };
  // The README's figures are for the default demo (200 customers); cases do not matter here.
  await seedDemo(ctx, { customers: 200, cases: 0, password: DEMO_PASSWORD });
  const { app, services } = await buildApp(ctx, { logger: false });
  t = { ctx, app: app as unknown as FastifyInstance, services };
});
after(async () => {
  await t?.app.close();
  await t?.ctx.store.close();
});

test("the README's example customer search finds a demo customer", async () => {
  const m = README.match(/curl -b jar '[^']*\/api\/v1\/customers\?q=([^']+)'/);
  assert.ok(m?.[1], 'the README has a customers?q= example');
  const login = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { username: 'olivia', password: DEMO_PASSWORD },
  });
  assert.equal(login.statusCode, 200, login.body);
  const cookie = login.cookies.find((c) => c.name === 'frontline_session')?.value ?? '';
  const r = await t.app.inject({
    method: 'GET',
    url: `/api/v1/customers?q=${m[1]}`,
    cookies: { frontline_session: cookie },
  });
  assert.equal(r.statusCode, 200, r.body);
  const items = JSON.parse(r.body).items as { displayName: string }[];
  assert.ok(items.length >= 1, `customers?q=${m[1]} finds nothing in the demo`);
  const named = README.match(/is the mobile of ([A-Z][a-z]+ [A-Z][a-z]+)/)?.[1];
  assert.equal(items[0]?.displayName, named, 'the README names the customer it finds');
});

test("the README describes bella as the demo has her: a team leader in Billing who leads no team, Billing's urgent escalations going to lena", async () => {
  assert.doesNotMatch(README, /Billing's team leader/);
  assert.match(README, /`bella`, a team leader in the Billing department who leads no team/);
  const db = t.ctx.store.db;
  const bella = await db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', 'bella')
    .executeTakeFirstOrThrow();
  const lena = await db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', 'lena')
    .executeTakeFirstOrThrow();
  assert.equal(bella.role, 'team_leader');
  assert.equal(bella.team_id, null);
  const billing = await db
    .selectFrom('departments')
    .selectAll()
    .where('name', '=', 'Billing')
    .where('id', '=', bella.department_id ?? '')
    .executeTakeFirstOrThrow();
  assert.equal(
    (await db.selectFrom('teams').select('id').where('leader_id', '=', bella.id).execute()).length,
    0,
  );
  // An urgent escalation of a case in Billing's queue, logged by an officer of the hotline team.
  const chain = await t.services.people.escalationChain(db, {
    teamId: lena.team_id,
    departmentId: billing.id,
  });
  assert.equal(chain.teamLeaderId, lena.id);
});
