import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Candidate,
  DECLINE_COOLDOWN_MS,
  declines,
  pick,
  type RoutableItem,
  strategyOrder,
} from '../../src/server/modules/routing/routing-rules.ts';

/**
 * The three strategies of issue 14, point 2 (longest idle, least busy, round robin), chosen between
 * people who may all take the item: the property test draws them at random and checks only that
 * someone eligible is offered, so here each one's choice is named.
 */
const at = (min: number) => new Date(Date.UTC(2026, 10, 23, 9, min)).toISOString();

function person(
  userId: string,
  o: { since: number; ended?: number; offered?: number; chat: [number, number]; email?: [number, number] },
): Candidate {
  const slots = new Map([['chat', { load: o.chat[0], capacity: o.chat[1] }]]);
  if (o.email) slots.set('email', { load: o.email[0], capacity: o.email[1] });
  return {
    userId,
    teamId: 't',
    state: 'available',
    stateSince: at(o.since),
    languages: new Set(['en']),
    skills: new Map(),
    lastEndedAt: o.ended === undefined ? null : at(o.ended),
    lastOfferedAt: o.offered === undefined ? null : at(o.offered),
    slots,
  };
}

const item: RoutableItem = {
  id: 'i',
  channel: 'chat',
  queueId: 'q',
  priority: 2,
  language: null,
  skills: [],
  declinedBy: new Set(),
  enqueuedAt: at(30),
};

// Ann: available since 09:00, offered work at 09:20, one chat of three.
// Ben: available since 09:10, never offered, two chats of three.
// Cy:  available since 09:05, finished routed work at 09:25, offered at 09:05, none of three.
const ann = person('ann', { since: 0, offered: 20, chat: [1, 3] });
const ben = person('ben', { since: 10, chat: [2, 3] });
const cy = person('cy', { since: 5, ended: 25, offered: 5, chat: [0, 3] });
const everyone = [ann, ben, cy];

describe('routing strategies', () => {
  test('longest idle: the latest of entering the state, finishing work and being offered, earliest wins', () => {
    // Idle since: Ann 09:20, Ben 09:10, Cy 09:25.
    assert.equal(pick('longest_idle', everyone, item, false)?.userId, 'ben');
  });

  test('least busy: the lowest load over capacity, then the longest idle', () => {
    assert.equal(pick('least_busy', everyone, item, false)?.userId, 'cy');
    // Two as busy as each other: the one idle longer.
    const dee = person('dee', { since: 1, chat: [0, 3] });
    assert.equal(pick('least_busy', [...everyone, dee], item, false)?.userId, 'dee');
    // Load counts on every channel: two e-mails held make Cy, idle longer and with no chat, busier
    // (2 of 5) than Ann with one chat (1 of 4).
    const cyMail = person('cy', { since: 0, chat: [0, 3], email: [2, 2] });
    const annMail = person('ann', { since: 5, chat: [1, 3], email: [0, 1] });
    assert.equal(pick('least_busy', [annMail, cyMail], item, false)?.userId, 'ann');
  });

  test('round robin: the least recently offered, never offered first', () => {
    assert.equal(pick('round_robin', everyone, item, false)?.userId, 'ben');
    assert.equal(pick('round_robin', [ann, cy], item, false)?.userId, 'cy');
    assert.ok(strategyOrder('round_robin', cy, ann) < 0);
  });

  test('whatever the strategy, someone who declined the item is asked only when nobody else can', () => {
    const declined = { ...item, declinedBy: new Set(['ben', 'cy']) };
    for (const s of ['longest_idle', 'least_busy', 'round_robin'] as const)
      assert.equal(pick(s, everyone, declined, false)?.userId, 'ann', s);
    assert.equal(pick('round_robin', [ben, cy], declined, false)?.userId, 'ben');
  });

  test('a decline or time-out keeps that officer from the item for the cool-down, whoever else there is', () => {
    const now = Date.parse(at(40));
    const { declinedBy, coolingDown } = declines(
      [
        // Ben declined a minute ago; Cy two minutes ago (over); Ann is the transferring officer (no time).
        { userId: 'ben', at: new Date(now - 60_000).toISOString() },
        { userId: 'cy', at: new Date(now - DECLINE_COOLDOWN_MS).toISOString() },
        'ann',
      ],
      now,
    );
    assert.deepEqual([...declinedBy].sort(), ['ann', 'ben', 'cy']);
    assert.deepEqual([...coolingDown], ['ben']);
    const cooling = { ...item, declinedBy, coolingDown };
    // Ben alone could take it: still nobody, until his cool-down is over.
    for (const s of ['longest_idle', 'least_busy', 'round_robin'] as const) {
      assert.equal(pick(s, [ben], cooling, false), undefined, s);
      assert.equal(pick(s, [ben], cooling, true), undefined, `${s}, relaxed`);
    }
    // Cy's is over: asked, last (after someone who never declined it).
    assert.equal(pick('round_robin', [ben, cy], cooling, false)?.userId, 'cy');
    assert.equal(
      pick('longest_idle', [ben, cy, person('dee', { since: 30, chat: [0, 3] })], cooling, false)?.userId,
      'dee',
    );
  });
});
