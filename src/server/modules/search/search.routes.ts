import { SearchQuery, SearchResult } from '../../../shared/contracts/search.ts';
import { type App, actorOf } from '../../platform/types.ts';
import type { SearchService } from './search.service.ts';

export function searchRoutes(app: App, s: { search: SearchService }) {
  app.get(
    '/search',
    {
      // Each group is shown only to a role that may read it (cases.read, customers.read, kb.read).
      config: { access: 'authenticated' },
      schema: {
        tags: ['search'],
        description:
          'One search box. A case reference (CS-000123, 000123, 123) names the case in `reference`; words find cases by subject, enquiry, notes and replies (every word must match; highlighted), customers by name, ID number, phone, account or e-mail (masked as in the customer search), and published articles. status, type, from, to and assigneeId narrow the cases.',
        querystring: SearchQuery,
        response: { 200: SearchResult },
      },
    },
    async (req) => s.search.search(actorOf(req), req.query),
  );
}
