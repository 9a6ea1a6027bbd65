import { useEffect, useState } from 'react';
import { api } from '../../app/api.ts';
import type { SearchResultDto } from './types.ts';

/** As-you-type wait before asking the server: fast typists should not send a query per key. */
const DEBOUNCE_MS = 250;

/** Knowledge search for a query being typed; null while the query is empty. Stale answers are dropped. */
export function useKbSearch(query: string, limit: number): SearchResultDto | null {
  const [result, setResult] = useState<SearchResultDto | null>(null);
  const q = query.trim().slice(0, 500);
  useEffect(() => {
    if (!q) {
      setResult(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      void api<SearchResultDto>('GET', `/kb/search?limit=${limit}&q=${encodeURIComponent(q)}`).then((r) => {
        if (live) setResult(r);
      });
    }, DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [q, limit]);
  return result;
}
