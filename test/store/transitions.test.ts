import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { allowedActions, transition } from '../../src/server/modules/cases/transitions.ts';
import {
  CASE_ACTIONS,
  CASE_STATUSES,
  type CaseAction,
  type CaseStatus,
} from '../../src/shared/contracts/cases.ts';
import { makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';
import { buildCase } from '../helpers/factories.ts';

// The expected life cycle, written out independently of the implementation's table.
const LEGAL: Record<string, CaseStatus> = {
  'new:open': 'open',
  'new:await_customer': 'pending_customer',
  'new:await_action_party': 'pending_action_party',
  'new:resolve': 'resolved',
  'open:await_customer': 'pending_customer',
  'open:await_action_party': 'pending_action_party',
  'open:resolve': 'resolved',
  'pending_customer:resume': 'open',
  'pending_customer:await_action_party': 'pending_action_party',
  'pending_customer:resolve': 'resolved',
  'pending_action_party:resume': 'open',
  'pending_action_party:await_customer': 'pending_customer',
  'pending_action_party:resolve': 'resolved',
  'resolved:close': 'closed',
  'resolved:reopen': 'open',
  'closed:reopen': 'open',
};

describe('case transition table (pure)', () => {
  test('every status × action pair is legal exactly when the life cycle says so', () => {
    let legal = 0;
    for (const s of CASE_STATUSES) {
      for (const a of CASE_ACTIONS) {
        const r = transition(s, a);
        const want = LEGAL[`${s}:${a}`];
        if (want) {
          legal++;
          assert.deepEqual(r, { ok: true, to: want }, `${s} --${a}-->`);
        } else {
          assert.equal(r.ok, false, `${s} --${a}--> must be refused`);
        }
      }
    }
    assert.equal(legal, Object.keys(LEGAL).length);
  });

  test('allowedActions lists the legal moves only', () => {
    for (const s of CASE_STATUSES) {
      const want = Object.keys(LEGAL)
        .filter((k) => k.startsWith(`${s}:`))
        .map((k) => k.split(':')[1])
        .sort();
      assert.deepEqual([...allowedActions(s)].sort(), want, s);
    }
  });

  test('a closed case can only be reopened', () => {
    assert.deepEqual(allowedActions('closed'), ['reopen']);
  });
});

/** Drive a case to a status through legal moves. */
const PATH: Record<CaseStatus, CaseAction[]> = {
  new: [],
  open: ['open'],
  pending_customer: ['await_customer'],
  pending_action_party: ['await_action_party'],
  resolved: ['resolve'],
  closed: ['resolve', 'close'],
};

for (const dialect of await dialects()) {
  describe(`case transitions over HTTP on ${dialect}`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect);
    });
    after(() => t.close());

    for (const from of CASE_STATUSES) {
      test(`from ${from}: legal moves succeed, illegal ones answer 409 and change nothing`, async () => {
        for (const action of CASE_ACTIONS) {
          // A fresh unassigned case starts as `new`.
          const { case: c } = await buildCase(t, { assigneeId: null });
          assert.equal(c.status, 'new');
          for (const step of PATH[from]) {
            const r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, {
              action: step,
              resolutionSummary: 'Done',
            });
            assert.equal(r.statusCode, 200, `${step}: ${r.body}`);
          }
          const body = {
            action,
            ...(action === 'resolve' ? { resolutionSummary: 'Explained the charge' } : {}),
          };
          const r = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, body);
          const want = LEGAL[`${from}:${action}`];
          if (want) {
            assert.equal(r.statusCode, 200, `${from} --${action}--> ${r.body}`);
            assert.equal(r.data.status, want);
          } else {
            assert.equal(r.statusCode, 409, `${from} --${action}--> should be refused`);
            assert.equal(r.headers['content-type'], 'application/problem+json; charset=utf-8');
            assert.equal(r.data.code, 'case.transition_not_allowed');
            const now = await t.call('officer', 'GET', `/api/v1/cases/${c.id}`);
            assert.equal(now.data.status, from);
          }
        }
      });
    }

    test('resolving needs a summary; the confirmation and times are recorded; reopening clears them', async () => {
      const { case: c } = await buildCase(t);
      const noSummary = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, {
        action: 'resolve',
      });
      assert.equal(noSummary.statusCode, 422);
      assert.equal(noSummary.data.errors[0].field, '/body/resolutionSummary');
      const ok = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, {
        action: 'resolve',
        resolutionSummary: 'Refunded the duplicate roaming charge',
        customerConfirmed: true,
      });
      assert.equal(ok.statusCode, 200);
      assert.equal(ok.data.customerConfirmed, true);
      assert.equal(ok.data.resolvedAt, t.ctx.clock.now().toISOString());
      const reopened = await t.call('officer', 'POST', `/api/v1/cases/${c.id}/transitions`, {
        action: 'reopen',
        reason: 'Charged again',
      });
      assert.equal(reopened.data.status, 'open');
      assert.equal(reopened.data.resolvedAt, null);
      assert.equal(reopened.data.customerConfirmed, null);
      const detail = await t.call('officer', 'GET', `/api/v1/cases/${c.id}`);
      const kinds = detail.data.timeline.map(
        (e: { kind: string; data: { action?: string } }) => `${e.kind}:${e.data.action ?? ''}`,
      );
      assert.deepEqual(kinds, ['case.created:', 'case.status_changed:resolve', 'case.status_changed:reopen']);
    });
  });
}
