import type { Selectable } from 'kysely';
import type {
  ScriptDto,
  ScriptStepDto,
  ScriptSummaryDto,
  TemplateDto,
} from '../../../shared/contracts/scripts.ts';
import { scanTemplate, type TemplateKind } from '../../../shared/templating.ts';
import type { CallScriptsTable, TemplatesTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';

/** A stored step: `next` is null when the step branches or ends; `choices` is empty unless it branches. */
export type StoredStep = {
  id: string;
  title: string;
  text: string;
  next: string | null;
  choices: { label: string; next: string }[];
};

const union = (lists: string[][]) => [...new Set(lists.flat())];

export function presentTemplate(t: Selectable<TemplatesTable>, updatedByName: string | null): TemplateDto {
  return {
    id: t.id,
    kind: t.kind as TemplateKind,
    name: t.name,
    description: t.description,
    subject: t.subject,
    body: t.body,
    variables: union([scanTemplate(t.subject ?? '').used, scanTemplate(t.body).used]),
    active: Boolean(t.active),
    version: t.version,
    updatedByName,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
  };
}

export const stepsOf = (s: Pick<Selectable<CallScriptsTable>, 'steps'>): StoredStep[] =>
  parseJson<StoredStep[]>(s.steps, []);

export function presentStep(s: StoredStep): ScriptStepDto {
  return { ...s, end: !s.next && s.choices.length === 0 };
}

export function presentScript(s: Selectable<CallScriptsTable>, updatedByName: string | null): ScriptDto {
  const steps = stepsOf(s);
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    active: Boolean(s.active),
    version: s.version,
    steps: steps.map(presentStep),
    variables: union(steps.map((x) => scanTemplate(x.text).used)),
    updatedByName,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
  };
}

export function presentScriptSummary(s: Selectable<CallScriptsTable>): ScriptSummaryDto {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    active: Boolean(s.active),
    stepCount: stepsOf(s).length,
    updatedAt: s.updated_at,
  };
}

export { union };
