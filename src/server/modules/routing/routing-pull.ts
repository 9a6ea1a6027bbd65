import type { Actor } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { emit } from '../../platform/outbox.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { RoutingService } from './routing.service.ts';
import { isRelaxed, matches, primaryLanguage } from './routing-rules.ts';

/**
 * Pull mode (issue 14, point 2): where a centre prefers it, e-mail in a queue is not offered; an
 * officer takes the next item they may handle (priority, then age), within their capacity.
 *
 * Lock order on PostgreSQL: the case row first, then its item, then the officer's capacity — the
 * order of a case write that ends the item (resolve, close, merge, hand over: the case row, then
 * routing.onCaseChanged → endItem). Locking the items first (FOR UPDATE on the candidates) and the
 * case last deadlocked with a resolve of the same case (test/routing/routing-lock-order.test.ts).
 * The case is claimed with SKIP LOCKED, so two officers pulling at once get two items, and a case
 * someone is writing is passed over rather than waited for.
 */
export class RoutingPull {
  private readonly ctx: Ctx;
  private readonly routing: RoutingService;
  private readonly cases: CasesService;

  constructor(ctx: Ctx, deps: { routing: RoutingService; cases: CasesService }) {
    this.ctx = ctx;
    this.routing = deps.routing;
    this.cases = deps.cases;
  }

  /**
   * Whether the actor's queue (their team's, else the default) leaves e-mail to be pulled: the
   * desktop shows "Next e-mail" then. A queue not made yet offers (its defaults), so nothing is written.
   */
  async enabled(actor: Actor): Promise<boolean> {
    const db = this.ctx.store.db;
    const team =
      actor.teamId !== undefined
        ? actor.teamId
        : ((await db.selectFrom('users').select('team_id').where('id', '=', actor.userId).executeTakeFirst())
            ?.team_id ?? null);
    const q = await db
      .selectFrom('routing_queues')
      .select('email_pull')
      .where('key', '=', team ?? 'default')
      .executeTakeFirst();
    return !!q?.email_pull;
  }

  async next(actor: Actor): Promise<{ caseId: string; caseReference: string } | null> {
    return tx(this.ctx, async (trx) => {
      const me = await trx
        .selectFrom('users as u')
        .leftJoin('routing_profiles as p', 'p.user_id', 'u.id')
        .select(['u.team_id', 'p.languages', 'p.skills'])
        .where('u.id', '=', actor.userId)
        .executeTakeFirstOrThrow();
      const queue = await this.routing.queueFor(trx, me.team_id);
      if (!queue.email_pull) return null;
      const q = trx
        .selectFrom('routing_items')
        .select([
          'id',
          'case_id',
          'channel',
          'queue_id',
          'priority',
          'language',
          'skills',
          'declined_by',
          'enqueued_at',
        ])
        .where('queue_id', '=', queue.id)
        .where('channel', '=', 'email')
        .where('state', '=', 'waiting')
        .orderBy('priority')
        .orderBy('enqueued_at')
        .orderBy('id')
        .limit(50);
      const rows = await q.execute();
      const nowMs = this.ctx.clock.now().getTime();
      const self = {
        userId: actor.userId,
        teamId: me.team_id,
        state: 'available',
        stateSince: '',
        languages: new Set(
          parseJson<string[]>(me.languages, [])
            .map(primaryLanguage)
            .filter((l): l is string => !!l),
        ),
        skills: new Map(
          parseJson<{ name: string; level: number }[]>(me.skills, []).map((s) => [s.name, s.level]),
        ),
        lastEndedAt: null,
        lastOfferedAt: null,
        slots: new Map(),
      };
      const fits = rows.filter((r) => {
        const item = {
          id: r.id,
          channel: r.channel,
          queueId: r.queue_id,
          priority: r.priority,
          language: r.language,
          skills: parseJson<{ name: string; min: number }[]>(r.skills, []),
          declinedBy: new Set<string>(),
          enqueuedAt: r.enqueued_at,
        };
        return isRelaxed(item, queue.relax_after_seconds, nowMs) || matches(self, item);
      });
      const row = await this.claim(trx, fits, queue.id);
      if (!row) return null;
      await this.routing.ensureCapacityRows(trx, actor.userId);
      const room = await trx
        .updateTable('routing_capacity')
        .set((eb) => ({ load: eb('load', '+', 1) }))
        .where('user_id', '=', actor.userId)
        .where('channel', '=', 'email')
        .where((eb) => eb('load', '<', eb.ref('capacity')))
        .executeTakeFirst();
      if (Number(room.numUpdatedRows) !== 1) return null;
      const at = nowIso(this.ctx);
      await trx
        .updateTable('routing_items')
        .set((eb) => ({
          state: 'assigned',
          assigned_to: actor.userId,
          assigned_at: at,
          version: eb('version', '+', 1),
        }))
        .where('id', '=', row.id)
        .where('state', '=', 'waiting')
        .execute();
      const c = await this.cases.updateIn(trx, actor, row.case_id, { assigneeId: actor.userId });
      if (queue.team_id)
        await emit(trx, at, 'routing.queue_changed', { id: queue.id, teamIds: [queue.team_id] });
      return { caseId: c.id, caseReference: c.reference };
    });
  }

  /**
   * The first candidate whose case row this transaction can lock now (SKIP LOCKED), then its item,
   * still waiting in the queue (read again under the locks). SQLite has one writer: the first.
   */
  private async claim<R extends { id: string; case_id: string }>(
    trx: Executor,
    rows: R[],
    queueId: string,
  ): Promise<R | undefined> {
    if (this.ctx.store.dialect !== 'postgres') return rows[0];
    for (const r of rows) {
      const kase = await trx
        .selectFrom('cases')
        .select('id')
        .where('id', '=', r.case_id)
        .forNoKeyUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!kase) continue;
      const item = await trx
        .selectFrom('routing_items')
        .select('id')
        .where('id', '=', r.id)
        .where('state', '=', 'waiting')
        .where('queue_id', '=', queueId)
        .forUpdate()
        .executeTakeFirst();
      if (item) return r;
    }
    return undefined;
  }
}
