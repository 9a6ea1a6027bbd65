import type {
  DisseminationCreateDto,
  DisseminationDto,
  ReadingDto,
} from '../../../shared/contracts/solutions.ts';
import { type Actor, audit } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { TimerRow, Timers } from '../../platform/timers.ts';
import type { KnowledgeService } from '../knowledge/knowledge.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';

const DAY = 86_400_000;
/** After the due date, one reminder a day, at most this many, then the team leader takes it up. */
export const MAX_REMINDERS = 5;

const addDays = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();

/**
 * Dissemination (000 task 1.2: "document and disseminate to all team members"): an article is sent
 * to teams; every active member gets a row to acknowledge; those who have not are reminded after the
 * due date and the team leader sees who they are.
 */
export class DisseminationsService {
  private readonly ctx: Ctx;
  private readonly knowledge: KnowledgeService;
  private readonly notifications: NotificationsService;
  private readonly timers: Timers;

  constructor(
    ctx: Ctx,
    deps: { knowledge: KnowledgeService; notifications: NotificationsService; timers: Timers },
  ) {
    this.ctx = ctx;
    this.knowledge = deps.knowledge;
    this.notifications = deps.notifications;
    this.timers = deps.timers;
    this.timers.on('dissemination.remind', (trx, t, now) => this.onDue(trx, t, now));
  }

  async create(actor: Actor, articleId: string, input: DisseminationCreateDto): Promise<DisseminationDto> {
    return tx(this.ctx, async (trx) => {
      const id = await this.createIn(trx, actor, articleId, input, null);
      return this.getIn(trx, id);
    });
  }

  /** In the caller's transaction (an agreed solution is published and sent in one). */
  async createIn(
    trx: Executor,
    actor: Actor,
    articleId: string,
    input: DisseminationCreateDto,
    solutionId: string | null,
  ): Promise<string> {
    const at = nowIso(this.ctx);
    const article = await this.knowledge.publishedIn(trx, articleId);
    const teams = await trx.selectFrom('teams').select('id').where('id', 'in', input.teamIds).execute();
    const known = new Set(teams.map((t) => t.id));
    const missing = input.teamIds.findIndex((t) => !known.has(t));
    if (missing >= 0) throw invalid(`/body/teamIds/${missing}`, 'noSuchTeam', 'no such team');
    const members = await trx
      .selectFrom('users')
      .select(['id', 'team_id'])
      .where('team_id', 'in', input.teamIds)
      .where('active', '=', true)
      .where('id', '!=', actor.userId)
      .execute();
    if (!members.length)
      throw invalid('/body/teamIds', 'noOtherMembers', 'the chosen teams have no other active members');
    const id = newId();
    const dueAt = addDays(at, input.acknowledgeWithinDays ?? 3);
    await trx
      .insertInto('disseminations')
      .values({
        id,
        article_id: article.articleId,
        version_id: article.versionId,
        solution_id: solutionId,
        note: input.note?.trim() || null,
        team_ids: JSON.stringify(input.teamIds),
        sent_by: actor.via === 'system' ? null : actor.userId,
        sent_at: at,
        due_at: dueAt,
        reminders: 0,
        last_reminded_at: null,
      })
      .execute();
    await trx
      .insertInto('dissemination_recipients')
      .values(
        members.map((m) => ({
          dissemination_id: id,
          user_id: m.id,
          team_id: m.team_id,
          acknowledged_at: null,
        })),
      )
      .execute();
    await this.notifications.notify(trx, {
      userIds: members.map((m) => m.id),
      kind: 'kb.reading',
      title: `Please read and acknowledge: ${article.title}`,
      body: input.note?.trim() || 'A solution the team has agreed. Read it and acknowledge that you have.',
    });
    await this.timers.schedule(trx, { kind: 'dissemination.remind', dueAt, refId: id });
    await audit(trx, {
      at,
      actor,
      entityType: 'dissemination',
      entityId: id,
      action: 'create',
      after: { articleId, teamIds: input.teamIds, recipients: members.length, dueAt },
    });
    return id;
  }

