import type { Selectable } from 'kysely';
import type { ChatLine, ChatStatus, ChatStatusInfo } from '../../../../shared/contracts/chat-protocol.ts';
import type { Ctx } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/index.ts';
import type { ChatConversationsTable } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';

export type ConversationRow = Selectable<ChatConversationsTable>;
export type ChatSide = 'visitor' | 'officer' | 'system';

export { chatRoom } from '../../../platform/realtime/rooms.ts';

/** Lines a sync returns at most; the widget asks again while `more`. */
export const SYNC_PAGE = 100;

/**
 * The conversation row, locked for the rest of the transaction on PostgreSQL (SQLite has one
 * writer): the seq counter, the dedupe check and the read marks change under it one at a time.
 */
export async function lockConversation(ctx: Ctx, trx: Executor, id: string): Promise<ConversationRow> {
  let q = trx.selectFrom('chat_conversations').selectAll().where('id', '=', id);
  if (ctx.store.dialect === 'postgres') q = q.forUpdate();
  const row = await q.executeTakeFirst();
  if (!row) throw new AppError('chat.not_found');
  return row;
}

/**
 * The case's latest chat (a case may have had several: a returning visitor), locked as
 * lockConversation locks it — found and locked in one statement; undefined when the case has none.
 */
export async function lockLatest(
  ctx: Ctx,
  trx: Executor,
  caseId: string,
): Promise<ConversationRow | undefined> {
  let q = trx
    .selectFrom('chat_conversations')
    .selectAll()
    .where('case_id', '=', caseId)
    .orderBy('started_at', 'desc')
    .limit(1);
  if (ctx.store.dialect === 'postgres') q = q.forUpdate();
  return q.executeTakeFirst();
}

/**
 * Add one message to a conversation: its next seq, a `messages` row on the case (channel chat)
 * and the entry that orders it. The same client id again returns the first one (`duplicate`):
 * a message re-sent after a reconnect is never doubled. Call with the conversation locked.
 */
export async function appendLine(
  trx: Executor,
  conv: ConversationRow,
  m: {
    side: ChatSide;
    clientId: string;
    text: string;
    authorId: string | null;
    fromName: string | null;
    fromAddress: string | null;
    contactId: string | null;
    at: string;
    /** The instant the message is filed at (the case's own for the message that opens it). */
    messageAt?: string;
  },
): Promise<{ seq: number; messageId: string; duplicate: boolean }> {
  const seen = await trx
    .selectFrom('chat_entries')
    .select(['seq', 'message_id'])
    .where('conversation_id', '=', conv.id)
    .where('client_id', '=', m.clientId)
    .executeTakeFirst();
  if (seen) return { seq: seen.seq, messageId: seen.message_id, duplicate: true };
  const seq = conv.last_seq + 1;
  conv.last_seq = seq;
  await trx
    .updateTable('chat_conversations')
    .set({
      last_seq: seq,
      updated_at: m.at,
      ...(m.side === 'visitor' ? { officer_unread: conv.officer_unread + 1 } : {}),
      // An officer answering has read what came before (in the same statement: one round trip fewer).
      ...(m.side === 'officer' ? { officer_read_seq: seq, officer_unread: 0 } : {}),
    })
    .where('id', '=', conv.id)
    .execute();
  if (m.side === 'visitor') conv.officer_unread += 1;
  if (m.side === 'officer') {
    conv.officer_read_seq = seq;
    conv.officer_unread = 0;
  }
  const messageId = newId();
  const at = m.messageAt ?? m.at;
  await trx
    .insertInto('messages')
    .values({
      id: messageId,
      case_id: conv.case_id,
      contact_id: m.contactId,
      channel: 'chat',
      direction: m.side === 'visitor' ? 'inbound' : 'outbound',
      kind: m.side === 'system' ? 'system' : 'message',
      endpoint_id: conv.widget_id,
      raw_id: null,
      source_key: `${conv.id}:${m.clientId}`,
      in_reply_to: null,
      refs: '[]',
      from_address: m.fromAddress,
      from_name: m.fromName,
      to_addresses: '[]',
      cc_addresses: '[]',
      subject: null,
      body_text: m.text,
      body_html: null,
      remote_images: false,
      author_id: m.authorId,
      state: m.side === 'visitor' ? 'received' : 'sent',
      state_reason: null,
      attempts: 0,
      next_attempt_at: null,
      lease_until: null,
      created_at: at,
      sent_at: m.side === 'visitor' ? null : m.at,
      updated_at: m.at,
    })
    .execute();
  await trx
    .insertInto('chat_entries')
    .values({
      conversation_id: conv.id,
      seq,
      message_id: messageId,
      client_id: m.clientId,
      side: m.side,
      created_at: m.at,
    })
    .execute();
  return { seq, messageId, duplicate: false };
}

