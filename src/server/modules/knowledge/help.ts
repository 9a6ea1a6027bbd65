import type { FastifyReply } from 'fastify';
import { KB_KIND_LABELS } from '../../../shared/contracts/knowledge.ts';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/types.ts';
import type { KnowledgeService } from './knowledge.service.ts';

/**
 * The public help centre: published public articles as plain server-rendered pages — no script,
 * no login, quick on any phone, indexable — with a search box. Internal articles and drafts never
 * appear here (the search and the article lookup both filter on the public audience).
 */
const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const CSS = `body{font:16px/1.55 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1f3b73;color:#fff;padding:1rem 1.25rem}header a{color:#fff;text-decoration:none;font-weight:600}
main{max-width:46rem;margin:0 auto;padding:1.25rem}form{display:flex;gap:.5rem;margin:0 0 1.25rem}
input{flex:1;font:inherit;padding:.55rem .7rem;border:1px solid #8a93a6;border-radius:6px}
button{font:inherit;padding:.55rem 1rem;border:0;border-radius:6px;background:#1f3b73;color:#fff}
ol{padding-left:1.25rem}li{margin:.6rem 0}mark{background:#ffe58a;color:inherit}.kind{color:#4a5468;font-size:.85rem}
article{background:#fff;border:1px solid #d9dde5;border-radius:8px;padding:1rem 1.25rem}
a{color:#1f4fb0}p.snip{margin:.2rem 0 0;color:#333b4d}`;

function page(reply: FastifyReply, title: string, body: string, q = '') {
  reply.header(
    'content-security-policy',
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http:",
  );
  reply.header('x-content-type-options', 'nosniff');
  reply.type('text/html; charset=utf-8');
  return reply.send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)} · Help</title><style>${CSS}</style></head>
<body><header><a href="/help">Help centre</a></header><main>
<form action="/help" method="get" role="search"><label for="q" class="visually-hidden" hidden>Search help</label>
<input id="q" name="q" type="search" value="${esc(q)}" placeholder="Search help, e.g. roaming charges" aria-label="Search help">
<button type="submit">Search</button></form>
${body}
</main></body></html>`);
}

export function helpPages(app: App, kb: KnowledgeService) {
  app.get('/help', { schema: { hide: true } }, async (req, reply) => {
    const q = String((req.query as { q?: unknown }).q ?? '')
      .slice(0, 200)
      .trim();
    if (!q) {
      const top = await kb.publicIndex(50);
      const list = top
        .map(
          (a) =>
            `<li><a href="/help/${esc(a.slug)}">${esc(a.title)}</a> <span class="kind">${esc(KB_KIND_LABELS[a.kind as keyof typeof KB_KIND_LABELS] ?? a.kind)}</span></li>`,
        )
        .join('');
      return page(reply, 'Help centre', `<h1>How can we help?</h1><ol>${list}</ol>`);
    }
    const { items, corrected } = await kb.find(q, { audience: 'public', limit: 20, prefix: false });
    const fixed = Object.keys(corrected).length
      ? `<p>Showing results for <strong>${esc(Object.entries(corrected).reduce((s, [a, b]) => s.replace(a, b), q.toLowerCase()))}</strong>.</p>`
      : '';
    const list = items.length
      ? `<ol>${items
          .map(
            (h) =>
              `<li><a href="/help/${esc(h.slug)}">${h.titleHtml}</a><p class="snip">${h.snippetHtml}</p></li>`,
          )
          .join('')}</ol>`
      : '<p>No article matches. Try other words, or contact us.</p>';
    return page(reply, `Search: ${q}`, `<h1>Results for “${esc(q)}”</h1>${fixed}${list}`, q);
  });
  app.get('/help/:slug', { schema: { hide: true } }, async (req, reply) => {
    const slug = String((req.params as { slug: string }).slug);
    try {
      const a = await kb.publicArticle(slug);
      const files = a.attachments.length
        ? `<h2>Attachments</h2><ul>${a.attachments.map((f) => `<li><a href="/api/v1/public/kb/attachments/${esc(f.id)}">${esc(f.filename)}</a></li>`).join('')}</ul>`
        : '';
      return page(
        reply,
        a.title,
        `<article><p class="kind">${esc(KB_KIND_LABELS[a.kind] ?? a.kind)}</p><h1>${esc(a.title)}</h1>${a.bodyHtml}${files}</article>`,
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 404) throw err;
      reply.code(404);
      return page(reply, 'Not found', '<h1>Article not found</h1><p>It may have moved. Try searching.</p>');
    }
  });
}
