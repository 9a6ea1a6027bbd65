import assert from 'node:assert/strict';
import type { AgentState, AgentStates } from '../../src/server/modules/routing/agent-states.ts';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { tx } from '../../src/server/platform/context.ts';
import type { Executor } from '../../src/server/platform/db/index.ts';
import { parseJson } from '../../src/server/platform/db/schema.ts';
import type { TestApp } from '../helpers/app.ts';
import { userWithToken } from '../helpers/chat-fixture.ts';

/** Presence as a test sets it: a map of states, shared by every node of a test. */
export class FakeAgents implements AgentStates {
  readonly map = new Map<string, AgentState>();
  set(userId: string, state: string, since: string): void {
    this.map.set(userId, { state, since });
  }
  async states(_trx: Executor, userIds: readonly string[]): Promise<Map<string, AgentState>> {
    const out = new Map<string, AgentState>();
    for (const id of userIds) {
      const s = this.map.get(id);
      if (s && s.state !== 'offline') out.set(id, s);
    }
    return out;
  }
}

/** A seeded generator (mulberry32): a failing run is replayed from its printed seed. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
    chance: (p: number) => next() < p,
  };
}

/**
 * A case that came in on a channel, as the inbound chain opens one (no owner, the team's); on a
 * test app or a browser test's desktop.
 */
export async function routedCase(
  t: Pick<TestApp, 'ctx' | 'services'>,
  opts: { channel: 'email' | 'chat' | 'sms'; teamId: string | null; customerId: string; subject?: string },
): Promise<string> {
  return tx(t.ctx, async (trx) => {
    const at = t.ctx.clock.now().toISOString();
    const contactId = await t.services.contacts.logInbound(trx, {
      channel: opts.channel,
      customerId: opts.customerId,
      fromAddress: null,
      caseId: null,
      at,
    });
    const c = await t.services.cases.createIn(trx, SYSTEM_ACTOR, {
      contactId,
      type: 'general_enquiry',
      subject: opts.subject ?? `By ${opts.channel}`,
      teamId: opts.teamId,
      assigneeId: null,
    });
    return c.id;
  });
}

/** A routing profile written straight (the admin API is tested elsewhere). */
export async function setProfile(
  t: { ctx: TestApp['ctx'] },
  userId: string,
  p: { languages?: string[]; skills?: { name: string; level: number }[]; capacity: Record<string, number> },
): Promise<void> {
  await tx(t.ctx, async (trx) => {
    const at = t.ctx.clock.now().toISOString();
    await trx.deleteFrom('routing_capacity').where('user_id', '=', userId).execute();
    await trx.deleteFrom('routing_profiles').where('user_id', '=', userId).execute();
    await trx
      .insertInto('routing_profiles')
      .values({
        user_id: userId,
        languages: JSON.stringify(p.languages ?? []),
        skills: JSON.stringify(p.skills ?? []),
        last_ended_at: null,
        last_offered_at: null,
        version: 1,
        updated_at: at,
      })
      .execute();
    await trx
      .insertInto('routing_capacity')
      .values(
        ['email', 'chat', 'sms'].map((channel) => ({
          user_id: userId,
          channel,
          capacity: p.capacity[channel] ?? 0,
          load: 0,
        })),
      )
      .execute();
  });
}

/** An officer of the test team with a token, routed English work with room for one of each channel. */
export function routedOfficer(t: TestApp, username: string, displayName: string) {
  return userWithToken(t, {
    username,
    displayName,
    beforeToken: (id) => setProfile(t, id, { languages: ['en'], capacity: { email: 1, chat: 1, sms: 1 } }),
  });
}

/** A routing pass, and the case's open offer, made to this officer, accepted by them. */
export async function acceptOffer(t: TestApp, userId: string, caseId: string): Promise<void> {
  await t.services.routing.route();
  const o = await t.ctx.store.db
    .selectFrom('routing_offers')
    .select(['id', 'user_id'])
    .where('case_id', '=', caseId)
    .where('state', '=', 'open')
    .executeTakeFirst();
  assert.equal(o?.user_id, userId, 'offered to the officer');
  await t.services.routing.accept({ userId, role: 'officer', via: 'token' }, o!.id);
}

/**
 * The invariants, read from the tables: at most one open offer per item (and an offered item has
 * exactly one); per person and channel, open offers plus accepted work equal the recorded load and
 * never exceed capacity; nobody offered an item within two minutes of declining it or letting it
 * time out; and, when `afterPass`, no waiting item of an open queue for which an eligible person
 * (not cooling down from it) is idle. Eligibility is re-derived here independently of
 * routing-rules.ts, so a bug there is not mirrored.
 */
