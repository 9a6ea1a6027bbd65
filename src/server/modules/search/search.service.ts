import type { SearchQueryDto, SearchResultDto } from '../../../shared/contracts/search.ts';
import { can } from '../../../shared/permissions.ts';
import type { Actor } from '../../platform/audit.ts';
import { invalid } from '../../platform/errors.ts';
import type { CaseSearch } from '../cases/case-search.ts';
import type { CustomersService } from '../customers/customers.service.ts';
import type { KnowledgeService } from '../knowledge/knowledge.service.ts';

/**
 * The desktop's one search box: cases (reference and words), customers and articles, each through
 * the module that owns them, each only for a role that may read it. Owns no table.
 */
export class SearchService {
  private readonly cases: CaseSearch;
  private readonly customers: CustomersService;
  private readonly knowledge: KnowledgeService;
  constructor(deps: { caseSearch: CaseSearch; customers: CustomersService; knowledge: KnowledgeService }) {
    this.cases = deps.caseSearch;
    this.customers = deps.customers;
    this.knowledge = deps.knowledge;
  }

  async search(actor: Actor, q: SearchQueryDto): Promise<SearchResultDto> {
    const limit = q.limit ?? 10;
    if (q.from && q.to && q.from > q.to)
      throw invalid('/query/to', 'notBefore', 'must not be before from', { other: 'from' });
    const want = (k: 'cases' | 'customers' | 'articles') => !q.kind || q.kind === k;
    const role = actor.role;
    const [cases, customers, articles] = await Promise.all([
      want('cases') && can(role, 'cases.read')
        ? this.cases.search(
            q.q,
            {
              status: q.status?.split(','),
              type: q.type,
              assigneeId: q.assigneeId,
              from: q.from ? `${q.from}T00:00:00.000Z` : undefined,
              to: q.to ? nextDay(q.to) : undefined,
            },
            limit,
          )
        : null,
      want('customers') && can(role, 'customers.read')
        ? this.customers.searchPage(actor, q.q, limit)
        : { items: [], more: false },
      // One more than shown: whether there are more is then known, not guessed.
      want('articles') && can(role, 'kb.read')
        ? this.knowledge.find(q.q, { audience: 'internal', limit: limit + 1, prefix: false })
        : { items: [] },
    ]);
    return {
      q: q.q,
      reference: cases?.reference?.caseId ?? null,
      cases: cases
        ? {
            items: cases.items as SearchResultDto['cases']['items'],
            total: cases.total,
            exact: cases.exact,
            more: !cases.exact || cases.total > cases.items.length,
            window: cases.window,
            order: cases.order,
          }
        : { items: [], total: 0, exact: true, more: false, window: null, order: 'relevance' },
      customers,
      articles: { items: articles.items.slice(0, limit), more: articles.items.length > limit },
    };
  }
}

/** The instant a UTC day ends (the next day's midnight): `to` is inclusive. */
function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString();
}
