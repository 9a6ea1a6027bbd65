import { randomUUID } from 'node:crypto';
import { SYSTEM_ACTOR } from '../../src/server/platform/audit.ts';
import type { Role } from '../../src/shared/contracts/people.ts';
import { TEST_PASSWORD, type TestApp } from './app.ts';

/** A chat widget's row, as the visitor's side of the chat service takes it. */
export type WidgetRow = Awaited<ReturnType<TestApp['services']['chatWidgets']['row']>>;

/**
 * A user of a team (the test team unless told) with a bearer token of their own; `beforeToken`
 * runs once the user exists, for what their sign-in should already find (a routing profile).
 */
export async function userWithToken(
  t: TestApp,
  opts: {
    username: string;
    displayName?: string;
    role?: Role;
    teamId?: string;
    beforeToken?: (userId: string) => Promise<void>;
  },
): Promise<{ id: string; token: string }> {
  const u = await t.services.people.createUser(SYSTEM_ACTOR, {
    username: opts.username,
    displayName: opts.displayName ?? opts.username,
    role: opts.role ?? 'officer',
    password: TEST_PASSWORD,
    teamId: opts.teamId ?? t.team.id,
  });
  await opts.beforeToken?.(u.id);
  const { token } = await t.services.auth.createToken(SYSTEM_ACTOR, { name: opts.username, userId: u.id });
  return { id: u.id, token };
}

/** The test team's chat widget on https://shop.example. */
export async function shopWidget(t: TestApp): Promise<WidgetRow> {
  const w = await t.services.chatWidgets.create(SYSTEM_ACTOR, {
    name: 'Shop',
    teamId: t.team.id,
    allowedOrigins: ['https://shop.example'],
  });
  return t.services.chatWidgets.row(t.ctx.store.db, w.widget.id);
}

/** Who starts a chat and what they ask; the e-mail is made unique per chat. */
export interface Visitor {
  name: string;
  emailLocal: string;
  question: string;
  language: string;
}

const MEI: Visitor = {
  name: 'Mei Ling',
  emailLocal: 'mei',
  question: 'My roaming bill is wrong',
  language: 'en',
};

/**
 * A visitor's chat started on the widget, waiting for an officer: its case, its conversation and
 * the contact it opened with (a transfer gives the next officer a new one).
 */
export async function startChat(t: TestApp, widget: WidgetRow, visitor: Visitor = MEI) {
  const { session } = await t.services.chat.hello(widget, null, null);
  await t.services.chat.start(session, {
    clientId: randomUUID(),
    name: visitor.name,
    email: `${visitor.emailLocal}-${randomUUID()}@customer.example`,
    question: visitor.question,
    language: visitor.language,
  });
  const conv = await t.ctx.store.db
    .selectFrom('chat_conversations')
    .selectAll()
    .where('id', '=', session.conversationId!)
    .executeTakeFirstOrThrow();
  return { session, caseId: conv.case_id, conversationId: conv.id, contactId: conv.contact_id! };
}

/** The contact a chat is on now. */
export async function contactOf(t: TestApp, conversationId: string) {
  const c = await t.ctx.store.db
    .selectFrom('chat_conversations')
    .select('contact_id')
    .where('id', '=', conversationId)
    .executeTakeFirstOrThrow();
  return t.ctx.store.db
    .selectFrom('contacts')
    .selectAll()
    .where('id', '=', c.contact_id!)
    .executeTakeFirstOrThrow();
}