  /** Mark my reading done; acknowledging twice keeps the first time. */
  async acknowledge(actor: Actor, id: string): Promise<ReadingDto> {
    return tx(this.ctx, async (trx) => {
      const mine = await trx
        .selectFrom('dissemination_recipients')
        .select('acknowledged_at')
        .where('dissemination_id', '=', id)
        .where('user_id', '=', actor.userId)
        .executeTakeFirst();
      if (!mine) throw notFound('dissemination.not_found', id);
      if (!mine.acknowledged_at) {
        const at = nowIso(this.ctx);
        await trx
          .updateTable('dissemination_recipients')
          .set({ acknowledged_at: at })
          .where('dissemination_id', '=', id)
          .where('user_id', '=', actor.userId)
          .execute();
        await audit(trx, { at, actor, entityType: 'dissemination', entityId: id, action: 'acknowledge' });
      }
      const [reading] = await this.readings(trx, actor.userId, { all: true, id });
      return reading!;
    });
  }

  /** What I have been asked to read: unacknowledged first, by due date. */
  async mine(actor: Actor, q: { all?: boolean | undefined }): Promise<ReadingDto[]> {
    return this.readings(this.ctx.store.db, actor.userId, q);
  }

  private async readings(
    db: Executor,
    userId: string,
    q: { all?: boolean | undefined; id?: string },
  ): Promise<ReadingDto[]> {
    let query = db
      .selectFrom('dissemination_recipients as r')
      .innerJoin('disseminations as d', 'd.id', 'r.dissemination_id')
      .innerJoin('kb_articles as a', 'a.id', 'd.article_id')
      .innerJoin('kb_versions as v', 'v.id', 'd.version_id')
      .leftJoin('users as s', 's.id', 'd.sent_by')
      .select([
        'd.id',
        'd.article_id',
        'a.slug',
        'v.title',
        'd.note',
        's.display_name as sent_by_name',
        'd.sent_at',
        'd.due_at',
        'r.acknowledged_at',
      ])
      .where('r.user_id', '=', userId)
      .orderBy('d.due_at')
      .limit(200);
    if (!q.all) query = query.where('r.acknowledged_at', 'is', null);
    if (q.id) query = query.where('d.id', '=', q.id);
    const now = nowIso(this.ctx);
    const rows = await query.execute();
    return rows
      .map((r) => ({
        disseminationId: r.id,
        articleId: r.article_id,
        articleSlug: r.slug,
        title: r.title,
        note: r.note,
        sentByName: r.sent_by_name,
        sentAt: r.sent_at,
        dueAt: r.due_at,
        overdue: !r.acknowledged_at && r.due_at <= now,
        acknowledgedAt: r.acknowledged_at,
      }))
      .sort((a, b) => Number(!!a.acknowledgedAt) - Number(!!b.acknowledgedAt));
  }

  async get(id: string): Promise<DisseminationDto> {
    return this.getIn(this.ctx.store.db, id);
  }

  /** The team leader's view: counts, and who has not acknowledged, listed first. */
  async list(q: {
    articleId?: string | undefined;
    pending?: boolean | undefined;
    limit: number;
  }): Promise<DisseminationDto[]> {
    const db = this.ctx.store.db;
    let query = db.selectFrom('disseminations').select('id').orderBy('sent_at', 'desc').limit(q.limit);
    if (q.articleId) query = query.where('article_id', '=', q.articleId);
    if (q.pending)
      query = query.where((eb) =>
        eb.exists(
          eb
            .selectFrom('dissemination_recipients as r')
            .select('r.user_id')
            .whereRef('r.dissemination_id', '=', 'disseminations.id')
            .where('r.acknowledged_at', 'is', null),
        ),
      );
    const ids = (await query.execute()).map((r) => r.id);
    return this.present(db, ids);
  }

  private async getIn(db: Executor, id: string): Promise<DisseminationDto> {
    const [d] = await this.present(db, [id]);
    if (!d) throw notFound('dissemination.not_found', id);
    return d;
  }

