import { pseudoCatalogue } from '../../../shared/pseudo.ts';

/**
 * The public help pages' words (help.ts), in English: the server-side catalogue of those pages. The
 * server does not import the desktop's catalogue (src/web/i18n); this one is keyed the same way,
 * `{{value}}` interpolation included. Article titles, bodies, snippets and file names are data.
 */
export const helpMessages = {
  titleSuffix: '{{title}} · Help',
  home: 'Help centre',
  searchLabel: 'Search help',
  searchPlaceholder: 'Search help, e.g. roaming charges',
  search: 'Search',
  welcome: 'How can we help?',
  searchTitle: 'Search: {{q}}',
  /** Around the words searched for (data). */
  resultsBefore: 'Results for “',
  resultsAfter: '”',
  /** Around the corrected words (data). */
  showingBefore: 'Showing results for ',
  showingAfter: '.',
  noMatch: 'No article matches. Try other words, or contact us.',
  attachments: 'Attachments',
  notFoundTitle: 'Not found',
  notFound: 'Article not found',
  notFoundHint: 'It may have moved. Try searching.',
  kind: {
    faq: 'FAQ',
    sop: 'SOP',
    policy: 'Policy',
    product: 'Product / service',
    billing: 'Billing procedure',
    troubleshooting: 'Troubleshooting',
  },
} as const;

type Widen<T> = { readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The help pages' catalogue in one language: the English shape, any words. */
export type HelpMessages = Widen<typeof helpMessages>;

/** The pseudo-locale: every catalogue string inside ⟦…⟧ (docs/i18n.md). */
export const PSEUDO = 'en-XA';

/** The languages the help pages speak; English is the fallback for any other. */
const CATALOGUES: Record<string, () => HelpMessages> = {
  en: () => helpMessages,
  // Made once, when first asked for.
  [PSEUDO]: (() => {
    let made: HelpMessages | null = null;
    return () => (made ??= pseudoCatalogue(helpMessages));
  })(),
};

/** Tags in an Accept-Language header, most wanted first (q=0 means "not this one"). */
function acceptLanguages(header: string | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .map((part, i) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), i };
    })
    .filter((l) => l.tag && l.tag !== '*' && l.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((l) => l.tag);
}

/** The catalogue's language for a tag: exact (case-insensitive), else its primary language, else none. */
function supported(tag: string): string | undefined {
  const lower = tag.toLowerCase();
  const exact = Object.keys(CATALOGUES).find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  const primary = lower.split('-')[0];
  return Object.keys(CATALOGUES).find((k) => k === primary);
}

/**
 * The language of a help page: `?lang=` if the catalogue has it, then the first of Accept-Language
 * it has, then English.
 */
export function helpLanguage(asked: string | undefined, acceptLanguage: string | undefined): string {
  for (const tag of [...(asked ? [asked] : []), ...acceptLanguages(acceptLanguage)]) {
    const lang = supported(tag);
    if (lang) return lang;
  }
  return 'en';
}

/** Whether the help pages speak this tag (or its primary language). */
export const helpSpeaks = (tag: string): boolean => supported(tag) !== undefined;

/** The catalogue of a language helpLanguage chose. */
export const helpCatalogue = (lang: string): HelpMessages => (CATALOGUES[lang] ?? CATALOGUES.en!)();
