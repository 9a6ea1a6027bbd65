import type { Static } from 'typebox';
import type { CaseEvent } from '../../../shared/contracts/cases.ts';
import { nameOf, useColleagues, useTeams } from '../../app/use-directory.ts';
import { en } from '../../i18n/en.ts';
import { type Key, t, term } from '../../i18n/index.ts';

type CaseEventDto = Static<typeof CaseEvent>;

/**
 * What a case timeline event is called on screen. The kinds are the server's stable names
 * (`case.status_changed`, `policy_flag.raised`…), named in the catalogue under `cases.events` (and
 * the channels' under `timeline.events`); an officer reads words. A kind the catalogue does not
 * know yet is shown humanised rather than hidden.
 */
export function eventLabel(kind: string, values?: Record<string, string>): string {
  const [group, name] = kind.split('.');
  const events: Record<string, Record<string, string> | undefined> = en.cases.events;
  if (group && name && events[group]?.[name]) return t(`cases.events.${kind}` as Key);
  const channels: Record<string, Record<string, string> | undefined> = en.timeline.events;
  if (group && name && channels[group]?.[name]) return t(`timeline.events.${kind}` as Key, values);
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
    const note = text(d.note);
    return note ? t('cases.eventDetail.reason', { reason: note }) : '';
  }
  if (e.kind === 'case.merged_into' || e.kind === 'case.merged_from')
    return text(d.reference) ? t('cases.eventDetail.ref', { reference: String(d.reference) }) : '';
  return text(d.to) ? t('cases.eventDetail.to', { to: term('status', String(d.to)) }) : '';
}

/** Who and what a timeline line names: colleagues and teams by id, and the case's customer. */
export interface TimelineNames {
  person(id: string): string;
  team(id: string): string;
  /** The case's customer by name; null when the case has none. */
  customer: string | null;
}

/** The names the timeline needs: the colleagues and teams fetched once a page load. */
export function useTimelineNames(customer: string | null): TimelineNames {
  const people = useColleagues();
  const teams = useTeams();
  return {
    person: (id) => nameOf(people, id),
    team: (id) => teams.find((x) => x.id === id)?.name ?? t('timeline.aTeam'),
    customer,
  };
}

/** One line of the timeline: what happened in words, and who did it when that was the customer. */
export interface TimelineLine {
  id: string;
  at: string;
  actorId: string | null;
  text: string;
  /** Said instead of the actor: the customer, who is no colleague (and no "Automatic"). */
  by: string | null;
}

/** "by the customer (name)": said instead of an actor when the customer did it. */
function byTheCustomer(names: Pick<TimelineNames, 'customer'>): string {
  return names.customer ? t('timeline.byCustomer', { name: names.customer }) : t('timeline.byTheCustomer');
}

/**
 * Who a contact line names instead of its officer: the customer, for a text, mail or chat nobody has
 * taken yet (its officer is the system's placeholder) — not "Automatic". Null: name the officer.
 */
export function untakenByCustomer(
  x: { officerId: string | null; direction: string },
  customer: string | null,
): string | null {
  return (x.officerId === null || x.officerId === 'system') && x.direction === 'inbound'
    ? byTheCustomer({ customer })
    : null;
}

/** What only the customer does: their chat, their STOP or START, the message they left. */
function byCustomer(e: CaseEventDto): boolean {
  if (e.kind === 'chat.started' || e.kind === 'chat.message_left') return true;
  if (e.kind === 'sms.opted_out' || e.kind === 'sms.opted_in') return true;
  return e.kind === 'chat.ended' && e.data.by === 'customer';
}

/** How far apart two events of one transaction may be written. */
const MOMENT_MS = 2000;

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

/** "Assigned to Tom Lim", "Unassigned", "Moved to team Hotline B": what an assignment changed. */
function assignedWords(changes: Record<string, unknown>, names: TimelineNames): string | null {
  const parts: string[] = [];
  if ('assignee_id' in changes) {
    const to = str(changes.assignee_id);
    parts.push(to ? t('timeline.assignedTo', { name: names.person(to) }) : t('timeline.unassigned'));
  }
  const team = str(changes.team_id);
  if (team) parts.push(t('timeline.movedToTeam', { team: names.team(team) }));
  return parts.length ? parts.join(' · ') : null;
}

/** Where a transfer sent the case: the officer offered it, else the team's queue. */
function transferWords(d: Record<string, unknown>, unassigned: boolean, names: TimelineNames): string {
  const officer = str(d.toName) ?? (str(d.toUserId) ? names.person(String(d.toUserId)) : null);
  const team = str(d.toTeamName) ?? (str(d.toTeamId) ? names.team(String(d.toTeamId)) : null);
  if (officer)
    return unassigned
      ? t('timeline.unassignedTransferred', { to: officer })
      : t('timeline.transferredTo', { to: officer });
  const queue = team ?? t('timeline.aTeam');
  return unassigned
    ? t('timeline.unassignedTransferredQueue', { team: queue })
    : t('timeline.transferredToQueue', { team: queue });
}

/**
 * The case's events as timeline lines, in words. A transfer's own "unassigned" (the case waits for
 * its next owner, written in the same instant by the same officer) is said with the transfer —
 * "Unassigned (transferred to Tom Lim)" — rather than as "Assigned · Olivia Tan" on a line of its own.
 */
export function timelineLines(events: CaseEventDto[], names: TimelineNames): TimelineLine[] {
  const transfers = events.filter((e) => e.kind === 'routing.transferred');
  // The transfer an unassignment belongs to: by the same person, in the same moment (the two are
  // written in one transaction, a few milliseconds apart).
  const transferOf = (e: CaseEventDto) =>
    transfers.find(
      (x) => x.actorId === e.actorId && Math.abs(Date.parse(x.at) - Date.parse(e.at)) <= MOMENT_MS,
    );
  const folded = new Set<string>();
  const lines: TimelineLine[] = [];
  for (const e of events) {
    const changes = (e.data.changes ?? {}) as Record<string, unknown>;
    const transfer = e.kind === 'case.assigned' && changes.assignee_id === null ? transferOf(e) : undefined;
    if (transfer && Object.keys(changes).every((k) => k === 'assignee_id' || k === 'team_id')) {
      folded.add(transfer.id);
      continue;
    }
    let text: string;
    if (e.kind === 'case.assigned') text = assignedWords(changes, names) ?? eventLabel(e.kind);
    else if (e.kind === 'routing.transferred')
      text = `${transferWords(e.data, false, names)}${eventDetail(e)}`;
    else if (e.kind.startsWith('sms.'))
      text = eventLabel(e.kind, { keyword: str(e.data.keyword)?.toUpperCase() ?? 'STOP' });
    else text = `${eventLabel(e.kind)}${eventDetail(e)}`;
    const rule = str(e.data.ruleName) ?? str((e.data.rule as { name?: unknown } | undefined)?.name);
    if (rule) text += t('cases.eventDetail.rule', { rule });
    const by = byCustomer(e) ? byTheCustomer(names) : null;
    lines.push({ id: e.id, at: e.at, actorId: e.actorId, text, by });
  }
  // The transfers whose unassignment was folded in say so.
  for (const [i, l] of lines.entries()) {
    const e = transfers.find((x) => x.id === l.id);
    if (e && folded.has(e.id))
      lines[i] = { ...l, text: `${transferWords(e.data, true, names)}${eventDetail(e)}` };
  }
  return lines;
}
