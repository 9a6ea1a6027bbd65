import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Selectable } from 'kysely';
import type { Db, Executor } from '../../src/server/platform/db/index.ts';
import type { CasesTable } from '../../src/server/platform/db/schema.ts';
import { DomainEventBus } from '../../src/server/platform/events.ts';
import { emit } from '../../src/server/platform/outbox.ts';
import { makeTestApp } from '../helpers/app.ts';
import { dialects, openTestDb } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

const AT = '2026-01-05T09:00:00.000Z';
// The bus never looks inside a payload; a case row is only what `case.changed` carries.
const aCase = { id: 'c1', status: 'open' } as Selectable<CasesTable>;

/** Names of the outbox rows written, oldest first (the outbox stands in for any table here). */
async function written(db: Db): Promise<string[]> {
  const rows = await db.db.selectFrom('outbox').select(['name', 'created_at', 'id']).execute();
  return rows.map((r) => r.name).sort();
}

/** The change under test: one row written in the transaction, then the event published. */
function change(db: Db, bus: DomainEventBus, name = 'case.changed_by_test') {
  return db.db.transaction().execute(async (trx) => {
    await emit(trx, AT, name, { id: 'c1' });
    await bus.publish(trx, 'case.changed', { before: null, after: aCase });
  });
}

for (const dialect of await dialects()) {
  describe(`domain events (${dialect})`, () => {
    let db: Db;
    before(async () => {
      db = await openTestDb(dialect);
    });
    after(() => db.close());
    const clear = () => db.db.deleteFrom('outbox').execute();

    it("commits a reaction's write with the change", async () => {
      await clear();
      const bus = new DomainEventBus();
      bus.on('case.changed', async (trx, e) => {
        await emit(trx, AT, 'reaction.wrote', { id: e.after.id });
      });
      await change(db, bus);
      assert.deepEqual(await written(db), ['case.changed_by_test', 'reaction.wrote']);
    });

    it('rolls the change (and earlier reactions) back when a reaction throws', async () => {
      await clear();
      const bus = new DomainEventBus();
      bus.on('case.changed', async (trx) => {
        await emit(trx, AT, 'reaction.wrote', {});
      });
      bus.on('case.changed', async () => {
        throw new Error('reaction failed');
      });
      let third = false;
      bus.on('case.changed', async () => {
        third = true;
      });
      await assert.rejects(change(db, bus), /reaction failed/);
      assert.deepEqual(await written(db), []);
      assert.equal(third, false, 'the reactions after the failing one do not run');
    });

    it('runs reactions in the order they subscribed, one at a time, with the same transaction', async () => {
      await clear();
      const bus = new DomainEventBus();
      const seen: string[] = [];
      const trxs = new Set<Executor>();
      for (const name of ['first', 'second', 'third']) {
        bus.on('case.changed', async (trx) => {
          seen.push(`${name}:start`);
          trxs.add(trx);
          // A slow first reaction must not let the second start beside it.
          await new Promise((r) => setTimeout(r, name === 'first' ? 20 : 0));
          seen.push(`${name}:end`);
        });
      }
      await change(db, bus);
      assert.deepEqual(seen, [
        'first:start',
        'first:end',
        'second:start',
        'second:end',
        'third:start',
        'third:end',
      ]);
      assert.equal(trxs.size, 1);
    });

    it('runs only the reactions to the event published; none is a no-op', async () => {
      await clear();
      const bus = new DomainEventBus();
      const heard: string[] = [];
      bus.on('sla.breached', async (_trx, e) => {
        heard.push(`breached:${e.clocks.length}`);
      });
      await change(db, bus);
      await db.db.transaction().execute((trx) => bus.publish(trx, 'sla.breached', { clocks: [], at: AT }));
      assert.deepEqual(heard, ['breached:0']);
      assert.deepEqual(await written(db), ['case.changed_by_test']);
    });

    it('as wired in app.ts: a highly critical case escalates at once, and a failing reaction undoes the case', async () => {
      const t = await makeTestApp(dialect);
      try {
        const count = async (table: 'cases' | 'escalations') =>
          Number(
            (
              await t.ctx.store.db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        await buildCase(t, { criticality: 'highly_critical' });
        assert.equal(await count('escalations'), 1, 'escalations reacted to case.changed');
        const { escalations } = t.services;
        const react = escalations.onCaseChanged;
        escalations.onCaseChanged = async () => {
          throw new Error('the escalation could not be raised');
        };
        try {
          await assert.rejects(buildCase(t, { criticality: 'highly_critical' }), /could not be raised/);
        } finally {
          escalations.onCaseChanged = react;
        }
        assert.equal(await count('cases'), 1, 'the case whose reaction failed was not kept');
        assert.equal(await count('escalations'), 1);
      } finally {
        await t.close();
      }
    });
  });
}

describe('domain event bus rules', () => {
  it('refuses a subscription after the first publish: reactions are wired once, in app.ts', async () => {
    const bus = new DomainEventBus();
    await bus.publish({} as Executor, 'case.changed', { before: null, after: aCase });
    assert.throws(() => bus.on('case.changed', async () => {}), /when wiring the services/);
  });

  it('stops a reaction loop instead of recursing for ever', async () => {
    const bus = new DomainEventBus();
    let n = 0;
    bus.on('case.changed', async (trx, e) => {
      n++;
      await bus.publish(trx, 'case.changed', e);
    });
    await assert.rejects(
      bus.publish({} as Executor, 'case.changed', { before: null, after: aCase }),
      /a reaction loop/,
    );
    assert.equal(n, 16);
  });

  it('lets a reaction publish a further event (below the loop limit) in the same transaction', async () => {
    const bus = new DomainEventBus();
    const heard: string[] = [];
    bus.on('case.changed', async (trx) => {
      heard.push('case.changed');
      await bus.publish(trx, 'sla.rule_due', { rules: [], at: AT });
    });
    bus.on('sla.rule_due', async () => {
      heard.push('sla.rule_due');
    });
    const trx = {} as Executor;
    await bus.publish(trx, 'case.changed', { before: null, after: aCase });
    await bus.publish(trx, 'case.changed', { before: null, after: aCase });
    assert.deepEqual(heard, ['case.changed', 'sla.rule_due', 'case.changed', 'sla.rule_due']);
  });
});
