import type { ExpressionBuilder, Selectable } from 'kysely';
import type { NotificationDto, NotificationListDto } from '../../../shared/contracts/notifications.ts';
import type { Actor } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { Database, NotificationsTable } from '../../platform/db/schema.ts';
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
  /** The customer it is about, when it is about no case: the bell links to the customer's view. */
  customerId?: string | null;
  /**
   * What it announces (`sla.breach:<case>:<clock>:<due>`): a person is told of a topic once, however
   * many reactions (the breach, a rule at the breach) would tell them.
   */
  topic?: string | null;
  title: string;
  /** Plain words; an instant belongs in `at`, which each reader sees in their own zone. */
  body: string;
  /** The instant the text is about (a due time), if any. */
  at?: string | null;
  urgent?: boolean;
  /** Also send by e-mail (after commit, through the outbox). */
  email?: boolean;
}

/** The kind of an urgent escalation notice: it waits for an acknowledgement, not for a read. */
export const URGENT_ESCALATION = 'escalation.urgent';

export const presentNotification = (r: Row, awaitsAcknowledgement = false): NotificationDto => ({
  id: r.id,
  kind: r.kind,
  caseId: r.case_id,
  escalationId: r.escalation_id,
  customerId: r.customer_id,
  title: r.title,
  body: r.body,
  at: r.at,
  urgent: Boolean(r.urgent),
  createdAt: r.created_at,
  readAt: r.read_at,
  awaitsAcknowledgement,
});

/**
 * Unread, an urgent escalation notice, and its escalation not yet acknowledged by anyone. Such a
 * notice is read only by acknowledging (which reads it for the whole chain) or by the case closing.
 */
const awaiting = (eb: ExpressionBuilder<Database, 'notifications'>) =>
  eb.and([
    eb('notifications.read_at', 'is', null),
    eb('notifications.kind', '=', URGENT_ESCALATION),
    eb('notifications.escalation_id', 'is not', null),
    eb(
      'notifications.escalation_id',
      'in',
      eb.selectFrom('escalations').select('escalations.id').where('escalations.acknowledged_at', 'is', null),
    ),
  ]);

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
    const told = await this.alreadyTold(trx, inputs);
    const rows = inputs.flatMap((n) =>
      [...new Set(n.userIds.filter((u): u is string => Boolean(u)))].flatMap((userId) => {
        if (n.topic) {
          const key = `${userId}|${n.topic}`;
          if (told.has(key)) return [];
          told.add(key);
        }
        return [
          {
            id: newId(),
            user_id: userId,
            kind: n.kind,
            case_id: n.caseId ?? null,
            escalation_id: n.escalationId ?? null,
            customer_id: n.customerId ?? null,
            topic: n.topic ?? null,
            title: n.title,
            body: n.body,
            at: n.at ?? null,
            urgent: n.urgent ?? false,
            created_at: at,
            read_at: null,
            email_state: n.email ? 'pending' : null,
            email_due_at: n.email ? at : null,
          },
        ];
      }),
    );
    if (!rows.length) return [];
    await trx.insertInto('notifications').values(rows).execute();
    await emit(trx, at, 'notification.created', {
      ids: rows.map((r) => r.id),
      userIds: [...new Set(rows.map((r) => r.user_id))],
    });
    return rows.map((r) => r.id);
  }

  /** The (user, topic) pairs among these inputs that someone was already told of. */
  private async alreadyTold(trx: Executor, inputs: NotifyInput[]): Promise<Set<string>> {
    const topics = [...new Set(inputs.flatMap((n) => (n.topic ? [n.topic] : [])))];
    if (!topics.length) return new Set();
    const out = new Set<string>();
    // Chunked: a breach storm may carry thousands of topics, and SQLite caps bound parameters.
    for (let i = 0; i < topics.length; i += 500) {
      const rows = await trx
        .selectFrom('notifications')
        .select(['user_id', 'topic'])
        .where('topic', 'in', topics.slice(i, i + 500))
        .execute();
      for (const r of rows) out.add(`${r.user_id}|${r.topic}`);
    }
    return out;
  }

  /**
   * My notifications: urgent escalations still awaiting acknowledgement first, the longest waiting
   * first (they climb the chain if left), then everything else newest first.
   */
  async list(actor: Actor, q: { unread?: boolean | undefined; limit: number }): Promise<NotificationListDto> {
    let query = this.ctx.store.db
      .selectFrom('notifications')
      .selectAll()
      // A pinned notice carries its creation instant here, every other row null: one ordering puts
      // the pinned first, oldest first, and the test for "awaiting" is written once.
      .select((eb) => eb.case().when(awaiting(eb)).then(eb.ref('created_at')).end().as('pinned_at'))
      .where('user_id', '=', actor.userId)
      .orderBy('pinned_at', (ob) => ob.asc().nullsLast())
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
      items: rows.map(({ pinned_at, ...r }) => presentNotification(r, pinned_at !== null)),
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

  /**
   * Mark my unread notifications read — except urgent escalations still awaiting acknowledgement:
   * reading one would hide the only Acknowledge button while the escalation climbs the chain.
   */
  async markAllRead(actor: Actor): Promise<{ read: number; kept: number }> {
    const at = nowIso(this.ctx);
    return tx(this.ctx, async (trx) => {
      const res = await trx
        .updateTable('notifications')
        .set({ read_at: at })
        .where('user_id', '=', actor.userId)
        .where('read_at', 'is', null)
        .where((eb) => eb.not(awaiting(eb)))
        .executeTakeFirst();
      const read = Number(res.numUpdatedRows);
      const left = await trx
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', actor.userId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      if (read) await emit(trx, at, 'notification.read', { id: actor.userId, userIds: [actor.userId] });
      return { read, kept: Number(left?.n ?? 0) };
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
