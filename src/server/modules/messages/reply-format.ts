import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * What an officer writes to a customer is light Markdown — **bold**, *italic*, lists, links, the
 * composer's toolbar writes it — sent as HTML with the source as the text alternative (Markdown
 * reads as plain text; that is what it was made for). markdown-it has raw HTML off, so tags typed
 * into a reply come out as text, and sanitize-html keeps only what a mail needs: no images (a reply
 * attaches files instead), no headings or tables. Links open in a new window without the opener.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: true });

const ALLOWED = {
  allowedTags: ['p', 'br', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a'],
  allowedAttributes: { a: ['href', 'target', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowProtocolRelative: false,
  transformTags: {
    a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer' }),
  },
} satisfies sanitizeHtml.IOptions;

/** The HTML part of a reply written in light Markdown, with the mailbox's signature (plain text) after it. */
export function replyHtml(body: string, signature: string | null): string {
  const html = sanitizeHtml(md.render(body), ALLOWED);
  if (!signature) return html;
  const sig = sanitizeHtml(md.utils.escapeHtml(signature).replace(/\n/g, '<br>'), ALLOWED);
  return `${html}<p>-- <br>${sig}</p>`;
}
