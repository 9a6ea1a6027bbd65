import type { DeadLetterDto, MessageDto } from '../../../shared/contracts/messages.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
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

  /** A message's attachments as the conversation lists them (for a reply just queued). */
  async attachmentsOf(messageId: string) {
    const rows = await this.ctx.store.db
      .selectFrom('message_attachments')
      .select(['id', 'message_id', 'filename', 'content_type', 'size', 'content_id', 'inline'])
      .select((eb) => eb('data', 'is not', null).as('stored'))
      .where('message_id', '=', messageId)
      .execute();
    return rows.map((a) => ({ ...a, stored: Boolean(a.stored) }));
  }

  /**
   * The words of cases' e-mails for their search documents (issue 13, point 9): subject and text of
   * the newest 50 messages of each case, each cut at 20,000 characters, oldest first.
   */
  async searchTexts(trx: Executor, caseIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    if (!caseIds.length) return out;
    const rows = await trx
      .selectFrom('messages')
      .select(['case_id', 'subject', 'body_text'])
      .where('case_id', 'in', caseIds)
      .where('kind', 'not in', ['acknowledgement', 'auto_reply'])
      .orderBy('created_at', 'desc')
      .limit(50 * caseIds.length)
      .execute();
    for (const r of rows.reverse()) {
      const list = out.get(r.case_id) ?? [];
      if (list.length < 50) list.push(`${r.subject ?? ''}\n${r.body_text.slice(0, 20_000)}`);
      out.set(r.case_id, list);
    }
    return out;
  }

  /** The case came in by e-mail (its replies go by e-mail). */
  async byEmail(caseId: string): Promise<boolean> {
    const r = await this.ctx.store.db
      .selectFrom('messages')
      .select('id')
      .where('case_id', '=', caseId)
      .where('channel', '=', 'email')
      .where('direction', '=', 'inbound')
      .limit(1)
      .executeTakeFirst();
    return Boolean(r);
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

  /** The dead letters (outbound messages that gave up), newest first, each with its case's reference. */
  async deadLetters(limit = 50): Promise<DeadLetterDto[]> {
    const rows = await this.ctx.store.db
      .selectFrom('messages as m')
      .innerJoin('cases as c', 'c.id', 'm.case_id')
      .selectAll('m')
      .select('c.reference as case_reference')
      .where('m.state', '=', 'failed')
      .orderBy('m.updated_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(({ case_reference, ...m }) => ({
      ...presentMessage(m, []),
      caseReference: case_reference,
    }));
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
