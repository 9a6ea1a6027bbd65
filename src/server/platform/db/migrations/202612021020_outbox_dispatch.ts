import { type Kysely, sql } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * The outbox gets a dispatcher (realtime invalidations) and stops being the mailer's queue: e-mail
 * owes its own delivery state on the notification (pending → sent | failed, with attempts and the
 * next try), so the two consumers never contend for one `published_at`. Notifications also carry
 * the instant their text is about (`at`), so no text embeds a raw ISO timestamp.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema.alterTable('notifications').addColumn('at', t.ts).execute();
  await db.schema.alterTable('notifications').addColumn('email_state', 'text').execute();
  await db.schema
    .alterTable('notifications')
    .addColumn('email_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('notifications').addColumn('email_due_at', t.ts).execute();
  await db.schema.alterTable('notifications').addColumn('email_error', 'text').execute();
  // Partial: the mailer only ever looks for pending mail by due time.
  await db.schema
    .createIndex('notifications_email_due')
    .on('notifications')
    .column('email_due_at')
    .where(sql.ref('email_state'), '=', sql.lit('pending'))
    .execute();
  // Withdrawal when a case closes finds its notifications by case.
  await db.schema.createIndex('notifications_case').on('notifications').column('case_id').execute();

  // Mail the old mailer had not sent yet becomes pending on the notification itself.
  const queued = await db
    .selectFrom('outbox')
    .select(['payload', 'created_at'])
    .where('name', '=', 'notification.created')
    .where('published_at', 'is', null)
    .execute();
  for (const row of queued as { payload: unknown; created_at: string }[]) {
    const p = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as {
      ids?: string[];
      email?: boolean;
    };
    if (!p.email || !p.ids?.length) continue;
    await db
      .updateTable('notifications')
      .set({ email_state: 'pending', email_due_at: row.created_at })
      .where('id', 'in', p.ids)
      .execute();
  }
  // Notifications about cases already closed are withdrawn (the demo centre started a team leader
  // on dozens of urgent items for cases closed months ago).
  await db
    .updateTable('notifications')
    .set({ read_at: sql`(select closed_at from cases where cases.id = notifications.case_id)` })
    .where('read_at', 'is', null)
    .where(
      sql<boolean>`exists (select 1 from cases where cases.id = notifications.case_id and cases.status = 'closed')`,
    )
    .execute();
}
