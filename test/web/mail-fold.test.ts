import assert from 'node:assert/strict';
import { test } from 'node:test';
import { foldQuoted } from '../../src/shared/mail-fold.ts';

test('a reply above a quoted history: the history is folded', () => {
  const r = foldQuoted(
    'Thanks, that fixed it.\n\nOn Mon, 23 Nov 2026 at 09:00, Billing <billing@centre.example> wrote:\n> We refunded it.\n> Regards',
  );
  assert.equal(r.body, 'Thanks, that fixed it.');
  assert.match(r.quoted, /^On Mon/);
});

test('Outlook: the "From: … Sent: …" block and "-----Original Message-----" start the quote', () => {
  assert.equal(
    foldQuoted('Yes please.\n\nFrom: Billing\nSent: Monday\nTo: Ana\nSubject: x\n\nold').body,
    'Yes please.',
  );
  assert.equal(foldQuoted('Fine.\n-----Original Message-----\nFrom: x').body, 'Fine.');
});

test('a signature is folded; a mail with no quote is left whole; a bare quote is shown', () => {
  assert.deepEqual(foldQuoted('Hello\n-- \nAna Lim\n+65 9123 4567'), {
    body: 'Hello',
    quoted: '-- \nAna Lim\n+65 9123 4567',
  });
  assert.deepEqual(foldQuoted('Just one line'), { body: 'Just one line', quoted: '' });
  assert.deepEqual(foldQuoted('> only quoted\n> text'), { body: '> only quoted\n> text', quoted: '' });
  assert.equal(foldQuoted('Answer\n\n> quoted\n> more\n').body, 'Answer');
  // "> " inside the writer's own words, with their text after it, is not a quote to fold.
  assert.equal(foldQuoted('See:\n> this line\nand my answer').body, 'See:\n> this line\nand my answer');
});
