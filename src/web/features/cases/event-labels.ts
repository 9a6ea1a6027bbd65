/**
 * What a case timeline event is called on screen. The kinds are the server's stable names
 * (`case.status_changed`, `policy_flag.raised`…); an officer reads words. A kind this list does not
 * know yet is shown humanised rather than hidden.
 */
const LABEL: Record<string, string> = {
  'case.created': 'Case created',
  'case.updated': 'Details changed',
  'case.assigned': 'Assigned',
  'case.status_changed': 'Status changed',
  'case.referred': 'Referred to a department',
  'case.signposted': 'Customer given another contact',
  'case.escalated': 'Escalated',
  'case.merged_into': 'Merged into another case as its duplicate',
  'case.merged_from': 'A duplicate was merged into this case',
  'note.added': 'Internal note',
  'reply.added': 'Reply to the customer',
  'progress_update.sent': 'Progress update sent',
  'commitment.made': 'Follow-up promised',
  'commitment.kept': 'Follow-up kept',
  'commitment.rescheduled': 'Follow-up rescheduled',
  'commitment.cancelled': 'Follow-up cancelled',
  'commitment.overdue': 'Follow-up overdue',
  'sla.breached': 'Service level breached',
  'sla.escalated': 'Escalated (service level)',
  'sla.progress_update_due': 'Progress update due',
  'escalation.acknowledged': 'Escalation acknowledged',
  'escalation.unacknowledged': 'Escalation not acknowledged',
  'solution.proposed': 'Solution proposed',
  'solution.agreed': 'Solution agreed',
  'solution.declined': 'Solution declined',
  'policy_flag.raised': 'Policy question raised',
  'policy_flag.answered': 'Policy question answered',
};

export function eventLabel(kind: string): string {
  const known = LABEL[kind];
  if (known) return known;
  const words = kind.replace(/^case\./, '').replace(/[._]/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** The words after the label: where a status went, or who a referral or signpost named and the number given. */
export function eventDetail(e: { kind: string; data: Record<string, unknown> }): string {
  const d = e.data;
  const text = (v: unknown) => (typeof v === 'string' && v ? v : null);
  if (e.kind === 'case.referred' || e.kind === 'case.signposted') {
    const parts = [
      text(d.partyName),
      text(d.contactNumberGiven) && `number given ${String(d.contactNumberGiven)}`,
    ].filter(Boolean);
    const reason = text(d.reason);
    return `${parts.length ? `: ${parts.join(', ')}` : ''}${reason ? ` — “${reason}”` : ''}`;
  }
  if (e.kind === 'case.merged_into' || e.kind === 'case.merged_from')
    return text(d.reference) ? `: ${String(d.reference)}` : '';
  return text(d.to) ? ` → ${String(d.to).replaceAll('_', ' ')}` : '';
}
