import type {
  SolutionAgreeDto,
  SolutionCreateDto,
  SolutionDto,
} from '../../../shared/contracts/solutions.ts';
import { type Actor, audit } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { KnowledgeService } from '../knowledge/knowledge.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { DisseminationsService } from './disseminations.service.ts';

/** The article an agreed solution becomes: the problem as customers meet it, then the response. */
export function solutionArticleBody(problem: string, solution: string): string {
  return `## Problem\n\n${problem.trim()}\n\n## Agreed solution\n\n${solution.trim()}\n`;
}

/**
 * Agreed solutions (000 task 1.2): "share problems, brainstorm, agree the solution and response to
 * apply consistently to similar problems". Proposed from a case by an officer or team leader,
 * discussed in comments, then agreed by a team leader — which publishes it as an article and sends
 * it to the chosen teams to acknowledge — or declined with a reason.
 */
export class SolutionsService {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly knowledge: KnowledgeService;
  private readonly notifications: NotificationsService;
  private readonly disseminations: DisseminationsService;

  constructor(
    ctx: Ctx,
    deps: {
      cases: CasesService;
      knowledge: KnowledgeService;
      notifications: NotificationsService;
      disseminations: DisseminationsService;
    },
  ) {
    this.ctx = ctx;
    this.cases = deps.cases;
    this.knowledge = deps.knowledge;
    this.notifications = deps.notifications;
    this.disseminations = deps.disseminations;
  }

