import { createHash } from 'node:crypto';
import { cleanChatText, cleanLine } from '../../../channels/chat/text.ts';
import { SYSTEM_ACTOR } from '../../../platform/audit.ts';
import { type Ctx, nowIso } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/index.ts';
import type { DomainEventBus } from '../../../platform/events.ts';
import { newId } from '../../../platform/ids.ts';
import type { CustomersService } from '../../customers/customers.service.ts';

/** What comes in before a chat: the visitor's token, the pre-chat form, the customer it is. */
export interface PreChat {
  clientId: string;
  name: string;
  email: string;
  question: string;
  language?: string | null | undefined;
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const EMAIL = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/;

/** A refusal the socket reports to the widget: a stable code and the field it is about. */
export class ChatInputError extends Error {
  readonly code: string;
  readonly field: string | undefined;
  constructor(code: string, field?: string) {
    super(code);
    this.code = code;
    this.field = field;
  }
}

/**
 * The visitor a token names — the current token, or the one before it (another tab may still hold
 * it) — given the fresh token in its place; anything else is a new visitor. Only hashes are kept.
 */
export async function visitorFor(
  trx: Executor,
  widgetId: string,
  token: string | null,
  fresh: string,
  at: string,
): Promise<string> {
  const h = token && token.length <= 100 ? sha256(token) : null;
  const known = h
    ? await trx
        .selectFrom('chat_visitors')
        .select(['id', 'token_hash'])
        .where('widget_id', '=', widgetId)
        .where((eb) => eb.or([eb('token_hash', '=', h), eb('prev_token_hash', '=', h)]))
        .executeTakeFirst()
    : undefined;
  if (known) {
    await trx
      .updateTable('chat_visitors')
      .set({ token_hash: sha256(fresh), prev_token_hash: known.token_hash, seen_at: at })
      .where('id', '=', known.id)
      .execute();
    return known.id;
  }
  const id = newId();
  await trx
    .insertInto('chat_visitors')
    .values({
      id,
      widget_id: widgetId,
      token_hash: sha256(fresh),
      prev_token_hash: null,
      created_at: at,
      seen_at: at,
    })
    .execute();
  return id;
}

/** The pre-chat form cleaned to text; a missing or malformed field is refused by name. */
export function cleanPreChat(input: PreChat) {
  const name = cleanLine(input.name, 100);
  const email = input.email.trim().toLowerCase();
  const question = cleanChatText(input.question);
  const language = input.language ? cleanLine(input.language, 35) || null : null;
  if (!name) throw new ChatInputError('request.invalid', 'name');
  if (email.length > 254 || !EMAIL.test(email)) throw new ChatInputError('request.invalid', 'email');
  if (!question) throw new ChatInputError('request.invalid', 'question');
  return { name, email, question, language };
}

/**
 * Language names the widget offers (src/widget/text.ts: each in itself) and their English names, as
 * BCP 47 tags: the form sends the name the visitor read; routing asks for a tag.
 */
const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  english: 'en',
  'bahasa melayu': 'ms',
  'bahasa malaysia': 'ms',
  melayu: 'ms',
  malay: 'ms',
  中文: 'zh',
  华语: 'zh',
  chinese: 'zh',
  mandarin: 'zh',
  தமிழ்: 'ta',
  tamil: 'ta',
};

/** The language a visitor chose as a BCP 47 tag (a tag as given, a known name as its tag), else null. */
export function languageTag(choice: string | null | undefined): string | null {
  const s = choice?.trim().replace(/\s+/g, ' ').toLowerCase();
  if (!s) return null;
  if (/^[a-z]{2,3}(?:[-_][a-z0-9]{2,8})*$/.test(s)) return s;
  return LANGUAGE_NAMES[s] ?? null;
}

/**
 * The visitor's language asks routing for an officer who speaks it, over the customer record's
 * preferred language (the case was queued with that one as it was created, by case.changed).
 */
export async function askForLanguage(
  events: DomainEventBus,
  trx: Executor,
  caseId: string,
  choice: string | null,
  channel: 'chat' | 'email',
): Promise<void> {
  const language = languageTag(choice);
  if (language) await events.publish(trx, 'routing.requested', { caseId, channel, language });
}

/**
 * The customer: the site's vouched id first, else the e-mail given (as an e-mail sender is), else a
 * new record, with the language the visitor chose as its preferred one (the officer reads it first;
 * an existing record's is left as it is).
 *
 * A site id's first chat links it to that customer, noting how: the site vouches for who is signed
 * in, not for the e-mail typed, so the link is unconfirmed and its sign-in verifies nothing until an
 * officer who verified the customer confirms it (chat-site-link.ts). A new record made from the
 * typed address is no better: the address may be someone else's who has not written yet, and their
 * mail would later join that record.
 */
export async function identifyVisitor(
  ctx: Ctx,
  customers: CustomersService,
  trx: Executor,
  v: { widgetId: string; externalId: string | null; name: string; email: string; language: string | null },
): Promise<string> {
  const { widgetId, externalId, name, email } = v;
  if (externalId) {
    const linked = await trx
      .selectFrom('chat_identities')
      .select('customer_id')
      .where('widget_id', '=', widgetId)
      .where('external_id', '=', externalId)
      .executeTakeFirst();
    if (linked) return linked.customer_id;
  }
  const found = await customers.findByEmail(trx, email);
  const id =
    found?.id ??
    (await customers.createFromSender(trx, SYSTEM_ACTOR, {
      address: email,
      name,
      channel: 'chat',
      language: languageTag(v.language),
    }));
  if (externalId)
    await trx
      .insertInto('chat_identities')
      .values({
        widget_id: widgetId,
        external_id: externalId,
        customer_id: id,
        created_at: nowIso(ctx),
        linked_by: found ? 'typed_email' : 'new_record',
        confirmed_by: null,
        confirmed_at: null,
        confirmed_contact_id: null,
      })
      .onConflict((oc) => oc.columns(['widget_id', 'external_id']).doNothing())
      .execute();
  return id;
}
