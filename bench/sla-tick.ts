/**
 * SLA timers over 10,000 open cases with live clocks, on SQLite (a temp file, WAL), through the real
 * services (buildServices) on a simulated clock (fixedClock), in one process:
 *
 *  1. setup: 10,000 cases created through services.contacts/cases.create under a catch-all 24/7 SLA
 *     policy (first response 60 min, resolution 24 h) and two escalation rules on the resolution
 *     clock (−30 min, +60 min), case i created 100 ms after case i−1: five pending timers a case;
 *  2. a tick with nothing due (services.timers.tick, and services.background.tick which also drains
 *     the mail outbox), against a bare indexed `SELECT id FROM timers WHERE state = 'pending' AND
 *     due_at <= ? LIMIT 200` through the same Kysely db;
 *  3. ticks that fire a due batch: the clock set so that exactly 100 (1 %) and 1,000 (10 %)
 *     first-response breaches are due, then everything up to the resolution breaches (warnings and
 *     −30 min rules, mixed), then all 10,000 resolution breaches at once. Baseline: the scheduler's
 *     own bookkeeping for the same timers (claim in batches of 200 + mark the batch done, one
 *     transaction, rolled back), so the ratio is what the handlers add. Also the event loop's longest
 *     stall over the tick (node:sqlite is synchronous, so a tick holds the whole process);
 *  4. the scheduler's cost to case creation: CREATE cases through services.cases.create with the
 *     background loop running (start(50 ms)), with the timers loop alone, and with neither, rounds
 *     rotating; medians of the rounds.
 *
 * Run alone: node bench/sla-tick.ts
 * Knobs (quick trials only; reported figures use the defaults): BENCH_CASES (10000), BENCH_CREATE
 * cases per throughput round (1000), BENCH_ROUNDS (5), BENCH_KEEP=1 keeps the temp dir.
 */
import path from 'node:path';
import { sql } from 'kysely';
import { buildServices } from '../src/server/app.ts';
import type { Actor } from '../src/server/platform/audit.ts';
import { SYSTEM_ACTOR } from '../src/server/platform/audit.ts';
import { fixedClock } from '../src/server/platform/clock.ts';
import { loadConfig } from '../src/server/platform/config.ts';
import type { Ctx } from '../src/server/platform/context.ts';
import { openDb } from '../src/server/platform/db/index.ts';
import { migrateToLatest } from '../src/server/platform/db/migrate.ts';
import { repeat } from '../src/server/platform/loop.ts';
import type { CaseCreateDto } from '../src/shared/contracts/cases.ts';
import { figure, info, median, ms, pct, ratio, seconds, tempDir } from './lib.ts';

