/**
 * The routing engine at a real centre's size (issue 14, Benchmark: "offers per second with 500
 * officers and 5,000 waiting items"), through the real services (buildServices) in one process, on
 * SQLite (a temp file, WAL) and on PostgreSQL (a database of its own, dropped after):
 *
 *  1. setup: 20 teams of 25 officers, each with a routing profile (languages: everyone English, a
 *     third also Malay, a fifth Mandarin, a tenth Tamil; capacity e-mail 2, chat 3, SMS 2) and set
 *     available through the presence service; 5,000 cases opened on e-mail, chat and SMS (50 / 30 /
 *     20 %) across the teams, a quarter of their customers preferring Malay, Mandarin or Tamil, each
 *     queued by the routing hook as the inbound channels do;
 *  2. the first pass: every officer has room, so it offers until the room is gone (3,500 places
 *     for 5,000 items) — offers/s over the whole pass;
 *  3. steady state: rounds of 100 offers accepted and their work finished (room made), then a pass
 *     that fills that room from the 1,500+ still waiting — offers/s, and the pass's p50 / p99;
 *  4. the bare baseline, measured in the same run: the pure rules (routing-rules.ts `pick`) over the
 *     same officers and items in memory, with no database — the ratio is what reading, locking and
 *     writing the offers costs.
 *  Checked at the end: no item offered to two officers at once, nobody over capacity on any channel.
 *
 * Run: node bench/routing.ts [--db sqlite|postgres|both] (default both; PostgreSQL is skipped when
 * it is not reachable). Knobs: BENCH_OFFICERS (500), BENCH_ITEMS (5000), BENCH_ROUNDS (20).
 * BENCH_STRICT=1 exits 1 when an item is offered twice or someone is over capacity.
 */
import path from 'node:path';
import pg from 'pg';
import { buildServices } from '../src/server/app.ts';
import type { Candidate, RoutableItem } from '../src/server/modules/routing/routing-rules.ts';
import { pick, primaryLanguage } from '../src/server/modules/routing/routing-rules.ts';
import { type Actor, SYSTEM_ACTOR } from '../src/server/platform/audit.ts';
import { fixedClock } from '../src/server/platform/clock.ts';
import { loadConfig } from '../src/server/platform/config.ts';
import { type Ctx, tx } from '../src/server/platform/context.ts';
import { type Db, openDb } from '../src/server/platform/db/index.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { newId } from '../src/server/platform/ids.ts';
import type { ROUTED_CHANNELS } from '../src/shared/contracts/routing.ts';
import { figure, info, median, ms, pct, percentile, rng, tempDir } from './lib.ts';

