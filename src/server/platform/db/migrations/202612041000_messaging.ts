import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * The messaging core (issue 13): what customers write in and what is sent to them, on any channel.
 *
 * - `inbound_raw`: every inbound item exactly as it arrived, stored (and committed) before anything
 *   is made of it — the SMTP 250 or the IMAP move happens only after this row commits. Unique on
 *   (channel, source_key): the same e-mail delivered ten times is one row.
 * - `messages`: one message on a case's conversation, inbound or outbound, with its delivery state.
 * - `message_attachments`: the files, kept in the database so a backup holds them.
 * - `mailboxes`: an address the centre answers, how mail reaches it (SMTP in, IMAP) and leaves it.
 * - `case_followers`: people copied on a case's mail (CCs) who receive its replies.
 * - `sender_blocks`: addresses or domains whose mail is kept but never made a case.
 * - a `system` user: inbound contacts and cases the system opens need an officer row to point to.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  const blob = t.dialect === 'sqlite' ? 'blob' : 'bytea';
  const now = new Date().toISOString();
  await db
    .insertInto('users')
    .values({
      id: 'system',
      username: '_system',
      email: null,
      display_name: 'Frontline',
      role: 'officer',
      team_id: null,
      department_id: null,
      password_hash: null,
      active: t.dialect === 'sqlite' ? 0 : false,
      failed_logins: 0,
      locked_until: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();

  await db.schema
    .createTable('mailboxes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('address', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('signature', 'text')
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('department_id', 'text', (c) => c.references('departments.id'))
    .addColumn('category_id', 'text', (c) => c.references('case_categories.id'))
    .addColumn('first_response_minutes', 'integer')
    .addColumn('inbound', 'text', (c) => c.notNull())
    .addColumn('imap', t.json)
    .addColumn('smtp', t.json)
    .addColumn('secrets', 'text')
    .addColumn('options', t.json, (c) => c.notNull())
    .addColumn('active', t.bool, (c) => c.notNull())
    .addColumn('health', 'text', (c) => c.notNull())
    .addColumn('last_fetch_at', t.ts)
    .addColumn('last_error', 'text')
    .addColumn('last_error_at', t.ts)
    .addColumn('imap_state', t.json)
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('inbound_raw')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('endpoint_id', 'text')
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('sender', 'text')
    .addColumn('envelope', t.json)
    .addColumn('raw', blob, (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('outcome', t.json)
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('received_at', t.ts, (c) => c.notNull())
    .addColumn('processed_at', t.ts)
    .addUniqueConstraint('inbound_raw_source', ['channel', 'source_key'])
    .execute();
  // Recovery: what was stored but not yet made into a message (a crash between the two).
  await db.schema
    .createIndex('inbound_raw_state')
    .on('inbound_raw')
    .columns(['state', 'received_at'])
    .execute();
  // The per-sender rate limit counts a sender's recent mail.
  await db.schema
    .createIndex('inbound_raw_sender')
    .on('inbound_raw')
    .columns(['sender', 'received_at'])
    .execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('endpoint_id', 'text')
    .addColumn('raw_id', 'text', (c) => c.references('inbound_raw.id'))
    .addColumn('source_key', 'text')
    .addColumn('in_reply_to', 'text')
    .addColumn('refs', t.json, (c) => c.notNull())
    .addColumn('from_address', 'text')
    .addColumn('from_name', 'text')
    .addColumn('to_addresses', t.json, (c) => c.notNull())
    .addColumn('cc_addresses', t.json, (c) => c.notNull())
    .addColumn('subject', 'text')
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('body_html', 'text')
    .addColumn('remote_images', t.bool, (c) => c.notNull())
    .addColumn('author_id', 'text', (c) => c.references('users.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('state_reason', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', t.ts)
    .addColumn('lease_until', t.ts)
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('sent_at', t.ts)
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('messages_case').on('messages').columns(['case_id', 'created_at']).execute();
  // Threading: a reply's In-Reply-To / References against every Message-ID sent or received.
  await db.schema.createIndex('messages_source').on('messages').columns(['channel', 'source_key']).execute();
  // Sender-and-subject threading looks at a sender's recent messages.
  await db.schema
    .createIndex('messages_from')
    .on('messages')
    .columns(['from_address', 'created_at'])
    .execute();
  // The sender's outbox: due messages by state and time.
  await db.schema
    .createIndex('messages_outbound_due')
    .on('messages')
    .columns(['state', 'next_attempt_at'])
    .execute();

  await db.schema
    .createTable('message_attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('content_id', 'text')
    .addColumn('inline', t.bool, (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('data', blob)
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('message_attachments_message')
    .on('message_attachments')
    .column('message_id')
    .execute();

  await db.schema
    .createTable('case_followers')
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('added_at', t.ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('case_followers_pk', ['case_id', 'address'])
    .execute();

  await db.schema
    .createTable('sender_blocks')
    .addColumn('pattern', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text')
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
}
