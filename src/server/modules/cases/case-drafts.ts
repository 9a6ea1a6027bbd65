import type { CaseDraftDto } from '../../../shared/contracts/cases.ts';
import type { Actor } from '../../platform/audit.ts';
import { type Ctx, nowIso } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { notFound } from '../../platform/errors.ts';

/**
 * What an officer is writing on a case, kept on the server: a reload, another machine or a crash
 * loses nothing, and nobody else sees it. Saving the note or reply clears it (same transaction).
 */
export class CaseDrafts {
  private readonly ctx: Ctx;
  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  async get(userId: string, caseId: string): Promise<CaseDraftDto | null> {
    const d = await this.ctx.store.db
      .selectFrom('case_drafts')
      .select(['visibility', 'body', 'updated_at'])
      .where('case_id', '=', caseId)
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return d
      ? { visibility: d.visibility as CaseDraftDto['visibility'], body: d.body, updatedAt: d.updated_at }
      : null;
  }

  /** An empty body removes the draft. */
  async save(actor: Actor, caseId: string, input: { visibility: 'internal' | 'public'; body: string }) {
    const db = this.ctx.store.db;
    await db.transaction().execute(async (trx) => {
      const c = await trx.selectFrom('cases').select('id').where('id', '=', caseId).executeTakeFirst();
      if (!c) throw notFound('case.not_found', caseId);
      if (!input.body) return this.clear(trx, actor.userId, caseId);
      const at = nowIso(this.ctx);
      const n = await trx
        .updateTable('case_drafts')
        .set({ visibility: input.visibility, body: input.body, updated_at: at })
        .where('case_id', '=', caseId)
        .where('user_id', '=', actor.userId)
        .executeTakeFirst();
      if (Number(n.numUpdatedRows) === 0)
        await trx
          .insertInto('case_drafts')
          .values({ case_id: caseId, user_id: actor.userId, ...input, updated_at: at })
          .execute();
    });
  }

  async clear(trx: Executor, userId: string, caseId: string): Promise<void> {
    await trx.deleteFrom('case_drafts').where('case_id', '=', caseId).where('user_id', '=', userId).execute();
  }
}
