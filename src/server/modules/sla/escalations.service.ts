import type { Selectable } from 'kysely';
import type {
  EscalationDto,
  EscalationRuleCreateDto,
  EscalationRuleDto,
  EscalationRulePatchDto,
  PolicyConditionsDto,
  RuleActionsDto,
  SlaSettingsDto,
} from '../../../shared/contracts/sla.ts';
import { prepareTemplate } from '../../../shared/templating.ts';
import { type Actor, audit, diff, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { CasesTable, EscalationRulesTable, EscalationsTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import {
  AppError,
  type FieldError,
  fieldError,
  invalidFields,
  notFound,
  problemAt,
} from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { readSetting, writeSetting } from '../../platform/settings.ts';
import type { TimerRow, Timers } from '../../platform/timers.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { NotificationsService, NotifyInput } from '../notifications/notifications.service.ts';
import type { PeopleService } from '../people/people.service.ts';
import type { ClockKind } from './clocks.ts';
import { conditionProblems, matches } from './policies.service.ts';
import type { ClockDue, RuleDue, RuleSource } from './sla.service.ts';

type RuleRow = Selectable<EscalationRulesTable>;
type EscRow = Selectable<EscalationsTable>;
type CaseRow = Selectable<CasesTable>;

const SETTINGS_KEY = 'sla';
export const DEFAULT_SLA_SETTINGS: SlaSettingsDto = {
  urgentAckMinutes: 15,
  progressUpdateTemplate:
    'Dear {{customer.name}}, this is {{officer.name}} about your case {{case.reference}} ("{{case.subject}}"). We are still working on it and expect to have it resolved by {{case.dueAt}}. We will keep you informed. Thank you for your patience.',
};
const CLOCK_NAME: Record<ClockKind, string> = {
  first_response: 'first response',
  next_update: 'next update',
  resolution: 'resolution',
};
const PRIORITY_RANK: Record<string, number> = { low: 0, normal: 1, high: 2, urgent: 3 };
const ROLE_RANK: Record<string, number> = { team_leader: 1, supervisor: 2, administrator: 3 };
const LEVEL_ROLE = ['', 'team_leader', 'supervisor', 'administrator'] as const;
const MAX_LEVEL = 3;
const CLOSED = new Set(['resolved', 'closed']);

/**
 * What a breach notice announces: one clock of one case missing one due time. The clocks' own
 * notice and a rule acting at or after the breach say the same thing, and each person hears it once;
 * a clock re-planned to a new due time that breaches again is a new breach.
 */
const breachTopic = (caseId: string, clock: ClockKind, dueAt: string) =>
  `sla.breach:${caseId}:${clock}:${new Date(dueAt).toISOString()}`;

const presentRule = (r: RuleRow): EscalationRuleDto => ({
  id: r.id,
  name: r.name,
  position: r.position,
  active: Boolean(r.active),
  clock: r.clock as EscalationRuleDto['clock'],
  offsetMinutes: r.offset_minutes,
  conditions: parseJson<Record<string, string[]>>(r.conditions, {}),
  actions: parseJson<RuleActionsDto>(r.actions, {}),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const presentEscalation = (e: EscRow, c: { reference: string; subject: string }): EscalationDto => ({
  id: e.id,
  caseId: e.case_id,
  caseReference: c.reference,
  caseSubject: c.subject,
  level: e.level,
  targetUserId: e.target_user_id,
  targetRole: e.target_role,
  reason: e.reason,
  urgent: Boolean(e.urgent),
  ruleId: e.rule_id,
  raisedAt: e.raised_at,
  ackDueAt: e.ack_due_at,
  acknowledgedAt: e.acknowledged_at,
  acknowledgedBy: e.acknowledged_by,
  supersededAt: e.superseded_at,
});

/** RuleSource: the active rules that watch a case's clocks and match the case (the clocks read them). */
export const watchingRules: RuleSource = async (trx, facts) => {
  const rows = await trx.selectFrom('escalation_rules').selectAll().where('active', '=', true).execute();
  if (!rows.length) return [];
  const f = await facts();
  return rows
    .map(presentRule)
    .filter((r) => matches(r.conditions as PolicyConditionsDto, f))
    .map((r) => ({ id: r.id, name: r.name, clock: r.clock, offsetMinutes: r.offsetMinutes }));
};

/**
 * Escalation: rules that act before/at/after a clock's breach (notify, reassign up the chain, raise
 * priority), and the urgent path for highly critical cases — the action party is told at once and must
 * acknowledge; silence climbs the chain (team leader → supervisors → administrators).
 */
export class EscalationsService {
  private readonly ctx: Ctx;
  private readonly people: PeopleService;
  private readonly notifications: NotificationsService;
  private readonly timers: Timers;
  private readonly cases: CasesService;

  constructor(
    ctx: Ctx,
    deps: {
      people: PeopleService;
      notifications: NotificationsService;
      timers: Timers;
      cases: CasesService;
    },
  ) {
    this.ctx = ctx;
    this.people = deps.people;
    this.notifications = deps.notifications;
    this.timers = deps.timers;
    this.cases = deps.cases;
    this.timers.on('escalation.ack', (trx, t, now) => this.onAckTimeout(trx, t, now));
  }

  private get db() {
    return this.ctx.store.db;
  }

  // ── settings ────────────────────────────────────────────────────────────────
  settings(trx: Executor = this.db): Promise<SlaSettingsDto> {
    return readSetting(trx, SETTINGS_KEY, DEFAULT_SLA_SETTINGS).then((s) => ({
      ...DEFAULT_SLA_SETTINGS,
      ...s,
    }));
  }

  async saveSettings(actor: Actor, input: SlaSettingsDto): Promise<SlaSettingsDto> {
    // The progress update is text sent to customers: the one template syntax, checked as templates are.
    const t = prepareTemplate(input.progressUpdateTemplate);
    if (t.problems.length)
      throw invalidFields(t.problems.map((p) => problemAt('/body/progressUpdateTemplate', p)));
    const s = { ...input, progressUpdateTemplate: t.text };
    await tx(this.ctx, (trx) =>
      writeSetting(trx, SETTINGS_KEY, s, DEFAULT_SLA_SETTINGS, actor, nowIso(this.ctx)),
    );
    return s;
  }

  // ── rules ───────────────────────────────────────────────────────────────────
  async listRules(): Promise<EscalationRuleDto[]> {
    return (
      await this.db.selectFrom('escalation_rules').selectAll().orderBy('position').orderBy('name').execute()
    ).map(presentRule);
  }

  private async ruleProblems(
    trx: Executor,
    r: Omit<EscalationRuleDto, 'id' | 'createdAt' | 'updatedAt' | 'active'>,
  ) {
    const out: FieldError[] = [];
    const a = r.actions;
    if (!a.notify?.length && !a.reassignTo && !a.raisePriority)
      out.push(
        fieldError(
          '/body/actions',
          'needsAction',
          'a rule needs at least one action: notify, reassignTo or raisePriority',
        ),
      );
    if (a.email && !a.notify?.length)
      out.push(
        fieldError(
          '/body/actions/email',
          'emailNeedsNotify',
          'e-mail goes to whoever is notified: name them in notify',
        ),
      );
    out.push(...(await conditionProblems(trx, r.conditions as PolicyConditionsDto)));
    return out;
  }

  async createRule(actor: Actor, input: EscalationRuleCreateDto): Promise<EscalationRuleDto> {
    const at = nowIso(this.ctx);
    const row: RuleRow = {
      id: newId(),
      name: input.name,
      position: input.position,
      active: true,
      clock: input.clock,
      offset_minutes: input.offsetMinutes,
      conditions: JSON.stringify(input.conditions ?? {}),
      actions: JSON.stringify(input.actions),
      created_at: at,
      updated_at: at,
    };
    return tx(this.ctx, async (trx) => {
      const out = presentRule(row);
      const problems = await this.ruleProblems(trx, out);
      if (problems.length) throw invalidFields(problems);
      if (
        await trx.selectFrom('escalation_rules').select('id').where('name', '=', row.name).executeTakeFirst()
      )
        throw new AppError('escalation_rule.name_taken', row.name, {
          errors: [fieldError('/body/name', 'taken', 'is taken')],
        });
      await trx
        .insertInto('escalation_rules')
        .values(row as never)
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'escalation_rule',
        entityId: row.id,
        action: 'escalation_rule.created',
        after: out,
      });
      return out;
    });
  }

  async updateRule(actor: Actor, id: string, input: EscalationRulePatchDto): Promise<EscalationRuleDto> {
    return tx(this.ctx, async (trx) => {
      const r = await trx.selectFrom('escalation_rules').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) throw notFound('escalation_rule.not_found', id);
      const before = presentRule(r);
      const next: EscalationRuleDto = {
        ...before,
        name: input.name ?? before.name,
        position: input.position ?? before.position,
        active: input.active ?? before.active,
        clock: input.clock ?? before.clock,
        offsetMinutes: input.offsetMinutes ?? before.offsetMinutes,
        conditions: (input.conditions as EscalationRuleDto['conditions']) ?? before.conditions,
        actions: input.actions ?? before.actions,
        updatedAt: nowIso(this.ctx),
      };
      const problems = await this.ruleProblems(trx, next);
      if (problems.length) throw invalidFields(problems);
      if (
        next.name !== before.name &&
        (await trx
          .selectFrom('escalation_rules')
          .select('id')
          .where('name', '=', next.name)
          .executeTakeFirst())
      )
        throw new AppError('escalation_rule.name_taken', next.name, {
          errors: [fieldError('/body/name', 'taken', 'is taken')],
        });
      await trx
        .updateTable('escalation_rules')
        .set({
          name: next.name,
          position: next.position,
          active: next.active,
          clock: next.clock,
          offset_minutes: next.offsetMinutes,
          conditions: JSON.stringify(next.conditions),
          actions: JSON.stringify(next.actions),
          updated_at: next.updatedAt,
        })
        .where('id', '=', id)
        .execute();
      await audit(trx, {
        at: next.updatedAt,
        actor,
        entityType: 'escalation_rule',
        entityId: id,
        action: 'escalation_rule.updated',
        ...diff(before, next),
      });
      return next;
    });
  }

  // ── reactions to the clocks (sla.breached, sla.progress_due, sla.rule_due; wired in app.ts) ──
  /** Timeline event and a notice to the owner (the team leader when unowned), set-based for a batch. */
  async breached(trx: Executor, items: ClockDue[], now: string) {
    const cases = await this.cases.rows(
      trx,
      items.map((i) => i.caseId),
    );
    const found = items.flatMap((i) => {
      const c = cases.get(i.caseId);
      return c ? [{ ...i, c }] : [];
    });
    await this.cases.events(
      trx,
      now,
      SYSTEM_ACTOR,
      found.map(({ caseId, clock, dueAt }) => ({ caseId, kind: 'sla.breached', data: { clock, dueAt } })),
    );
    // Unowned cases go to their team leader.
    const chainOf = this.chainMemo(trx);
    const notices: NotifyInput[] = [];
    for (const { caseId, clock, dueAt, c } of found) {
      notices.push({
        userIds: [c.assignee_id ?? (await chainOf(c)).teamLeaderId],
        kind: 'sla.breached',
        caseId,
        title: `${c.reference}: ${CLOCK_NAME[clock]} target breached`,
        body: `"${c.subject}" missed its target.`,
        // The due time travels as an instant; each reader sees it in their own zone.
        at: dueAt,
        topic: dueAt ? breachTopic(caseId, clock, dueAt) : null,
      });
    }
    await this.notifications.notifyMany(trx, notices);
  }

  async progressDue(trx: Executor, items: ClockDue[], now: string) {
    const cases = await this.cases.rows(
      trx,
      items.map((i) => i.caseId),
    );
    const open = items.flatMap((i) => {
      const c = cases.get(i.caseId);
      return c && !CLOSED.has(c.status) ? [{ ...i, c }] : [];
    });
    await this.cases.events(
      trx,
      now,
      SYSTEM_ACTOR,
      open.map(({ caseId, dueAt }) => ({
        caseId,
        kind: 'sla.progress_update_due',
        data: { resolutionDueAt: dueAt },
      })),
    );
    await this.notifications.notifyMany(
      trx,
      open.map(({ caseId, dueAt, c }) => ({
        userIds: [c.assignee_id],
        kind: 'progress_update_due',
        caseId,
        title: `${c.reference}: send the customer a progress update`,
        body: 'The resolution target is close. Keep the customer informed.',
        at: dueAt,
      })),
    );
  }

  /** Escalation rules that came due on their clocks: notify, reassign, raise priority, record — per batch. */
  async ruleFired(trx: Executor, items: RuleDue[], now: string) {
    const ruleIds = [...new Set(items.map((i) => i.ruleId))];
    const rules = new Map(
      (await trx.selectFrom('escalation_rules').selectAll().where('id', 'in', ruleIds).execute())
        .filter((r) => r.active)
        .map((r) => [r.id, presentRule(r)]),
    );
    const cases = await this.cases.rows(
      trx,
      items.map((i) => i.caseId),
    );
    const chainOf = this.chainMemo(trx);
    // The due time each rule's offset counts from: the notice carries it, and names the breach.
    const dueAts = new Map(
      (
        await trx
          .selectFrom('sla_clocks')
          .select(['case_id', 'kind', 'due_at'])
          .where('case_id', 'in', [...new Set(items.map((i) => i.caseId))])
          .execute()
      ).map((r) => [`${r.case_id}|${r.kind}`, r.due_at]),
    );
    const notices: NotifyInput[] = [];
    const events: { caseId: string; kind: string; data: Record<string, unknown> }[] = [];
    for (const { ruleId, caseId, clock } of items) {
      const rule = rules.get(ruleId);
      const c = cases.get(caseId);
      if (!rule || !c || CLOSED.has(c.status)) continue;
      const chain = await chainOf(c);
      const who = (t: 'assignee' | 'team_leader' | 'supervisor') =>
        t === 'assignee' ? [c.assignee_id] : t === 'team_leader' ? [chain.teamLeaderId] : chain.supervisorIds;
      const a = rule.actions;
      const taken: Record<string, unknown> = {};
      const notified = (a.notify ?? []).flatMap(who).filter((u): u is string => Boolean(u));
      const before = rule.offsetMinutes < 0;
      const dueAt = dueAts.get(`${caseId}|${clock}`) ?? null;
      if (notified.length) {
        notices.push({
          userIds: notified,
          kind: 'sla.escalated',
          caseId,
          title: `${c.reference}: ${CLOCK_NAME[clock]} ${before ? `due in ${-rule.offsetMinutes} min` : 'target breached'}`,
          body: `"${c.subject}" — rule "${rule.name}".`,
          at: dueAt,
          // At or after the breach this says what the breach notice says: once per person.
          topic: !before && dueAt ? breachTopic(caseId, clock, dueAt) : null,
          urgent: c.criticality === 'highly_critical',
          email: a.email ?? false,
        });
        taken.notified = [...new Set(notified)];
      }
      const changes: { assigneeId?: string; priority?: string } = {};
      if (a.reassignTo) {
        const to = a.reassignTo === 'team_leader' ? chain.teamLeaderId : (chain.supervisorIds[0] ?? null);
        if (to && to !== c.assignee_id) changes.assigneeId = to;
      }
      if (a.raisePriority && (PRIORITY_RANK[a.raisePriority] ?? 0) > (PRIORITY_RANK[c.priority] ?? 0))
        changes.priority = a.raisePriority;
      if (changes.assigneeId || changes.priority) {
        // A change goes through the case module (audit, SLA re-plan); the next rule on this case sees it.
        await this.cases.applyAutomatic(trx, caseId, changes, { id: rule.id, name: rule.name });
        cases.set(caseId, await this.cases.row(trx, caseId));
        Object.assign(taken, changes);
      }
      events.push({
        caseId,
        kind: 'sla.escalated',
        data: { rule: { id: rule.id, name: rule.name }, clock, offsetMinutes: rule.offsetMinutes, ...taken },
      });
    }
    await this.notifications.notifyMany(trx, notices);
    await this.cases.events(trx, now, SYSTEM_ACTOR, events);
  }

  /** Team leader and supervisors of a case's team/department, looked up once per batch. */
  private chainMemo(trx: Executor) {
    const chains = new Map<string, ReturnType<PeopleService['escalationChain']>>();
    return (c: CaseRow) => {
      const key = `${c.team_id}|${c.department_id}`;
      let chain = chains.get(key);
      if (!chain) {
        chain = this.people.escalationChain(trx, { teamId: c.team_id, departmentId: c.department_id });
        chains.set(key, chain);
      }
      return chain;
    };
  }

  // ── urgent escalations ─────────────────────────────────────────────────────
  /** Reaction to `case.changed`: a case that becomes highly critical escalates at once. */
  async onCaseChanged(trx: Executor, before: CaseRow | null, after: CaseRow): Promise<void> {
    if (
      after.criticality !== 'highly_critical' ||
      before?.criticality === 'highly_critical' ||
      CLOSED.has(after.status)
    )
      return;
    await this.raise(
      trx,
      after,
      1,
      'Highly critical: log, inform the action party of the urgency, follow up within the deadline',
    );
  }

  private async raise(trx: Executor, c: CaseRow, level: number, reason: string) {
    const now = nowIso(this.ctx);
    const settings = await this.settings(trx);
    const chain = await this.people.escalationChain(trx, {
      teamId: c.team_id,
      departmentId: c.department_id,
    });
    // Each level tells everyone in it; the first of them is named as the one to acknowledge.
    const everyone =
      level === 1
        ? [chain.teamLeaderId ?? chain.supervisorIds[0] ?? null].filter((u): u is string => Boolean(u))
        : level === 2
          ? chain.supervisorIds
          : chain.administratorIds;
    const role = level === 1 && !chain.teamLeaderId ? 'supervisor' : LEVEL_ROLE[level]!;
    const ackDue = new Date(Date.parse(now) + settings.urgentAckMinutes * 60_000).toISOString();
    const e: EscRow = {
      id: newId(),
      case_id: c.id,
      level,
      target_user_id: everyone[0] ?? null,
      target_role: role,
      reason,
      urgent: true,
      rule_id: null,
      raised_at: now,
      ack_due_at: ackDue,
      acknowledged_at: null,
      acknowledged_by: null,
      superseded_at: null,
    };
    await trx
      .insertInto('escalations')
      .values(e as never)
      .execute();
    await this.notifications.notify(trx, {
      userIds: everyone,
      kind: 'escalation.urgent',
      caseId: c.id,
      escalationId: e.id,
      title: `URGENT ${c.reference}: acknowledge within ${settings.urgentAckMinutes} min`,
      body: `"${c.subject}" is highly critical. ${reason}.`,
      urgent: true,
      email: true,
    });
    await this.timers.schedule(trx, {
      kind: 'escalation.ack',
      dueAt: ackDue,
      caseId: c.id,
      refId: e.id,
      payload: { level },
    });
    await this.cases.event(trx, c.id, now, SYSTEM_ACTOR, 'case.escalated', {
      escalationId: e.id,
      level,
      targetUserId: e.target_user_id,
      targetRole: role,
      urgent: true,
      reason,
      ackDueAt: ackDue,
    });
  }

  private async onAckTimeout(trx: Executor, t: TimerRow, now: string) {
    const e = await trx
      .selectFrom('escalations')
      .selectAll()
      .where('id', '=', t.ref_id ?? '')
      .executeTakeFirst();
    if (!e || e.acknowledged_at || e.superseded_at) return;
    const c = await this.cases.row(trx, e.case_id);
    await trx.updateTable('escalations').set({ superseded_at: now }).where('id', '=', e.id).execute();
    if (CLOSED.has(c.status)) return;
    const minutes = Math.round((Date.parse(now) - Date.parse(e.raised_at)) / 60_000);
    if (e.level >= MAX_LEVEL) {
      await this.cases.event(trx, c.id, now, SYSTEM_ACTOR, 'escalation.unacknowledged', {
        escalationId: e.id,
        level: e.level,
        minutes,
      });
      return;
    }
    await this.raise(trx, c, e.level + 1, `Not acknowledged within ${minutes} min at level ${e.level}`);
  }

  async acknowledge(actor: Actor, id: string): Promise<EscalationDto> {
    return tx(this.ctx, async (trx) => {
      const e = await trx.selectFrom('escalations').selectAll().where('id', '=', id).executeTakeFirst();
      if (!e) throw notFound('escalation.not_found', id);
      if (e.acknowledged_at) throw new AppError('escalation.already_acknowledged');
      // The named person, or anyone at or above the level's role, may take it.
      if (e.target_user_id !== actor.userId && (ROLE_RANK[actor.role] ?? 0) < (ROLE_RANK[e.target_role] ?? 0))
        throw new AppError(
          'escalation.not_yours',
          `This escalation is for the ${e.target_role.replace('_', ' ')}`,
        );
      const at = nowIso(this.ctx);
      // Acknowledging answers the whole chain for the case: earlier and later levels alike.
      const open = await trx
        .selectFrom('escalations')
        .selectAll()
        .where('case_id', '=', e.case_id)
        .where('acknowledged_at', 'is', null)
        .execute();
      for (const o of open) {
        await trx
          .updateTable('escalations')
          .set({ acknowledged_at: at, acknowledged_by: actor.userId })
          .where('id', '=', o.id)
          .execute();
        await this.timers.cancel(trx, o.id);
        await this.notifications.readForEscalation(trx, o.id);
      }
      await this.cases.event(trx, e.case_id, at, actor, 'escalation.acknowledged', {
        escalationId: e.id,
        level: e.level,
      });
      await audit(trx, {
        at,
        actor,
        entityType: 'case',
        entityId: e.case_id,
        action: 'escalation.acknowledged',
        after: { escalationId: e.id, level: e.level },
      });
      const c = await this.cases.row(trx, e.case_id);
      return presentEscalation({ ...e, acknowledged_at: at, acknowledged_by: actor.userId }, c);
    });
  }

  async list(
    actor: Actor,
    q: { open?: boolean | undefined; mine?: boolean | undefined; caseId?: string | undefined },
  ): Promise<EscalationDto[]> {
    let query = this.db
      .selectFrom('escalations')
      .innerJoin('cases', 'cases.id', 'escalations.case_id')
      .selectAll('escalations')
      .select(['cases.reference', 'cases.subject'])
      .orderBy('escalations.raised_at', 'desc')
      .orderBy('escalations.id', 'desc')
      .limit(200);
    if (q.open)
      query = query
        .where('escalations.acknowledged_at', 'is', null)
        .where('escalations.superseded_at', 'is', null);
    if (q.mine) query = query.where('escalations.target_user_id', '=', actor.userId);
    if (q.caseId) query = query.where('escalations.case_id', '=', q.caseId);
    return (await query.execute()).map((r) => presentEscalation(r, r));
  }
}
