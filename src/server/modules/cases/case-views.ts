import { sql } from 'kysely';
import type { CaseViewDto, CaseViewFiltersDto } from '../../../shared/contracts/cases.ts';
import type { Actor } from '../../platform/audit.ts';
import { type Ctx, nowIso } from '../../platform/context.ts';
import type { CaseViewsTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { AppError, fieldError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { filtered } from './case-list.ts';

/** Counts stop here: "1,000 or more" is all a view's tab needs, and the count stays bounded. */
export const VIEW_COUNT_CAP = 1000;
/** Who may share a view with their team. */
const LEADERS = new Set(['team_leader', 'supervisor', 'administrator']);

type Sort = CaseViewDto['sort'];

/**
 * Saved queue views: a person's own, and those a team leader shares with their team. Each is listed
 * with the number of cases it shows now — counted through the same WHERE as the list, stopped at
 * VIEW_COUNT_CAP so that a view over years of history costs no more than one over today's queue.
 */
export class CaseViews {
  private readonly ctx: Ctx;
  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }
  private get db() {
    return this.ctx.store.db;
  }

  private async teamOf(actor: Actor): Promise<string | null> {
    if (actor.teamId !== undefined) return actor.teamId;
    const u = await this.db
      .selectFrom('users')
      .select('team_id')
      .where('id', '=', actor.userId)
      .executeTakeFirst();
    return u?.team_id ?? null;
  }

  async count(filters: CaseViewFiltersDto): Promise<number> {
    const now = nowIso(this.ctx);
    const f = { ...filters, status: filters.status?.split(',') };
    const inner = this.db
      .selectFrom('cases')
      .select(sql<number>`1`.as('one'))
      .where((eb) => filtered(eb, f, now))
      .limit(VIEW_COUNT_CAP);
    const r = await this.db
      .selectFrom(inner.as('v'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  private async present(v: CaseViewsTable): Promise<CaseViewDto> {
    const filters = parseJson<CaseViewFiltersDto>(v.filters, {});
    return {
      id: v.id,
      name: v.name,
      ownerId: v.owner_id,
      teamId: v.team_id,
      filters,
      sort: v.sort as Sort,
      position: v.position,
      count: await this.count(filters),
      countCap: VIEW_COUNT_CAP,
    };
  }

  /** Mine, then my team's shared views, each in its position. */
  async list(actor: Actor): Promise<CaseViewDto[]> {
    const team = await this.teamOf(actor);
    const rows = await this.db
      .selectFrom('case_views')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('owner_id', '=', actor.userId), eb('team_id', 'is', null)]),
          ...(team ? [eb('team_id', '=', team)] : []),
        ]),
      )
      .orderBy('team_id', 'desc')
      .orderBy('position')
      .orderBy('created_at')
      .limit(100)
      .execute();
    return Promise.all(rows.map((r) => this.present(r as CaseViewsTable)));
  }

  async create(
    actor: Actor,
    input: {
      name: string;
      shared?: boolean | undefined;
      filters: CaseViewFiltersDto;
      sort?: Sort | undefined;
    },
  ): Promise<CaseViewDto> {
    let teamId: string | null = null;
    if (input.shared) {
      if (!LEADERS.has(actor.role))
        throw new AppError('auth.forbidden', 'Only team leaders and above share views with a team');
      teamId = await this.teamOf(actor);
      if (!teamId)
        throw new AppError('view.no_team', undefined, {
          errors: [fieldError('/body/shared', 'inNoTeam', 'you are in no team')],
        });
    }
    const at = nowIso(this.ctx);
    const row = {
      id: newId(),
      name: input.name,
      owner_id: actor.userId,
      team_id: teamId,
      filters: JSON.stringify(input.filters),
      sort: input.sort ?? 'queue',
      position: 0,
      created_at: at,
      updated_at: at,
    };
    await this.db.insertInto('case_views').values(row).execute();
    return this.present(row as unknown as CaseViewsTable);
  }

  /** The owner changes their own view; a shared view, also its team's leaders. */
  private async editable(actor: Actor, id: string) {
    const v = await this.db.selectFrom('case_views').selectAll().where('id', '=', id).executeTakeFirst();
    if (!v) throw notFound('view.not_found', id);
    const mine = v.owner_id === actor.userId;
    const leaderOfTeam =
      v.team_id !== null && LEADERS.has(actor.role) && (await this.teamOf(actor)) === v.team_id;
    if (!mine && !leaderOfTeam) throw new AppError('view.not_yours');
    return v;
  }

  async update(
    actor: Actor,
    id: string,
    input: {
      name?: string | undefined;
      filters?: CaseViewFiltersDto | undefined;
      sort?: Sort | undefined;
      position?: number | undefined;
    },
  ): Promise<CaseViewDto> {
    const v = await this.editable(actor, id);
    const next = {
      ...v,
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.filters !== undefined ? { filters: JSON.stringify(input.filters) } : {}),
      ...(input.sort !== undefined ? { sort: input.sort } : {}),
      ...(input.position !== undefined ? { position: input.position } : {}),
      updated_at: nowIso(this.ctx),
    };
    await this.db
      .updateTable('case_views')
      .set({
        name: next.name,
        filters: next.filters as string,
        sort: next.sort,
        position: next.position,
        updated_at: next.updated_at,
      })
      .where('id', '=', id)
      .execute();
    return this.present(next as CaseViewsTable);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.editable(actor, id);
    await this.db.deleteFrom('case_views').where('id', '=', id).execute();
  }
}
