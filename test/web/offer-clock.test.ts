import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clockSkew, secondsLeft, secondsSince } from '../../src/web/features/routing/offer-clock.ts';

/**
 * The offer's countdown (issue 14 walk: "31 s to answer" with a 30 s time-out): read on the server's
 * clock, estimated from the answer that carried the offer, and never more than the time-out.
 */
describe('the offer countdown', () => {
  const server = Date.parse('2026-12-03T12:00:00.000Z');
  const offer = {
    offeredAt: new Date(server).toISOString(),
    expiresAt: new Date(server + 30_000).toISOString(),
  };

  test('a client clock behind the server: the server time estimated, the countdown as the server counts it', () => {
    // The client is 1.4 s behind; the request took 200 ms there and back.
    const sent = server - 1_400 - 100;
    const skew = clockSkew(offer.offeredAt, sent, sent + 200);
    assert.equal(skew, 1_400);
    assert.equal(secondsLeft(offer, server - 1_400, skew), 30);
    // Read on the client's own clock it said 32 s.
    assert.equal(secondsLeft(offer, server - 1_400, 0), 30, 'never more than the time-out');
    assert.equal(secondsLeft(offer, server - 1_400 + 10_500, skew), 20);
  });

  test('a client clock ahead: time is not lost, and never below nothing', () => {
    const skew = clockSkew(offer.offeredAt, server + 5_000, server + 5_000);
    assert.equal(skew, -5_000);
    assert.equal(secondsLeft(offer, server + 5_000, skew), 30);
    assert.equal(secondsLeft(offer, server + 5_000, 0), 25, 'the client alone would have lost 5 s');
    assert.equal(secondsLeft(offer, server + 40_000, skew), 0);
  });

  test("the customer's wait on the server's clock, never negative; a missing server time is no skew", () => {
    assert.equal(secondsSince(offer.offeredAt, server - 3_000, 3_000), 0);
    assert.equal(secondsSince(offer.offeredAt, server - 3_000, 0), 0);
    assert.equal(secondsSince(offer.offeredAt, server + 61_900, 0), 61);
    assert.equal(clockSkew('not a time', 1, 2), 0);
  });
});
