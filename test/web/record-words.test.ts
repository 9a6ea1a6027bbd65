import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AuditEntryDto } from '../../src/shared/contracts/audit.ts';
import { type TimelineNames, timelineLines } from '../../src/web/features/cases/event-labels.ts';
import {
  changeWords,
  summaryPairs,
  valueWords,
  whoWords,
} from '../../src/web/features/history/record-words.ts';
import { whenFull } from '../../src/web/ui/format.ts';

/**
 * The records in words (walk-through shots 29 and 70): the History tab said "assignee_id — →
 * 01a23bf6-…" and listed a transfer's itemId and transferId; the audit trail named no officer for a
 * presence set by a leader; the timeline said "Chat ended · Automatic" for the customer's own end,
 * "Sms opted out", and "Assigned · Olivia Tan" for a case a transfer had left unowned.
 */
const OLIVIA = '01a23bf6-8cb5-74ac-bbc8-d22fd3356e15';
const TOM = '01a23bf6-8d34-7538-b749-47aee40395eb';
const TEAM = '01a23bf6-8cb3-7164-848a-6ce7544fce15';
const ITEM_BEFORE = '01a23bf7-c2ef-7503-8e96-6ad18d58be48';
const ITEM_AFTER = '01a23bfa-8ea4-7506-8cfb-aa43c263d97d';
const TRANSFER = '01a23bfa-8ea5-7522-95f9-3971ba612078';

const entry = (over: Partial<AuditEntryDto>): AuditEntryDto => ({
  id: '01a23bfa-0000-7000-8000-000000000001',
  at: '2026-12-03T12:56:45.990Z',
  actor: { id: OLIVIA, displayName: 'Olivia Tan' },
  action: 'case.updated',
  entityType: 'case',
  entityId: '01a23bfa-0000-7000-8000-0000000000ca',
  before: null,
  after: null,
  changes: null,
  masked: false,
  names: {},
  ...over,
});

describe('the History tab and the audit trail in words', () => {
  test('a change of owner names the field and the people, not the column and the ids', () => {
    const lines = changeWords(
      entry({
        changes: [{ field: 'assignee_id', before: null, after: TOM }],
        names: { [TOM]: 'Tom Lim' },
      }),
    );
    assert.deepEqual(
      lines.map((l) => `${l.label}: ${l.before} → ${l.after}`),
      ['Owner: — → Tom Lim'],
    );
  });

  test('a transfer: the owner by name; the internal ids and the names stored beside them left out', () => {
    const lines = changeWords(
      entry({
        action: 'routing.transferred',
        changes: [
          { field: 'assigneeId', before: OLIVIA, after: null },
          { field: 'itemId', before: ITEM_BEFORE, after: ITEM_AFTER },
          { field: 'transferId', before: null, after: TRANSFER },
          { field: 'channel', before: null, after: 'chat' },
          { field: 'toUserId', before: null, after: TOM },
          { field: 'toName', before: null, after: 'Tom Lim' },
          { field: 'note', before: null, after: 'Roaming pass; sent terms.' },
        ],
        names: { [OLIVIA]: 'Olivia Tan', [TOM]: 'Tom Lim', [TEAM]: 'Hotline Team A' },
      }),
    );
    assert.deepEqual(
      lines.map((l) => `${l.label}: ${l.before} → ${l.after}`),
      [
        'Owner: Olivia Tan → —',
        'Channel: — → chat',
        'Transferred to: — → Tom Lim',
        'Note: — → Roaming pass; sent terms.',
      ],
    );
  });

  test('presence set by a leader: the state in words; the record is the officer, by name', () => {
    const e = entry({
      action: 'presence.set_by_leader',
      entityType: 'presence',
      entityId: TOM,
      changes: [{ field: 'state', before: 'on_contact', after: 'offline' }],
      names: { [TOM]: 'Tom Lim' },
    });
    assert.deepEqual(
      changeWords(e).map((l) => `${l.label}: ${l.before} → ${l.after}`),
      ['State: On a contact → Offline'],
    );
    assert.equal(e.names[e.entityId], 'Tom Lim');
  });

  test('values: instants in the reader’s time, codes in words, a contact nobody took yet', () => {
    const at = '2026-12-03T12:58:34.858Z';
    assert.equal(valueWords('startedAt', at), whenFull(at));
    assert.equal(valueWords('status', 'pending_customer'), 'pending customer');
    assert.equal(valueWords('officerId', 'system'), '—');
    assert.equal(valueWords('visibility', 'internal'), 'internal note');
    const created = summaryPairs(
      { id: TRANSFER, reference: 'CS-000503', type: 'general_enquiry', categoryId: null, teamId: TEAM },
      { [TEAM]: 'Hotline Team A' },
    );
    assert.deepEqual(
      created.map((p) => `${p.label}: ${p.value}`),
      ['Reference: CS-000503', 'Type: general enquiry', 'Category: —', 'Team: Hotline Team A'],
    );
  });

  test('who: a person by name, the customer for what only they do, else automatic', () => {
    assert.equal(whoWords(entry({}))?.text, 'Olivia Tan');
    assert.equal(whoWords(entry({ actor: null, action: 'chat.started' }))?.text, 'The customer');
    assert.equal(whoWords(entry({ actor: null, action: 'message.received' }))?.text, 'The customer');
    assert.equal(whoWords(entry({ actor: null, action: 'case.created' })), null);
  });
});

