import type { Selectable } from 'kysely';
import type {
  PreviewRequestDto,
  ScriptCreateDto,
  ScriptDto,
  ScriptPatchDto,
  ScriptPreviewDto,
  ScriptStepInputDto,
  ScriptSummaryDto,
} from '../../../shared/contracts/scripts.ts';
import { renderTemplate } from '../../../shared/templating.ts';
import { type Actor, audit, diff } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { CallScriptsTable } from '../../platform/db/schema.ts';
import { AppError, fieldError, invalid, invalidFields, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { scriptProblems } from './graph.ts';
import type { MergeData } from './merge-data.ts';
import { presentScript, presentScriptSummary, type StoredStep, stepsOf, union } from './scripts.present.ts';
import { nameKey, nameMatches, userOf } from './templates.service.ts';

type Row = Selectable<CallScriptsTable>;

/** Steps as stored: a branching step has no `next`, an end step neither. */
function normalise(steps: ScriptStepInputDto[]): StoredStep[] {
  return steps.map((s) => ({
    id: s.id,
    title: s.title.trim(),
    text: s.text,
    next: s.choices ? null : (s.next ?? null),
    choices: (s.choices ?? []).map((c) => ({ label: c.label.trim(), next: c.next })),
  }));
}

function checked(steps: ScriptStepInputDto[]): StoredStep[] {
  const problems = scriptProblems(steps);
  if (problems.length) throw invalidFields(problems);
  return normalise(steps);
}

/**
 * Call scripts: step-by-step guides with branches (e.g. a payment extension), walked beside the
 * contact flow with each step's text filled from the customer and case on the line. The graph is
 * checked whenever it is saved, so an officer never meets a dead end or an unreachable step.
 */
export class ScriptsService {
  private readonly ctx: Ctx;
  private readonly merge: MergeData;
  constructor(ctx: Ctx, deps: { merge: MergeData }) {
    this.ctx = ctx;
    this.merge = deps.merge;
  }

  private async row(db: Executor, id: string): Promise<Row> {
    const s = await db.selectFrom('call_scripts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!s) throw notFound('script.not_found', id);
    return s;
  }

  private async present(db: Executor, s: Row): Promise<ScriptDto> {
    const by = s.updated_by
      ? await db.selectFrom('users').select('display_name').where('id', '=', s.updated_by).executeTakeFirst()
      : undefined;
    return presentScript(s, by?.display_name ?? null);
  }

  async list(q: {
    q?: string | undefined;
    includeInactive?: boolean | undefined;
  }): Promise<ScriptSummaryDto[]> {
    let query = this.ctx.store.db.selectFrom('call_scripts').selectAll().orderBy('name_key');
    if (!q.includeInactive) query = query.where('active', '=', true);
    return (await query.execute()).filter((s) => nameMatches(s.name_key, q.q)).map(presentScriptSummary);
  }

  async get(id: string): Promise<ScriptDto> {
    const db = this.ctx.store.db;
    return this.present(db, await this.row(db, id));
  }

  private async assertNameFree(trx: Executor, name: string, exceptId: string | null) {
    const other = await trx
      .selectFrom('call_scripts')
      .select('id')
      .where('name_key', '=', nameKey(name))
      .executeTakeFirst();
    if (other && other.id !== exceptId) {
      throw new AppError('script.name_taken', name.trim(), {
        errors: [fieldError('/body/name', 'takenByScript', 'is taken by another call script')],
      });
    }
  }

  async create(actor: Actor, input: ScriptCreateDto): Promise<ScriptDto> {
    const steps = checked(input.steps);
    const at = nowIso(this.ctx);
    const row: Row = {
      id: newId(),
      name: input.name.trim(),
      name_key: nameKey(input.name),
      description: input.description?.trim() || null,
      steps: JSON.stringify(steps),
      active: true,
      version: 1,
      created_by: userOf(actor),
      updated_by: userOf(actor),
      created_at: at,
      updated_at: at,
    };
    return tx(this.ctx, async (trx) => {
      await this.assertNameFree(trx, row.name, null);
      await trx
        .insertInto('call_scripts')
        .values({ ...row, active: true, steps: JSON.stringify(steps) })
        .execute();
      const presented = await this.present(trx, row);
      await audit(trx, {
        at,
        actor,
        entityType: 'call_script',
        entityId: row.id,
        action: 'script.created',
        after: presented,
      });
      return presented;
    });
  }

  async update(actor: Actor, id: string, input: ScriptPatchDto): Promise<ScriptDto> {
    const steps = input.steps ? checked(input.steps) : undefined;
    return tx(this.ctx, async (trx) => {
      const before = await this.row(trx, id);
      const next: Row = {
        ...before,
        name: input.name !== undefined ? input.name.trim() : before.name,
        name_key: input.name !== undefined ? nameKey(input.name) : before.name_key,
        description: input.description !== undefined ? input.description?.trim() || null : before.description,
        steps: steps ? JSON.stringify(steps) : JSON.stringify(stepsOf(before)),
        active: input.active ?? Boolean(before.active),
        version: before.version + 1,
        updated_by: userOf(actor),
        updated_at: nowIso(this.ctx),
      };
      if (input.name !== undefined) await this.assertNameFree(trx, next.name, id);
      await trx
        .updateTable('call_scripts')
        .set({
          name: next.name,
          name_key: next.name_key,
          description: next.description,
          steps: next.steps as string,
          active: Boolean(next.active),
          version: next.version,
          updated_by: next.updated_by,
          updated_at: next.updated_at,
        })
        .where('id', '=', id)
        .execute();
      const [b, a] = [presentScript(before, null), await this.present(trx, next)];
      const changed = diff(
        { name: b.name, description: b.description, steps: b.steps, active: b.active },
        { name: a.name, description: a.description, steps: a.steps, active: a.active },
      );
      await audit(trx, {
        at: next.updated_at,
        actor,
        entityType: 'call_script',
        entityId: id,
        action: 'script.updated',
        ...changed,
      });
      return a;
    });
  }

  /** Every step (or one) with its text filled from the case, customer and officer, as the caller may see them. */
  async preview(
    actor: Actor,
    id: string,
    req: PreviewRequestDto & { stepId?: string | undefined },
  ): Promise<ScriptPreviewDto> {
    const s = await this.row(this.ctx.store.db, id);
    if (!s.active) throw new AppError('script.archived', s.name);
    let steps = stepsOf(s);
    if (req.stepId) {
      steps = steps.filter((x) => x.id === req.stepId);
      if (!steps.length)
        throw invalid('/body/stepId', 'noSuchStepInScript', 'names no step of this call script');
    }
    const { stepId: _, ...data } = req;
    const values = await this.merge.values(actor, data);
    const rendered = steps.map((x) => {
      const r = renderTemplate(x.text, values);
      return {
        id: x.id,
        title: x.title,
        text: r.text,
        variables: r.used,
        missing: r.missing,
        masked: r.masked,
      };
    });
    return {
      scriptId: s.id,
      steps: rendered,
      variables: union(rendered.map((r) => r.variables)),
      missing: union(rendered.map((r) => r.missing)),
      masked: union(rendered.map((r) => r.masked)),
    };
  }
}
