import { type Selectable, sql } from 'kysely';
import type { Static } from 'typebox';
import type {
  PresenceReasonCreate,
  PresenceReasonDto,
  PresenceReasonPatch,
  PresenceSettingsDto,
} from '../../../shared/contracts/presence.ts';
import { type Actor, audit, diff } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { PresenceReasonsTable } from '../../platform/db/schema.ts';
import { AppError, fieldError, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';
import { readSetting, writeSetting } from '../../platform/settings.ts';

type ReasonRow = Selectable<PresenceReasonsTable>;

export const SETTINGS_KEY = 'presence.settings';
export const DEFAULT_SETTINGS: PresenceSettingsDto = { afterContactWorkSeconds: 120 };

export const presentReason = (r: ReasonRow): PresenceReasonDto => ({
  id: r.id,
  name: r.name,
  active: Boolean(r.active),
  position: r.position,
  version: r.version,
});

/**
 * The administrator's list of break reasons (lunch, training, meeting, coaching…) and the
 * after-contact-work limit. A reason in the history is never deleted: it is renamed or switched off.
 */
export class PresenceReasons {
  private readonly ctx: Ctx;
  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  async list(db: Executor = this.ctx.store.db): Promise<PresenceReasonDto[]> {
    const rows = await db
      .selectFrom('presence_reasons')
      .selectAll()
      .orderBy('position')
      .orderBy('name')
      .execute();
    return rows.map(presentReason);
  }

  async row(db: Executor, id: string): Promise<ReasonRow | undefined> {
    return db.selectFrom('presence_reasons').selectAll().where('id', '=', id).executeTakeFirst();
  }

  private async assertNameFree(trx: Executor, name: string, except?: string): Promise<void> {
    let q = trx
      .selectFrom('presence_reasons')
      .select('id')
      .where(sql<string>`lower(name)`, '=', name.toLowerCase());
    if (except) q = q.where('id', '!=', except);
    if (await q.executeTakeFirst())
      throw new AppError('presence_reason.name_taken', undefined, {
        errors: [fieldError('/body/name', 'taken', 'another reason has this name')],
      });
  }

  async create(actor: Actor, input: Static<typeof PresenceReasonCreate>): Promise<PresenceReasonDto> {
    const name = input.name.trim();
    return tx(this.ctx, async (trx) => {
      await this.assertNameFree(trx, name);
      const at = nowIso(this.ctx);
      const last = await trx
        .selectFrom('presence_reasons')
        .select((eb) => eb.fn.max('position').as('p'))
        .executeTakeFirst();
      const row: ReasonRow = {
        id: newId(),
        name,
        active: true,
        position: input.position ?? Number(last?.p ?? 0) + 1,
        version: 1,
        created_at: at,
        updated_at: at,
      };
      await trx
        .insertInto('presence_reasons')
        .values({ ...row, active: true })
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'presence_reason',
        entityId: row.id,
        action: 'presence_reason.created',
        after: presentReason(row),
      });
      await emit(trx, at, 'presence_reason.changed', { id: row.id, version: 1 });
      return presentReason(row);
    });
  }

  async update(
    actor: Actor,
    id: string,
    input: Static<typeof PresenceReasonPatch>,
    ifMatch: number | undefined,
  ): Promise<PresenceReasonDto> {
    return tx(this.ctx, async (trx) => {
      const before = await this.row(trx, id);
      if (!before) throw notFound('presence_reason.not_found', id);
      if (ifMatch !== undefined && ifMatch !== before.version)
        throw new AppError('request.precondition_failed', `The reason is at version ${before.version}`, {
          extra: { currentVersion: before.version },
        });
      const name = input.name?.trim();
      if (name !== undefined) await this.assertNameFree(trx, name, id);
      const at = nowIso(this.ctx);
      const next: ReasonRow = {
        ...before,
        name: name ?? before.name,
        active: input.active ?? Boolean(before.active),
        position: input.position ?? before.position,
        version: before.version + 1,
        updated_at: at,
      };
      await trx
        .updateTable('presence_reasons')
        .set({
          name: next.name,
          active: Boolean(next.active),
          position: next.position,
          version: next.version,
          updated_at: at,
        })
        .where('id', '=', id)
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'presence_reason',
        entityId: id,
        action: 'presence_reason.updated',
        ...diff(presentReason(before), presentReason(next)),
      });
      await emit(trx, at, 'presence_reason.changed', { id, version: next.version });
      return presentReason(next);
    });
  }

  /** Only a reason nobody ever used goes; one in the history is switched off instead. */
  async remove(actor: Actor, id: string): Promise<void> {
    await tx(this.ctx, async (trx) => {
      const before = await this.row(trx, id);
      if (!before) throw notFound('presence_reason.not_found', id);
      const used = await trx
        .selectFrom('presence_history')
        .select('id')
        .where('reason_id', '=', id)
        .limit(1)
        .executeTakeFirst();
      if (used)
        throw new AppError('presence_reason.in_use', undefined, {
          errors: [fieldError('/params/id', 'inUse', 'the history uses this reason: switch it off instead')],
        });
      const at = nowIso(this.ctx);
      await trx.deleteFrom('presence_reasons').where('id', '=', id).execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'presence_reason',
        entityId: id,
        action: 'presence_reason.deleted',
        before: presentReason(before),
      });
      await emit(trx, at, 'presence_reason.changed', { id });
    });
  }

  settings(db: Executor = this.ctx.store.db): Promise<PresenceSettingsDto> {
    return readSetting(db, SETTINGS_KEY, DEFAULT_SETTINGS);
  }

  async setSettings(actor: Actor, input: PresenceSettingsDto): Promise<PresenceSettingsDto> {
    const value: PresenceSettingsDto = { afterContactWorkSeconds: input.afterContactWorkSeconds };
    await tx(this.ctx, (trx) =>
      writeSetting(trx, SETTINGS_KEY, value, DEFAULT_SETTINGS, actor, nowIso(this.ctx)),
    );
    return value;
  }
}