describe('the case timeline in words', () => {
  const names: TimelineNames = {
    person: (id) => ({ [OLIVIA]: 'Olivia Tan', [TOM]: 'Tom Lim' })[id] ?? 'a colleague',
    team: (id) => (id === TEAM ? 'Hotline Team A' : 'a team'),
    customer: 'Walk Customer',
  };
  const ev = (kind: string, data: Record<string, unknown>, actorId: string | null, at: string) => ({
    id: `${kind} ${at}`,
    at,
    actorId,
    kind,
    data,
  });

  test('a transfer reads as one line: unassigned, transferred to the officer, with its note', () => {
    const lines = timelineLines(
      [
        ev('case.assigned', { changes: { assignee_id: null } }, OLIVIA, '2026-12-03T12:56:45.101Z'),
        ev(
          'routing.transferred',
          {
            toUserId: TOM,
            toName: 'Tom Lim',
            toTeamId: TEAM,
            toTeamName: 'Hotline Team A',
            note: 'Terms sent',
          },
          OLIVIA,
          '2026-12-03T12:56:45.098Z',
        ),
        ev('case.assigned', { changes: { assignee_id: TOM } }, TOM, '2026-12-03T12:57:10.000Z'),
      ],
      names,
    );
    assert.deepEqual(
      lines.map((l) => l.text),
      ['Unassigned (transferred to Tom Lim) — “Terms sent”', 'Assigned to Tom Lim'],
    );
  });

  test('the customer’s own acts name the customer, not "Automatic"', () => {
    const lines = timelineLines(
      [
        ev('chat.started', { widget: 'Shop' }, null, '2026-12-03T12:53:00.000Z'),
        ev('chat.ended', { by: 'customer' }, null, '2026-12-03T12:59:00.000Z'),
        ev('chat.ended', { by: 'officer' }, OLIVIA, '2026-12-03T13:00:00.000Z'),
        ev('sms.opted_out', { keyword: 'STOP' }, null, '2026-12-03T13:01:00.000Z'),
        ev('sms.opted_in', { keyword: 'start' }, null, '2026-12-03T13:02:00.000Z'),
      ],
      names,
    );
    assert.deepEqual(
      lines.map((l) => [l.text, l.by]),
      [
        ['Chat started', 'by the customer (Walk Customer)'],
        ['Chat ended', 'by the customer (Walk Customer)'],
        ['Chat ended', null],
        ['SMS opted out (texted STOP)', 'by the customer (Walk Customer)'],
        ['SMS opted in again (texted START)', 'by the customer (Walk Customer)'],
      ],
    );
  });

  test('an assignment names the owner and the team it moved to; a transfer to a queue names the team', () => {
    const lines = timelineLines(
      [
        ev(
          'case.assigned',
          { changes: { assignee_id: OLIVIA, status: 'open' } },
          OLIVIA,
          '2026-12-03T12:00:00.000Z',
        ),
        ev('case.assigned', { changes: { team_id: TEAM } }, OLIVIA, '2026-12-03T12:10:00.000Z'),
        ev(
          'routing.transferred',
          { toUserId: null, toTeamId: TEAM, note: 'For billing' },
          OLIVIA,
          '2026-12-03T12:20:00.000Z',
        ),
      ],
      names,
    );
    assert.deepEqual(
      lines.map((l) => l.text),
      [
        'Assigned to Olivia Tan',
        'Moved to team Hotline Team A',
        'Transferred to the queue of Hotline Team A — “For billing”',
      ],
    );
  });
});
