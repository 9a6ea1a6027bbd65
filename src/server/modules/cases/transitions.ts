import type { CaseAction, CaseStatus } from '../../../shared/contracts/cases.ts';

/**
 * The case life cycle as data: status → action → next status. Anything not listed is refused.
 * A case must be resolved (with a summary) before it can be closed; reopening sends it back to open.
 */
export const TRANSITIONS: Readonly<Record<CaseStatus, Partial<Record<CaseAction, CaseStatus>>>> = {
  new: {
    open: 'open',
    await_customer: 'pending_customer',
    await_action_party: 'pending_action_party',
    resolve: 'resolved',
  },
  open: {
    await_customer: 'pending_customer',
    await_action_party: 'pending_action_party',
    resolve: 'resolved',
  },
  pending_customer: { resume: 'open', await_action_party: 'pending_action_party', resolve: 'resolved' },
  pending_action_party: { resume: 'open', await_customer: 'pending_customer', resolve: 'resolved' },
  resolved: { close: 'closed', reopen: 'open' },
  closed: { reopen: 'open' },
};

export type TransitionResult =
  | { ok: true; to: CaseStatus }
  | { ok: false; from: CaseStatus; action: CaseAction };

export function transition(from: CaseStatus, action: CaseAction): TransitionResult {
  const to = TRANSITIONS[from]?.[action];
  return to ? { ok: true, to } : { ok: false, from, action };
}

export function allowedActions(from: CaseStatus): CaseAction[] {
  return Object.keys(TRANSITIONS[from] ?? {}) as CaseAction[];
}