  private async present(db: Executor, ids: string[]): Promise<DisseminationDto[]> {
    if (!ids.length) return [];
    const rows = await db
      .selectFrom('disseminations as d')
      .innerJoin('kb_articles as a', 'a.id', 'd.article_id')
      .innerJoin('kb_versions as v', 'v.id', 'd.version_id')
      .leftJoin('users as s', 's.id', 'd.sent_by')
      .selectAll('d')
      .select(['a.slug', 'v.title', 's.display_name as sent_by_name'])
      .where('d.id', 'in', ids)
      .execute();
    const recipients = await db
      .selectFrom('dissemination_recipients as r')
      .innerJoin('users as u', 'u.id', 'r.user_id')
      .select(['r.dissemination_id', 'r.user_id', 'u.display_name', 'r.team_id', 'r.acknowledged_at'])
      .where('r.dissemination_id', 'in', ids)
      .orderBy('u.display_name')
      .execute();
    const teamIds = [...new Set(rows.flatMap((r) => parseJson<string[]>(r.team_ids, [])))];
    const teams = teamIds.length
      ? await db.selectFrom('teams').select(['id', 'name']).where('id', 'in', teamIds).execute()
      : [];
    const teamName = new Map(teams.map((t) => [t.id, t.name]));
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      const people = recipients
        .filter((p) => p.dissemination_id === id)
        .map((p) => ({
          userId: p.user_id,
          name: p.display_name,
          teamId: p.team_id,
          acknowledgedAt: p.acknowledged_at,
        }))
        .sort((a, b) => Number(!!a.acknowledgedAt) - Number(!!b.acknowledgedAt));
      return [
        {
          id,
          articleId: r.article_id,
          articleSlug: r.slug,
          title: r.title,
          solutionId: r.solution_id,
          note: r.note,
          teams: parseJson<string[]>(r.team_ids, []).map((t) => ({ id: t, name: teamName.get(t) ?? '' })),
          sentBy: r.sent_by,
          sentByName: r.sent_by_name,
          sentAt: r.sent_at,
          dueAt: r.due_at,
          reminders: r.reminders,
          lastRemindedAt: r.last_reminded_at,
          total: people.length,
          acknowledged: people.filter((p) => p.acknowledgedAt).length,
          recipients: people,
        },
      ];
    });
  }

  /** The team leader nudges now those who have not acknowledged. */
  async remind(actor: Actor, id: string): Promise<{ reminded: number }> {
    return tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      const { reminded } = await this.remindIn(trx, id, at, actor.via === 'system' ? null : actor.userId);
      await audit(trx, {
        at,
        actor,
        entityType: 'dissemination',
        entityId: id,
        action: 'remind',
        after: { reminded },
      });
      return { reminded };
    });
  }

  /** Remind who has not acknowledged; how many were reminded, and the reminders sent so far. */
  private async remindIn(
    trx: Executor,
    id: string,
    at: string,
    by: string | null,
  ): Promise<{ reminded: number; reminders: number }> {
    const d = await trx
      .selectFrom('disseminations as d')
      .innerJoin('kb_versions as v', 'v.id', 'd.version_id')
      .select(['d.id', 'd.sent_by', 'd.reminders', 'd.due_at', 'v.title'])
      .where('d.id', '=', id)
      .executeTakeFirst();
    if (!d) throw notFound('dissemination.not_found', id);
    const pending = await trx
      .selectFrom('dissemination_recipients')
      .select('user_id')
      .where('dissemination_id', '=', id)
      .where('acknowledged_at', 'is', null)
      .execute();
    if (!pending.length) return { reminded: 0, reminders: d.reminders };
    const inputs = [
      {
        userIds: pending.map((p) => p.user_id),
        kind: 'kb.reading_reminder',
        title: `Reminder: read and acknowledge "${d.title}"`,
        body: `Acknowledgement was due ${d.due_at.slice(0, 10)}.`,
      },
    ];
    // The sender hears how many are still outstanding when the reminder is automatic.
    if (!by && d.sent_by)
      inputs.push({
        userIds: [d.sent_by],
        kind: 'kb.reading_outstanding',
        title: `${pending.length} not yet acknowledged: "${d.title}"`,
        body: 'They have been reminded. See who on the dissemination view.',
      });
    await this.notifications.notifyMany(trx, inputs);
    await trx
      .updateTable('disseminations')
      .set({ reminders: d.reminders + 1, last_reminded_at: at })
      .where('id', '=', id)
      .execute();
    return { reminded: pending.length, reminders: d.reminders + 1 };
  }

  private async onDue(trx: Executor, t: TimerRow, now: string): Promise<void> {
    const id = t.ref_id;
    if (!id) return;
    const { reminded, reminders } = await this.remindIn(trx, id, now, null);
    if (reminded && reminders < MAX_REMINDERS)
      await this.timers.schedule(trx, { kind: 'dissemination.remind', dueAt: addDays(now, 1), refId: id });
  }
}
