import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Customer records that can be merged and a name search that stays correct at any size (issue 12):
 * - `merged_into_id`, `merged_at`: a merged (losing) record points to the one that won; reads of
 *   it answer with the winner, and it leaves the search.
 * - `customer_lookup (customer_id, kind, key)`: the probe "does this customer have a name word
 *   starting with …" is one index seek on both databases (the search intersects words through it);
 *   it replaces the index on `customer_id` alone, of which it is an extension.
 * - `customers (name_norm)`: a full name typed as stored is found by one seek even when thousands
 *   share its words.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .alterTable('customers')
    .addColumn('merged_into_id', 'text', (c) => c.references('customers.id'))
    .execute();
  await db.schema.alterTable('customers').addColumn('merged_at', t.ts).execute();
  await db.schema.createIndex('customers_name_norm').on('customers').column('name_norm').execute();
  await db.schema
    .createIndex('customer_lookup_customer_key')
    .on('customer_lookup')
    .columns(['customer_id', 'kind', 'key'])
    .execute();
  await db.schema.dropIndex('customer_lookup_customer').execute();
}
