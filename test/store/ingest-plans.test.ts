import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { CompiledQuery, type KyselyPlugin, sql } from 'kysely';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { mail } from '../helpers/mail.ts';

/**
 * Every statement an e-mail costs on its way to a case seeks an index (issue 13's rate at a real
 * centre's volume). On SQLite one slow statement blocks the process, and a statement that reads a
 * table which grows with the centre is slow only once the data is there — so the plans are checked,
 * not the clock. Two such statements were found this way: "is this case queued for routing?" read
 * every waiting item (the partial unique index does not serve `state in (?, ?, ?)` with bound
 * values), and a bounce's lookup of the message it reports on read every e-mail message (an OR of
 * two columns). SQLite only: these are its plans, and PostgreSQL chooses differently on small tables.
 */

/** Tables that grow with the centre; a configuration table (mailboxes, SLA policies…) may be scanned. */
const GROWING = new Set([
  'cases',
  'customers',
  'customer_lookup',
  'contacts',
  'contact_cases',
  'contact_verifications',
  'messages',
  'message_attachments',
  'inbound_raw',
  'routing_items',
  'routing_offers',
  'timers',
  'sla_clocks',
  'sla_events',
  'case_events',
  'case_notes',
  'case_search',
  'audit_log',
  'notifications',
  'commitments',
]);
/** Columns with a handful of values: a search on these alone reads a share of the whole table. */
const FEW_VALUES = new Set(['state', 'channel', 'direction', 'kind', 'status', 'active', 'is_open']);

describe('the e-mail ingest seeks (SQLite plans)', () => {
  let t: TestApp;
  const seen: { sql: string; params: readonly unknown[] }[] = [];
  let capture = false;
  before(async () => {
    t = await makeTestApp('sqlite');
    const compile = (node: Parameters<KyselyPlugin['transformQuery']>[0]['node'], queryId: never) =>
      t.ctx.store.db.getExecutor().compileQuery(node, queryId);
    const plugin: KyselyPlugin = {
      transformQuery(args) {
        if (capture) {
          const c = compile(args.node, args.queryId as never);
          seen.push({ sql: c.sql, params: c.parameters });
        }
        return args.node;
      },
      async transformResult(args) {
        return args.result;
      },
    };
    t.ctx.store.db = t.ctx.store.db.withPlugin(plugin);
  });
  after(() => t?.close());

  test('a new case, a reply, a delivery report and an auto-reply: no statement reads a growing table whole', async () => {
    const box = await t.services.mailboxes.create(SYSTEM_ACTOR, {
      address: 'billing@centre.example',
      displayName: 'Billing Support',
      inbound: 'smtp',
      teamId: t.team.id,
      options: {},
    });
    const receive = async (raw: Buffer) => {
      const s = await t.services.inbound.store({
        channel: 'email',
        raw,
        transport: 'smtp',
        endpointId: box.id,
      });
      await t.services.inbound.process(s.rawId);
    };
    // Some volume first, so that SQLite's choice is between real alternatives.
    for (let i = 0; i < 30; i++)
      await receive(mail({ from: `warm${i}@customer.example`, messageId: `warm-${i}@customer.example` }));
    await sql`ANALYZE`.execute(t.ctx.store.db);

    capture = true;
    await receive(mail({ from: 'ana@customer.example', messageId: 'first@customer.example' }));
    await receive(
      mail({
        from: 'ana@customer.example',
        subject: 'Re: My bill is wrong',
        messageId: 'second@customer.example',
        inReplyTo: 'first@customer.example',
      }),
    );
    await receive(readFileSync(new URL('../fixtures/mail/bounce/041-postfix-dsn.eml', import.meta.url)));
    await receive(
      mail({
        from: 'ana@customer.example',
        subject: 'Out of office',
        messageId: 'ooo@customer.example',
        headers: { 'Auto-Submitted': 'auto-replied' },
      }),
    );
    capture = false;
    assert.ok(seen.length > 40, `only ${seen.length} statements captured`);

    const bad: string[] = [];
    for (const s of seen) {
      if (!/^\s*(select|update|delete)/i.test(s.sql)) continue;
      const { rows } = await t.ctx.store.db
        .withoutPlugins()
        .executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${s.sql}`, [...s.params]));
      for (const { detail } of rows) {
        const scan = /^SCAN (\w+)/.exec(detail);
        if (scan && GROWING.has(scan[1]!) && !/USING (COVERING )?INDEX \w+ \(/.test(detail))
          bad.push(`${detail}\n    in: ${s.sql.slice(0, 160)}`);
        const search = /^SEARCH (\w+) USING (?:COVERING )?INDEX \w+ \(([^)]*)\)/.exec(detail);
        if (search && GROWING.has(search[1]!)) {
          const cols = search[2]!.split(' AND ').map((c) => c.replace(/[=<>?]+.*$/, '').trim());
          if (cols.every((c) => FEW_VALUES.has(c))) bad.push(`${detail}\n    in: ${s.sql.slice(0, 160)}`);
        }
      }
    }
    assert.deepEqual([...new Set(bad)], []);
  });
});
