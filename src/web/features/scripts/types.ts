// Wire types of templates and call scripts (types only: no runtime import of the schema library).
import type { Static } from 'typebox';
import type {
  RenderedStep,
  Script,
  ScriptSummary,
  Template,
  TemplatePreview,
} from '../../../shared/contracts/scripts.ts';

export type TemplateDto = Static<typeof Template>;
export type TemplatePreviewDto = Static<typeof TemplatePreview>;
export type ScriptDto = Static<typeof Script>;
export type ScriptSummaryDto = Static<typeof ScriptSummary>;
export type RenderedStepDto = Static<typeof RenderedStep>;
/** Whose data fills the variables: the case, the customer, and the contact that verified them. */
export type MergeTarget = { caseId?: string | null; customerId?: string | null; contactId?: string | null };

/** The preview body for a target, leaving out what is not known. */
export function previewBody(t: MergeTarget): Record<string, string> {
  const out: Record<string, string> = {};
  if (t.caseId) out.caseId = t.caseId;
  if (t.customerId) out.customerId = t.customerId;
  if (t.contactId) out.contactId = t.contactId;
  return out;
}
