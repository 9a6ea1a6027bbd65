import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import WebSocket from 'ws';
import { buildApp } from '../../src/server/app.ts';
import type { Ctx } from '../../src/server/platform/context.ts';
import { tx } from '../../src/server/platform/context.ts';
import { type Db, openDb } from '../../src/server/platform/db/index.ts';
import { newId } from '../../src/server/platform/ids.ts';
import { emit } from '../../src/server/platform/outbox.ts';
import type { Bus } from '../../src/server/platform/realtime/bus.ts';
import { Dispatcher } from '../../src/server/platform/realtime/dispatcher.ts';
import type { Invalidation } from '../../src/server/platform/realtime/hub.ts';
import { invalidationsFor } from '../../src/server/platform/realtime/rooms.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects, PG_URL } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

interface Message {
  type: string;
  id?: string;
  room?: string;
  version?: number;
  rooms?: string[];
  code?: string;
}

/** A signed-in socket on a listening app, collecting what it hears. */
async function socket(port: number, token: string) {
  const messages: Message[] = [];
  const waiters: { match: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/stream`, {
    headers: { authorization: `Bearer ${token}` },
  });
  ws.on('message', (raw) => {
    const m = JSON.parse(String(raw)) as Message;
    messages.push(m);
    for (const w of [...waiters]) {
      if (w.match(m)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  const next = (match: (m: Message) => boolean, timeoutMs = 3000) => {
    const seen = messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message in ${timeoutMs} ms`)), timeoutMs);
      waiters.push({
        match,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
    });
  };
  await next((m) => m.type === 'hello');
  return { ws, messages, next, send: (m: unknown) => ws.send(JSON.stringify(m)) };
}

const listen = async (app: TestApp['app']) => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  return (app.server.address() as { port: number }).port;
};

/** A bus that records what the dispatcher publishes (or fails inside the claim, as a crash would). */
function captureBus(opts: { failInTx?: () => boolean } = {}) {
  const delivered: Invalidation[] = [];
  const bus: Bus = {
    async publishInTx() {
      if (opts.failInTx?.()) throw new Error('publisher killed mid-claim');
    },
    afterCommit: (invs) => delivered.push(...invs),
    start: async () => {},
    close: async () => {},
  };
  return { bus, delivered };
}

const unpublished = async (t: TestApp) =>
  Number(
    (
      await t.ctx.store.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('published_at', 'is', null)
        .executeTakeFirstOrThrow()
    ).n,
  );

