import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { MessageRecipientsDto, MessageUploadDto } from '../../../shared/contracts/messages.ts';
import { MAX_REPLY_ATTACHMENTS } from '../../../shared/contracts/messages.ts';
import { can } from '../../../shared/permissions.ts';
import { MAIL_LIMITS } from '../../channels/email/parse.ts';
import { type Actor, audit } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { AppError, fieldError, invalid, invalidFields } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { CasesService } from '../cases/cases.service.ts';
import { maskEmail } from '../customers/normalize.ts';
import type { MailboxesService } from './mailboxes.service.ts';
import type { OutboundService } from './outbound.service.ts';

/** An upload no reply used within this time is deleted: the officer abandoned it. */
export const UPLOAD_TTL_MS = 24 * 3600_000;
const PRUNE_EVERY_MS = 3600_000;

/** Outbound files are held to the limits inbound mail is kept to: what we would keep, we may send. */
export const UPLOAD_LIMITS = {
  files: MAX_REPLY_ATTACHMENTS,
  fileBytes: MAIL_LIMITS.attachmentBytes,
  totalBytes: MAIL_LIMITS.totalBytes,
};

/** A file's name as the officer's system gave it, made safe to store and to put in a MIME header. */
function cleanFilename(raw: string): string {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw invalid('/headers/x-filename', 'urlEncoding', 'is not valid percent-encoded UTF-8');
  }
  // A path's last part only (a browser on Windows once sent C:\fakepath\…); no control characters.
  name = (name.split(/[/\\]/).pop() ?? '').replace(/\p{Cc}/gu, '_').trim();
  if (!name || name === '.' || name === '..') throw invalid('/headers/x-filename', 'empty', 'names no file');
  if (name.length > 255)
    throw invalid('/headers/x-filename', 'maxLength', 'must be at most 255 characters', { limit: 255 });
  return name;
}

/**
 * Move the given uploads onto a reply, in the reply's transaction: each must be this officer's
 * upload on this case (a used one is gone — sending it twice is refused, not repeated), and
 * together within the per-message limit.
 */
export async function attachUploads(
  trx: Executor,
  actor: Actor,
  message: { id: string; case_id: string; created_at: string },
  ids: string[],
): Promise<void> {
  if (!ids.length) return;
  const caseId = message.case_id;
  const messageId = message.id;
  const rows = await trx
    .selectFrom('message_uploads')
    .select(['id', 'size'])
    .where('id', 'in', ids)
    .where('case_id', '=', caseId)
    .where('uploaded_by', '=', actor.userId)
    .execute();
  const found = new Set(rows.map((r) => r.id));
  const missing = ids.flatMap((id, i) =>
    found.has(id)
      ? []
      : [fieldError(`/body/attachmentIds/${i}`, 'noSuchUpload', 'is no file of yours waiting on this case')],
  );
  if (missing.length) throw invalidFields(missing);
  const total = rows.reduce((n, r) => n + Number(r.size), 0);
  if (total > UPLOAD_LIMITS.totalBytes)
    throw invalid('/body/attachmentIds', 'tooLarge', 'the files together are too large', {
      limitKb: Math.floor(UPLOAD_LIMITS.totalBytes / 1024),
    });
  // Copied inside the database: the bytes never pass through the server again.
  await trx
    .insertInto('message_attachments')
    .columns([
      'id',
      'message_id',
      'filename',
      'content_type',
      'size',
      'content_id',
      'inline',
      'sha256',
      'data',
      'created_at',
    ])
    .expression((eb) =>
      eb
        .selectFrom('message_uploads')
        .select([
          'id',
          sql<string>`cast(${messageId} as text)`.as('message_id'),
          'filename',
          'content_type',
          'size',
          sql<null>`null`.as('content_id'),
          sql<boolean>`${sql.lit(false)}`.as('inline'),
          'sha256',
          'data',
          'created_at',
        ])
        .where('id', 'in', ids),
    )
    .execute();
  await trx.deleteFrom('message_uploads').where('id', 'in', ids).execute();
  await audit(trx, {
    at: message.created_at,
    actor,
    entityType: 'case',
    entityId: caseId,
    action: 'message.files_attached',
    after: { messageId, uploadIds: ids, bytes: total },
  });
}

/**
 * The composer's side of outbound e-mail (issue 13, point 7): files uploaded before a reply is sent
 * (held per case and officer, moved onto the reply in its transaction, pruned after a day if never
 * sent), and who a reply would go to.
 */
export class MessageUploadsService {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly mailboxes: MailboxesService;
  private readonly outbound: OutboundService;
  private lastPrune = 0;
  private pruning: Promise<number> | undefined;

  constructor(
    ctx: Ctx,
    deps: { cases: CasesService; mailboxes: MailboxesService; outbound: OutboundService },
  ) {
    this.ctx = ctx;
    this.cases = deps.cases;
    this.mailboxes = deps.mailboxes;
    this.outbound = deps.outbound;
  }

