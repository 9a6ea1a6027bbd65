import { type Static, Type } from 'typebox';
import { CASE_STATUSES, CASE_TYPES } from './cases.ts';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';
import { CustomerSearchHit } from './customers.ts';
import { KbSearchHit } from './knowledge.ts';

export const SEARCH_KINDS = ['cases', 'customers', 'articles'] as const;
const Day = Type.String({ format: 'date', description: 'A day (YYYY-MM-DD, UTC), inclusive' });

/** GET /search: one box for cases, customers and articles; the case filters narrow cases only. */
export const SearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    kind: Type.Optional(StringEnum(SEARCH_KINDS, { description: 'One group only; default all three' })),
    status: Type.Optional(
      Type.String({
        pattern: `^(${CASE_STATUSES.join('|')})(,(${CASE_STATUSES.join('|')}))*$`,
        description: `Comma-separated case statuses: ${CASE_STATUSES.join(', ')}`,
      }),
    ),
    type: Type.Optional(StringEnum(CASE_TYPES)),
    from: Type.Optional(Day),
    to: Type.Optional(Day),
    assigneeId: Type.Optional(Uuid),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
  },
  { additionalProperties: false },
);
export type SearchQueryDto = Static<typeof SearchQuery>;

export const CaseSearchHit = Type.Object({
  caseId: Uuid,
  reference: Type.String(),
  subject: Type.String(),
  status: StringEnum(CASE_STATUSES),
  type: StringEnum(CASE_TYPES),
  assigneeId: Nullable(Type.String()),
  customerId: Nullable(Type.String()),
  createdAt: Timestamp,
  subjectHtml: Type.String({ description: 'Escaped, with <mark> around matches' }),
  snippetHtml: Type.String({ description: 'Escaped, with <mark> around matches' }),
  matchedIn: StringEnum(['reference', 'subject', 'enquiry', 'note', 'reply', 'email'] as const),
});

const more = Type.Boolean({ description: 'More match than the items listed' });

export const SearchResult = Type.Object({
  q: Type.String(),
  reference: Nullable(
    Type.String({
      description: 'The case id, when the query is the reference of a case (the desktop opens it)',
    }),
  ),
  cases: Type.Object({
    items: Type.Array(CaseSearchHit),
    total: Type.Integer({
      description: 'Cases matching every word: exact when `exact`, else at least this many',
    }),
    exact: Type.Boolean(),
    more,
    window: Nullable(
      Type.Integer({
        description:
          'Null when the filters were checked on every match; else on this many newest matches only (status or type filters, or an owner or dates keeping more than 200 cases, with words in more than 5,000 cases)',
      }),
    ),
    order: StringEnum(['relevance', 'subject_first', 'newest'] as const, {
      description:
        'relevance: bm25 (SQLite) / ts_rank (PostgreSQL), up to 1,000 matches; past that newest first (a word most cases have). On SQLite, subject_first (every word in the subject first, then newest) when one of several words is in more than 1,000 cases. With filters that keep at most 200 cases (an owner, dates) or a window: newest first.',
    }),
  }),
  customers: Type.Object({ items: Type.Array(CustomerSearchHit), more }),
  articles: Type.Object({ items: Type.Array(KbSearchHit), more }),
});
export type SearchResultDto = Static<typeof SearchResult>;
export type CaseSearchHitDto = Static<typeof CaseSearchHit>;
