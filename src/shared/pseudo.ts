/**
 * The pseudo-locale `en-XA`, made at run time from English: each string wrapped in ⟦…⟧ with its
 * letters accented and its vowels doubled (about a third longer, as many languages are), the
 * `{{values}}` left as they are. A string on screen without the markers skipped the catalogue.
 * Shared: the desktop (src/web/i18n) and the server-rendered help pages both make it from English.
 */
// Each letter of PLAIN becomes the letter at the same place in ACCENTED.
const PLAIN = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ACCENTED = [...'áƀçðéƒĝĥíĵķĺɱñóþǫŕšţúṽŵẋýžÁƁÇÐÉƑĜĤÍĴĶĹṀÑÓÞǪŔŠŢÚṼŴẊÝŽ'];
const ACCENTS = new Map([...PLAIN].map((ch, i) => [ch, ACCENTED[i]!]));
const VOWELS = new Set(['a', 'e', 'o', 'u', 'A', 'E', 'O', 'U']);

export const OPEN_MARK = '⟦';
export const CLOSE_MARK = '⟧';

function accent(text: string): string {
  let out = '';
  for (const ch of text) {
    const a = ACCENTS.get(ch) ?? ch;
    out += VOWELS.has(ch) ? a + a : a;
  }
  return out;
}

/** One English string in pseudo: interpolations (`{{x}}`) and nesting (`$t(…)`) kept verbatim. */
export function pseudoString(s: string): string {
  if (!s) return s;
  const parts = s.split(/(\{\{[^}]*\}\}|\$t\([^)]*\))/);
  return OPEN_MARK + parts.map((p, i) => (i % 2 ? p : accent(p))).join('') + CLOSE_MARK;
}

type Tree = { readonly [k: string]: string | Tree };

/** The whole catalogue in pseudo, same shape. */
export function pseudoCatalogue<T extends Tree>(tree: T): T {
  return Object.fromEntries(
    Object.entries(tree).map(([k, v]) => [k, typeof v === 'string' ? pseudoString(v) : pseudoCatalogue(v)]),
  ) as T;
}