  async propose(actor: Actor, input: SolutionCreateDto): Promise<SolutionDto> {
    return tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      if (input.caseId) await this.cases.row(trx, input.caseId);
      const me = await trx
        .selectFrom('users')
        .select(['team_id', 'display_name'])
        .where('id', '=', actor.userId)
        .executeTakeFirstOrThrow();
      const id = newId();
      await trx
        .insertInto('solutions')
        .values({
          id,
          case_id: input.caseId ?? null,
          problem: input.problem.trim(),
          solution: input.solution.trim(),
          status: 'proposed',
          proposed_by: actor.userId,
          team_id: me.team_id,
          decided_by: null,
          decided_at: null,
          decision_note: null,
          article_id: null,
          created_at: at,
          updated_at: at,
        })
        .execute();
      if (input.caseId)
        await this.cases.event(trx, input.caseId, at, actor, 'solution.proposed', { solutionId: id });
      // The proposer's team leader is the one who agrees it.
      if (me.team_id) {
        const team = await trx
          .selectFrom('teams')
          .select('leader_id')
          .where('id', '=', me.team_id)
          .executeTakeFirst();
        if (team?.leader_id && team.leader_id !== actor.userId)
          await this.notifications.notify(trx, {
            userIds: [team.leader_id],
            kind: 'solution.proposed',
            caseId: input.caseId ?? null,
            title: `Solution proposed by ${me.display_name}`,
            body: input.problem.trim().slice(0, 200),
          });
      }
      await audit(trx, {
        at,
        actor,
        entityType: 'solution',
        entityId: id,
        action: 'propose',
        after: { caseId: input.caseId ?? null, problem: input.problem },
      });
      return this.getIn(trx, id);
    });
  }

  async comment(actor: Actor, id: string, body: string): Promise<SolutionDto> {
    return tx(this.ctx, async (trx) => {
      const s = await this.row(trx, id);
      const at = nowIso(this.ctx);
      await trx
        .insertInto('solution_comments')
        .values({ id: newId(), solution_id: id, author_id: actor.userId, body: body.trim(), created_at: at })
        .execute();
      await trx.updateTable('solutions').set({ updated_at: at }).where('id', '=', id).execute();
      if (s.proposed_by !== actor.userId)
        await this.notifications.notify(trx, {
          userIds: [s.proposed_by],
          kind: 'solution.comment',
          caseId: s.case_id,
          title: 'New comment on your proposed solution',
          body: body.trim().slice(0, 200),
        });
      return this.getIn(trx, id);
    });
  }

  /** Agree: publish as an article and send it to the teams, in one transaction. */
  async agree(actor: Actor, id: string, input: SolutionAgreeDto): Promise<SolutionDto> {
    return tx(this.ctx, async (trx) => {
      const s = await this.row(trx, id);
      if (s.status !== 'proposed') throw new AppError('solution.already_decided');
      const at = nowIso(this.ctx);
      const articleId = await this.knowledge.createIn(
        trx,
        actor,
        {
          title: input.title,
          body: solutionArticleBody(s.problem, s.solution),
          kind: input.kind ?? 'faq',
          audience: input.audience ?? 'internal',
          tags: input.tags ?? [],
          // The answer an officer inserts is the solution itself (when short enough to be one).
          answer: s.solution.length <= 2000 ? s.solution : null,
          changeNote: 'Agreed solution',
        },
        input.note?.trim() || 'Agreed solution',
      );
      await this.disseminations.createIn(
        trx,
        actor,
        articleId,
        {
          teamIds: input.teamIds,
          acknowledgeWithinDays: input.acknowledgeWithinDays ?? 3,
          ...(input.note ? { note: input.note } : {}),
        },
        id,
      );
      await trx
        .updateTable('solutions')
        .set({
          status: 'agreed',
          decided_by: actor.userId,
          decided_at: at,
          decision_note: input.note?.trim() || null,
          article_id: articleId,
          updated_at: at,
        })
        .where('id', '=', id)
        .execute();
      await this.decided(trx, actor, s, at, 'agreed', { articleId });
      return this.getIn(trx, id);
    });
  }

  async decline(actor: Actor, id: string, note: string): Promise<SolutionDto> {
    return tx(this.ctx, async (trx) => {
      const s = await this.row(trx, id);
      if (s.status !== 'proposed') throw new AppError('solution.already_decided');
      const at = nowIso(this.ctx);
      await trx
        .updateTable('solutions')
        .set({
          status: 'declined',
          decided_by: actor.userId,
          decided_at: at,
          decision_note: note.trim(),
          updated_at: at,
        })
        .where('id', '=', id)
        .execute();
      await this.decided(trx, actor, s, at, 'declined', { note });
      return this.getIn(trx, id);
    });
  }

  private async decided(
    trx: Executor,
    actor: Actor,
    s: { id: string; case_id: string | null; proposed_by: string; problem: string },
    at: string,
    outcome: 'agreed' | 'declined',
    after: Record<string, unknown>,
  ) {
    if (s.case_id)
      await this.cases.event(trx, s.case_id, at, actor, `solution.${outcome}`, { solutionId: s.id });
    if (s.proposed_by !== actor.userId)
      await this.notifications.notify(trx, {
        userIds: [s.proposed_by],
        kind: `solution.${outcome}`,
        caseId: s.case_id,
        title: `Your proposed solution was ${outcome}`,
        body: s.problem.slice(0, 200),
      });
    await audit(trx, { at, actor, entityType: 'solution', entityId: s.id, action: outcome, after });
  }

  private async row(trx: Executor, id: string) {
    const s = await trx.selectFrom('solutions').selectAll().where('id', '=', id).executeTakeFirst();
    if (!s) throw notFound('solution.not_found', id);
    return s;
  }

  async get(id: string): Promise<SolutionDto> {
    return this.getIn(this.ctx.store.db, id);
  }

  async list(q: {
    status?: string | undefined;
    caseId?: string | undefined;
    limit: number;
  }): Promise<SolutionDto[]> {
    const db = this.ctx.store.db;
    let query = db
      .selectFrom('solutions')
      .select('id')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit);
    if (q.status) query = query.where('status', '=', q.status);
    if (q.caseId) query = query.where('case_id', '=', q.caseId);
    const ids = (await query.execute()).map((r) => r.id);
    return this.present(db, ids, false);
  }

  private async getIn(db: Executor, id: string): Promise<SolutionDto> {
    const [s] = await this.present(db, [id], true);
    if (!s) throw notFound('solution.not_found', id);
    return s;
  }

  private async present(db: Executor, ids: string[], withComments: boolean): Promise<SolutionDto[]> {
    if (!ids.length) return [];
    const rows = await db
      .selectFrom('solutions as s')
      .innerJoin('users as p', 'p.id', 's.proposed_by')
      .leftJoin('users as d', 'd.id', 's.decided_by')
      .leftJoin('cases as c', 'c.id', 's.case_id')
      .selectAll('s')
      .select((eb) => [
        'p.display_name as proposed_by_name',
        'd.display_name as decided_by_name',
        'c.reference',
        eb
          .selectFrom('solution_comments as k')
          .select((k) => k.fn.countAll<number>().as('n'))
          .whereRef('k.solution_id', '=', 's.id')
          .as('comment_count'),
        eb
          .selectFrom('disseminations as x')
          .select('x.id')
          .whereRef('x.solution_id', '=', 's.id')
          .limit(1)
          .as('dissemination_id'),
      ])
      .where('s.id', 'in', ids)
      .execute();
    const comments = withComments
      ? await db
          .selectFrom('solution_comments as k')
          .innerJoin('users as u', 'u.id', 'k.author_id')
          .select(['k.id', 'k.solution_id', 'k.author_id', 'u.display_name', 'k.body', 'k.created_at'])
          .where('k.solution_id', 'in', ids)
          .orderBy('k.created_at')
          .orderBy('k.id')
          .execute()
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const r = byId.get(id);
      if (!r) return [];
      return [
        {
          id,
          caseId: r.case_id,
          caseReference: r.reference ?? null,
          problem: r.problem,
          solution: r.solution,
          status: r.status as SolutionDto['status'],
          proposedBy: r.proposed_by,
          proposedByName: r.proposed_by_name,
          teamId: r.team_id,
          decidedBy: r.decided_by,
          decidedByName: r.decided_by_name ?? null,
          decidedAt: r.decided_at,
          decisionNote: r.decision_note,
          articleId: r.article_id,
          disseminationId: r.dissemination_id ?? null,
          commentCount: Number(r.comment_count ?? 0),
          comments: comments
            .filter((k) => k.solution_id === id)
            .map((k) => ({
              id: k.id,
              authorId: k.author_id,
              authorName: k.display_name,
              body: k.body,
              createdAt: k.created_at,
            })),
          createdAt: r.created_at,
        },
      ];
    });
  }
}
