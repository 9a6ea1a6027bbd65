import { createHash } from 'node:crypto';
import type { ChatFileSentDto } from '../../../../shared/contracts/chat.ts';
import { CHAT_FILE_LIMITS, checkChatFile } from '../../../channels/chat/files.ts';
import { cleanLine } from '../../../channels/chat/text.ts';
import type { Actor } from '../../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/index.ts';
import { AppError, type FieldError, invalid, invalidFields, notFound } from '../../../platform/errors.ts';
import { newId } from '../../../platform/ids.ts';
import type { ChatService } from './chat.service.ts';
import { lockConversation } from './chat-store.ts';

const sha256 = (b: Uint8Array | string) => createHash('sha256').update(b).digest('hex');

/** A file as it arrived: its name (percent-encoded UTF-8, as headers are Latin-1), declared type, bytes. */
export interface IncomingFile {
  filename: string;
  contentType: string;
  data: Uint8Array;
}

/** The failures of one file, thrown: too large is 413, anything else 400, both naming the field. */
function refuse(errors: FieldError[]): never {
  const big = errors.find((e) => e.rule === 'tooLarge');
  if (big) throw new AppError('request.too_large', `${big.field} ${big.message}`, { errors: [big] });
  throw invalidFields(errors);
}

/** A visitor's file name made safe to store and to put in a header: the last part of a path, no controls. */
function cleanName(raw: string): string {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw invalid('/headers/x-filename', 'urlEncoding', 'is not valid percent-encoded UTF-8');
  }
  name = cleanLine(name.split(/[/\\]/).pop() ?? '', 255);
  if (!name || name === '.' || name === '..') throw invalid('/headers/x-filename', 'empty', 'names no file');
  return name;
}

/**
 * Files in web chat (issue 14, point 3). A visitor's file is a chat message of its own: uploaded
 * over HTTP with the visitor's chat token (never an officer's cookie) and the client id the
 * widget made for it, so a retried upload is the same message with the same one attachment. An
 * officer's file goes as a composer upload moved onto the chat reply (checkChatUploads). Either
 * side's files are kept in `message_attachments` like a mail's; a visitor may download only the
 * files of their own chats.
 */
export class ChatFilesService {
  private readonly ctx: Ctx;
  private readonly chat: ChatService;

  constructor(ctx: Ctx, deps: { chat: ChatService }) {
    this.ctx = ctx;
    this.chat = deps.chat;
  }

  /**
   * The visitor a chat token names: the current one or the one before it (another tab may hold
   * it), as hello accepts; not rotated here (a file does not start a session).
   */
  async visitor(token: string | undefined): Promise<{ id: string; widgetId: string } | null> {
    if (!token || token.length > 100) return null;
    const h = sha256(token);
    const v = await this.ctx.store.db
      .selectFrom('chat_visitors')
      .select(['id', 'widget_id'])
      .where((eb) => eb.or([eb('token_hash', '=', h), eb('prev_token_hash', '=', h)]))
      .executeTakeFirst();
    return v ? { id: v.id, widgetId: v.widget_id } : null;
  }

