import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Failed sign-ins per attempted username, known or not (issue 11): the lock-out answers an unknown
 * username exactly as it answers a real one, so it cannot tell which usernames exist. A row lives
 * until `expires_at` (the end of the failure window, or of the lock) and is pruned after that.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('login_attempts')
    .addColumn('username', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('locked_until', t.ts)
    .addColumn('expires_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_attempts_expires').on('login_attempts').column('expires_at').execute();
}
