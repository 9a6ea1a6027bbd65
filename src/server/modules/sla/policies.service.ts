import type { Selectable } from 'kysely';
import type {
  PolicyConditionsDto,
  PolicyCreateDto,
  PolicyDto,
  PolicyPatchDto,
} from '../../../shared/contracts/sla.ts';
import { type Actor, audit, diff } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { SlaPoliciesTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { type FieldError, fieldError, invalidFields, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';

type Row = Selectable<SlaPoliciesTable>;

/** What a policy's rules look at. */
export interface CaseFacts {
  type: string;
  categoryId: string | null;
  criticality: string;
  priority: string;
  channel: string | null;
  segment: string | null;
}

function present(r: Row): PolicyDto {
  return {
    id: r.id,
    name: r.name,
    position: r.position,
    active: Boolean(r.active),
    calendarId: r.calendar_id,
    conditions: parseJson<Record<string, string[]>>(r.conditions, {}),
    firstResponseMinutes: r.first_response_minutes,
    nextUpdateMinutes: r.next_update_minutes,
    resolutionMinutes: r.resolution_minutes,
    pauseOn: parseJson<string[]>(r.pause_statuses, ['pending_customer']),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** Pure: the conditions of a rule that do not hold for the case, by name ("types", "priorities"…). */
export function unmetConditions(c: PolicyConditionsDto, f: CaseFacts): (keyof PolicyConditionsDto)[] {
  const holds = (list: readonly string[] | undefined, v: string | null) =>
    !list || (v !== null && list.includes(v));
  const checks: [keyof PolicyConditionsDto, string | null][] = [
    ['types', f.type],
    ['categoryIds', f.categoryId],
    ['criticalities', f.criticality],
    ['priorities', f.priority],
    ['channels', f.channel],
    ['segments', f.segment],
  ];
  return checks.filter(([k, v]) => !holds(c[k], v)).map(([k]) => k);
}

/** Pure: does a policy's every given condition hold for the case? */
export function matches(c: PolicyConditionsDto, f: CaseFacts): boolean {
  return unmetConditions(c, f).length === 0;
}

/** Conditions naming a category that does not exist can never match (policies and escalation rules alike). */
export async function conditionProblems(
  trx: Executor,
  c: { categoryIds?: readonly string[] | undefined },
): Promise<FieldError[]> {
  const ids = c.categoryIds ?? [];
  if (!ids.length) return [];
  const found = await trx.selectFrom('case_categories').select('id').where('id', 'in', ids).execute();
  return found.length === ids.length
    ? []
    : [
        fieldError(
          '/body/conditions/categoryIds',
          'unknownCategories',
          'names a category that does not exist, so the rule can never match',
        ),
      ];
}

/** SLA policies: rules choose one per case; its targets, in business time, give the case's due times. */
export class PoliciesService {
  private readonly ctx: Ctx;
  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  async list(): Promise<PolicyDto[]> {
    const rows = await this.ctx.store.db
      .selectFrom('sla_policies')
      .selectAll()
      .orderBy('position')
      .orderBy('name')
      .execute();
    return rows.map(present);
  }

  /** A rule that names unknown categories, or no target at all, is refused with the field. */
  private async problems(
    trx: Executor,
    p: Omit<PolicyDto, 'id' | 'createdAt' | 'updatedAt' | 'active'>,
  ): Promise<FieldError[]> {
    const out: FieldError[] = [];
    if (
      !(await trx
        .selectFrom('business_calendars')
        .select('id')
        .where('id', '=', p.calendarId)
        .executeTakeFirst())
    ) {
      out.push(fieldError('/body/calendarId', 'noSuchCalendar', 'no such calendar'));
    }
    out.push(...(await conditionProblems(trx, p.conditions)));
    if (p.firstResponseMinutes === null && p.nextUpdateMinutes === null && p.resolutionMinutes === null) {
      out.push(fieldError('/body/resolutionMinutes', 'needsTarget', 'a policy needs at least one target'));
    }
    return out;
  }

  async create(actor: Actor, input: PolicyCreateDto): Promise<PolicyDto> {
    const at = nowIso(this.ctx);
    const row = {
      id: newId(),
      name: input.name,
      position: input.position,
      active: true,
      calendar_id: input.calendarId,
      conditions: JSON.stringify(input.conditions),
      first_response_minutes: input.firstResponseMinutes ?? null,
      next_update_minutes: input.nextUpdateMinutes ?? null,
      resolution_minutes: input.resolutionMinutes ?? null,
      pause_statuses: JSON.stringify(input.pauseOn ?? ['pending_customer']),
      created_at: at,
      updated_at: at,
    };
    return tx(this.ctx, async (trx) => {
      const out = present(row);
      const problems = await this.problems(trx, out);
      if (await trx.selectFrom('sla_policies').select('id').where('name', '=', row.name).executeTakeFirst()) {
        problems.push(fieldError('/body/name', 'taken', 'is taken'));
      }
      if (problems.length) throw invalidFields(problems);
      await trx.insertInto('sla_policies').values(row).execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'sla_policy',
        entityId: row.id,
        action: 'sla_policy.created',
        after: out,
      });
      return out;
    });
  }

  async update(actor: Actor, id: string, input: PolicyPatchDto): Promise<PolicyDto> {
    return tx(this.ctx, async (trx) => {
      const r = await trx.selectFrom('sla_policies').selectAll().where('id', '=', id).executeTakeFirst();
      if (!r) throw notFound('sla_policy.not_found', id);
      const before = present(r);
      const pick = <K extends keyof PolicyPatchDto>(k: K) => input[k] !== undefined;
      const next: PolicyDto = {
        ...before,
        name: input.name ?? before.name,
        position: input.position ?? before.position,
        active: input.active ?? before.active,
        calendarId: input.calendarId ?? before.calendarId,
        conditions: (input.conditions as PolicyDto['conditions']) ?? before.conditions,
        firstResponseMinutes: pick('firstResponseMinutes')
          ? (input.firstResponseMinutes ?? null)
          : before.firstResponseMinutes,
        nextUpdateMinutes: pick('nextUpdateMinutes')
          ? (input.nextUpdateMinutes ?? null)
          : before.nextUpdateMinutes,
        resolutionMinutes: pick('resolutionMinutes')
          ? (input.resolutionMinutes ?? null)
          : before.resolutionMinutes,
        pauseOn: input.pauseOn ?? before.pauseOn,
        updatedAt: nowIso(this.ctx),
      };
      const problems = await this.problems(trx, next);
      if (
        next.name !== before.name &&
        (await trx.selectFrom('sla_policies').select('id').where('name', '=', next.name).executeTakeFirst())
      ) {
        problems.push(fieldError('/body/name', 'taken', 'is taken'));
      }
      if (problems.length) throw invalidFields(problems);
      await trx
        .updateTable('sla_policies')
        .set({
          name: next.name,
          position: next.position,
          active: next.active,
          calendar_id: next.calendarId,
          conditions: JSON.stringify(next.conditions),
          first_response_minutes: next.firstResponseMinutes,
          next_update_minutes: next.nextUpdateMinutes,
          resolution_minutes: next.resolutionMinutes,
          pause_statuses: JSON.stringify(next.pauseOn),
          updated_at: next.updatedAt,
        })
        .where('id', '=', id)
        .execute();
      await audit(trx, {
        at: next.updatedAt,
        actor,
        entityType: 'sla_policy',
        entityId: id,
        action: 'sla_policy.updated',
        ...diff(before, next),
      });
      return next;
    });
  }

  /** The active policies in the order they are tried. */
  async candidates(trx: Executor): Promise<PolicyDto[]> {
    const rows = await trx
      .selectFrom('sla_policies')
      .selectAll()
      .where('active', '=', true)
      .orderBy('position')
      .orderBy('name')
      .execute();
    return rows.map(present);
  }

  /** The first active policy, by position, whose rules hold for the case (null when none does). */
  async choose(trx: Executor, factsOf: () => Promise<CaseFacts>): Promise<PolicyDto | null> {
    const policies = await this.candidates(trx);
    // Gather the case's facts only when some policy could apply.
    if (!policies.length) return null;
    const facts = await factsOf();
    return policies.find((p) => matches(p.conditions as PolicyConditionsDto, facts)) ?? null;
  }

  async get(trx: Executor, id: string): Promise<PolicyDto | null> {
    const r = await trx.selectFrom('sla_policies').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? present(r) : null;
  }
}
