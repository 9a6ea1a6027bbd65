import { type Static, Type } from 'typebox';
import { Nullable, PageQuery, StringEnum, Timestamp, Uuid } from './common.ts';

export const KB_KINDS = ['faq', 'sop', 'policy', 'product', 'billing', 'troubleshooting'] as const;
export const KB_AUDIENCES = ['internal', 'public'] as const;
/** An article's status is that of its newest version (archived: taken out of use). */
export const KB_STATUSES = ['draft', 'in_review', 'published', 'archived'] as const;
export const KB_VERSION_STATES = ['draft', 'in_review', 'published', 'superseded', 'rejected'] as const;
export const KB_USAGE_ACTIONS = ['viewed', 'linked', 'answered'] as const;

const Slug = Type.String({ minLength: 2, maxLength: 120, pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' });
const Tag = Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' });
const Title = Type.String({ minLength: 3, maxLength: 200, pattern: '\\S' });
const Body = Type.String({ minLength: 1, maxLength: 100_000 });
const ReviewDate = Type.String({ format: 'date', description: 'When the owner must review it (YYYY-MM-DD)' });

const ContentFields = {
  title: Title,
  body: Type.String({ ...Body, description: 'Markdown (raw HTML is shown as text)' }),
  kind: StringEnum(KB_KINDS),
  audience: Type.Optional(StringEnum(KB_AUDIENCES, { default: 'internal' })),
  category: Type.Optional(Nullable(Type.String({ maxLength: 120 }))),
  tags: Type.Optional(Type.Array(Tag, { maxItems: 20, uniqueItems: true })),
  answer: Type.Optional(
    Nullable(
      Type.String({
        maxLength: 2000,
        description: 'The answer an officer inserts in a reply; the first paragraph when empty',
      }),
    ),
  ),
  changeNote: Type.Optional(Type.String({ maxLength: 500 })),
};

export const KbArticleCreate = Type.Object(
  { ...ContentFields, slug: Type.Optional(Slug), reviewAt: Type.Optional(Nullable(ReviewDate)) },
  { additionalProperties: false },
);
export type KbArticleCreateDto = Static<typeof KbArticleCreate>;

export const KbDraftPatch = Type.Object(
  {
    title: Type.Optional(Title),
    body: Type.Optional(Body),
    kind: Type.Optional(StringEnum(KB_KINDS)),
    // No default here: a patch that leaves the audience out must not reset it.
    audience: Type.Optional(StringEnum(KB_AUDIENCES)),
    category: ContentFields.category,
    tags: ContentFields.tags,
    answer: ContentFields.answer,
    changeNote: ContentFields.changeNote,
    reviewAt: Type.Optional(Nullable(ReviewDate)),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type KbDraftPatchDto = Static<typeof KbDraftPatch>;

export const KbPreview = Type.Object({ body: Body }, { additionalProperties: false });
export const KbPreviewResult = Type.Object({ html: Type.String({ description: 'Rendered and sanitised' }) });

export const KbReview = Type.Object(
  { note: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false },
);
export const KbReject = Type.Object(
  { note: Type.String({ minLength: 1, maxLength: 2000, pattern: '\\S' }) },
  { additionalProperties: false },
);

export const KbVersion = Type.Object({
  id: Uuid,
  number: Type.Integer(),
  state: StringEnum(KB_VERSION_STATES),
  kind: StringEnum(KB_KINDS),
  audience: StringEnum(KB_AUDIENCES),
  category: Nullable(Type.String()),
  title: Type.String(),
  body: Type.String(),
  bodyHtml: Type.String({ description: 'Rendered and sanitised' }),
  answer: Type.String({ description: 'What "insert answer" puts in a reply' }),
  tags: Type.Array(Type.String()),
  changeNote: Nullable(Type.String()),
  authorId: Nullable(Uuid),
  authorName: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  submittedAt: Nullable(Timestamp),
  reviewedBy: Nullable(Uuid),
  reviewedByName: Nullable(Type.String()),
  reviewedAt: Nullable(Timestamp),
  reviewNote: Nullable(Type.String()),
  publishedAt: Nullable(Timestamp),
});
export type KbVersionDto = Static<typeof KbVersion>;

export const KbAttachment = Type.Object({
  id: Uuid,
  filename: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  createdAt: Timestamp,
  /** Waiting for its version's approval: shown to writers only, not yet to readers or the public. */
  pending: Type.Optional(Type.Boolean()),
});
export type KbAttachmentDto = Static<typeof KbAttachment>;

export const KbArticle = Type.Object({
  id: Uuid,
  slug: Type.String(),
  status: StringEnum(KB_STATUSES),
  ownerId: Nullable(Uuid),
  ownerName: Nullable(Type.String()),
  reviewAt: Nullable(Type.String()),
  usageCount: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  published: Nullable(KbVersion),
  /** The version being written or reviewed, if any. */
  draft: Nullable(KbVersion),
  attachments: Type.Array(KbAttachment),
});
export type KbArticleDto = Static<typeof KbArticle>;

export const KbArticleSummary = Type.Object({
  id: Uuid,
  slug: Type.String(),
  status: StringEnum(KB_STATUSES),
  title: Type.String(),
  kind: StringEnum(KB_KINDS),
  audience: StringEnum(KB_AUDIENCES),
  tags: Type.Array(Type.String()),
  ownerId: Nullable(Uuid),
  reviewAt: Nullable(Type.String()),
  usageCount: Type.Integer(),
  updatedAt: Timestamp,
});
export type KbArticleSummaryDto = Static<typeof KbArticleSummary>;

export const KbArticleListQuery = Type.Object(
  {
    status: Type.Optional(StringEnum(KB_STATUSES)),
    kind: Type.Optional(StringEnum(KB_KINDS)),
    reviewDue: Type.Optional(Type.Boolean({ description: 'Only articles whose review date has come' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const KbVersionSummary = Type.Object({
  id: Uuid,
  number: Type.Integer(),
  state: StringEnum(KB_VERSION_STATES),
  title: Type.String(),
  authorName: Nullable(Type.String()),
  changeNote: Nullable(Type.String()),
  createdAt: Timestamp,
  reviewedByName: Nullable(Type.String()),
  reviewedAt: Nullable(Timestamp),
  publishedAt: Nullable(Timestamp),
});

export const KbDiffQuery = Type.Object(
  { from: Type.Integer({ minimum: 1 }), to: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);
const DiffPart = Type.Object({ value: Type.String(), added: Type.Boolean(), removed: Type.Boolean() });
export const KbDiff = Type.Object({
  from: Type.Integer(),
  to: Type.Integer(),
  title: Type.Array(DiffPart),
  body: Type.Array(DiffPart),
  fields: Type.Array(Type.Object({ field: Type.String(), from: Type.String(), to: Type.String() })),
});
export type KbDiffDto = Static<typeof KbDiff>;

export const KbSearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 500 }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
    kind: Type.Optional(StringEnum(KB_KINDS)),
    prefix: Type.Optional(
      Type.Boolean({
        default: true,
        description: 'The last word is still being typed: match it as a prefix',
      }),
    ),
  },
  { additionalProperties: false },
);
export const KbSearchHit = Type.Object({
  articleId: Uuid,
  slug: Type.String(),
  title: Type.String(),
  kind: StringEnum(KB_KINDS),
  audience: StringEnum(KB_AUDIENCES),
  titleHtml: Type.String({ description: 'Escaped, with <mark> around matches' }),
  snippetHtml: Type.String({ description: 'Escaped, with <mark> around matches' }),
  answer: Type.String(),
  score: Type.Number(),
  usageCount: Type.Integer(),
  publishedAt: Timestamp,
});
export type KbSearchHitDto = Static<typeof KbSearchHit>;
export const KbSearchResult = Type.Object({
  items: Type.Array(KbSearchHit),
  corrected: Type.Record(Type.String(), Type.String(), { description: 'typed word → searched term' }),
});
export type KbSearchResultDto = Static<typeof KbSearchResult>;

export const KbUsageCreate = Type.Object(
  {
    action: StringEnum(KB_USAGE_ACTIONS),
    caseId: Type.Optional(Uuid),
    contactId: Type.Optional(Uuid),
  },
  { additionalProperties: false },
);
export const KbUsageResult = Type.Object({ usageCount: Type.Integer() });

export const KbUsageReportRow = Type.Object({
  articleId: Uuid,
  title: Type.String(),
  uses: Type.Integer(),
  cases: Type.Integer({ description: 'Distinct cases it was used on' }),
  resolvedCases: Type.Integer({ description: 'Of those, cases now resolved or closed' }),
});

export const KbSynonyms = Type.Object(
  {
    groups: Type.Array(
      Type.Array(Type.String({ minLength: 1, maxLength: 60, pattern: '\\S' }), {
        minItems: 2,
        maxItems: 20,
      }),
      { maxItems: 500 },
    ),
  },
  { additionalProperties: false },
);
export type KbSynonymsDto = Static<typeof KbSynonyms>;

export const KbAttachmentCreate = Type.Object(
  {
    filename: Type.String({ minLength: 1, maxLength: 200, pattern: '^[^/\\\\\\x00-\\x1f]+$' }),
    contentType: Type.String({ minLength: 3, maxLength: 100, pattern: '^[\\w.+-]+/[\\w.+-]+$' }),
    dataBase64: Type.String({ minLength: 1, maxLength: 7_000_000, pattern: '^[A-Za-z0-9+/=\\s]+$' }),
  },
  { additionalProperties: false },
);

export const KbImport = Type.Object(
  {
    files: Type.Array(
      Type.Object(
        { name: Type.String({ minLength: 1, maxLength: 300 }), content: Type.String({ maxLength: 200_000 }) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
    publish: Type.Optional(
      Type.Boolean({ default: false, description: 'Publish at once (else each becomes a draft for review)' }),
    ),
  },
  { additionalProperties: false },
);
export type KbImportDto = Static<typeof KbImport>;
export const KbImportReport = Type.Object({
  created: Type.Array(Type.Object({ name: Type.String(), slug: Type.String(), id: Uuid })),
  updated: Type.Array(Type.Object({ name: Type.String(), slug: Type.String(), id: Uuid })),
  skipped: Type.Array(Type.Object({ name: Type.String(), reason: Type.String() })),
});
export type KbImportReportDto = Static<typeof KbImportReport>;
export const KbExport = Type.Object({
  files: Type.Array(Type.Object({ name: Type.String(), content: Type.String() })),
});

export const SlugParams = Type.Object({ slug: Slug }, { additionalProperties: false });
export const PublicSearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 200 }),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, default: 10 })),
  },
  { additionalProperties: false },
);
export const PublicArticle = Type.Object({
  slug: Type.String(),
  title: Type.String(),
  kind: StringEnum(KB_KINDS),
  bodyHtml: Type.String(),
  tags: Type.Array(Type.String()),
  publishedAt: Timestamp,
});