for (const dialect of await dialects()) {
  describe(`realtime dispatcher on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t.close());

    test('claims unpublished events, marks them published and routes them to case, team and user rooms', async () => {
      await t.services.dispatcher.drain();
      const { case: c } = await buildCase(t, {}, t.users.officer.actor);
      const cap = captureBus();
      const d = new Dispatcher(t.ctx, cap.bus);
      assert.ok((await unpublished(t)) > 0, 'a write through a service leaves its events unpublished');
      assert.ok((await d.drain()) > 0);
      assert.equal(await unpublished(t), 0);
      const rooms = cap.delivered
        .filter((i) => i.id === c.id && i.type === 'case.created')
        .map((i) => i.room);
      // The case, its team's queue, its owner (the officer who logged it).
      assert.deepEqual(
        rooms.sort(),
        [`case:${c.id}`, `team:${t.team.id}`, `user:${t.users.officer.id}`].sort(),
      );
      assert.equal(cap.delivered.find((i) => i.room === `case:${c.id}`)!.version, 1);
      assert.equal(await d.drain(), 0, 'published once');
      await d.close();
    });

    test('a publisher killed before its claim commits loses no event: the next claim sends it', async () => {
      await t.services.dispatcher.drain();
      // The change commits; no dispatcher is running (the node died right after the commit).
      const { case: c } = await buildCase(t);
      const before = await unpublished(t);
      assert.ok(before > 0);
      // A dispatcher that dies inside its claim: the claim rolls back with it.
      const dying = captureBus({ failInTx: () => true });
      const d1 = new Dispatcher(t.ctx, dying.bus);
      await assert.rejects(d1.drain(), /killed/);
      assert.equal(await unpublished(t), before, 'the rows stay unpublished');
      assert.equal(dying.delivered.length, 0);
      // A new dispatcher (another node, or this one restarted) publishes them.
      const cap = captureBus();
      const d2 = new Dispatcher(t.ctx, cap.bus);
      await d2.drain();
      assert.equal(await unpublished(t), 0);
      assert.ok(cap.delivered.some((i) => i.room === `case:${c.id}` && i.type === 'case.created'));
      await d1.close();
      await d2.close();
    });

    test('pruning removes published rows older than a day, only those, in batches', async () => {
      await t.services.dispatcher.drain();
      const now = t.ctx.clock.now().getTime();
      const iso = (ms: number) => new Date(ms).toISOString();
      const rows = [
        ...Array.from({ length: 1200 }, () => ({ published_at: iso(now - 2 * 86_400_000) })),
        { published_at: iso(now - 3_600_000) },
        { published_at: null },
      ].map((r) => ({
        id: newId(),
        name: 'test.event',
        payload: JSON.stringify({ id: newId() }),
        created_at: iso(now - 3 * 86_400_000),
        ...r,
      }));
      for (let i = 0; i < rows.length; i += 300)
        await t.ctx.store.db
          .insertInto('outbox')
          .values(rows.slice(i, i + 300))
          .execute();
      const d = new Dispatcher(t.ctx, captureBus().bus);
      assert.equal(await d.prune(), 1200);
      const left = await t.ctx.store.db
        .selectFrom('outbox')
        .select(['id', 'published_at'])
        .where('name', '=', 'test.event')
        .execute();
      assert.equal(left.length, 2, 'the recent published row and the unpublished one stay');
      assert.equal(left.filter((r) => r.published_at === null).length, 1);
      await t.ctx.store.db.deleteFrom('outbox').where('name', '=', 'test.event').execute();
      await d.close();
    });

    test('a socket hears its user and team rooms, subscribes to a case it may read, and only that', async () => {
      const port = await listen(t.app);
      const officer = await socket(port, t.users.officer.token);
      const hello = officer.messages[0]!;
      assert.deepEqual(hello.rooms, [`user:${t.users.officer.id}`, `team:${t.team.id}`]);
      const { case: c } = await buildCase(t, { teamId: null } as never);
      officer.send({ type: 'subscribe', room: `case:${c.id}` });
      await officer.next((m) => m.type === 'subscribed' && m.room === `case:${c.id}`);
      officer.send({ type: 'subscribe', room: `user:${t.users.supervisor.id}` });
      const refused = await officer.next((m) => m.type === 'error');
      assert.equal(refused.code, 'realtime.room_forbidden');
      officer.send({ type: 'subscribe', room: `case:${newId()}` });
      await officer.next((m) => m.type === 'error' && m.room !== `user:${t.users.supervisor.id}`);
      // A change through the API reaches the case room at once (the response pokes the dispatcher).
      const sent = Date.now();
      const r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/notes`, {
        visibility: 'internal',
        body: 'Called back',
      });
      assert.equal(r.statusCode, 201);
      const inv = await officer.next((m) => m.type === 'case.note_added' && m.room === `case:${c.id}`, 1000);
      assert.equal(inv.id, c.id);
      assert.ok(Date.now() - sent < 1000);
      officer.ws.close();
    });

    test("a case referred to a department reaches that department's queue room, and the one it left", async () => {
      await t.services.dispatcher.drain();
      const sys = { userId: 'system', role: 'administrator', via: 'system' } as const;
      const billing = await t.services.people.createDepartment(sys, {
        name: `Billing ${newId()}`,
        purpose: 'Refunds',
      });
      const tech = await t.services.people.createDepartment(sys, {
        name: `Tech ${newId()}`,
        purpose: 'Faults',
      });
      const { case: c } = await buildCase(t, {}, t.users.officer.actor);
      // The rooms computed for the referral's event (the app's own dispatcher may publish it first).
      const referred = async (departmentId: string) => {
        const r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/referrals`, {
          mode: 'transfer',
          departmentId,
          reason: 'Their call',
        });
        assert.equal(r.statusCode, 201, r.body);
        const rows = await t.ctx.store.db
          .selectFrom('outbox')
          .select(['id', 'name', 'payload'])
          .where('name', '=', 'case.referred')
          .orderBy('created_at', 'desc')
          .execute();
        const mine = rows.filter((e) => JSON.stringify(e.payload).includes(c.id)).slice(0, 1);
        assert.equal(mine.length, 1);
        return (await invalidationsFor(t.ctx.store.db, mine)).map((i) => i.room);
      };
      // Referred by an officer of Team A: the team (not the department's) is all the old payload named.
      assert.ok((await referred(billing.id)).includes(`department:${billing.id}`));
      // Moved on from Billing to Tech: both queues hear it, so Billing's drops the case.
      const moved = await referred(tech.id);
      assert.ok(moved.includes(`department:${billing.id}`), 'the queue it left');
      assert.ok(moved.includes(`department:${tech.id}`), 'the queue it joined');
    });

    test('a socket may follow the queue of a department that exists, and hears cases sent to it', async () => {
      const port = t.app.server.listening
        ? (t.app.server.address() as { port: number }).port
        : await listen(t.app);
      const leader = await socket(port, t.users.team_leader.token);
      leader.send({ type: 'subscribe', room: `department:${t.department.id}` });
      await leader.next((m) => m.type === 'subscribed' && m.room === `department:${t.department.id}`);
      leader.send({ type: 'subscribe', room: `department:${newId()}` });
      const refused = await leader.next((m) => m.type === 'error');
      assert.equal(refused.code, 'realtime.room_forbidden');
      // A case sent straight to the department's queue reaches the socket following it.
      await buildCase(t, { departmentId: t.department.id, teamId: null } as never);
      const inv = await leader.next(
        (m) => m.type === 'case.created' && m.room === `department:${t.department.id}`,
        2000,
      );
      assert.ok(inv.id);
      leader.ws.close();
    });
  });
}

if ((await dialects()).includes('postgres')) {
  describe('realtime across two app nodes on one PostgreSQL', () => {
    let a: TestApp;
    let storeB: Db;
    let appB: Awaited<ReturnType<typeof buildApp>>['app'];
    before(async () => {
      a = await makeTestApp('postgres');
      const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(a.ctx.store.db)).rows[0]!
        .s;
      storeB = await openDb({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 4 });
      const ctxB: Ctx = { ...a.ctx, store: storeB };
      appB = (await buildApp(ctxB, { logger: false })).app;
    });
    after(async () => {
      await appB.close();
      await storeB.close();
      await a.close();
    });

    test('a change made through node A reaches a socket on node B within a second', async (ctx) => {
      await listen(a.app);
      await appB.listen({ port: 0, host: '127.0.0.1' });
      const portB = (appB.server.address() as { port: number }).port;
      const { case: c } = await buildCase(a);
      await a.services.dispatcher.drain();
      const onB = await socket(portB, a.users.team_leader.token);
      onB.send({ type: 'subscribe', room: `case:${c.id}` });
      await onB.next((m) => m.type === 'subscribed');
      const sent = Date.now();
      const r = await a.call('officer', 'POST', `/api/v1/cases/${c.id}/notes`, {
        visibility: 'internal',
        body: 'Customer called again',
      });
      assert.equal(r.statusCode, 201);
      const inCase = await onB.next((m) => m.type === 'case.note_added' && m.room === `case:${c.id}`, 1000);
      const inTeam = await onB.next(
        (m) => m.type === 'case.note_added' && m.room === `team:${a.team.id}`,
        1000,
      );
      const took = Date.now() - sent;
      ctx.diagnostic(`node A write → node B socket: ${took} ms (response included)`);
      assert.equal(inCase.id, c.id);
      assert.equal(inTeam.id, c.id);
      assert.ok(took < 1000, `took ${took} ms`);
      onB.ws.close();
    });

    test('kill -9 of a node right after its commit, before any publication: another node sends the events', async () => {
      const portB = (appB.server.address() as { port: number }).port;
      const onB = await socket(portB, a.users.team_leader.token);
      const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(a.ctx.store.db)).rows[0]!
        .s;
      const teamId = a.team.id;
      const id = newId();
      // A third node in its own process: it commits an event, then is killed with SIGKILL before
      // its dispatcher could run (it never listens, so only a poke would have published it).
      const script = `
        import { openDb } from '${new URL('../../src/server/platform/db/index.ts', import.meta.url).pathname}';
        import { emit } from '${new URL('../../src/server/platform/outbox.ts', import.meta.url).pathname}';
        const store = await openDb({ databaseUrl: ${JSON.stringify(PG_URL)}, pgSchema: ${JSON.stringify(schema)}, poolSize: 1 });
        await store.db.transaction().execute((trx) =>
          emit(trx, new Date().toISOString(), 'case.updated', { id: ${JSON.stringify(id)}, version: 7, teamIds: [${JSON.stringify(teamId)}] }));
        process.kill(process.pid, 'SIGKILL');
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
      const signal = await new Promise<string | null>((r) => child.on('exit', (_code, sig) => r(sig)));
      assert.equal(signal, 'SIGKILL');
      // Node B's safety poll (or any node's next claim) finds the row and publishes it.
      const inv = await onB.next((m) => m.type === 'case.updated' && m.id === id, 5000);
      assert.equal(inv.version, 7);
      assert.equal(inv.room, `team:${teamId}`);
      onB.ws.close();
    });

    test('events committed while no node publishes are sent when a node comes back, once', async () => {
      const portB = (appB.server.address() as { port: number }).port;
      const onB = await socket(portB, a.users.team_leader.token);
      // Written straight into the outbox, as a node killed after its commit leaves them.
      const ids = Array.from({ length: 5 }, () => newId());
      await tx(a.ctx, async (trx) => {
        for (const id of ids)
          await emit(trx, new Date().toISOString(), 'case.updated', { id, version: 2, teamIds: [a.team.id] });
      });
      await Promise.all(ids.map((id) => onB.next((m) => m.type === 'case.updated' && m.id === id, 5000)));
      await new Promise((r) => setTimeout(r, 300));
      for (const id of ids) assert.equal(onB.messages.filter((m) => m.id === id).length, 1, 'each once');
      onB.ws.close();
    });

    test('two dispatchers claiming at once publish each event exactly once (SKIP LOCKED)', async () => {
      await a.services.dispatcher.drain();
      const capA = captureBus();
      const capB = captureBus();
      const dA = new Dispatcher(a.ctx, capA.bus, { batch: 50 });
      const dB = new Dispatcher({ ...a.ctx, store: storeB }, capB.bus, { batch: 50 });
      const ids = Array.from({ length: 400 }, () => newId());
      await tx(a.ctx, async (trx) => {
        for (const id of ids)
          await emit(trx, new Date().toISOString(), 'case.updated', {
            id,
            teamIds: [],
            userIds: [a.users.officer.id],
          });
      });
      const [na, nb] = await Promise.all([dA.drain(), dB.drain()]);
      const got = [...capA.delivered, ...capB.delivered].filter((i) => ids.includes(i.id));
      // The running apps may claim some too; what the two here claimed never overlaps.
      assert.equal(new Set(got.map((i) => `${i.room} ${i.id}`)).size, got.length);
      assert.ok(na + nb <= 400 + 10);
      await dA.close();
      await dB.close();
    });
  });
}
