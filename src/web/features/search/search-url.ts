/** What the results page shows, as it travels in the hash: `#/search?q=…&status=…`. */
export interface SearchParams {
  q: string;
  status?: string;
  type?: string;
  from?: string;
  to?: string;
  assigneeId?: string;
}

const KEYS = ['q', 'status', 'type', 'from', 'to', 'assigneeId'] as const;

export function searchHash(p: SearchParams): string {
  const u = new URLSearchParams();
  for (const k of KEYS) if (p[k]) u.set(k, p[k] as string);
  return `/search?${u.toString()}`;
}

export function readSearch(): SearchParams {
  const u = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
  const out: SearchParams = { q: u.get('q') ?? '' };
  for (const k of KEYS) {
    const v = u.get(k);
    if (k !== 'q' && v) out[k] = v;
  }
  return out;
}

/** The same parameters for GET /api/v1/search. */
export function apiQuery(p: SearchParams, limit: number): string {
  const u = new URLSearchParams();
  for (const k of KEYS) if (p[k]) u.set(k, p[k] as string);
  u.set('limit', String(limit));
  return u.toString();
}
