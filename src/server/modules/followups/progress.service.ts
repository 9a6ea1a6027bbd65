import type { Static } from 'typebox';
import type { ProgressUpdateDraft } from '../../../shared/contracts/followups.ts';
import type { Actor } from '../../platform/audit.ts';
import { type Ctx, nowIso } from '../../platform/context.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { EscalationsService } from '../sla/escalations.service.ts';
import type { SlaService } from '../sla/sla.service.ts';

const CHANNEL_FOR: Record<string, Static<typeof ProgressUpdateDraft>['channel']> = {
  email: 'email',
  sms: 'sms',
  letter: 'letter',
  chat: 'chat',
};

/** Fill a template's {variables}; unknown ones are left as written so the officer sees them. */
export function fillTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (all, name: string) => vars[name] ?? all);
}

/** The progress-update prompt: when the resolution target is close or missed, a draft from the template. */
export class ProgressService {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly escalations: EscalationsService;
  private readonly sla: SlaService;
  constructor(ctx: Ctx, deps: { cases: CasesService; escalations: EscalationsService; sla: SlaService }) {
    this.ctx = ctx;
    this.sla = deps.sla;
    this.cases = deps.cases;
    this.escalations = deps.escalations;
  }

  async draft(actor: Actor, caseId: string): Promise<Static<typeof ProgressUpdateDraft>> {
    const db = this.ctx.store.db;
    const c = await this.cases.row(db, caseId);
    const [customer, officer, settings] = await Promise.all([
      c.customer_id
        ? db
            .selectFrom('customers')
            .select(['display_name', 'preferred_channel'])
            .where('id', '=', c.customer_id)
            .executeTakeFirst()
        : Promise.resolve(undefined),
      db
        .selectFrom('users')
        .select('display_name')
        .where('id', '=', c.assignee_id ?? actor.userId)
        .executeTakeFirst(),
      this.escalations.settings(),
    ]);
    const now = nowIso(this.ctx);
    const due = c.resolution_due_at;
    const dueDate = due
      ? new Date(due).toLocaleString('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }) +
        ' UTC'
      : 'as soon as possible';
    return {
      needed: await this.sla.atRisk(c.id, 'resolution', now),
      resolutionDueAt: due,
      channel: CHANNEL_FOR[customer?.preferred_channel ?? ''] ?? 'phone',
      body: fillTemplate(settings.progressUpdateTemplate, {
        customerName: customer?.display_name ?? 'customer',
        caseReference: c.reference,
        officerName: officer?.display_name ?? '',
        dueDate,
        subject: c.subject,
      }),
    };
  }
}