const OFFICERS = Number(process.env.BENCH_OFFICERS ?? 500);
const ITEMS = Number(process.env.BENCH_ITEMS ?? 5000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const PER_ROUND = 100;
const TEAM_SIZE = 25;
const CAPACITY: Record<string, number> = { email: 2, chat: 3, sms: 2 };
const T0 = '2026-11-23T01:00:00.000Z';
const PG_URL = process.env.FRONTLINE_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PG_DB = 'frontline_bench_routing';
const STRICT = process.env.BENCH_STRICT === '1';
const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const DBS = (arg('--db') ?? 'both') === 'both' ? ['sqlite', 'postgres'] : [arg('--db')!];

type Channel = (typeof ROUTED_CHANNELS)[number];

async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

async function pgAdmin(q: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
}

/** The same officers and items as plain objects, routed by the pure rules alone (the baseline). */
function bareOffers(
  officers: { id: string; teamId: string; languages: string[] }[],
  items: { teamId: string; channel: string; language: string | null; enqueuedAt: string }[],
): { offers: number; ms: number } {
  const start = performance.now();
  const byTeam = new Map<string, Candidate[]>();
  for (const o of officers) {
    const c: Candidate = {
      userId: o.id,
      teamId: o.teamId,
      state: 'available',
      stateSince: T0,
      languages: new Set(o.languages.map((l) => primaryLanguage(l)!)),
      skills: new Map(),
      lastEndedAt: null,
      lastOfferedAt: null,
      slots: new Map(Object.entries(CAPACITY).map(([ch, capacity]) => [ch, { capacity, load: 0 }])),
    };
    byTeam.set(o.teamId, [...(byTeam.get(o.teamId) ?? []), c]);
  }
  let offers = 0;
  let at = 0;
  for (const it of items) {
    const item: RoutableItem = {
      id: String(at),
      channel: it.channel,
      queueId: it.teamId,
      priority: 2,
      language: it.language,
      skills: [],
      declinedBy: new Set(),
      enqueuedAt: it.enqueuedAt,
    };
    const who = pick('longest_idle', byTeam.get(it.teamId) ?? [], item, false);
    if (!who) continue;
    who.slots.get(it.channel)!.load++;
    who.lastOfferedAt = new Date(Date.parse(T0) + ++at).toISOString();
    offers++;
  }
  return { offers, ms: performance.now() - start };
}

/** An officer like `like` (its password hash), straight into the users table. */
async function insertOfficer(
  db: Db['db'],
  like: string,
  k: number,
  teamId: string,
  at: string,
): Promise<{ id: string }> {
  const { password_hash } = await db
    .selectFrom('users')
    .select('password_hash')
    .where('id', '=', like)
    .executeTakeFirstOrThrow();
  const id = newId();
  await db
    .insertInto('users')
    .values({
      id,
      username: `route.officer${k}`,
      email: null,
      display_name: `Routing Officer ${k}`,
      role: 'officer',
      team_id: teamId,
      department_id: null,
      password_hash,
      active: true,
      failed_logins: 0,
      locked_until: null,
      created_at: at,
      updated_at: at,
    })
    .execute();
  return { id };
}

async function run(dialect: string): Promise<boolean> {
  const tmp = tempDir('routing');
  let store: Db;
  if (dialect === 'postgres') {
    await pgAdmin(`DROP DATABASE IF EXISTS ${PG_DB}`);
    await pgAdmin(`CREATE DATABASE ${PG_DB}`);
    const u = new URL(PG_URL);
    u.pathname = `/${PG_DB}`;
    store = await openDb({ databaseUrl: u.toString() });
  } else {
    store = await openDb({ sqliteFile: path.join(tmp.dir, 'frontline.db') });
  }
  const clock = fixedClock(T0);
  const config = loadConfig({ FRONTLINE_DATA_DIR: tmp.dir, LOG_LEVEL: 'silent' });
  const r = rng(14);
  try {
    await migrateToLatest(store);
    const ctx: Ctx = { store, clock, config };
    const services = buildServices(ctx);
    // The bench drives the passes itself: no pass is scheduled by a new item or a change.
    await services.routing.stop();
    const db = store.db;

    // ---- 1. setup ----
    const t0 = performance.now();
    const teams: string[] = [];
    const officers: { id: string; teamId: string; languages: string[] }[] = [];
    let firstOfficer: string | undefined;
    for (let k = 0; k < OFFICERS; k++) {
      if (k % TEAM_SIZE === 0)
        teams.push((await services.people.createTeam(SYSTEM_ACTOR, { name: `Team ${teams.length + 1}` })).id);
      const teamId = teams[teams.length - 1]!;
      // The first officer through the people service; the rest share its password hash (hashing
      // 500 passwords with scrypt would be most of the setup, and no one signs in here).
      const u = firstOfficer
        ? await insertOfficer(db, firstOfficer, k, teamId, clock.now().toISOString())
        : await services.people.createUser(SYSTEM_ACTOR, {
            username: `route.officer${k}`,
            displayName: `Routing Officer ${k}`,
            role: 'officer',
            password: 'correct horse battery staple',
            teamId,
          });
      firstOfficer ??= u.id;
      const languages = [
        'en',
        ...(k % 3 === 0 ? ['ms'] : []),
        ...(k % 5 === 0 ? ['zh'] : []),
        ...(k % 10 === 0 ? ['ta'] : []),
      ];
      officers.push({ id: u.id, teamId, languages });
      const at = clock.now().toISOString();
      await db
        .insertInto('routing_profiles')
        .values({
          user_id: u.id,
          languages: JSON.stringify(languages),
          skills: '[]',
          last_ended_at: null,
          last_offered_at: null,
          version: 1,
          updated_at: at,
        })
        .execute();
      await db
        .insertInto('routing_capacity')
        .values(
          Object.entries(CAPACITY).map(([channel, capacity]) => ({
            user_id: u.id,
            channel,
            capacity,
            load: 0,
          })),
        )
        .execute();
      const actor: Actor = { userId: u.id, role: 'officer', via: 'token', teamId };
      await services.presence.setOwn(actor, { state: 'available' });
    }
    const langs = ['ms', 'zh', 'ta'];
    const customers: { id: string; language: string | null }[] = [];
    for (let k = 0; k < 1000; k++) {
      const language = k % 4 === 0 ? langs[(k / 4) % 3]! : null;
      const c = await services.customers.create(SYSTEM_ACTOR, {
        displayName: `Routed Customer ${k}`,
        phones: [],
        emails: [],
        preferredLanguage: language,
      });
      customers.push({ id: c.id, language });
    }
    const items: { teamId: string; channel: Channel; language: string | null; enqueuedAt: string }[] = [];
    for (let i = 0; i < ITEMS; i++) {
      const x = r();
      const channel: Channel = x < 0.5 ? 'email' : x < 0.8 ? 'chat' : 'sms';
      const teamId = teams[Math.floor(r() * teams.length)]!;
      const customer = customers[i % customers.length]!;
      clock.advance(50);
      const at = clock.now().toISOString();
      await tx(ctx, async (trx) => {
        const contactId = await services.contacts.logInbound(trx, {
          channel,
          customerId: customer.id,
          fromAddress: null,
          caseId: null,
          at,
        });
        await services.cases.createIn(trx, SYSTEM_ACTOR, {
          contactId,
          type: 'general_enquiry',
          subject: `Routed by ${channel} ${i}`,
          teamId,
          assigneeId: null,
        });
      });
      items.push({ teamId, channel, language: customer.language, enqueuedAt: at });
    }
    const waiting = Number(
      (
        await db
          .selectFrom('routing_items')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('state', '=', 'waiting')
          .executeTakeFirstOrThrow()
      ).n,
    );
    info(
      `${dialect}: ${officers.length} officers in ${teams.length} teams, ${waiting} items waiting (setup ${((performance.now() - t0) / 1000).toFixed(1)}s)`,
    );

    // ---- 4. the baseline first (pure JS, no database), best of three ----
    let bare = { offers: 0, ms: Number.POSITIVE_INFINITY };
    for (let k = 0; k < 3; k++) {
      const b = bareOffers(officers, items);
      if (b.ms < bare.ms) bare = b;
    }
    const bareRate = bare.offers / (bare.ms / 1000);

    // ---- 2. the first pass ----
    const f0 = performance.now();
    const first = await services.routing.route();
    const firstMs = performance.now() - f0;
    const firstRate = first / (firstMs / 1000);

    // ---- 3. steady state ----
    const passMs: number[] = [];
    let offered = 0;
    let passTotal = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const open = await db
        .selectFrom('routing_offers')
        .select(['id', 'user_id', 'item_id'])
        .where('state', '=', 'open')
        .orderBy('offered_at')
        .limit(PER_ROUND)
        .execute();
      for (const o of open) {
        const officer = officers.find((x) => x.id === o.user_id)!;
        await services.routing.accept(
          { userId: o.user_id, role: 'officer', via: 'token', teamId: officer.teamId },
          o.id,
        );
        await tx(ctx, (trx) => services.routing.endItem(trx, o.item_id));
      }
      clock.advance(1000);
      const p0 = performance.now();
      const n = await services.routing.route();
      const took = performance.now() - p0;
      passMs.push(took);
      passTotal += took;
      offered += n;
    }
    const steadyRate = offered / (passTotal / 1000);

    // ---- checks ----
    const twice = await db
      .selectFrom('routing_offers')
      .select('item_id')
      .where('state', '=', 'open')
      .groupBy('item_id')
      .having((eb) => eb.fn.countAll(), '>', 1)
      .execute();
    const over = await db
      .selectFrom('routing_capacity')
      .select(['user_id', 'channel'])
      .whereRef('load', '>', 'capacity')
      .execute();
    const ok = twice.length === 0 && over.length === 0;

    figure(
      `routing ${dialect} first pass: ${first} offers in ${ms(firstMs)} = ${firstRate.toFixed(0)} offers/s (${officers.length} officers, ${waiting} waiting) bare rules ${bareRate.toFixed(0)} offers/s engine at ${pct(firstRate, bareRate)} of the bare rules`,
    );
    figure(
      `routing ${dialect} steady state: ${offered} offers in ${ROUNDS} passes = ${steadyRate.toFixed(0)} offers/s; pass after ${PER_ROUND} places freed p50=${ms(median(passMs))} p99=${ms(percentile(passMs, 99))}`,
    );
    figure(
      `routing ${dialect} checks: items offered to two officers at once ${twice.length}, officers over capacity ${over.length} ${ok ? 'ok' : 'FAILED'}`,
    );
    return ok;
  } finally {
    await store.close();
    tmp.remove();
    if (dialect === 'postgres') await pgAdmin(`DROP DATABASE IF EXISTS ${PG_DB}`).catch(() => {});
  }
}

let ok = true;
for (const dialect of DBS) {
  if (dialect === 'postgres' && !(await pgReachable())) {
    info('postgres: not reachable, skipped');
    continue;
  }
  ok = (await run(dialect)) && ok;
}
if (STRICT && !ok) process.exit(1);
