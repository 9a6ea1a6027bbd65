import type { PolicyFlagCreateDto, PolicyFlagDto } from '../../../shared/contracts/solutions.ts';
import { can } from '../../../shared/permissions.ts';
import { type Actor, audit } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { AppError, invalid, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import type { TimerRow, Timers } from '../../platform/timers.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';

const DAY = 86_400_000;
/** Who can be a "higher authority": someone who can change or interpret policy. */
const AUTHORITIES = new Set(['team_leader', 'supervisor', 'administrator']);

/**
 * "Raise inconsistencies between company policy and customer needs to a higher authority" (000
 * task 1.2): from a case, to a named person, with the evidence; the answer is tracked, the case
 * timeline shows both, and an unanswered flag is chased on its due date.
 */
export class PolicyFlagsService {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly notifications: NotificationsService;
  private readonly timers: Timers;

  constructor(ctx: Ctx, deps: { cases: CasesService; notifications: NotificationsService; timers: Timers }) {
    this.ctx = ctx;
    this.cases = deps.cases;
    this.notifications = deps.notifications;
    this.timers = deps.timers;
    this.timers.on('policy_flag.due', (trx, t) => this.onDue(trx, t));
  }

  async raise(actor: Actor, caseId: string, input: PolicyFlagCreateDto): Promise<PolicyFlagDto> {
    return tx(this.ctx, async (trx) => {
      const c = await this.cases.row(trx, caseId);
      const authority = await trx
        .selectFrom('users')
        .select(['id', 'role', 'active', 'display_name'])
        .where('id', '=', input.authorityId)
        .executeTakeFirst();
      if (!authority?.active || !AUTHORITIES.has(authority.role) || authority.id === actor.userId)
        throw invalid(
          '/body/authorityId',
          'notAnAuthority',
          'must be an active team leader, supervisor or administrator other than you',
        );
      const at = nowIso(this.ctx);
      const id = newId();
      const dueAt = new Date(Date.parse(at) + (input.answerWithinDays ?? 5) * DAY).toISOString();
      await trx
        .insertInto('policy_flags')
        .values({
          id,
          case_id: caseId,
          raised_by: actor.userId,
          authority_id: authority.id,
          policy: input.policy.trim(),
          customer_need: input.customerNeed.trim(),
          evidence: input.evidence.trim(),
          status: 'open',
          answer: null,
          answered_by: null,
          answered_at: null,
          due_at: dueAt,
          created_at: at,
        })
        .execute();
      await this.cases.event(trx, caseId, at, actor, 'policy_flag.raised', {
        flagId: id,
        authorityId: authority.id,
        authorityName: authority.display_name,
      });
      await this.notifications.notify(trx, {
        userIds: [authority.id],
        kind: 'policy_flag.raised',
        caseId,
        title: `Policy inconsistency on ${c.reference}: your answer is needed`,
        body: input.policy.trim().slice(0, 200),
        email: true,
      });
      await this.timers.schedule(trx, { kind: 'policy_flag.due', dueAt, caseId, refId: id });
      await audit(trx, {
        at,
        actor,
        entityType: 'policy_flag',
        entityId: id,
        action: 'raise',
        after: { caseId, authorityId: authority.id, policy: input.policy },
      });
      return this.getIn(trx, id);
    });
  }

  async answer(actor: Actor, id: string, answer: string): Promise<PolicyFlagDto> {
    return tx(this.ctx, async (trx) => {
      const f = await this.row(trx, id);
      // The named authority answers; an administrator may stand in when that person has left.
      if (f.authority_id !== actor.userId && actor.role !== 'administrator')
        throw new AppError('policy_flag.not_yours');
      if (f.status !== 'open') throw new AppError('policy_flag.already_answered');
      const at = nowIso(this.ctx);
      await trx
        .updateTable('policy_flags')
        .set({ status: 'answered', answer: answer.trim(), answered_by: actor.userId, answered_at: at })
        .where('id', '=', id)
        .execute();
      await this.timers.cancel(trx, id, ['policy_flag.due']);
      await this.cases.event(trx, f.case_id, at, actor, 'policy_flag.answered', { flagId: id });
      const c = await this.cases.row(trx, f.case_id);
      await this.notifications.notify(trx, {
        userIds: [f.raised_by, c.assignee_id].filter((u) => u !== actor.userId),
        kind: 'policy_flag.answered',
        caseId: f.case_id,
        title: `Policy question on ${c.reference} answered`,
        body: answer.trim().slice(0, 200),
      });
      await audit(trx, {
        at,
        actor,
        entityType: 'policy_flag',
        entityId: id,
        action: 'answer',
        before: { status: 'open' },
        after: { status: 'answered', answer },
      });
      return this.getIn(trx, id);
    });
  }

  /** Who may be named: the people an officer can raise a policy question to. */
  async authorities(): Promise<{ id: string; name: string; role: string }[]> {
    const rows = await this.ctx.store.db
      .selectFrom('users')
      .select(['id', 'display_name', 'role'])
      .where('role', 'in', [...AUTHORITIES])
      .where('active', '=', true)
      .orderBy('display_name')
      .execute();
    return rows.map((r) => ({ id: r.id, name: r.display_name, role: r.role }));
  }

  async get(id: string): Promise<PolicyFlagDto> {
    return this.getIn(this.ctx.store.db, id);
  }

  /**
   * Flags I must answer (default), flags I raised, or — for leaders — all; with a case, that case's
   * flags for anyone who may read the case.
   */
  async list(
    actor: Actor,
    q: {
      caseId?: string | undefined;
      for?: 'me' | 'raised' | 'all' | undefined;
      status?: string | undefined;
    },
  ): Promise<PolicyFlagDto[]> {
    const scope = q.caseId ? 'all' : (q.for ?? 'me');
    if (scope === 'all' && !q.caseId && !can(actor.role, 'policy_flags.review'))
      throw new AppError('auth.forbidden', 'Only leaders see every policy flag');
    let query = this.select(this.ctx.store.db).orderBy('f.created_at', 'desc').limit(200);
    if (q.caseId) query = query.where('f.case_id', '=', q.caseId);
    if (scope === 'me') query = query.where('f.authority_id', '=', actor.userId);
    if (scope === 'raised') query = query.where('f.raised_by', '=', actor.userId);
    if (q.status) query = query.where('f.status', '=', q.status);
    const now = nowIso(this.ctx);
    return (await query.execute()).map((r) => this.present(r, now));
  }

  private select(db: Executor) {
    return db
      .selectFrom('policy_flags as f')
      .innerJoin('cases as c', 'c.id', 'f.case_id')
      .innerJoin('users as r', 'r.id', 'f.raised_by')
      .innerJoin('users as a', 'a.id', 'f.authority_id')
      .leftJoin('users as b', 'b.id', 'f.answered_by')
      .selectAll('f')
      .select([
        'c.reference',
        'c.subject',
        'r.display_name as raised_by_name',
        'a.display_name as authority_name',
        'b.display_name as answered_by_name',
      ]);
  }

  private present(
    r: Awaited<ReturnType<ReturnType<PolicyFlagsService['select']>['executeTakeFirstOrThrow']>>,
    now: string,
  ): PolicyFlagDto {
    return {
      id: r.id,
      caseId: r.case_id,
      caseReference: r.reference,
      caseSubject: r.subject,
      raisedBy: r.raised_by,
      raisedByName: r.raised_by_name,
      authorityId: r.authority_id,
      authorityName: r.authority_name,
      policy: r.policy,
      customerNeed: r.customer_need,
      evidence: r.evidence,
      status: r.status as PolicyFlagDto['status'],
      answer: r.answer,
      answeredBy: r.answered_by,
      answeredByName: r.answered_by_name ?? null,
      answeredAt: r.answered_at,
      dueAt: r.due_at,
      overdue: r.status === 'open' && r.due_at <= now,
      createdAt: r.created_at,
    };
  }

  private async row(trx: Executor, id: string) {
    const f = await trx.selectFrom('policy_flags').selectAll().where('id', '=', id).executeTakeFirst();
    if (!f) throw notFound('policy_flag.not_found', id);
    return f;
  }

  private async getIn(db: Executor, id: string): Promise<PolicyFlagDto> {
    const r = await this.select(db).where('f.id', '=', id).executeTakeFirst();
    // Whoever may read the case may read its flags (the timeline shows them anyway).
    if (!r) throw notFound('policy_flag.not_found', id);
    return this.present(r, nowIso(this.ctx));
  }

  /** Due and unanswered: remind the authority, urgently, and tell the one who raised it. */
  private async onDue(trx: Executor, t: TimerRow): Promise<void> {
    if (!t.ref_id) return;
    const f = await trx.selectFrom('policy_flags').selectAll().where('id', '=', t.ref_id).executeTakeFirst();
    if (f?.status !== 'open') return;
    const c = await this.cases.row(trx, f.case_id);
    await this.notifications.notifyMany(trx, [
      {
        userIds: [f.authority_id],
        kind: 'policy_flag.overdue',
        caseId: f.case_id,
        title: `Overdue: policy question on ${c.reference} awaits your answer`,
        body: f.policy.slice(0, 200),
        urgent: true,
        email: true,
      },
      {
        userIds: [f.raised_by],
        kind: 'policy_flag.overdue',
        caseId: f.case_id,
        title: `No answer yet to your policy question on ${c.reference}`,
        body: 'The authority has been reminded.',
      },
    ]);
  }
}