export async function checkInvariants(
  db: Executor,
  agents: FakeAgents,
  opts: { afterPass: boolean; nowMs: number; label: string },
): Promise<void> {
  const offers = await db.selectFrom('routing_offers').selectAll().where('state', '=', 'open').execute();
  const perItem = new Map<string, number>();
  for (const o of offers) perItem.set(o.item_id, (perItem.get(o.item_id) ?? 0) + 1);
  for (const [item, n] of perItem) assert.equal(n, 1, `${opts.label}: item ${item} has ${n} open offers`);
  const items = await db.selectFrom('routing_items').selectAll().execute();
  for (const i of items) {
    if (i.state === 'offered')
      assert.equal(perItem.get(i.id), 1, `${opts.label}: offered item ${i.id} without its one open offer`);
    else assert.ok(!perItem.has(i.id), `${opts.label}: ${i.state} item ${i.id} has an open offer`);
  }
  const caps = await db.selectFrom('routing_capacity').selectAll().execute();
  const used = new Map<string, number>();
  const key = (u: string, ch: string) => `${u}|${ch}`;
  for (const o of offers) used.set(key(o.user_id, o.channel), (used.get(key(o.user_id, o.channel)) ?? 0) + 1);
  for (const i of items)
    if (i.state === 'assigned' && i.assigned_to)
      used.set(key(i.assigned_to, i.channel), (used.get(key(i.assigned_to, i.channel)) ?? 0) + 1);
  const capOf = new Map(caps.map((c) => [key(c.user_id, c.channel), c]));
  for (const [k, n] of used) {
    const c = capOf.get(k);
    assert.ok(c, `${opts.label}: work without a capacity row ${k}`);
    assert.ok(n <= c.capacity, `${opts.label}: ${k} holds ${n} over capacity ${c.capacity}`);
  }
  for (const c of caps)
    assert.equal(
      c.load,
      used.get(key(c.user_id, c.channel)) ?? 0,
      `${opts.label}: recorded load of ${key(c.user_id, c.channel)}`,
    );
  const queues = new Map((await db.selectFrom('routing_queues').selectAll().execute()).map((q) => [q.id, q]));
  const users = await db
    .selectFrom('users as u')
    .innerJoin('routing_profiles as p', 'p.user_id', 'u.id')
    .select(['u.id', 'u.team_id', 'p.languages', 'p.skills'])
    .execute();
  const byUser = new Map(users.map((u) => [u.id, u]));
  const relaxedNow = (i: (typeof items)[number]) => {
    const q = queues.get(i.queue_id)!;
    return (
      q.relax_after_seconds !== null && opts.nowMs - Date.parse(i.enqueued_at) >= q.relax_after_seconds * 1000
    );
  };
  const matches = (u: (typeof users)[number], i: (typeof items)[number]) => {
    const langs = parseJson<string[]>(u.languages, []).map((l) => l.split('-')[0]!.toLowerCase());
    const skills = new Map(
      parseJson<{ name: string; level: number }[]>(u.skills, []).map((s) => [s.name, s.level]),
    );
    const needs = parseJson<{ name: string; min: number }[]>(i.skills, []);
    return (
      (!i.language || langs.includes(i.language)) && needs.every((s) => (skills.get(s.name) ?? 0) >= s.min)
    );
  };
  // When each person last declined each item or let it time out, from the closed offers: nobody is
  // offered an item again within two minutes of that (the cool-down), whoever else there is.
  const COOLDOWN_MS = 120_000;
  const closedOffers = await db
    .selectFrom('routing_offers')
    .select(['item_id', 'user_id', 'decided_at'])
    .where('state', 'in', ['declined', 'timed_out'])
    .execute();
  const lastDecline = new Map<string, number>();
  for (const o of closedOffers) {
    const k = key(o.item_id, o.user_id);
    lastDecline.set(k, Math.max(lastDecline.get(k) ?? 0, Date.parse(o.decided_at!)));
  }
  const coolingAt = (itemId: string, userId: string, ms: number) => {
    const d = lastDecline.get(key(itemId, userId));
    return d !== undefined && ms - d < COOLDOWN_MS;
  };
  // An offer goes to someone of the queue's team with the language and skills, unless relaxed
  // (relaxing only grows with time, so relaxed then is relaxed now), and not within the cool-down.
  const itemById = new Map(items.map((i) => [i.id, i]));
  for (const o of offers) {
    const i = itemById.get(o.item_id)!;
    const u = byUser.get(o.user_id)!;
    const q = queues.get(i.queue_id)!;
    assert.ok(!q.team_id || u.team_id === q.team_id, `${opts.label}: offer ${o.id} outside the queue's team`);
    assert.ok(
      relaxedNow(i) || matches(u, i),
      `${opts.label}: offer ${o.id} to someone without the language or skills`,
    );
    assert.ok(
      !coolingAt(i.id, u.id, Date.parse(o.offered_at)),
      `${opts.label}: offer ${o.id} to someone within the cool-down of their decline of it`,
    );
  }
  if (!opts.afterPass) return;
  for (const i of items.filter((x) => x.state === 'waiting')) {
    const q = queues.get(i.queue_id)!;
    if (q.calendar_id || (q.email_pull && i.channel === 'email')) continue;
    const relaxed = relaxedNow(i);
    for (const u of users) {
      if (q.team_id && u.team_id !== q.team_id) continue;
      const st = agents.map.get(u.id)?.state;
      if (st !== 'available' && st !== 'on_contact') continue;
      const c = capOf.get(key(u.id, i.channel));
      if (!c || c.load >= c.capacity) continue;
      if (coolingAt(i.id, u.id, opts.nowMs)) continue;
      const match = matches(u, i);
      assert.ok(
        !(relaxed || match),
        `${opts.label}: item ${i.id} (${i.channel}, ${i.language}) waits while ${u.id} (${st}, load ${c.load}/${c.capacity}) could take it`,
      );
    }
  }
}
