import type { CaseTarget } from '../sla/sla.service.ts';
import type { MailboxRow } from './mailboxes.service.ts';

/**
 * A mailbox's first-response target as a target its new cases carry (issue 13, point 2): the SLA
 * engine applies it where it is tighter than the chosen policy's, in that policy's calendar. No
 * target set (null): the policy's stands.
 */
export function mailboxSlaTargets(mailbox: Pick<MailboxRow, 'address' | 'first_response_minutes'> | null): {
  slaTargets: CaseTarget[];
} {
  const minutes = mailbox?.first_response_minutes ?? null;
  return {
    slaTargets:
      mailbox && minutes !== null
        ? [{ clock: 'first_response', minutes, source: { kind: 'mailbox', name: mailbox.address } }]
        : [],
  };
}
