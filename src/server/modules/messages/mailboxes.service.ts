import type { Selectable } from 'kysely';
import {
  DEFAULT_MAILBOX_OPTIONS,
  type MailboxCreateDto,
  type MailboxDto,
  type MailboxOptionsDto,
  type MailboxPatchDto,
} from '../../../shared/contracts/mailboxes.ts';
import { type Actor, audit, diff } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { type MailboxesTable, parseJson } from '../../platform/db/schema.ts';
import { AppError, fieldError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { Secrets } from '../../platform/secrets.ts';

export type MailboxRow = Selectable<MailboxesTable>;

interface StoredImap {
  host: string;
  port: number;
  tls: boolean;
  user: string;
  folder: string;
  processedFolder: string;
}
interface StoredSmtp {
  host: string;
  port: number;
  tls: boolean;
  user: string | null;
}
interface Sealed {
  imap?: string;
  smtp?: string;
}

/** A mailbox's connection settings with its passwords opened, for the IMAP fetcher and the SMTP sender only. */
export interface MailboxConnection {
  imap: (StoredImap & { password: string | null }) | null;
  smtp: (StoredSmtp & { password: string | null }) | null;
}

export function mailboxOptions(row: Pick<MailboxRow, 'options'>): MailboxOptionsDto {
  return { ...DEFAULT_MAILBOX_OPTIONS, ...parseJson<Partial<MailboxOptionsDto>>(row.options, {}) };
}

function present(r: MailboxRow): MailboxDto {
  const imap = parseJson<StoredImap | null>(r.imap, null);
  const smtp = parseJson<StoredSmtp | null>(r.smtp, null);
  const sealed = parseJson<Sealed>(r.secrets, {});
  return {
    id: r.id,
    address: r.address,
    displayName: r.display_name,
    signature: r.signature,
    teamId: r.team_id,
    departmentId: r.department_id,
    categoryId: r.category_id,
    firstResponseMinutes: r.first_response_minutes,
    inbound: r.inbound as MailboxDto['inbound'],
    // Whether a password is set is said; the password never leaves the server.
    imap: imap ? { ...imap, hasPassword: Boolean(sealed.imap) } : null,
    smtp: smtp ? { ...smtp, hasPassword: Boolean(sealed.smtp) } : null,
    options: mailboxOptions(r),
    active: Boolean(r.active),
    health: r.health as MailboxDto['health'],
    lastFetchAt: r.last_fetch_at,
    lastError: r.last_error,
    lastErrorAt: r.last_error_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    version: r.version,
  };
}

/**
 * The addresses the centre answers (issue 13, point 2). An administrator sets each up: where its
 * cases go (team, department, category), how mail reaches it and leaves it, and how it threads.
 * Passwords are sealed with the server's key (platform/secrets.ts) and never returned.
 */
export class MailboxesService {
  private readonly ctx: Ctx;
  private readonly secrets: Secrets;

  constructor(ctx: Ctx, deps: { secrets: Secrets }) {
    this.ctx = ctx;
    this.secrets = deps.secrets;
  }

  async list(): Promise<MailboxDto[]> {
    const rows = await this.ctx.store.db.selectFrom('mailboxes').selectAll().orderBy('address').execute();
    return rows.map(present);
  }

  async get(id: string): Promise<MailboxDto> {
    return present(await this.row(this.ctx.store.db, id));
  }

  async row(trx: Executor, id: string): Promise<MailboxRow> {
    const r = await trx.selectFrom('mailboxes').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('mailbox.not_found', id);
    return r;
  }

  /** The active mailbox among these addresses (a mail's recipients), the first one listed winning. */
  async forAddresses(trx: Executor, addresses: string[]): Promise<MailboxRow | null> {
    const list = [...new Set(addresses.map((a) => a.toLowerCase()))];
    if (!list.length) return null;
    const rows = await trx
      .selectFrom('mailboxes')
      .selectAll()
      .where('address', 'in', list.slice(0, 100))
      .where('active', '=', true)
      .execute();
    for (const a of list) {
      const hit = rows.find((r) => r.address === a);
      if (hit) return hit;
    }
    return null;
  }

  /** Active mailboxes fetched by IMAP (the fetchers follow this list). */
  imapMailboxes(): Promise<MailboxRow[]> {
    return this.ctx.store.db
      .selectFrom('mailboxes')
      .selectAll()
      .where('inbound', '=', 'imap')
      .where('active', '=', true)
      .execute();
  }

  /** Every address the centre sends from: mail from one of them is our own coming back (loop protection). */
  async ownAddresses(trx: Executor): Promise<Set<string>> {
    const rows = await trx.selectFrom('mailboxes').select('address').execute();
    return new Set(rows.map((r) => r.address));
  }

  connection(r: MailboxRow): MailboxConnection {
    const sealed = parseJson<Sealed>(r.secrets, {});
    const openOrNull = (s: string | undefined) => (s ? this.secrets.open(s) : null);
    const imap = parseJson<StoredImap | null>(r.imap, null);
    const smtp = parseJson<StoredSmtp | null>(r.smtp, null);
    return {
      imap: imap ? { ...imap, password: openOrNull(sealed.imap) } : null,
      smtp: smtp ? { ...smtp, password: openOrNull(sealed.smtp) } : null,
    };
  }

  async create(actor: Actor, input: MailboxCreateDto): Promise<MailboxDto> {
    const at = nowIso(this.ctx);
    this.check(input.inbound, input.imap ?? null);
    const row: MailboxRow = {
      id: newId(),
      address: input.address.toLowerCase(),
      display_name: input.displayName,
      signature: input.signature ?? null,
      team_id: input.teamId ?? null,
      department_id: input.departmentId ?? null,
      category_id: input.categoryId ?? null,
      first_response_minutes: input.firstResponseMinutes ?? null,
      inbound: input.inbound,
      imap: null,
      smtp: null,
      secrets: null,
      options: JSON.stringify({ ...DEFAULT_MAILBOX_OPTIONS, ...(input.options ?? {}) }),
      active: input.active ?? true,
      health: 'unknown',
      last_fetch_at: null,
      last_error: null,
      last_error_at: null,
      imap_state: null,
      created_at: at,
      updated_at: at,
      version: 1,
    };
    this.applyConnections(row, input);
    return tx(this.ctx, async (trx) => {
      await this.assertFree(trx, row.address, null);
      await trx
        .insertInto('mailboxes')
        .values(row as never)
        .execute();
      const presented = present(row);
      await audit(trx, {
        at,
        actor,
        entityType: 'mailbox',
        entityId: row.id,
        action: 'mailbox.created',
        after: presented,
      });
      return presented;
    });
  }

  async update(
    actor: Actor,
    id: string,
    input: MailboxPatchDto,
    ifMatch: number | undefined,
  ): Promise<MailboxDto> {
    return tx(this.ctx, async (trx) => {
      const before = await this.row(trx, id);
      if (ifMatch !== undefined && ifMatch !== before.version)
        throw new AppError('request.precondition_failed', `The mailbox is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      const next: MailboxRow = { ...before, updated_at: nowIso(this.ctx), version: before.version + 1 };
      if (input.address !== undefined) next.address = input.address.toLowerCase();
      if (input.displayName !== undefined) next.display_name = input.displayName;
      if (input.signature !== undefined) next.signature = input.signature;
      if (input.teamId !== undefined) next.team_id = input.teamId;
      if (input.departmentId !== undefined) next.department_id = input.departmentId;
      if (input.categoryId !== undefined) next.category_id = input.categoryId;
      if (input.firstResponseMinutes !== undefined) next.first_response_minutes = input.firstResponseMinutes;
      if (input.inbound !== undefined) next.inbound = input.inbound;
      if (input.active !== undefined) next.active = input.active;
      if (input.options !== undefined)
        next.options = JSON.stringify({ ...mailboxOptions(before), ...input.options });
      this.applyConnections(next, input);
      this.check(next.inbound as MailboxDto['inbound'], parseJson(next.imap, null));
      if (next.address !== before.address) await this.assertFree(trx, next.address, id);
      // New connection settings: the last error was about the old ones.
      if (input.imap !== undefined || input.smtp !== undefined || input.inbound !== undefined) {
        next.health = 'unknown';
        next.last_error = null;
        next.last_error_at = null;
      }
      await trx
        .updateTable('mailboxes')
        .set(next as never)
        .where('id', '=', id)
        .execute();
      const presented = present(next);
      await audit(trx, {
        at: next.updated_at,
        actor,
        entityType: 'mailbox',
        entityId: id,
        action: 'mailbox.updated',
        ...diff(
          present(before) as unknown as Record<string, unknown>,
          presented as unknown as Record<string, unknown>,
        ),
      });
      return presented;
    });
  }

  /** The sender block list (issue 13, point 5): mail from these is kept and never made a case. */
  async blocks() {
    const rows = await this.ctx.store.db.selectFrom('sender_blocks').selectAll().orderBy('pattern').execute();
    return rows.map((r) => ({
      pattern: r.pattern,
      reason: r.reason,
      createdBy: r.created_by,
      createdAt: r.created_at,
    }));
  }

  /** Block an address or a domain; blocking it again changes nothing (the first reason stays). */
  async block(actor: Actor, input: { pattern: string; reason?: string | undefined }) {
    const at = nowIso(this.ctx);
    const pattern = input.pattern.trim().toLowerCase();
    return tx(this.ctx, async (trx) => {
      const inserted = await trx
        .insertInto('sender_blocks')
        .values({
          pattern,
          reason: input.reason ?? null,
          created_by: actor.via === 'system' ? null : actor.userId,
          created_at: at,
        })
        .onConflict((oc) => oc.column('pattern').doNothing())
        .returning('pattern')
        .executeTakeFirst();
      if (inserted)
        await audit(trx, {
          at,
          actor,
          entityType: 'sender_block',
          entityId: pattern,
          action: 'sender_block.created',
          after: { pattern, reason: input.reason ?? null },
        });
      const r = await trx
        .selectFrom('sender_blocks')
        .selectAll()
        .where('pattern', '=', pattern)
        .executeTakeFirstOrThrow();
      return {
        created: Boolean(inserted),
        block: { pattern: r.pattern, reason: r.reason, createdBy: r.created_by, createdAt: r.created_at },
      };
    });
  }

  async unblock(actor: Actor, pattern: string): Promise<void> {
    const p = pattern.trim().toLowerCase();
    await tx(this.ctx, async (trx) => {
      const r = await trx.deleteFrom('sender_blocks').where('pattern', '=', p).executeTakeFirst();
      if (Number(r.numDeletedRows) === 0) throw new AppError('sender_block.not_found', `Not blocked: ${p}`);
      await audit(trx, {
        at: nowIso(this.ctx),
        actor,
        entityType: 'sender_block',
        entityId: p,
        action: 'sender_block.deleted',
        before: { pattern: p },
      });
    });
  }

  /** Health after a fetch or a send: `ok`, or the class of the failure with what went wrong. */
  async recordHealth(
    id: string,
    result: { ok: true; fetched?: boolean } | { ok: false; failure: string; error: string },
  ): Promise<void> {
    const at = nowIso(this.ctx);
    await this.ctx.store.db
      .updateTable('mailboxes')
      .set(
        result.ok
          ? { health: 'ok', ...(result.fetched ? { last_fetch_at: at } : {}) }
          : { health: result.failure, last_error: result.error.slice(0, 1000), last_error_at: at },
      )
      .where('id', '=', id)
      // A healthy mailbox sending again changes nothing: no write (every acknowledgement passes here).
      .$if(result.ok && !result.fetched, (qb) => qb.where('health', '!=', 'ok'))
      .execute();
  }

  private check(inbound: MailboxDto['inbound'], imap: unknown) {
    if (inbound === 'imap' && !imap)
      throw new AppError('request.invalid', 'An IMAP mailbox needs its IMAP settings', {
        errors: [
          fieldError('/body/imap', 'requiredWith', 'is required when inbound is imap', { other: 'inbound' }),
        ],
      });
  }

  private applyConnections(row: MailboxRow, input: Pick<MailboxPatchDto, 'imap' | 'smtp'>) {
    const sealed = parseJson<Sealed>(row.secrets, {});
    if (input.imap !== undefined) {
      if (input.imap === null) {
        row.imap = null;
        delete sealed.imap;
      } else {
        const { password, ...rest } = input.imap;
        const stored: StoredImap = {
          ...rest,
          folder: rest.folder ?? 'INBOX',
          processedFolder: rest.processedFolder ?? 'Frontline/Processed',
        };
        row.imap = JSON.stringify(stored);
        if (password !== undefined) sealed.imap = this.secrets.seal(password);
      }
    }
    if (input.smtp !== undefined) {
      if (input.smtp === null) {
        row.smtp = null;
        delete sealed.smtp;
      } else {
        const { password, ...rest } = input.smtp;
        row.smtp = JSON.stringify({ ...rest, user: rest.user ?? null } satisfies StoredSmtp);
        if (password !== undefined) sealed.smtp = this.secrets.seal(password);
      }
    }
    row.secrets = Object.keys(sealed).length ? JSON.stringify(sealed) : null;
  }

  private async assertFree(trx: Executor, address: string, exceptId: string | null) {
    const other = await trx
      .selectFrom('mailboxes')
      .select('id')
      .where('address', '=', address)
      .executeTakeFirst();
    if (other && other.id !== exceptId)
      throw new AppError('mailbox.address_taken', `${address} is already a mailbox`, {
        errors: [fieldError('/body/address', 'taken', 'is already a mailbox')],
      });
  }
}
