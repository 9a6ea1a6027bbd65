import type { Kysely } from 'kysely';
import type { ColumnTypes } from '../migrate.ts';

/**
 * Agreed solutions (000 task 1.2): a problem and its solution proposed from a case, discussed by
 * the team, agreed by a team leader and published as an article; disseminations of an article to
 * teams with one acknowledgement row per member; and policy-inconsistency flags raised from a case
 * to a named higher authority, with the answer tracked.
 */
// biome-ignore lint/suspicious/noExplicitAny: migrations are written against the schema as it was then, not today's types
export async function up(db: Kysely<any>, t: ColumnTypes): Promise<void> {
  await db.schema
    .createTable('solutions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.references('cases.id'))
    .addColumn('problem', 'text', (c) => c.notNull())
    .addColumn('solution', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('proposed_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('decided_by', 'text', (c) => c.references('users.id'))
    .addColumn('decided_at', t.ts)
    .addColumn('decision_note', 'text')
    .addColumn('article_id', 'text', (c) => c.references('kb_articles.id'))
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .addColumn('updated_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema.createIndex('solutions_status').on('solutions').columns(['status', 'created_at']).execute();

  await db.schema
    .createTable('solution_comments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('solution_id', 'text', (c) => c.notNull().references('solutions.id'))
    .addColumn('author_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('solution_comments_solution')
    .on('solution_comments')
    .columns(['solution_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('disseminations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('article_id', 'text', (c) => c.notNull().references('kb_articles.id'))
    .addColumn('version_id', 'text', (c) => c.notNull().references('kb_versions.id'))
    .addColumn('solution_id', 'text', (c) => c.references('solutions.id'))
    .addColumn('note', 'text')
    .addColumn('team_ids', t.json, (c) => c.notNull())
    .addColumn('sent_by', 'text', (c) => c.references('users.id'))
    .addColumn('sent_at', t.ts, (c) => c.notNull())
    .addColumn('due_at', t.ts, (c) => c.notNull())
    .addColumn('reminders', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_reminded_at', t.ts)
    .execute();
  await db.schema.createIndex('disseminations_sent').on('disseminations').columns(['sent_at']).execute();

  await db.schema
    .createTable('dissemination_recipients')
    .addColumn('dissemination_id', 'text', (c) => c.notNull().references('disseminations.id'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('team_id', 'text', (c) => c.references('teams.id'))
    .addColumn('acknowledged_at', t.ts)
    .addPrimaryKeyConstraint('dissemination_recipients_pk', ['dissemination_id', 'user_id'])
    .execute();
  // "What must I still read?" is asked on every desktop load.
  await db.schema
    .createIndex('dissemination_recipients_user')
    .on('dissemination_recipients')
    .columns(['user_id', 'acknowledged_at'])
    .execute();

  await db.schema
    .createTable('policy_flags')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('raised_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('authority_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('policy', 'text', (c) => c.notNull())
    .addColumn('customer_need', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('answer', 'text')
    .addColumn('answered_by', 'text', (c) => c.references('users.id'))
    .addColumn('answered_at', t.ts)
    .addColumn('due_at', t.ts, (c) => c.notNull())
    .addColumn('created_at', t.ts, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('policy_flags_authority')
    .on('policy_flags')
    .columns(['authority_id', 'status'])
    .execute();
  await db.schema.createIndex('policy_flags_case').on('policy_flags').columns(['case_id']).execute();
}
