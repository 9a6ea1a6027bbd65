import { type Static, Type } from 'typebox';
import { TEMPLATE_KINDS } from '../templating.ts';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';

export { TEMPLATE_KINDS } from '../templating.ts';

const Name = Type.String({ minLength: 2, maxLength: 120, pattern: '\\S' });
const Description = Type.String({ maxLength: 500 });
const Subject = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '\\S',
  description: 'E-mail templates only (required there)',
});
const Body = Type.String({
  minLength: 1,
  maxLength: 10_000,
  pattern: '\\S',
  description: 'Plain text with {{variables}} from GET /template-variables',
});

// ── templates: standard phrases, e-mail and SMS templates ───────────────────────────────────────

export const TemplateCreate = Type.Object(
  {
    kind: StringEnum(TEMPLATE_KINDS),
    name: Name,
    description: Type.Optional(Nullable(Description)),
    subject: Type.Optional(Nullable(Subject)),
    body: Body,
  },
  { additionalProperties: false },
);
export type TemplateCreateDto = Static<typeof TemplateCreate>;

export const TemplatePatch = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Nullable(Description)),
    subject: Type.Optional(Nullable(Subject)),
    body: Type.Optional(Body),
    active: Type.Optional(Type.Boolean({ description: 'false archives it: out of the pickers' })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type TemplatePatchDto = Static<typeof TemplatePatch>;

export const Template = Type.Object({
  id: Uuid,
  kind: StringEnum(TEMPLATE_KINDS),
  name: Type.String(),
  description: Nullable(Type.String()),
  subject: Nullable(Type.String()),
  body: Type.String(),
  variables: Type.Array(Type.String(), { description: 'The variables the subject and body use' }),
  active: Type.Boolean(),
  version: Type.Integer(),
  updatedByName: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type TemplateDto = Static<typeof Template>;

export const TemplateListQuery = Type.Object(
  {
    kind: Type.Optional(StringEnum(TEMPLATE_KINDS)),
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Words in the name' })),
    includeInactive: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

export const TemplateVariable = Type.Object({
  name: Type.String(),
  label: Type.String(),
  description: Type.String(),
  particular: Type.Boolean({ description: 'Masked until the customer is verified on the contact' }),
});

/** Whose data to fill the variables with; all optional (the officer and today are always known). */
const PreviewData = {
  caseId: Type.Optional(Uuid),
  customerId: Type.Optional(Uuid),
  contactId: Type.Optional(
    Type.String({
      format: 'uuid',
      description: 'The contact on which the customer was verified: unmasks their particulars',
    }),
  ),
};

export const TemplatePreviewRequest = Type.Object(PreviewData, { additionalProperties: false });
export type PreviewRequestDto = Static<typeof TemplatePreviewRequest>;

const RenderReport = {
  variables: Type.Array(Type.String(), { description: 'Variables used' }),
  missing: Type.Array(Type.String(), { description: 'Used but without a value: shown as [label]' }),
  masked: Type.Array(Type.String(), { description: 'Used but masked until the customer is verified' }),
};

export const TemplatePreview = Type.Object({
  templateId: Uuid,
  kind: StringEnum(TEMPLATE_KINDS),
  subject: Nullable(Type.String()),
  text: Type.String({ description: 'Plain text (escape it to show as HTML)' }),
  ...RenderReport,
});
export type TemplatePreviewDto = Static<typeof TemplatePreview>;

// ── call scripts: step-by-step guides with branches ──────────────────────────────────────────────

const StepId = Type.String({
  minLength: 1,
  maxLength: 40,
  pattern: '^[a-z0-9][a-z0-9_-]*$',
  description: 'Short id, unique in the script (e.g. "offer-date")',
});

export const ScriptChoice = Type.Object(
  {
    label: Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' }),
    next: StepId,
  },
  { additionalProperties: false },
);

export const ScriptStepInput = Type.Object(
  {
    id: StepId,
    title: Type.String({ minLength: 1, maxLength: 120, pattern: '\\S' }),
    text: Type.String({ minLength: 1, maxLength: 4000, pattern: '\\S' }),
    next: Type.Optional(Nullable(StepId)),
    choices: Type.Optional(Type.Array(ScriptChoice, { minItems: 2, maxItems: 8 })),
  },
  { additionalProperties: false },
);
export type ScriptStepInputDto = Static<typeof ScriptStepInput>;

const Steps = Type.Array(ScriptStepInput, {
  minItems: 1,
  maxItems: 100,
  description:
    'The first step is the start. A step goes on to `next`, or offers `choices`, or (with neither) ends the call script.',
});

export const ScriptCreate = Type.Object(
  { name: Name, description: Type.Optional(Nullable(Description)), steps: Steps },
  { additionalProperties: false },
);
export type ScriptCreateDto = Static<typeof ScriptCreate>;

export const ScriptPatch = Type.Object(
  {
    name: Type.Optional(Name),
    description: Type.Optional(Nullable(Description)),
    steps: Type.Optional(Steps),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ScriptPatchDto = Static<typeof ScriptPatch>;

export const ScriptStep = Type.Object({
  id: Type.String(),
  title: Type.String(),
  text: Type.String(),
  next: Nullable(Type.String()),
  choices: Type.Array(Type.Object({ label: Type.String(), next: Type.String() })),
  end: Type.Boolean({ description: 'Neither next nor choices: the script ends here' }),
});
export type ScriptStepDto = Static<typeof ScriptStep>;

export const Script = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Nullable(Type.String()),
  active: Type.Boolean(),
  version: Type.Integer(),
  steps: Type.Array(ScriptStep),
  variables: Type.Array(Type.String()),
  updatedByName: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type ScriptDto = Static<typeof Script>;

export const ScriptSummary = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Nullable(Type.String()),
  active: Type.Boolean(),
  stepCount: Type.Integer(),
  updatedAt: Timestamp,
});
export type ScriptSummaryDto = Static<typeof ScriptSummary>;

export const ScriptListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100 })),
    includeInactive: Type.Optional(Type.Boolean({ default: false })),
  },
  { additionalProperties: false },
);

export const ScriptPreviewRequest = Type.Object(
  { ...PreviewData, stepId: Type.Optional(StepId) },
  { additionalProperties: false },
);

export const RenderedStep = Type.Object({
  id: Type.String(),
  title: Type.String(),
  text: Type.String(),
  ...RenderReport,
});
export type RenderedStepDto = Static<typeof RenderedStep>;

export const ScriptPreview = Type.Object({
  scriptId: Uuid,
  steps: Type.Array(RenderedStep, { description: 'Every step, or only `stepId`' }),
  ...RenderReport,
});
export type ScriptPreviewDto = Static<typeof ScriptPreview>;
