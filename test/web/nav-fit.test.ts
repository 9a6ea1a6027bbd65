import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linksThatFit } from '../../src/web/app/nav-fit.ts';

/**
 * The top bar's links and "More" (issue 14 walk: a team leader's bar wrapped to two lines at
 * 1280 px). Widths of a team leader's links (px): Contact … Templates & scripts; gap 4.5, More 60.
 */
const LEADER = [66, 82, 65, 80, 83, 78, 150];

test('every link fits: no More', () => {
  assert.equal(linksThatFit(LEADER, 4.5, 60, 700), 7);
  // Exactly the room the links and their gaps take.
  assert.equal(linksThatFit(LEADER, 4.5, 60, 604 + 27), 7);
});

test('one short: More takes a place too, so the last ones move under it', () => {
  // 630 px is a pixel short for all seven; with More (60 px) beside them six fit.
  assert.equal(linksThatFit(LEADER, 4.5, 60, 630), 6);
  // Room for six without More is room for five with it.
  assert.equal(linksThatFit(LEADER, 4.5, 60, 480), 5);
  assert.equal(linksThatFit(LEADER, 4.5, 60, 400), 4);
});

test('no room at all: every link under More', () => {
  assert.equal(linksThatFit(LEADER, 4.5, 60, 50), 0);
  assert.equal(linksThatFit([], 4.5, 60, 0), 0);
});