  /** A visitor's file, sent as a message of their open chat; the same client id again is the first one. */
  async visitorSend(
    token: string | undefined,
    widgetId: string,
    clientId: string,
    file: IncomingFile,
  ): Promise<{ sent: ChatFileSentDto; created: boolean }> {
    if (!(await this.chat.widgets.active(widgetId))) throw notFound('chat_widget.not_found', widgetId);
    const v = await this.visitor(token);
    if (!v || v.widgetId !== widgetId) throw new AppError('chat.session_required');
    const filename = cleanName(file.filename);
    const conv = await this.ctx.store.db
      .selectFrom('chat_conversations')
      .select(['id', 'status'])
      .where('visitor_id', '=', v.id)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!conv) throw new AppError('chat.not_found');
    const seen = await this.sent(this.ctx.store.db, conv.id, clientId);
    if (seen) return { sent: seen, created: false };
    const checked = checkChatFile(
      { ...file, filename },
      { filename: '/headers/x-filename', contentType: '/headers/content-type', body: '/body' },
    );
    if (checked.errors.length) refuse(checked.errors);
    return tx(this.ctx, async (trx) => {
      const locked = await lockConversation(this.ctx, trx, conv.id);
      const again = await this.sent(trx, locked.id, clientId);
      if (again) return { sent: again, created: false };
      if (locked.status === 'ended') throw new AppError('chat.ended');
      const had = await trx
        .selectFrom('chat_entries as e')
        .innerJoin('message_attachments as a', 'a.message_id', 'e.message_id')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('e.conversation_id', '=', locked.id)
        .where('e.side', '=', 'visitor')
        .executeTakeFirstOrThrow();
      if (Number(had.n) >= CHAT_FILE_LIMITS.perChat) throw new AppError('chat.too_many_files');
      const at = nowIso(this.ctx);
      const line = await this.chat.addVisitorLine(trx, locked, clientId, '', at);
      const attachment = {
        id: newId(),
        message_id: line.messageId,
        filename,
        content_type: checked.contentType,
        size: file.data.byteLength,
        content_id: null,
        inline: false,
        sha256: sha256(file.data),
        data: file.data,
        created_at: at,
      };
      await trx.insertInto('message_attachments').values(attachment).execute();
      return {
        sent: {
          seq: line.seq,
          clientId,
          attachment: {
            id: attachment.id,
            filename,
            contentType: attachment.content_type,
            size: attachment.size,
          },
        },
        created: true,
      };
    });
  }

  /** The message a client id already made, with its file (a retried upload). */
  private async sent(
    trx: Executor,
    conversationId: string,
    clientId: string,
  ): Promise<ChatFileSentDto | null> {
    const r = await trx
      .selectFrom('chat_entries as e')
      .innerJoin('message_attachments as a', 'a.message_id', 'e.message_id')
      .select(['e.seq', 'a.id', 'a.filename', 'a.content_type', 'a.size'])
      .where('e.conversation_id', '=', conversationId)
      .where('e.client_id', '=', clientId)
      .executeTakeFirst();
    if (r)
      return {
        seq: r.seq,
        clientId,
        attachment: { id: r.id, filename: r.filename, contentType: r.content_type, size: r.size },
      };
    const text = await trx
      .selectFrom('chat_entries')
      .select('seq')
      .where('conversation_id', '=', conversationId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    // A client id a text message already used: the widget reused an id, which it never does.
    if (text) throw invalid('/headers/x-client-id', 'taken', 'is the id of a message already sent');
    return null;
  }

  /** A file of one of the visitor's chats, either side's; anything else is "no such file". */
  async visitorFile(token: string | undefined, attachmentId: string) {
    const v = await this.visitor(token);
    if (!v) throw new AppError('chat.session_required');
    const a = await this.ctx.store.db
      .selectFrom('message_attachments as a')
      .innerJoin('chat_entries as e', 'e.message_id', 'a.message_id')
      .innerJoin('chat_conversations as c', 'c.id', 'e.conversation_id')
      .select(['a.filename', 'a.content_type', 'a.data'])
      .where('a.id', '=', attachmentId)
      .where('c.visitor_id', '=', v.id)
      .executeTakeFirst();
    if (!a?.data) throw new AppError('chat.file_not_found');
    return a;
  }
}

/**
 * An officer's composer uploads about to go in a chat reply: each must be a file a chat takes (the
 * visitor's rules), refused by its place in `attachmentIds`. Whose upload it is and whether it is
 * still waiting is attachUploads' check, in the same transaction.
 */
export async function checkChatUploads(trx: Executor, actor: Actor, caseId: string, ids: string[]) {
  if (!ids.length) return;
  const rows = await trx
    .selectFrom('message_uploads')
    .select(['id', 'filename', 'content_type', 'data'])
    .where('id', 'in', ids)
    .where('case_id', '=', caseId)
    .where('uploaded_by', '=', actor.userId)
    .execute();
  const errors = rows.flatMap((r) => {
    const at = `/body/attachmentIds/${ids.indexOf(r.id)}`;
    return checkChatFile(
      { filename: r.filename, contentType: r.content_type, data: r.data },
      { filename: at, contentType: at, body: at },
    ).errors;
  });
  if (errors.length) throw invalidFields(errors);
}
