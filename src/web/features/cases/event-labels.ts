import { en } from '../../i18n/en.ts';
import { type Key, t, term } from '../../i18n/index.ts';

/**
 * What a case timeline event is called on screen. The kinds are the server's stable names
 * (`case.status_changed`, `policy_flag.raised`…), named in the catalogue under `cases.events`; an
 * officer reads words. A kind the catalogue does not know yet is shown humanised rather than hidden.
 */
export function eventLabel(kind: string): string {
  const [group, name] = kind.split('.');
  const events: Record<string, Record<string, string> | undefined> = en.cases.events;
  if (group && name && events[group]?.[name]) return t(`cases.events.${kind}` as Key);
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
      text(d.contactNumberGiven) &&
        t('cases.eventDetail.numberGiven', { number: String(d.contactNumberGiven) }),
    ].filter(Boolean);
    const reason = text(d.reason);
    return `${parts.length ? t('cases.eventDetail.parties', { parties: parts.join(', ') }) : ''}${
      reason ? t('cases.eventDetail.reason', { reason }) : ''
    }`;
  }
  if (e.kind === 'routing.transferred') {
    const to = text(d.toName) ?? text(d.toTeamName);
    const note = text(d.note);
    return `${to ? t('cases.eventDetail.to', { to }) : ''}${note ? t('cases.eventDetail.reason', { reason: note }) : ''}`;
  }
  if (e.kind === 'case.merged_into' || e.kind === 'case.merged_from')
    return text(d.reference) ? t('cases.eventDetail.ref', { reference: String(d.reference) }) : '';
  return text(d.to) ? t('cases.eventDetail.to', { to: term('status', String(d.to)) }) : '';
}
