import type { CaseStatus } from '../../../shared/contracts/cases.ts';

/** Statuses a queue shows: the case still needs someone. Resolved and closed cases are history. */
export const OPEN_STATUSES: readonly CaseStatus[] = [
  'new',
  'open',
  'pending_customer',
  'pending_action_party',
];

const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, normal: 2, low: 3 };

/**
 * Stored beside each case so queue order and the open set are plain indexed columns: an index on
 * (scope, is_open, queue_rank, created_at, id) returns a queue page already in order, and a count of
 * the open set reads only open entries — neither grows with the years of closed cases behind them.
 * queue_rank: priority first (urgent 0 … low 3), then highly critical before not.
 */
export function caseDerived(c: { status: string; priority: string; criticality: string }): {
  is_open: 0 | 1;
  queue_rank: number;
} {
  return {
    is_open: (OPEN_STATUSES as readonly string[]).includes(c.status) ? 1 : 0,
    queue_rank: (PRIORITY_RANK[c.priority] ?? 2) * 2 + (c.criticality === 'highly_critical' ? 0 : 1),
  };
}
