import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * SMS (issue 14, point 5), on the messaging core: messages, inbound_raw and the outbound sender are
 * shared with e-mail; SMS adds
 *
 * - `sms_endpoints`: a number the centre texts from and receives on (E.164), its provider (a
 *   Twilio-compatible REST API at a base URL), the account SID and the sealed auth token, the team
 *   new conversations go to, and its health from classed errors — as `mailboxes` are for e-mail.
 * - `sms_opt_outs`: numbers that texted STOP (or another carrier keyword), per number because that
 *   is what the carrier honours; nothing is sent to one until it texts START. The customer's consent
 *   follows, audited.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('sms_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('base_url', 'text', (c) => c.notNull())
    .addColumn('account_sid', 'text', (c) => c.notNull())
    .addColumn('secrets', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('active', t.bool, (c) => c.notNull())
    .addColumn('health', 'text', (c) => c.notNull())
    .addColumn('last_inbound_at', t.ts)
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', t.ts)
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sms_opt_outs')
    .addColumn('number', 'text', (c) => c.primaryKey())
    .addColumn('keyword', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('endpoint_id', 'text')
    .addColumn('opted_out_at', t.ts, (c) => c.notNull())
    .execute();
}
