import type { MessageDto } from '../../../shared/contracts/messages.ts';
import type { Ctx } from '../../platform/context.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/errors.ts';
import { presentMessage } from './messages.present.ts';

/** The most messages a conversation answer holds (the newest): opening a case costs the same at any length. */
export const THREAD_LIMIT = 200;

/** Reading messages: a case's conversation, an attachment, the inbound items that did not become messages. */
export class MessagesService {
  private readonly ctx: Ctx;
  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  async forCase(caseId: string): Promise<MessageDto[]> {
    const db = this.ctx.store.db;
    const rows = (
      await db
        .selectFrom('messages')
        .selectAll()
        .where('case_id', '=', caseId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(THREAD_LIMIT)
        .execute()
    ).reverse();
    if (!rows.length) return [];
    const attachments = await db
      .selectFrom('message_attachments')
      .select(['id', 'message_id', 'filename', 'content_type', 'size', 'content_id', 'inline'])
      .select((eb) => eb('data', 'is not', null).as('stored'))
      .where(
        'message_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((m) =>
      presentMessage(
        m,
        attachments.map((a) => ({ ...a, stored: Boolean(a.stored) })),
      ),
    );
  }

  /** One attachment's bytes, with the case it belongs to (for the caller's authorization). */
  async attachment(attachmentId: string) {
    const a = await this.ctx.store.db
      .selectFrom('message_attachments as a')
      .innerJoin('messages as m', 'm.id', 'a.message_id')
      .select(['a.filename', 'a.content_type', 'a.data', 'a.size', 'm.case_id'])
      .where('a.id', '=', attachmentId)
      .executeTakeFirst();
    if (!a || !a.data) throw new AppError('message.not_found', `No such attachment: ${attachmentId}`);
    return a;
  }

  /** Inbound items by state, newest first: what was ignored (and why) or failed, for an administrator. */
  async inbound(state: 'ignored' | 'failed' | 'received', limit = 100) {
    const rows = await this.ctx.store.db
      .selectFrom('inbound_raw')
      .select([
        'id',
        'channel',
        'transport',
        'sender',
        'state',
        'outcome',
        'attempts',
        'last_error',
        'size',
        'received_at',
        'processed_at',
      ])
      .where('state', '=', state)
      .orderBy('received_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      transport: r.transport,
      sender: r.sender,
      state: r.state,
      outcome: parseJson<unknown>(r.outcome, null),
      attempts: r.attempts,
      lastError: r.last_error,
      size: r.size,
      receivedAt: r.received_at,
      processedAt: r.processed_at,
    }));
  }
}
