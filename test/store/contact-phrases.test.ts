import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { fixedClock, makeTestApp, type TestApp } from '../helpers/app.ts';
import { dialects } from '../helpers/db.ts';

/**
 * The standard phrases come in two pairs: a call's ("Thank you for calling") and one for a contact
 * in writing — a chat, an e-mail, a text — which is no call (a walk-through's chat was greeted
 * "Thank you for calling. This is Olivia Tan…"). The contact screen picks by the contact's channel.
 */
for (const dialect of await dialects()) {
  describe(`standard phrases on a call and in writing (${dialect})`, () => {
    let t: TestApp;
    before(async () => {
      t = await makeTestApp(dialect, { clock: fixedClock('2026-11-23T09:00:00.000Z') });
    });
    after(() => t.close());

    test('the written pair has its own default, is kept by a write without it, and is checked like the greeting', async () => {
      const got = await t.call('officer', 'GET', '/api/v1/settings/phrases');
      assert.equal(got.statusCode, 200, got.body);
      assert.match(got.data.greeting, /^Thank you for calling\./);
      assert.equal(
        got.data.writtenGreeting,
        'Thank you for contacting us. This is {{officer.name}}. How may I help you?',
      );
      assert.equal(got.data.writtenClosing, 'Thank you for contacting us. Have a good day.');

      const both = await t.call('supervisor', 'PUT', '/api/v1/settings/phrases', {
        greeting: 'Frontline Telecom, {{officer.name}} speaking.',
        closing: 'Thank you for calling Frontline Telecom.',
        writtenGreeting: 'Hello, {officer} here from Frontline Telecom.',
        writtenClosing: 'Thank you for writing to Frontline Telecom.',
      });
      assert.equal(both.statusCode, 200, both.body);
      // The old syntax is stored in the one template syntax, as the greeting's is.
      assert.equal(both.data.writtenGreeting, 'Hello, {{officer.name}} here from Frontline Telecom.');

      // An older desktop writes the call's pair alone: the written pair stays.
      const callOnly = await t.call('supervisor', 'PUT', '/api/v1/settings/phrases', {
        greeting: 'Good morning, {{officer.name}} speaking.',
        closing: 'Goodbye.',
      });
      assert.equal(callOnly.statusCode, 200, callOnly.body);
      const now = await t.call('officer', 'GET', '/api/v1/settings/phrases');
      assert.deepEqual(now.data, {
        greeting: 'Good morning, {{officer.name}} speaking.',
        closing: 'Goodbye.',
        writtenGreeting: 'Hello, {{officer.name}} here from Frontline Telecom.',
        writtenClosing: 'Thank you for writing to Frontline Telecom.',
      });

      // Written before the customer is known: only the officer's name fills it.
      const bad = await t.call('supervisor', 'PUT', '/api/v1/settings/phrases', {
        greeting: 'Hello',
        closing: 'Bye',
        writtenGreeting: 'Dear {{customer.name}}',
      });
      assert.equal(bad.statusCode, 400, bad.body);
      assert.deepEqual(
        bad.data.errors.map((e: { field: string }) => e.field),
        ['/body/writtenGreeting'],
      );
      assert.equal((await t.call('officer', 'GET', '/api/v1/settings/phrases')).data.closing, 'Goodbye.');
    });
  });
}
