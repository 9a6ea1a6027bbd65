import { type Kysely, sql } from 'kysely';
import { type Migration, type MigrationProvider, Migrator } from 'kysely/migration';
import type { Db, Dialect } from './index.ts';
import * as m202611231900 from './migrations/202611231900_initial.ts';
import * as m202611232130 from './migrations/202611232130_business_calendars.ts';
import * as m202611232200 from './migrations/202611232200_sla_policies.ts';
import * as m202611240900 from './migrations/202611240900_sla_engine.ts';
import * as m202611250900 from './migrations/202611250900_knowledge.ts';
import * as m202611260900 from './migrations/202611260900_scripts.ts';
import * as m202611261000 from './migrations/202611261000_solutions.ts';
import * as m202612021000 from './migrations/202612021000_trusted_records.ts';
import * as m202612021010 from './migrations/202612021010_login_attempts.ts';
import * as m202612021020 from './migrations/202612021020_outbox_dispatch.ts';
import * as m202612021040 from './migrations/202612021040_kb_attachment_versions.ts';
import * as m202612021100 from './migrations/202612021100_one_template_syntax.ts';
import * as m202612021200 from './migrations/202612021200_notification_customer.ts';
import * as m202612031000 from './migrations/202612031000_case_queues.ts';
import * as m202612031010 from './migrations/202612031010_case_drafts.ts';
import * as m202612031020 from './migrations/202612031020_case_views.ts';
import * as m202612031030 from './migrations/202612031030_case_merge.ts';
import * as m202612031040 from './migrations/202612031040_queue_counts_covered.ts';
import * as m202612031100 from './migrations/202612031100_customer_merge.ts';
import * as m202612031200 from './migrations/202612031200_audit_read.ts';
import * as m202612031400 from './migrations/202612031400_case_search.ts';
import * as m202612031500 from './migrations/202612031500_customer_open_cases.ts';
import * as m202612041000 from './migrations/202612041000_messaging.ts';
import * as m202612041100 from './migrations/202612041100_webhooks.ts';
import * as m202612051000 from './migrations/202612051000_message_uploads.ts';
import * as m202612051010 from './migrations/202612051010_sla_case_targets.ts';
import * as m202612061000 from './migrations/202612061000_phone_keys.ts';
import * as m202612061400 from './migrations/202612061400_presence.ts';
import * as m202612061500 from './migrations/202612061500_routing.ts';
import * as m202612061700 from './migrations/202612061700_sms.ts';
import * as m202612061800 from './migrations/202612061800_chat.ts';
import * as m202612071000 from './migrations/202612071000_routing_transfers.ts';
import * as m202612071200 from './migrations/202612071200_routing_items_case.ts';
import * as m202612081000 from './migrations/202612081000_chat_identity_provenance.ts';
import * as m202612081100 from './migrations/202612081100_case_search_pending.ts';
import * as m202612081200 from './migrations/202612081200_chat_customer_indexes.ts';
import type { Database } from './schema.ts';

/** Column types that differ between the two databases; one set of migrations serves both. */
export interface ColumnTypes {
  dialect: Dialect;
  ts: 'text' | 'timestamptz';
  bool: 'integer' | 'boolean';
  json: 'text' | 'jsonb';
  /** A byte-ordered text column, so range scans for prefix search behave the same on both. */
  key: 'text' | ReturnType<typeof sql>;
}

type MigrationModule = {
  // biome-ignore lint/suspicious/noExplicitAny: see migrations — written against the schema of their day
  up(db: Kysely<any>, t: ColumnTypes): Promise<void>;
};

// Listed explicitly (not read from disk) so that the set is fixed at build time and ordered by name.
const MIGRATIONS: Record<string, MigrationModule> = {
  '202611231900_initial': m202611231900,
  '202611232130_business_calendars': m202611232130,
  '202611232200_sla_policies': m202611232200,
  '202611240900_sla_engine': m202611240900,
  '202611250900_knowledge': m202611250900,
  '202611260900_scripts': m202611260900,
  '202611261000_solutions': m202611261000,
  '202612021000_trusted_records': m202612021000,
  '202612021010_login_attempts': m202612021010,
  '202612021020_outbox_dispatch': m202612021020,
  '202612021040_kb_attachment_versions': m202612021040,
  '202612021100_one_template_syntax': m202612021100,
  '202612021200_notification_customer': m202612021200,
  '202612031000_case_queues': m202612031000,
  '202612031010_case_drafts': m202612031010,
  '202612031020_case_views': m202612031020,
  '202612031030_case_merge': m202612031030,
  '202612031040_queue_counts_covered': m202612031040,
  '202612031100_customer_merge': m202612031100,
  '202612031200_audit_read': m202612031200,
  '202612031400_case_search': m202612031400,
  '202612031500_customer_open_cases': m202612031500,
  '202612041000_messaging': m202612041000,
  '202612041100_webhooks': m202612041100,
  '202612051000_message_uploads': m202612051000,
  '202612051010_sla_case_targets': m202612051010,
  '202612061000_phone_keys': m202612061000,
  '202612061400_presence': m202612061400,
  '202612061500_routing': m202612061500,
  '202612061700_sms': m202612061700,
  '202612061800_chat': m202612061800,
  '202612071000_routing_transfers': m202612071000,
  '202612071200_routing_items_case': m202612071200,
  '202612081000_chat_identity_provenance': m202612081000,
  '202612081200_chat_customer_indexes': m202612081200,
  '202612081100_case_search_pending': m202612081100,
};

export function columnTypes(dialect: Dialect): ColumnTypes {
  return dialect === 'sqlite'
    ? { dialect, ts: 'text', bool: 'integer', json: 'text', key: 'text' }
    : { dialect, ts: 'timestamptz', bool: 'boolean', json: 'jsonb', key: sql`text collate "C"` };
}

export async function migrateToLatest(store: Db): Promise<string[]> {
  const t = columnTypes(store.dialect);
  const provider: MigrationProvider = {
    getMigrations: async () => {
      const out: Record<string, Migration> = {};
      for (const [name, mod] of Object.entries(MIGRATIONS)) out[name] = { up: (db) => mod.up(db, t) };
      return out;
    },
  };
  if (store.dialect === 'sqlite' || !store.openMigrationDb) return run(store.db, provider, undefined);
  // A migration rewrites or indexes whole tables (a backfill over a million cases takes minutes),
  // far past a request's statement and read timeouts: migrate on a connection of its own without them.
  const db = store.openMigrationDb();
  try {
    // Keep Kysely's bookkeeping in the schema being migrated: otherwise on PostgreSQL it may find
    // another schema's migration tables and skip or break (tests run several schemas side by side).
    const schema = (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s;
    const ran = await run(db, provider, schema);
    // Fresh statistics for the table the migrations rewrite most: otherwise plans over a new column or
    // index stay blind until autovacuum comes round (measured: a merged-duplicates lookup walked
    // the primary key for seconds at 200,000 cases).
    if (ran.length) await sql`analyze cases`.execute(db);
    return ran;
  } finally {
    await db.destroy();
  }
}

async function run(
  db: Kysely<Database>,
  provider: MigrationProvider,
  schema: string | undefined,
): Promise<string[]> {
  const migrator = new Migrator({ db, provider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
