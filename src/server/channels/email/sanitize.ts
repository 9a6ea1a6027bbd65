import sanitizeHtml from 'sanitize-html';

/**
 * HTML from outside, made safe to show in an officer's browser: an allow-list of formatting tags
 * and attributes (no script, style element, form, iframe, object, event handler, javascript: or
 * CSS url()), links that open in a new tab without an opener, and images only from the message
 * itself (`cid:`) or inline `data:` images. An image on another server is a tracking pixel or a
 * way to tell the sender the mail was read: it is kept as `data-remote-src` (not loaded) and the
 * message says it had some, so the officer can choose to load them.
 */
const ALLOWED_TAGS = [
  'a',
  'abbr',
  'b',
  'blockquote',
  'br',
  'caption',
  'center',
  'code',
  'col',
  'colgroup',
  'dd',
  'del',
  'div',
  'dl',
  'dt',
  'em',
  'font',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'i',
  'img',
  'ins',
  'li',
  'ol',
  'p',
  'pre',
  's',
  'small',
  'span',
  'strike',
  'strong',
  'sub',
  'sup',
  'table',
  'tbody',
  'td',
  'tfoot',
  'th',
  'thead',
  'tr',
  'u',
  'ul',
];

const COLOR = [/^#[0-9a-f]{3,8}$/i, /^rgba?\([\d\s.,%]+\)$/i, /^[a-z]{3,20}$/i];
const LENGTH = [/^-?\d+(\.\d+)?(px|em|rem|%|pt)?$/];
const STYLES: Record<string, RegExp[]> = {
  color: COLOR,
  'background-color': COLOR,
  'text-align': [/^(left|right|center|justify)$/],
  'font-weight': [/^(normal|bold|bolder|lighter|\d{3})$/],
  'font-style': [/^(normal|italic|oblique)$/],
  'text-decoration': [/^(none|underline|line-through|overline)$/],
  'font-size': LENGTH,
  width: LENGTH,
  'max-width': LENGTH,
  padding: [/^(-?\d+(\.\d+)?(px|em|%)?\s*){1,4}$/],
  margin: [/^(-?\d+(\.\d+)?(px|em|%)?\s*|auto\s*){1,4}$/],
  border: [/^[\w\s#.,()%-]{1,60}$/],
};

export interface SanitisedHtml {
  html: string;
  remoteImages: boolean;
}

export function sanitizeMailHtml(dirty: string): SanitisedHtml {
  let remoteImages = false;
  const html = sanitizeHtml(dirty, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      '*': ['style', 'title', 'dir', 'lang', 'align'],
      a: ['href', 'name', 'target', 'rel'],
      img: ['src', 'alt', 'width', 'height', 'data-remote-src'],
      td: ['colspan', 'rowspan', 'valign', 'width'],
      th: ['colspan', 'rowspan', 'valign', 'width'],
      table: ['width', 'cellpadding', 'cellspacing', 'border'],
      font: ['color', 'size', 'face'],
      ol: ['start', 'type'],
    },
    allowedStyles: { '*': STYLES },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['cid', 'data'] },
    allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
    allowProtocolRelative: false,
    // Whatever is inside these is not text the customer wrote.
    nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'title', 'head', 'xml'],
    // An image left with nothing to show (its source refused) is dropped rather than kept empty.
    exclusiveFilter: (frame) =>
      frame.tag === 'img' && !frame.attribs.src && !frame.attribs['data-remote-src'],
    transformTags: {
      a: sanitizeHtml.simpleTransform('a', { target: '_blank', rel: 'noopener noreferrer nofollow' }),
      img: (tagName, attribs) => {
        const src = (attribs.src ?? '').trim();
        // Every image says what it is to a screen reader: its own alt, else empty (decorative).
        const alt = attribs.alt ?? '';
        if (/^cid:/i.test(src) || /^data:image\/(png|gif|jpe?g|webp);/i.test(src)) {
          return { tagName, attribs: { ...attribs, src, alt } };
        }
        const { src: _dropped, ...rest } = attribs;
        if (/^https?:\/\//i.test(src)) {
          remoteImages = true;
          return { tagName, attribs: { ...rest, alt, 'data-remote-src': src } };
        }
        return { tagName, attribs: { ...rest, alt } };
      },
    },
  });
  return { html, remoteImages };
}
