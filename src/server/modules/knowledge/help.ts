import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../platform/errors.ts';
import type { App } from '../../platform/types.ts';
import { type HelpMessages, helpCatalogue, helpLanguage, helpSpeaks } from './help-messages.ts';
import type { KnowledgeService } from './knowledge.service.ts';

/**
 * The public help centre: published public articles as plain server-rendered pages — no script,
 * no login, quick on any phone, indexable — with a search box. Internal articles and drafts never
 * appear here (the search and the article lookup both filter on the public audience).
 * The words come from help-messages.ts in the reader's language (`?lang=`, else Accept-Language,
 * else English); what the articles say is data, marked `data-i18n-skip` for the pseudo-locale check.
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

/** A catalogue string, HTML-escaped, with its `{{values}}` put in (values are HTML already). */
function fill(template: string, values: Record<string, string> = {}): string {
  return esc(template).replace(/\{\{(\w+)\}\}/g, (all, name: string) => values[name] ?? all);
}

/** What a help request is asked in: its language, its words, and how its links keep an asked `?lang=`. */
interface Lang {
  lang: string;
  m: HelpMessages;
  /** `?lang=…` / `&lang=…` for the links, only when the address chose the language. */
  query: (sep: '?' | '&') => string;
  asked: string | undefined;
}

function language(req: FastifyRequest): Lang {
  const raw = (req.query as { lang?: unknown }).lang;
  const asked = typeof raw === 'string' && raw ? raw.slice(0, 35) : undefined;
  const lang = helpLanguage(asked, req.headers['accept-language']);
  // Links and the search form carry on in a language the address asked for (and the catalogue has).
  const keep = asked && helpSpeaks(asked) ? lang : undefined;
  return {
    lang,
    m: helpCatalogue(lang),
    query: (sep) => (keep ? `${sep}lang=${encodeURIComponent(keep)}` : ''),
    asked: keep,
  };
}

/** An article's kind in words; a kind the catalogue does not know yet in plain words. */
const kindLabel = (m: HelpMessages, kind: string) =>
  Object.hasOwn(m.kind, kind) ? m.kind[kind as keyof HelpMessages['kind']] : kind.replaceAll('_', ' ');

function page(reply: FastifyReply, l: Lang, title: string, body: string, q = '') {
  const { m } = l;
  reply.header(
    'content-security-policy',
    "default-src 'none'; style-src 'unsafe-inline'; img-src https: http:",
  );
  reply.header('x-content-type-options', 'nosniff');
  reply.header('content-language', l.lang);
  reply.header('vary', 'Accept-Language');
  reply.type('text/html; charset=utf-8');
  const keepLang = l.asked ? `\n<input type="hidden" name="lang" value="${esc(l.asked)}">` : '';
  return reply.send(`<!doctype html>
<html lang="${esc(l.lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${fill(m.titleSuffix, { title: esc(title) })}</title><style>${CSS}</style></head>
<body><header><a href="/help${l.query('?')}">${fill(m.home)}</a></header><main>
<form action="/help" method="get" role="search"><label for="q" class="visually-hidden" hidden>${fill(m.searchLabel)}</label>
<input id="q" name="q" type="search" value="${esc(q)}" placeholder="${fill(m.searchPlaceholder)}" aria-label="${fill(m.searchLabel)}">${keepLang}
<button type="submit">${fill(m.search)}</button></form>
${body}
</main></body></html>`);
}

export function helpPages(app: App, kb: KnowledgeService) {
  app.get('/help', { schema: { hide: true } }, async (req, reply) => {
    const l = language(req);
    const { m } = l;
    const q = String((req.query as { q?: unknown }).q ?? '')
      .slice(0, 200)
      .trim();
    if (!q) {
      const top = await kb.publicIndex(50);
      const list = top
        .map(
          (a) =>
            `<li><a href="/help/${esc(a.slug)}${l.query('?')}" data-i18n-skip>${esc(a.title)}</a> <span class="kind">${fill(kindLabel(m, a.kind))}</span></li>`,
        )
        .join('');
      return page(reply, l, m.home, `<h1>${fill(m.welcome)}</h1><ol>${list}</ol>`);
    }
    const { items, corrected } = await kb.find(q, { audience: 'public', limit: 20, prefix: false });
    const fixed = Object.keys(corrected).length
      ? `<p>${fill(m.showingBefore)}<strong data-i18n-skip>${esc(Object.entries(corrected).reduce((s, [a, b]) => s.replace(a, b), q.toLowerCase()))}</strong>${fill(m.showingAfter)}</p>`
      : '';
    const list = items.length
      ? `<ol>${items
          .map(
            (h) =>
              `<li><a href="/help/${esc(h.slug)}${l.query('?')}" data-i18n-skip>${h.titleHtml}</a><p class="snip" data-i18n-skip>${h.snippetHtml}</p></li>`,
          )
          .join('')}</ol>`
      : `<p>${fill(m.noMatch)}</p>`;
    return page(
      reply,
      l,
      m.searchTitle.replace('{{q}}', () => q),
      `<h1>${fill(m.resultsBefore)}<span data-i18n-skip>${esc(q)}</span>${fill(m.resultsAfter)}</h1>${fixed}${list}`,
      q,
    );
  });
  app.get('/help/:slug', { schema: { hide: true } }, async (req, reply) => {
    const l = language(req);
    const { m } = l;
    const slug = String((req.params as { slug: string }).slug);
    try {
      const a = await kb.publicArticle(slug);
      const files = a.attachments.length
        ? `<h2>${fill(m.attachments)}</h2><ul>${a.attachments.map((f) => `<li><a href="/api/v1/public/kb/attachments/${esc(f.id)}" data-i18n-skip>${esc(f.filename)}</a></li>`).join('')}</ul>`
        : '';
      return page(
        reply,
        l,
        a.title,
        `<article><p class="kind">${fill(kindLabel(m, a.kind))}</p><h1 data-i18n-skip>${esc(a.title)}</h1><div data-i18n-skip>${a.bodyHtml}</div>${files}</article>`,
      );
    } catch (err) {
      if (!(err instanceof AppError) || err.status !== 404) throw err;
      reply.code(404);
      return page(reply, l, m.notFoundTitle, `<h1>${fill(m.notFound)}</h1><p>${fill(m.notFoundHint)}</p>`);
    }
  });
}
