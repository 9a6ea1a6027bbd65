import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { replyHtml } from '../../src/server/modules/messages/reply-format.ts';

describe("a reply's HTML part (light Markdown from the composer's toolbar)", () => {
  test('bold, italic, lists and links become HTML; single line breaks stay breaks', () => {
    const html = replyHtml(
      'Dear Ms Tan,\nthank you.\n\nYour refund is **approved** and *on its way*:\n\n- step one\n- step two\n\n1. first\n2. second\n\nSee [our page](https://example.com/refunds).',
      null,
    );
    assert.match(html, /<p>Dear Ms Tan,<br \/>\s*thank you\.<\/p>/);
    assert.match(html, /<strong>approved<\/strong>/);
    assert.match(html, /<em>on its way<\/em>/);
    assert.match(html, /<ul>\s*<li>step one<\/li>\s*<li>step two<\/li>\s*<\/ul>/);
    assert.match(html, /<ol>\s*<li>first<\/li>/);
    assert.match(
      html,
      /<a href="https:\/\/example\.com\/refunds" target="_blank" rel="noopener noreferrer">our page<\/a>/,
    );
  });

  test('what a reply may not carry comes out as text or not at all', () => {
    const html = replyHtml(
      '<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3)) ![pic](https://evil.example/p.png)\n\n# Heading',
      null,
    );
    // Tags typed into a reply are text; a javascript: link is no link; images and headings are not kept.
    assert.doesNotMatch(html, /<script|<img|<h1|href="javascript/i);
    assert.equal((html.match(/<a /g) ?? []).length, 0);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  test("the mailbox's signature follows as plain text, escaped", () => {
    const html = replyHtml('Hello', 'Billing Support\n<b>Frontline</b> & co');
    assert.match(html, /<p>-- <br>Billing Support<br \/>&lt;b&gt;Frontline&lt;\/b&gt; &amp; co<\/p>$/);
  });
});
