// Wire types of the knowledge base and agreed solutions (types only: no runtime import).
import type { Static } from 'typebox';
import type {
  KbArticle,
  KbArticleSummary,
  KbAttachment,
  KbDiff,
  KbSearchHit,
  KbSearchResult,
  KbSynonyms,
  KbVersionSummary,
} from '../../../shared/contracts/knowledge.ts';
import type { Dissemination, PolicyFlag, Reading, Solution } from '../../../shared/contracts/solutions.ts';

export type ArticleDto = Static<typeof KbArticle>;
export type ArticleSummaryDto = Static<typeof KbArticleSummary>;
export type AttachmentDto = Static<typeof KbAttachment>;
export type SynonymsDto = Static<typeof KbSynonyms>;
export type HitDto = Static<typeof KbSearchHit>;
export type SearchResultDto = Static<typeof KbSearchResult>;
export type VersionSummaryDto = Static<typeof KbVersionSummary>;
export type DiffDto = Static<typeof KbDiff>;
export type SolutionDto = Static<typeof Solution>;
export type DisseminationDto = Static<typeof Dissemination>;
export type ReadingDto = Static<typeof Reading>;
export type PolicyFlagDto = Static<typeof PolicyFlag>;

export const KIND_LABELS: Record<string, string> = {
  faq: 'FAQ',
  sop: 'SOP',
  policy: 'Policy',
  product: 'Product / service',
  billing: 'Billing procedure',
  troubleshooting: 'Troubleshooting',
};
