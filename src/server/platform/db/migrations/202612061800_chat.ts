import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Web chat (issue 14, point 3): widgets an administrator configures, the visitors' tokens, the
 * conversations and, per conversation, the order of its messages. The messages themselves are rows
 * of `messages` (channel 'chat'), so a chat is a case's conversation like any other contact.
 *
 * - `chat_widgets`: a widget id embedded in a site, its team, the origins allowed to embed it, the
 *   identity secret (sealed) and the calendar of its hours.
 * - `chat_visitors`: a browser that talked to a widget; only hashes of its tokens are kept.
 * - `chat_conversations`: one chat, its case, who answers it, its sequence counter and read marks.
 * - `chat_entries`: (conversation, seq) → message; unique on the client's message id, which makes
 *   a message sent twice (a reconnect before the ack) one message.
 * - `chat_identities`: a site's customer id, vouched for by its HMAC, → our customer record.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('chat_widgets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('allowed_origins', t.json, (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('calendar_id', 'text', (c) => c.references('business_calendars.id'))
    .addColumn('active', t.bool, (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('chat_visitors')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('widget_id', 'text', (c) => c.notNull().references('chat_widgets.id'))
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    // The token before the last rotation still opens (another tab may hold it) until the next one.
    .addColumn('prev_token_hash', 'text')
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('seen_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('chat_visitors_prev').on('chat_visitors').column('prev_token_hash').execute();

  await db.schema
    .createTable('chat_conversations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('widget_id', 'text', (c) => c.notNull().references('chat_widgets.id'))
    .addColumn('visitor_id', 'text', (c) => c.notNull().references('chat_visitors.id'))
    .addColumn('team_id', 'text', (c) => c.notNull().references('teams.id'))
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('customer_id', 'text', (c) => c.references('customers.id'))
    .addColumn('contact_id', 'text', (c) => c.references('contacts.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('visitor_name', 'text', (c) => c.notNull())
    .addColumn('visitor_email', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('external_id', 'text')
    .addColumn('officer_id', 'text', (c) => c.references('users.id'))
    .addColumn('last_seq', 'integer', (c) => c.notNull())
    .addColumn('visitor_read_seq', 'integer', (c) => c.notNull())
    .addColumn('officer_read_seq', 'integer', (c) => c.notNull())
    .addColumn('officer_unread', 'integer', (c) => c.notNull())
    .addColumn('started_at', t.ts, (c) => c.notNull())
    .addColumn('answered_at', t.ts)
    .addColumn('ended_at', t.ts)
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('chat_conversations_visitor')
    .on('chat_conversations')
    .columns(['visitor_id', 'status'])
    .execute();
  await db.schema.createIndex('chat_conversations_case').on('chat_conversations').column('case_id').execute();
  // The team's queue (position and expected wait) and an officer's open chats.
  await db.schema
    .createIndex('chat_conversations_team')
    .on('chat_conversations')
    .columns(['team_id', 'status', 'started_at'])
    .execute();
  await db.schema
    .createIndex('chat_conversations_officer')
    .on('chat_conversations')
    .columns(['officer_id', 'status'])
    .execute();

  await db.schema
    .createTable('chat_entries')
    .addColumn('conversation_id', 'text', (c) => c.notNull().references('chat_conversations.id'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('message_id', 'text', (c) => c.notNull().unique().references('messages.id'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('side', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_entries_pk', ['conversation_id', 'seq'])
    .addUniqueConstraint('chat_entries_client', ['conversation_id', 'client_id'])
    .execute();

  await db.schema
    .createTable('chat_identities')
    .addColumn('widget_id', 'text', (c) => c.notNull().references('chat_widgets.id'))
    .addColumn('external_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_identities_pk', ['widget_id', 'external_id'])
    .execute();
}