/** The lines after `after`, in seq order, at most a page. */
export async function linesAfter(
  trx: Executor,
  conversationId: string,
  after: number,
  limit = SYNC_PAGE,
): Promise<{ items: ChatLine[]; more: boolean }> {
  const rows = await trx
    .selectFrom('chat_entries as e')
    .innerJoin('messages as m', 'm.id', 'e.message_id')
    .leftJoin('users as u', 'u.id', 'm.author_id')
    .select(['e.seq', 'e.client_id', 'e.side', 'e.created_at', 'm.body_text', 'm.id', 'u.display_name'])
    // Whether a line has files, so the common page (none has) is one statement, not two.
    .select((eb) =>
      eb
        .exists(
          eb.selectFrom('message_attachments as a').select('a.id').whereRef('a.message_id', '=', 'm.id'),
        )
        .as('has_files'),
    )
    .where('e.conversation_id', '=', conversationId)
    .where('e.seq', '>', after)
    .orderBy('e.seq')
    .limit(limit + 1)
    .execute();
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  const withFiles = page.filter((r) => Boolean(r.has_files));
  const files = withFiles.length
    ? await trx
        .selectFrom('message_attachments')
        .select(['id', 'message_id', 'filename', 'size', 'content_type'])
        .where(
          'message_id',
          'in',
          withFiles.map((r) => r.id),
        )
        .execute()
    : [];
  return {
    more,
    items: page.map((r) => ({
      seq: r.seq,
      clientId: r.client_id,
      side: r.side as ChatLine['side'],
      // An officer is named by their display name only: the visitor never sees more of the staff.
      author: r.side === 'officer' ? (r.display_name ?? null) : null,
      text: r.body_text,
      at: r.created_at,
      attachments: files
        .filter((f) => f.message_id === r.id)
        .map((f) => ({ id: f.id, filename: f.filename, size: f.size, contentType: f.content_type })),
    })),
  };
}

/**
 * Where a waiting chat stands in its team's queue, and the expected wait: the position times the
 * recent average wait of that team's answered chats (two minutes when there is no history yet).
 * Routing will refine this with capacity; for now the team queue is the queue.
 */
export async function queueInfo(
  trx: Executor,
  conv: ConversationRow,
  reference: string,
  officerName: string | null,
): Promise<ChatStatusInfo> {
  let position: number | null = null;
  let waitMinutes: number | null = null;
  if (conv.status === 'waiting') {
    const ahead = await trx
      .selectFrom('chat_conversations')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('team_id', '=', conv.team_id)
      .where('status', '=', 'waiting')
      .where((eb) =>
        eb.or([
          eb('started_at', '<', conv.started_at),
          eb.and([eb('started_at', '=', conv.started_at), eb('id', '<', conv.id)]),
        ]),
      )
      .executeTakeFirstOrThrow();
    position = Number(ahead.n) + 1;
    const recent = await trx
      .selectFrom('chat_conversations')
      .select(['started_at', 'answered_at'])
      .where('team_id', '=', conv.team_id)
      .where('answered_at', 'is not', null)
      .orderBy('answered_at', 'desc')
      .limit(20)
      .execute();
    const waits = recent.map((r) => Date.parse(r.answered_at!) - Date.parse(r.started_at));
    const avgMs = waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length : 120_000;
    waitMinutes = Math.max(1, Math.round((avgMs * position) / 60_000));
  }
  return {
    status: conv.status as ChatStatus,
    position,
    waitMinutes,
    officer: officerName,
    officerReadSeq: conv.officer_read_seq,
    reference,
  };
}
