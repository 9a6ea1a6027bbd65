import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Article Markdown to HTML that is safe to put in a page: markdown-it with raw HTML off (tags in
 * the source come out as text) and its link validation (no javascript:, vbscript:, file: or
 * non-image data: URLs), then sanitize-html with an allow-list as a second wall, so a gap in
 * either does not become a script in an officer's browser.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'strong',
  'em',
  's',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'img',
];

export function renderMarkdown(source: string): string {
  return sanitizeHtml(md.render(source), {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'target', 'rel'],
      img: ['src', 'alt', 'title'],
      ol: ['start'],
      th: ['style'],
      td: ['style'],
    },
    allowedStyles: {
      th: { 'text-align': [/^(left|right|center)$/] },
      td: { 'text-align': [/^(left|right|center)$/] },
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    transformTags: {
      // Links leave the desktop in a new tab without handing it a window.opener.
      a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer nofollow' }),
    },
    allowedAttributesByTag: undefined,
  } as sanitizeHtml.IOptions);
}

/** The text a reader sees, without markup: for snippets, the suggested answer and the index. */
export function plainText(source: string): string {
  const html = md.render(source);
  return sanitizeHtml(html.replace(/<\/(p|h\d|li|tr|pre|blockquote)>/g, '$&\n'), {
    allowedTags: [],
    allowedAttributes: {},
  })
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n+/g, '\n')
    .trim();
}

/** The answer to insert in a reply: the article's own answer, else its first paragraph. */
export function firstParagraph(source: string): string {
  const text = plainText(source);
  return (text.split('\n').find((l) => l.trim().length > 20) ?? text).trim().slice(0, 1000);
}
