import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Records an officer can trust (issue 11): stored responses for `Idempotency-Key` requests, and the
 * unsaved parts of a contact's form kept on the server so navigation or a reload changes nothing.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('status', 'integer', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('expires_at', t.ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['user_id', 'key'])
    .execute();
  await db.schema
    .createIndex('idempotency_keys_expiry')
    .on('idempotency_keys')
    .columns(['expires_at'])
    .execute();

  await db.schema
    .createTable('contact_drafts')
    .addColumn('contact_id', 'text', (c) => c.primaryKey().references('contacts.id'))
    .addColumn('user_id', 'text', (c) => c.notNull())
    .addColumn('data', t.json, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();

  // The officer's open contact is looked up on every desktop load.
  await db.schema
    .createIndex('contacts_open_by_officer')
    .on('contacts')
    .columns(['officer_id', 'ended_at', 'started_at'])
    .execute();
}
