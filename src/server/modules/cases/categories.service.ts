import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import type { Category, CategoryCreate, CategoryPatch } from '../../../shared/contracts/cases.ts';
import { type Actor, audit, diff } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { CaseCategoriesTable } from '../../platform/db/schema.ts';
import { AppError, fieldError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';

type Row = Selectable<CaseCategoriesTable>;
type CategoryDto = Static<typeof Category>;

/** Flatten the tree with each node's full path, parents before children, siblings by position. */
export function withPaths(rows: Row[]): CategoryDto[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const pathOf = (r: Row, seen = new Set<string>()): string[] => {
    if (!r.parent_id || seen.has(r.id)) return [r.name];
    seen.add(r.id);
    const parent = byId.get(r.parent_id);
    return parent ? [...pathOf(parent, seen), r.name] : [r.name];
  };
  return rows
    .map((r) => ({
      id: r.id,
      parentId: r.parent_id,
      name: r.name,
      path: pathOf(r).join(' › '),
      active: Boolean(r.active),
      position: r.position,
    }))
    .sort((a, b) => a.path.localeCompare(b.path));
}

/** The administrator-managed category tree for cases. */
export class CategoriesService {
  private readonly ctx: Ctx;
  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  async list(includeInactive = false): Promise<CategoryDto[]> {
    const rows = await this.ctx.store.db.selectFrom('case_categories').selectAll().execute();
    const all = withPaths(rows);
    return includeInactive ? all : all.filter((c) => c.active);
  }

  async create(actor: Actor, input: Static<typeof CategoryCreate>): Promise<CategoryDto> {
    return tx(this.ctx, async (trx) => {
      if (
        input.parentId &&
        !(await trx
          .selectFrom('case_categories')
          .select('id')
          .where('id', '=', input.parentId)
          .executeTakeFirst())
      ) {
        throw new AppError('category.not_found', input.parentId, {
          errors: [fieldError('/body/parentId', 'noSuchCategory', 'no such category')],
        });
      }
      const at = nowIso(this.ctx);
      const row = {
        id: newId(),
        parent_id: input.parentId ?? null,
        name: input.name,
        active: true,
        position: input.position ?? 0,
        created_at: at,
      };
      await trx.insertInto('case_categories').values(row).execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'case_category',
        entityId: row.id,
        action: 'category.created',
        after: row,
      });
      const all = withPaths(await trx.selectFrom('case_categories').selectAll().execute());
      return all.find((c) => c.id === row.id)!;
    });
  }

  async update(actor: Actor, id: string, input: Static<typeof CategoryPatch>): Promise<CategoryDto> {
    return tx(this.ctx, async (trx) => {
      const rows = await trx.selectFrom('case_categories').selectAll().execute();
      const before = rows.find((r) => r.id === id);
      if (!before) throw notFound('category.not_found', id);
      const next: Row = {
        ...before,
        name: input.name ?? before.name,
        parent_id: input.parentId !== undefined ? input.parentId : before.parent_id,
        active: input.active ?? Boolean(before.active),
        position: input.position ?? before.position,
      };
      if (next.parent_id) {
        // Walk up from the new parent: meeting this node would make a cycle.
        const byId = new Map(rows.map((r) => [r.id, r]));
        if (!byId.has(next.parent_id)) {
          throw new AppError('category.not_found', next.parent_id, {
            errors: [fieldError('/body/parentId', 'noSuchCategory', 'no such category')],
          });
        }
        for (let p: string | null = next.parent_id; p; p = byId.get(p)?.parent_id ?? null) {
          if (p === id) {
            throw new AppError('request.invalid', 'A category cannot sit under itself', {
              errors: [fieldError('/body/parentId', 'categoryCycle', 'would make a cycle')],
            });
          }
        }
      }
      await trx
        .updateTable('case_categories')
        .set({ ...next, active: Boolean(next.active) })
        .where('id', '=', id)
        .execute();
      await audit(trx, {
        at: nowIso(this.ctx),
        actor,
        entityType: 'case_category',
        entityId: id,
        action: 'category.updated',
        ...diff(before, next),
      });
      return withPaths(rows.map((r) => (r.id === id ? next : r))).find((c) => c.id === id)!;
    });
  }
}