const N = Number(process.env.BENCH_CASES ?? 10_000);
const CREATE = Number(process.env.BENCH_CREATE ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const IDLE_TICKS = 30;
const IDLE_WARMUP = 5;
const SMALL_BATCHES = 5;
const LARGE_BATCHES = 3;
const LOOP_MS = 50;
const SPACING_MS = 100;
const CUSTOMERS = 1000;
const OFFICERS = 10;
const TARGET_MS = 100;
const T0 = '2026-11-23T01:00:00.000Z';

const CASE_TYPES: CaseCreateDto['type'][] = ['complaint', 'request_for_action', 'general_enquiry'];
const CHANNELS = ['phone', 'walk_in'] as const;
const SUBJECTS = [
  'Charged twice for March',
  'Fibre line down since Monday',
  'Wrong plan on the bill',
  'Refund not received',
  'Technician did not turn up',
];

/**
 * The longest the event loop went without a turn while this ran (a monitorEventLoopDelay histogram
 * misses a single long stall).
 */
function stallProbe(): { reset(): void; stop(): number } {
  let last = performance.now();
  let max = 0;
  const iv = setInterval(() => {
    const t = performance.now();
    max = Math.max(max, t - last);
    last = t;
  }, 1);
  return {
    reset: () => {
      max = 0;
      last = performance.now();
    },
    stop: () => {
      clearInterval(iv);
      return Math.max(max, performance.now() - last);
    },
  };
}

const verdict = (v: number) => (v < TARGET_MS ? 'ok' : 'MISSED');
const us = (v: number) => `${v.toFixed(1)}µs`;

async function main(): Promise<void> {
  const tmp = tempDir('sla');
  const file = path.join(tmp.dir, 'frontline.db');
  const config = loadConfig({ FRONTLINE_DATA_DIR: tmp.dir, LOG_LEVEL: 'silent' });
  const clock = fixedClock(T0);
  const store = await openDb({ sqliteFile: file });
  info(`sla-tick: ${N.toLocaleString('en')} open cases, sqlite file ${file}`);

  try {
    await migrateToLatest(store);
    const ctx: Ctx = { store, clock, config };
    const services = buildServices(ctx);
    const db = store.db;
    /** Outbox events nobody has published yet (only mail is consumed today). */
    const unpublishedOutbox = async () =>
      Number(
        (
          await db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('published_at', 'is', null)
            .executeTakeFirstOrThrow()
        ).n,
      );
    const now = () => clock.now().toISOString();

    // People: a department, a team with a leader, officers who log and own the cases.
    const department = await services.people.createDepartment(SYSTEM_ACTOR, {
      name: 'Billing',
      purpose: 'Bills and charges',
      phone: '+65 6100 2000',
    });
    const leader = await services.people.createUser(SYSTEM_ACTOR, {
      username: 'bench.leader',
      displayName: 'Bench Leader',
      role: 'team_leader',
      password: 'correct horse battery staple',
      departmentId: department.id,
    });
    const team = await services.people.createTeam(SYSTEM_ACTOR, {
      name: 'Team A',
      departmentId: department.id,
      leaderId: leader.id,
    });
    const officers: Actor[] = [];
    for (let k = 0; k < OFFICERS; k++) {
      const u = await services.people.createUser(SYSTEM_ACTOR, {
        username: `bench.officer${k}`,
        displayName: `Bench Officer ${k}`,
        role: 'officer',
        password: 'correct horse battery staple',
        teamId: team.id,
      });
      officers.push({ userId: u.id, role: 'officer', via: 'token', teamId: team.id });
    }

    // SLA: a 24/7 calendar, one catch-all policy, two escalation rules on the resolution clock.
    const day: [string, string][] = [['00:00', '24:00']];
    const calendar = await services.calendars.create(SYSTEM_ACTOR, {
      name: '24/7',
      timeZone: 'UTC',
      hours: { '1': day, '2': day, '3': day, '4': day, '5': day, '6': day, '7': day },
    });
    await services.policies.create(SYSTEM_ACTOR, {
      name: 'Standard',
      position: 100,
      calendarId: calendar.id,
      conditions: {},
      firstResponseMinutes: 60,
      resolutionMinutes: 1440,
    });
    await services.escalations.createRule(SYSTEM_ACTOR, {
      name: 'Resolution due soon',
      position: 10,
      clock: 'resolution',
      offsetMinutes: -30,
      actions: { notify: ['assignee'] },
    });
    await services.escalations.createRule(SYSTEM_ACTOR, {
      name: 'Resolution overdue',
      position: 20,
      clock: 'resolution',
      offsetMinutes: 60,
      actions: { notify: ['team_leader'], raisePriority: 'high' },
    });

    // ---------------------------------------------------------------------------------------------
    // 1. Setup: customers, then a contact and a case each, through the services.
    const t0 = performance.now();
    const customerIds: string[] = [];
    for (let k = 0; k < CUSTOMERS; k++) {
      const c = await services.customers.create(officers[k % OFFICERS]!, {
        displayName: `Customer ${k} Tan`,
        idType: 'nric',
        idNumber: `S${String(2_000_000 + k).padStart(7, '0')}Z`,
        phones: [{ kind: 'mobile', number: `+65 9${String(1_000_000 + k).slice(-7)}` }],
        emails: [`customer${k}@example.com`],
      });
      customerIds.push(c.id);
    }
    const createOne = async (i: number) => {
      const actor = officers[i % OFFICERS]!;
      const contact = await services.contacts.create(actor, {
        channel: CHANNELS[i % CHANNELS.length]!,
        direction: 'inbound',
        customerId: customerIds[i % CUSTOMERS]!,
      });
      await services.cases.create(actor, {
        contactId: contact.id,
        type: CASE_TYPES[i % CASE_TYPES.length]!,
        subject: SUBJECTS[i % SUBJECTS.length]!,
      });
      clock.advance(SPACING_MS);
    };
    for (let i = 0; i < N; i++) {
      await createOne(i);
      if ((i + 1) % 2500 === 0) info(`  created ${(i + 1).toLocaleString('en')} cases`);
    }
    const setupMs = performance.now() - t0;

    const pendingByKind = async (upTo?: string) => {
      let q = db
        .selectFrom('timers')
        .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
        .where('state', '=', sql.lit('pending'))
        .groupBy('kind');
      if (upTo) q = q.where('due_at', '<=', upTo);
      const rows = await q.execute();
      return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)])) as Record<string, number>;
    };
    const total = (byKind: Record<string, number>) => Object.values(byKind).reduce((a, b) => a + b, 0);
    const kindsText = (byKind: Record<string, number>) =>
      Object.entries(byKind)
        .map(([k, n]) => `${k}=${n}`)
        .join(' ');
    const pending = await pendingByKind();
    const live = Number(
      (
        await db
          .selectFrom('cases')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('sla_due_at', 'is not', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
    if (live !== N) throw new Error(`expected ${N} cases with live clocks, found ${live}`);
    info(`pending timers: ${kindsText(pending)}`);
    figure(
      `setup cases=${N} customers=${CUSTOMERS} pending_timers=${total(pending)} time=${seconds(setupMs)} (${Math.round(N / (setupMs / 1000))} cases/s incl. contact, via services)`,
    );

    // ---------------------------------------------------------------------------------------------
    // 2. A tick with nothing due.
    const firstDue = await db
      .selectFrom('timers')
      .select('due_at')
      .where('state', '=', sql.lit('pending'))
      .orderBy('due_at')
      .limit(1)
      .executeTakeFirstOrThrow();
    if (firstDue.due_at <= now()) throw new Error(`a timer is already due (${firstDue.due_at})`);
    const bare = () =>
      db
        .selectFrom('timers')
        .select('id')
        .where('state', '=', sql.lit('pending'))
        .where('due_at', '<=', now())
        .limit(200)
        .execute();
    const plan = await sql<{
      detail: string;
    }>`EXPLAIN QUERY PLAN SELECT * FROM timers WHERE state = 'pending' AND due_at <= ${now()} ORDER BY due_at LIMIT 200`.execute(
      db,
    );
    info(`claim query plan: ${plan.rows.map((r) => r.detail).join('; ')}`);
    const idle = { timers: [] as number[], background: [] as number[], bare: [] as number[] };
    for (let k = 0; k < IDLE_WARMUP + IDLE_TICKS; k++) {
      const keep = k >= IDLE_WARMUP;
      let t = performance.now();
      const rows = await bare();
      if (keep) idle.bare.push(performance.now() - t);
      t = performance.now();
      const r = await services.timers.tick();
      if (keep) idle.timers.push(performance.now() - t);
      t = performance.now();
      const b = await services.background.tick();
      if (keep) idle.background.push(performance.now() - t);
      if (rows.length || r.fired || r.failed || b.fired || b.mailed)
        throw new Error('idle tick found something due');
    }
    const idleTimers = median(idle.timers);
    const idleBare = median(idle.bare);
    const idleBackground = median(idle.background);
    const outboxUnpublished = await unpublishedOutbox();
    figure(
      `tick idle timers.tick p50=${ms(idleTimers)} baseline select-due p50=${ms(idleBare)} ratio=${ratio(idleTimers, idleBare)} pending=${total(pending)} target<${TARGET_MS}ms ${verdict(idleTimers)}`,
    );
    figure(
      `tick idle background.tick p50=${ms(idleBackground)} (timers + mail drain + hub) baseline select-due p50=${ms(idleBare)} ratio=${ratio(idleBackground, idleBare)} unpublished-outbox=${outboxUnpublished} target<${TARGET_MS}ms ${verdict(idleBackground)}`,
    );

    // ---------------------------------------------------------------------------------------------
    // 3. Ticks that fire. The baseline is the scheduler's own bookkeeping for the same timers: claim
    // in batches of 200 and mark each done, in one transaction that is then rolled back.
    class Rollback extends Error {}
    const bookkeeping = async (): Promise<{ ms: number; n: number }> => {
      const at = now();
      let n = 0;
      const t = performance.now();
      try {
        await db.transaction().execute(async (trx) => {
          // The claim query itself: rows marked done drop out of the next batch.
          for (;;) {
            const rows = await trx
              .selectFrom('timers')
              .selectAll()
              .where('state', '=', sql.lit('pending'))
              .where('due_at', '<=', at)
              .orderBy('due_at')
              .limit(services.timers.batchSize)
              .execute();
            if (rows.length)
              await trx
                .updateTable('timers')
                .set((eb) => ({
                  state: 'done',
                  fired_at: at,
                  fired_by: 'bench',
                  attempts: eb('attempts', '+', 1),
                }))
                .where(
                  'id',
                  'in',
                  rows.map((r) => r.id),
                )
                .where('state', '=', sql.lit('pending'))
                .execute();
            n += rows.length;
            if (rows.length < services.timers.batchSize) break;
          }
          throw new Rollback();
        });
      } catch (err) {
        if (!(err instanceof Rollback)) throw err;
      }
      return { ms: performance.now() - t, n };
    };
    const drains: { events: number; ms: number }[] = [];
    const unpublishedNotifications = async () =>
      Number(
        (
          await db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('published_at', 'is', null)
            .where('name', '=', 'notification.created')
            .executeTakeFirstOrThrow()
        ).n,
      );
    /** Fire what is due now: one timers.tick(), checked against what was pending; then the mail drain. */
    const fireNow = async (label: string) => {
      const expect = await pendingByKind(now());
      const base = await bookkeeping();
      if (base.n !== total(expect))
        throw new Error(`${label}: bookkeeping saw ${base.n} of ${total(expect)}`);
      // node:sqlite is synchronous: how long the tick keeps the event loop from anything else
      // (requests, sockets): the longest gap between the turns of a 1 ms interval over it.
      const stall = stallProbe();
      await new Promise((resolve) => setTimeout(resolve, 5));
      stall.reset();
      const t = performance.now();
      const r = await services.timers.tick();
      const tickMs = performance.now() - t;
      await new Promise((resolve) => setTimeout(resolve, 5));
      const stallMs = stall.stop();
      if (r.failed || r.fired !== total(expect))
        throw new Error(`${label}: fired ${r.fired} failed ${r.failed}, expected ${total(expect)} due`);
      const events = await unpublishedNotifications();
      const d = performance.now();
      await services.mailer.drain();
      const drainMs = performance.now() - d;
      drains.push({ events, ms: drainMs });
      info(
        `${label}: fired ${r.fired} (${kindsText(expect)}) in ${ms(tickMs)} (${us((1000 * tickMs) / r.fired)}/timer), event loop stalled ${ms(stallMs)}, bookkeeping ${ms(base.ms)}; mail drain of ${events} events ${ms(drainMs)}`,
      );
      return { ms: tickMs, fired: r.fired, base: base.ms, stall: stallMs };
    };
    /** Set the clock to the due time of the n-th pending timer, so that exactly n are due. */
    const dueCount = async (n: number) => {
      const r = await db
        .selectFrom('timers')
        .select('due_at')
        .where('state', '=', sql.lit('pending'))
        .orderBy('due_at')
        .limit(1)
        .offset(n - 1)
        .executeTakeFirstOrThrow();
      clock.set(r.due_at);
    };
    const batchFigure = (
      label: string,
      runs: { ms: number; fired: number; base: number; stall: number }[],
      storm = false,
    ) => {
      const m = median(runs.map((r) => r.ms));
      const b = median(runs.map((r) => r.base));
      const fired = runs[0]!.fired;
      figure(
        `tick fire ${label} due=${fired} p50=${ms(m)} per-timer=${us((1000 * m) / fired)} baseline claim+mark-done p50=${ms(b)} ratio=${ratio(m, b)} loop-stall p50=${ms(median(runs.map((r) => r.stall)))} (${runs.length} tick${runs.length > 1 ? 's' : ''}) ${storm ? 'storm: no target, the loop-stall is what matters' : `target<${TARGET_MS}ms ${verdict(m)}`}`,
      );
    };

    const small = Math.round(N / 100);
    const large = Math.round(N / 10);
    const smallRuns = [];
    for (let k = 1; k <= SMALL_BATCHES; k++) {
      await dueCount(small);
      smallRuns.push(await fireNow(`1% batch ${k}`));
    }
    const largeRuns = [];
    for (let k = 1; k <= LARGE_BATCHES; k++) {
      await dueCount(large);
      largeRuns.push(await fireNow(`10% batch ${k}`));
    }
    batchFigure('1%', smallRuns);
    batchFigure('10%', largeRuns);

    // Everything before the resolution breaches (the rest of the first-response breaches, the
    // progress-update warnings, the −30 min rules), then all resolution breaches at once.
    const resolutionBreaches = await db
      .selectFrom('timers')
      .innerJoin('sla_clocks', 'sla_clocks.id', 'timers.ref_id')
      .select([(eb) => eb.fn.min('timers.due_at').as('first'), (eb) => eb.fn.max('timers.due_at').as('last')])
      .where('timers.state', '=', sql.lit('pending'))
      .where('timers.kind', '=', 'sla.breach')
      .where('sla_clocks.kind', '=', 'resolution')
      .executeTakeFirstOrThrow();
    clock.set(new Date(Date.parse(String(resolutionBreaches.first)) - 1).toISOString());
    // Storms (every clock of the centre at once) have no latency target: the scheduler yields between
    // batches of 200, so what matters is that the process keeps answering (loop-stall).
    batchFigure('mixed (to just before the resolution breaches)', [await fireNow('mixed')], true);
    clock.set(String(resolutionBreaches.last));
    const all = await fireNow('all resolution breaches');
    if (all.fired !== N) throw new Error(`expected ${N} resolution breaches, fired ${all.fired}`);
    batchFigure('all-cases-breach-at-once', [all], true);
    const breached = Number(
      (
        await db
          .selectFrom('sla_clocks')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('kind', '=', 'resolution')
          .where('breached_at', 'is not', null)
          .executeTakeFirstOrThrow()
      ).n,
    );
    if (breached !== N) throw new Error(`expected ${N} breached resolution clocks, found ${breached}`);
    const drainEvents = drains.reduce((a, d) => a + d.events, 0);
    const drainMs = drains.reduce((a, d) => a + d.ms, 0);
    const idleDrain: number[] = [];
    for (let k = 0; k < 10; k++) {
      const t = performance.now();
      await services.mailer.drain();
      idleDrain.push(performance.now() - t);
    }
    figure(
      `mail drain after firing events=${drainEvents} time=${seconds(drainMs)} per-event=${us((1000 * drainMs) / drainEvents)}; idle drain p50=${ms(median(idleDrain))} baseline select-due p50=${ms(idleBare)} ratio=${ratio(median(idleDrain), idleBare)}`,
    );

    // ---------------------------------------------------------------------------------------------
    // 4. Case creation with the scheduler loop running and stopped: the background loop (timers +
    // mail drain + hub, start(50 ms)), the timers loop alone (repeat(timers.tick, 50 ms)), and none. Contacts
    // are made before each round, untimed; the clock moves 100 ms a case and nothing comes due during
    // the rounds, so a loop costs its idle tick and its turns on the one SQLite connection.
    type Mode = 'none' | 'timers' | 'background';
    const MODES: Mode[] = ['none', 'timers', 'background'];
    const loop = { timerTicks: 0, backgroundTicks: 0, fired: 0, ms: [] as number[] };
    const { background, timers } = services;
    const timersTick = timers.tick.bind(timers);
    timers.tick = async () => {
      const r = await timersTick();
      loop.timerTicks++;
      loop.fired += r.fired;
      return r;
    };
    const backgroundTick = background.tick.bind(background);
    background.tick = async () => {
      const t = performance.now();
      const r = await backgroundTick();
      loop.backgroundTicks++;
      loop.ms.push(performance.now() - t);
      return r;
    };
    let made = 0;
    let timersLoop: { stop(): Promise<void> } | undefined;
    const round = async (mode: Mode): Promise<{ rate: number; cpuPerCase: number }> => {
      const contacts: string[] = [];
      for (let k = 0; k < CREATE; k++) {
        const c = await services.contacts.create(officers[k % OFFICERS]!, {
          channel: CHANNELS[k % CHANNELS.length]!,
          direction: 'inbound',
          customerId: customerIds[(made + k) % CUSTOMERS]!,
        });
        contacts.push(c.id);
      }
      if (mode === 'background') background.start(LOOP_MS, console.error);
      if (mode === 'timers') timersLoop = repeat(() => timers.tick(), LOOP_MS, console.error);
      const cpu = process.cpuUsage();
      const t = performance.now();
      for (let k = 0; k < CREATE; k++) {
        // Each case is a new request: give the event loop a turn (node:sqlite is synchronous, so a
        // bare loop of awaits would run on microtasks alone and the loop's timer would never fire).
        await new Promise<void>((resolve) => setImmediate(resolve));
        await services.cases.create(officers[k % OFFICERS]!, {
          contactId: contacts[k]!,
          type: CASE_TYPES[k % CASE_TYPES.length]!,
          subject: SUBJECTS[k % SUBJECTS.length]!,
        });
        clock.advance(SPACING_MS);
      }
      const elapsed = performance.now() - t;
      const used = process.cpuUsage(cpu);
      if (mode === 'background') await background.stop();
      if (mode === 'timers') await timersLoop?.stop();
      made += CREATE;
      return { rate: CREATE / (elapsed / 1000), cpuPerCase: (used.user + used.system) / CREATE };
    };
    info(
      `case creation: ${CREATE} cases a round through services.cases.create, ${ROUNDS} rounds each with the background loop, with the timers loop alone (every ${LOOP_MS} ms) and with neither, order rotating, after a warm-up round`,
    );
    await round('none');
    const rates: Record<Mode, number[]> = { none: [], timers: [], background: [] };
    const cpus: Record<Mode, number[]> = { none: [], timers: [], background: [] };
    for (let k = 1; k <= ROUNDS; k++) {
      for (let j = 0; j < MODES.length; j++) {
        const mode = MODES[(j + k) % MODES.length]!;
        const before = { b: loop.backgroundTicks, t: loop.timerTicks };
        const r = await round(mode);
        rates[mode].push(r.rate);
        cpus[mode].push(r.cpuPerCase);
        const ticks =
          mode === 'background'
            ? ` (${loop.backgroundTicks - before.b} background ticks)`
            : mode === 'timers'
              ? ` (${loop.timerTicks - before.t} timer ticks)`
              : '';
        info(
          `round ${k} ${mode.padEnd(10)} ${r.rate.toFixed(0)} cases/s cpu/case=${us(r.cpuPerCase)}${ticks}`,
        );
      }
    }
    if (loop.fired) throw new Error(`the scheduler fired ${loop.fired} timers during the rounds`);
    const rate = (m: Mode) => median(rates[m]);
    const cpu = (m: Mode) => median(cpus[m]);
    const idleDrainAfter: number[] = [];
    for (let k = 0; k < 10; k++) {
      const t = performance.now();
      await services.mailer.drain();
      idleDrainAfter.push(performance.now() - t);
    }
    const unpublishedAfter = await unpublishedOutbox();
    info(
      `after the rounds: ${unpublishedAfter} unpublished outbox rows (none of them mail), idle mail drain p50=${ms(median(idleDrainAfter))}`,
    );
    figure(
      `case-create with-background-loop=${rate('background').toFixed(0)}/s without=${rate('none').toFixed(0)}/s ratio=${pct(rate('background'), rate('none'))}; cpu/case ${us(cpu('background'))} vs ${us(cpu('none'))} ratio=${ratio(cpu('background'), cpu('none'))} (every ${LOOP_MS}ms, ${loop.backgroundTicks} ticks, tick wall p50=${ms(median(loop.ms))})`,
    );
    figure(
      `case-create with-timers-loop=${rate('timers').toFixed(0)}/s without=${rate('none').toFixed(0)}/s ratio=${pct(rate('timers'), rate('none'))}; cpu/case ${us(cpu('timers'))} vs ${us(cpu('none'))} ratio=${ratio(cpu('timers'), cpu('none'))} (every ${LOOP_MS}ms)`,
    );
  } finally {
    await store.close();
    if (process.env.BENCH_KEEP === '1') info(`kept ${tmp.dir}`);
    else tmp.remove();
  }
}

await main();
