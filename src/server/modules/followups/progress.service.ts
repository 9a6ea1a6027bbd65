import type { Static } from 'typebox';
import type { ProgressUpdateDraft } from '../../../shared/contracts/followups.ts';
import { renderTemplate, scanTemplate } from '../../../shared/templating.ts';
import type { Actor } from '../../platform/audit.ts';
import { type Ctx, nowIso } from '../../platform/context.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { MergeData } from '../scripts/merge-data.ts';
import type { EscalationsService } from '../sla/escalations.service.ts';
import type { SlaService } from '../sla/sla.service.ts';

const CHANNEL_FOR: Record<string, Static<typeof ProgressUpdateDraft>['channel']> = {
  email: 'email',
  sms: 'sms',
  letter: 'letter',
  chat: 'chat',
};

/** The progress-update prompt: when the resolution target is close or missed, a draft from the template. */
export class ProgressService {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly escalations: EscalationsService;
  private readonly sla: SlaService;
  private readonly merge: MergeData;
  constructor(
    ctx: Ctx,
    deps: { cases: CasesService; escalations: EscalationsService; sla: SlaService; merge: MergeData },
  ) {
    this.ctx = ctx;
    this.merge = deps.merge;
    this.sla = deps.sla;
    this.cases = deps.cases;
    this.escalations = deps.escalations;
  }

  /**
   * The draft is filled by the one template engine with the same merge data as templates and scripts
   * (dates in the zone of the case's calendar); an unknown placeholder stays as written, as it does
   * in every preview, so the officer sees it before anything is sent.
   */
  async draft(actor: Actor, caseId: string): Promise<Static<typeof ProgressUpdateDraft>> {
    const db = this.ctx.store.db;
    const c = await this.cases.row(db, caseId);
    const [customer, settings] = await Promise.all([
      c.customer_id
        ? db
            .selectFrom('customers')
            .select('preferred_channel')
            .where('id', '=', c.customer_id)
            .executeTakeFirst()
        : Promise.resolve(undefined),
      this.escalations.settings(),
    ]);
    const template = settings.progressUpdateTemplate;
    const values = await this.merge.values(actor, { caseId: c.id }, scanTemplate(template).used);
    const now = nowIso(this.ctx);
    return {
      needed: await this.sla.atRisk(c.id, 'resolution', now),
      resolutionDueAt: c.resolution_due_at,
      channel: CHANNEL_FOR[customer?.preferred_channel ?? ''] ?? 'phone',
      body: renderTemplate(template, values).text,
    };
  }
}
