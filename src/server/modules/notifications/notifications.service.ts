import type { Selectable } from 'kysely';
import type { NotificationDto } from '../../../shared/contracts/notifications.ts';
import type { Actor } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { NotificationsTable } from '../../platform/db/schema.ts';
import { notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';

type Row = Selectable<NotificationsTable>;

export type { NotificationDto };

export interface NotifyInput {
  userIds: (string | null | undefined)[];
  kind: string;
  caseId?: string | null;
  escalationId?: string | null;
  title: string;
  body: string;
  urgent?: boolean;
  /** Also send by e-mail (after commit, through the outbox). */
  email?: boolean;
}

export const presentNotification = (r: Row): NotificationDto => ({
  id: r.id,
  kind: r.kind,
  caseId: r.case_id,
  escalationId: r.escalation_id,
  title: r.title,
  body: r.body,
  urgent: Boolean(r.urgent),
  createdAt: r.created_at,
  readAt: r.read_at,
});

/**
 * Notifications for people: written in the caller's transaction; the desktop receives them over the
 * WebSocket stream and e-mail goes out after commit from the outbox.
 */
export class NotificationsService {
  private readonly ctx: Ctx;
  /** Called after a write that created notifications commits, so local sockets are told at once. */
  onCreated: (() => void) | undefined;
  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  async notify(trx: Executor, n: NotifyInput): Promise<string[]> {
    return this.notifyMany(trx, [n]);
  }

  /**
   * Several notifications in one insert and one outbox row per e-mail choice (the mailer reads the
   * ids off the outbox row), so a breach storm costs a few statements, not a few per case.
   */
  async notifyMany(trx: Executor, inputs: NotifyInput[]): Promise<string[]> {
    const at = nowIso(this.ctx);
    const rows = inputs.flatMap((n) =>
      [...new Set(n.userIds.filter((u): u is string => Boolean(u)))].map((userId) => ({
        id: newId(),
        user_id: userId,
        kind: n.kind,
        case_id: n.caseId ?? null,
        escalation_id: n.escalationId ?? null,
        title: n.title,
        body: n.body,
        urgent: n.urgent ?? false,
        created_at: at,
        read_at: null,
        email: n.email ?? false,
      })),
    );
    if (!rows.length) return [];
    await trx
      .insertInto('notifications')
      .values(rows.map(({ email: _, ...r }) => r))
      .execute();
    for (const email of [false, true]) {
      const ids = rows.filter((r) => r.email === email).map((r) => r.id);
      if (ids.length) await emit(trx, at, 'notification.created', { ids, email });
    }
    return rows.map((r) => r.id);
  }

  async list(actor: Actor, q: { unread?: boolean | undefined; limit: number }): Promise<NotificationDto[]> {
    let query = this.ctx.store.db
      .selectFrom('notifications')
      .selectAll()
      .where('user_id', '=', actor.userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit);
    if (q.unread) query = query.where('read_at', 'is', null);
    return (await query.execute()).map(presentNotification);
  }

  /** Unread notifications of these users (the stream's poll), oldest first. */
  async unreadFor(userIds: string[]): Promise<Row[]> {
    if (!userIds.length) return [];
    return this.ctx.store.db
      .selectFrom('notifications')
      .selectAll()
      .where('user_id', 'in', userIds)
      .where('read_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .limit(500)
      .execute();
  }

  async markRead(actor: Actor, id: string): Promise<NotificationDto> {
    const at = nowIso(this.ctx);
    return tx(this.ctx, async (trx) => {
      const r = await trx
        .selectFrom('notifications')
        .selectAll()
        .where('id', '=', id)
        .where('user_id', '=', actor.userId)
        .executeTakeFirst();
      // Someone else's notification is as good as missing.
      if (!r) throw notFound('notification.not_found', id);
      if (!r.read_at) {
        await trx.updateTable('notifications').set({ read_at: at }).where('id', '=', id).execute();
        r.read_at = at;
      }
      return presentNotification(r);
    });
  }

  async markAllRead(actor: Actor): Promise<{ read: number }> {
    const res = await this.ctx.store.db
      .updateTable('notifications')
      .set({ read_at: nowIso(this.ctx) })
      .where('user_id', '=', actor.userId)
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return { read: Number(res.numUpdatedRows) };
  }

  /** Mark read the notifications about one escalation (it was acknowledged). */
  async readForEscalation(trx: Executor, escalationId: string): Promise<void> {
    await trx
      .updateTable('notifications')
      .set({ read_at: nowIso(this.ctx) })
      .where('escalation_id', '=', escalationId)
      .where('read_at', 'is', null)
      .execute();
  }
}