  /**
   * Keep a file for a reply on the case. The same file (name and bytes) uploaded again by the same
   * officer before it is sent is the first upload (`created: false`): a retried upload adds nothing.
   */
  async upload(
    actor: Actor,
    caseId: string,
    file: { filename: string; contentType: string; data: Uint8Array },
  ): Promise<{ upload: MessageUploadDto; created: boolean }> {
    const filename = cleanFilename(file.filename);
    const contentType = file.contentType.split(';')[0]!.trim().toLowerCase();
    if (!file.data.byteLength) throw invalid('/body', 'empty', 'the file is empty');
    const sha256 = createHash('sha256').update(file.data).digest('hex');
    const out = await tx(this.ctx, async (trx) => {
      const c = await this.cases.row(trx, caseId);
      if (c.status === 'closed') throw new AppError('case.closed');
      const same = await trx
        .selectFrom('message_uploads')
        .select(['id', 'filename', 'content_type', 'size', 'created_at'])
        .where('case_id', '=', caseId)
        .where('uploaded_by', '=', actor.userId)
        .where('sha256', '=', sha256)
        .where('filename', '=', filename)
        .executeTakeFirst();
      if (same) return { row: same, created: false };
      const at = nowIso(this.ctx);
      const row = {
        id: newId(),
        case_id: caseId,
        uploaded_by: actor.userId,
        filename,
        content_type: contentType,
        size: file.data.byteLength,
        sha256,
        data: file.data,
        created_at: at,
      };
      await trx.insertInto('message_uploads').values(row).execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'case',
        entityId: caseId,
        action: 'message.file_uploaded',
        after: { uploadId: row.id, filename, contentType, size: row.size },
      });
      return { row, created: true };
    });
    this.pruneHourly();
    const r = out.row;
    return {
      upload: {
        id: r.id,
        filename: r.filename,
        contentType: r.content_type,
        size: r.size,
        createdAt: r.created_at,
      },
      created: out.created,
    };
  }

  /** Who a reply by e-mail on the case would go to now, and from which address. */
  async recipients(actor: Actor, caseId: string): Promise<MessageRecipientsDto> {
    const db = this.ctx.store.db;
    const c = await this.cases.row(db, caseId);
    const last = await db
      .selectFrom('messages')
      .select('endpoint_id')
      .where('case_id', '=', caseId)
      .where('channel', '=', 'email')
      .where('direction', '=', 'inbound')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const to = await this.outbound.requester(db, caseId, c.customer_id);
    const box = await this.outbound.mailboxFor(db, caseId, last?.endpoint_id ?? null);
    const own = await this.mailboxes.ownAddresses(db);
    const followers = await db
      .selectFrom('case_followers')
      .select(['address', 'name'])
      .where('case_id', '=', caseId)
      .orderBy('added_at')
      .execute();
    // The requester's address as the thread already shows it (they wrote from it), else from the
    // customer's record: masked there for a role that does not see particulars.
    const wroteFrom = to
      ? await db
          .selectFrom('messages')
          .select('id')
          .where('case_id', '=', caseId)
          .where('direction', '=', 'inbound')
          .where('from_address', '=', to)
          .limit(1)
          .executeTakeFirst()
      : undefined;
    const shown = to && !wroteFrom && !can(actor.role, 'pii.unmasked') ? maskEmail(to) : to;
    return {
      byEmail: Boolean(last),
      to: shown ? { address: shown, name: null } : null,
      cc: followers.filter((f) => f.address !== to && !own.has(f.address)),
      from: box ? { address: box.address, name: box.display_name } : null,
      limits: UPLOAD_LIMITS,
    };
  }

  /** Uploads no reply used within a day are deleted: at most hourly per process, after the response. */
  private pruneHourly(): void {
    const now = this.ctx.clock.now().getTime();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    // Known at once (the prune itself starts after the response): an explicit prune() called in the
    // meantime waits for it rather than racing it, where one of two DELETEs finds nothing left.
    this.pruning = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => this.pruneNow())
      .catch(() => 0);
  }

  /**
   * Delete the uploads older than a day (never sent); returns how many, counting those a background
   * prune still in flight removes (so a caller's count does not depend on which of the two got there first).
   */
  async prune(): Promise<number> {
    const background = this.pruning;
    this.pruning = undefined;
    return ((await background) ?? 0) + (await this.pruneNow());
  }

  private async pruneNow(): Promise<number> {
    const before = new Date(this.ctx.clock.now().getTime() - UPLOAD_TTL_MS).toISOString();
    const r = await this.ctx.store.db
      .deleteFrom('message_uploads')
      .where('created_at', '<', before)
      .executeTakeFirst();
    return Number(r.numDeletedRows);
  }
}
