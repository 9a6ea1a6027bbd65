import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { KyselyPlugin, PluginTransformQueryArgs } from 'kysely';
import type { Dialect } from '../../src/server/platform/db/index.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase, buildContact, buildCustomer, buildSla } from '../helpers/factories.ts';

/**
 * How many statements the calls an officer makes all day cost. On PostgreSQL every statement is a
 * round trip (~65 µs of driver and server CPU at best on this machine, several times that under
 * load), so the count, not the wall clock, is what CI can hold steady: a call that gains a statement
 * per row, or a lookup that moves into a loop, fails here on any machine. The budgets are today's
 * counts; lower one when a change saves a statement, and say why when one must rise.
 * (Before the batching of issue 12: POST /cases 24 / 22, the workspace 34 with five recent contacts.)
 * (Publishing the outbox after the response is the dispatcher's work, batched across requests: it
 * is closed here so the counts are the request's own.)
 */
/** STATEMENTS_DEBUG=<part of a call's name>: print that call's statements. */
const DEBUG = process.env.STATEMENTS_DEBUG;

const BUDGET: Record<string, Record<Dialect, number>> = {
  // 8 / 7: the officer is now on a contact (presence, issue 14): their state row, read and locked in one statement.
  'POST /contacts': { sqlite: 8, postgres: 7 },
  'PATCH /contacts/:id (customer found)': { sqlite: 10, postgres: 10 },
  'POST /cases (with an SLA and an Idempotency-Key)': { sqlite: 19, postgres: 18 },
  // 19: the case's messages (issue 13) are one more read; their attachments one more when there are any.
  'GET /cases/:id/workspace': { sqlite: 19, postgres: 19 },
  'GET /queue (team, queue order)': { sqlite: 2, postgres: 2 },
  'GET /cases/counts (team)': { sqlite: 1, postgres: 1 },
  'GET /customers?q= (full name)': { sqlite: 4, postgres: 4 },
};

for (const dialect of await dialects()) {
  describe(`statements per call on ${dialect}`, () => {
    let t: TestApp;
    const counter = { on: false, n: 0, seen: [] as PluginTransformQueryArgs[] };
    const plugin: KyselyPlugin = {
      transformQuery(args) {
        if (counter.on) {
          counter.n++;
          if (DEBUG) counter.seen.push(args);
        }
        return args.node;
      },
      async transformResult(args) {
        return args.result;
      },
    };
    const measured = new Map<string, number>();

    before(async () => {
      t = await makeTestApp(dialect, { clock: undefined });
      await t.services.dispatcher.close();
      await buildSla(t);
      // Some history, so no call is answered by an empty table.
      for (let i = 0; i < 5; i++) await buildCase(t, { teamId: t.team.id });
      t.ctx.store.db = t.ctx.store.db.withPlugin(plugin);
    });
    after(() => t?.close());

    /** The statements one call makes. */
    async function count(
      name: string,
      method: 'GET' | 'POST' | 'PATCH',
      url: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ) {
      counter.n = 0;
      counter.on = true;
      const res = await t.call('officer', method, url, body, headers);
      counter.on = false;
      assert.ok(res.statusCode < 300, `${name}: ${res.statusCode} ${res.body}`);
      if (DEBUG && name.includes(DEBUG))
        for (const a of counter.seen.splice(0))
          console.log(
            `#   ${t.ctx.store.db.getExecutor().compileQuery(a.node, a.queryId).sql.slice(0, 200)}`,
          );
      counter.seen.length = 0;
      measured.set(name, counter.n);
      return res.data;
    }

    /** The desktop's path for a call: a contact, its customer, a case, then the screens. */
    async function walk() {
      const customer = await buildCustomer(t, { displayName: `Nur Aisyah ${randomUUID().slice(0, 6)}` });
      // A customer who has called before: the workspace lists recent contacts, where a query per
      // contact would show as a count that grows with them.
      for (let i = 0; i < 4; i++) await buildContact(t, customer.id);
      const contact = await count('POST /contacts', 'POST', '/api/v1/contacts', {
        channel: 'phone',
        direction: 'inbound',
      });
      await count('PATCH /contacts/:id (customer found)', 'PATCH', `/api/v1/contacts/${contact.id}`, {
        customerId: customer.id,
      });
      const c = await count(
        'POST /cases (with an SLA and an Idempotency-Key)',
        'POST',
        '/api/v1/cases',
        {
          contactId: contact.id,
          type: 'complaint',
          subject: 'Charged twice for roaming data',
          description: 'Charged twice for roaming data in Malaysia last week.',
          criticality: 'not_highly_critical',
          teamId: t.team.id,
        },
        { 'idempotency-key': randomUUID() },
      );
      await count('GET /cases/:id/workspace', 'GET', `/api/v1/cases/${c.id}/workspace`);
      const open = 'new,open,pending_customer,pending_action_party';
      await count(
        'GET /queue (team, queue order)',
        'GET',
        `/api/v1/queue?status=${open}&teamId=${t.team.id}&sort=queue&limit=50`,
      );
      await count('GET /cases/counts (team)', 'GET', `/api/v1/cases/counts?teamId=${t.team.id}`);
      await count(
        'GET /customers?q= (full name)',
        'GET',
        `/api/v1/customers?q=${encodeURIComponent(customer.displayName)}&limit=10`,
      );
    }

    test('each call stays within its statement budget', async () => {
      await walk(); // warm: settings and vocabularies read once per process
      await walk();
      const over: string[] = [];
      for (const [name, budget] of Object.entries(BUDGET)) {
        const n = measured.get(name);
        assert.ok(n !== undefined, `${name} was measured`);
        console.log(`# ${dialect} ${name}: ${n} statements (budget ${budget[dialect]})`);
        if (n > budget[dialect]) over.push(`${name}: ${n} > ${budget[dialect]}`);
      }
      assert.deepEqual(over, []);
    });
  });
}
