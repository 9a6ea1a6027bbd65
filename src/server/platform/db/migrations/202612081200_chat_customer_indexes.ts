import type { Kysely } from 'kysely';

/**
 * Chats and site links found by their customer: a customer merge moves the merged-away record's
 * (chat-site-link.ts onCustomerMerged), which without these read both tables whole — a cost that
 * grows with every chat the centre has had, inside the merge's transaction.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('chat_identities_customer')
    .on('chat_identities')
    .column('customer_id')
    .execute();
  await db.schema
    .createIndex('chat_conversations_customer')
    .on('chat_conversations')
    .column('customer_id')
    .execute();
}
