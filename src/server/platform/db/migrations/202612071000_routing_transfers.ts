import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Transfers (issue 14, point 4): an officer hands a routed case (a chat, an e-mail or SMS case) to
 * another officer or a team's queue with a note. One row a transfer; the client's id (made when the
 * officer opened the dialog) is unique, so a double click is the same transfer.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('routing_transfers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull().unique())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    // The routing item the transfer made (offered to the officer, or waiting in the queue).
    .addColumn('item_id', 'text', (c) => c.notNull().references('routing_items.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('from_user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('to_user_id', 'text', (c) => c.references('users.id'))
    .addColumn('to_queue_id', 'text', (c) => c.notNull().references('routing_queues.id'))
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('routing_transfers_item').on('routing_transfers').column('item_id').execute();
  await db.schema
    .createIndex('routing_transfers_case')
    .on('routing_transfers')
    .columns(['case_id', 'created_at'])
    .execute();
}
