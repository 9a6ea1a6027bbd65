import type { Selectable } from 'kysely';
import type { NotificationDto, NotificationListDto } from '../../../shared/contracts/notifications.ts';
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
  /** Plain words; an instant belongs in `at`, which each reader sees in their own zone. */
  body: string;
  /** The instant the text is about (a due time), if any. */
  at?: string | null;
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
  at: r.at,
  urgent: Boolean(r.urgent),
  createdAt: r.created_at,
  readAt: r.read_at,
});

/**
 * Notifications for people: written in the caller's transaction. Each write emits an event naming
 * the people concerned; the dispatcher turns it into an invalidation of their `user:` rooms and
 * the desktop re-fetches its newest unread. E-mail is owed on the row itself (`email_state`) and
 * sent by the mailer after commit.
 */
export class NotificationsService {
  private readonly ctx: Ctx;
  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  async notify(trx: Executor, n: NotifyInput): Promise<string[]> {
    return this.notifyMany(trx, [n]);
  }

  /** Several notifications in one insert and one outbox row, so a breach storm costs a few statements. */
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
        at: n.at ?? null,
        urgent: n.urgent ?? false,
        created_at: at,
        read_at: null,
        email_state: n.email ? 'pending' : null,
        email_due_at: n.email ? at : null,
      })),
    );
    if (!rows.length) return [];
    await trx.insertInto('notifications').values(rows).execute();
    await emit(trx, at, 'notification.created', {
      ids: rows.map((r) => r.id),
      userIds: [...new Set(rows.map((r) => r.user_id))],
    });
    return rows.map((r) => r.id);
  }

  async list(actor: Actor, q: { unread?: boolean | undefined; limit: number }): Promise<NotificationListDto> {
    let query = this.ctx.store.db
      .selectFrom('notifications')
      .selectAll()
      .where('user_id', '=', actor.userId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit);
    if (q.unread) query = query.where('read_at', 'is', null);
    const [rows, counts] = await Promise.all([
      query.execute(),
      this.ctx.store.db
        .selectFrom('notifications')
        .select((eb) => [
          eb.fn.countAll<number>().as('unread'),
          eb.fn.sum<number>(eb.case().when('urgent', '=', true).then(1).else(0).end()).as('urgent'),
        ])
        .where('user_id', '=', actor.userId)
        .where('read_at', 'is', null)
        .executeTakeFirst(),
    ]);
    return {
      items: rows.map(presentNotification),
      unread: Number(counts?.unread ?? 0),
      urgent: Number(counts?.urgent ?? 0),
    };
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
        // The user's other tabs and devices drop it too.
        await emit(trx, at, 'notification.read', { id, userIds: [actor.userId] });
      }
      return presentNotification(r);
    });
  }

  async markAllRead(actor: Actor): Promise<{ read: number }> {
    const at = nowIso(this.ctx);
    return tx(this.ctx, async (trx) => {
      const res = await trx
        .updateTable('notifications')
        .set({ read_at: at })
        .where('user_id', '=', actor.userId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      const read = Number(res.numUpdatedRows);
      if (read) await emit(trx, at, 'notification.read', { id: actor.userId, userIds: [actor.userId] });
      return { read };
    });
  }

  /** Mark read the notifications about one escalation (it was acknowledged). */
  async readForEscalation(trx: Executor, escalationId: string): Promise<void> {
    await this.readWhere(trx, 'escalation_id', escalationId);
  }

  /**
   * Withdraw what was said about a case that is now closed: its unread notifications are marked
   * read (an urgent breach about a closed case is no longer anyone's to act on).
   */
  async withdrawForCase(trx: Executor, caseId: string): Promise<void> {
    await this.readWhere(trx, 'case_id', caseId);
  }

  private async readWhere(trx: Executor, column: 'escalation_id' | 'case_id', id: string): Promise<void> {
    const at = nowIso(this.ctx);
    const users = await trx
      .updateTable('notifications')
      .set({ read_at: at })
      .where(column, '=', id)
      .where('read_at', 'is', null)
      .returning('user_id')
      .execute();
    if (users.length)
      await emit(trx, at, 'notification.read', { id, userIds: [...new Set(users.map((u) => u.user_id))] });
  }
}
