import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Targets a case carries from where it came in, beside its policy's (issue 13: a mailbox's
 * first-response target). Kept per case and clock so that the policy chosen again later (the
 * priority raised, the type changed) is still tightened by it, and so the SLA panel can say where
 * a clock's target came from.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('sla_case_targets')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('clock', 'text', (c) => c.notNull())
    .addColumn('target_minutes', 'integer', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_name', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('sla_case_targets_pk', ['case_id', 'clock'])
    .execute();
}
