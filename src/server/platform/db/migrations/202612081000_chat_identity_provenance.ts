import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * How a web chat's site identity came to name a customer record, and whether an officer vouched for
 * it (issue 14, point 3). A link is made on the first chat of a site's customer id from the e-mail
 * the visitor TYPED (or as a new record from it), which the site does not vouch for: anyone signed
 * in to the site could type someone else's address. So a site sign-in counts toward verification
 * only once an officer, having verified the customer on that chat's contact, confirms the link.
 *
 * - `linked_by`: 'typed_email' (found by the address typed), 'new_record' (a record made from it),
 *   'officer' (made by an officer's confirmation, after an unlink in that chat).
 * - `confirmed_by`, `confirmed_at`, `confirmed_contact_id`: the officer, when, and the contact on
 *   which they had verified the customer; null while unconfirmed.
 *
 * Links made before this migration are unconfirmed 'typed_email': that is how they were all made.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .alterTable('chat_identities')
    .addColumn('linked_by', 'text', (c) => c.notNull().defaultTo('typed_email'))
    .execute();
  await db.schema
    .alterTable('chat_identities')
    .addColumn('confirmed_by', 'text', (c) => c.references('users.id'))
    .execute();
  await db.schema.alterTable('chat_identities').addColumn('confirmed_at', t.ts).execute();
  await db.schema
    .alterTable('chat_identities')
    .addColumn('confirmed_contact_id', 'text', (c) => c.references('contacts.id'))
    .execute();
}
