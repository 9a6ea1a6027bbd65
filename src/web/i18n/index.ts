/**
 * The desktop's one i18n layer (i18next, see docs/i18n.md): `t(key, values)` outside React,
 * `useT()` inside it. Keys are the dotted paths of the English catalogue and are type-checked: a
 * key that is not in `en.ts` fails `tsc`. Dates, times and numbers go through `ui/format.ts` (Intl).
 */
import i18next from 'i18next';
import { useCallback } from 'react';
import { initReactI18next, useTranslation } from 'react-i18next';
import { en } from './en.ts';
import { pseudoCatalogue } from './pseudo.ts';

type Plural = 'zero' | 'one' | 'two' | 'few' | 'many' | 'other';
type Base<K extends string> = K extends `${infer B}_${Plural}` ? B : K;
type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${Base<K>}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];

/** Every key of the catalogue, plural forms named once (`queues.fresh`, chosen by `count`). */
export type Key = Leaves<typeof en>;
export type Values = Record<string, string | number>;

export const PSEUDO = 'en-XA';
const STORED = 'frontline.lang';

/** `?lang=` in the address (kept for the next visit), then the stored choice, then the browser's. */
function chooseLanguage(): string {
  if (typeof window === 'undefined') return 'en';
  const asked = new URLSearchParams(window.location.search).get('lang');
  try {
    if (asked) window.localStorage.setItem(STORED, asked);
    return asked ?? window.localStorage.getItem(STORED) ?? navigator.language ?? 'en';
  } catch {
    // Storage refused (private mode, a policy): the address or the browser still decide.
    return asked ?? navigator.language ?? 'en';
  }
}

const lng = chooseLanguage();
void i18next.use(initReactI18next).init({
  lng,
  fallbackLng: 'en',
  resources: {
    en: { translation: en },
    // Only made when asked for: it costs a walk over the catalogue.
    ...(lng === PSEUDO ? { [PSEUDO]: { translation: pseudoCatalogue(en) } } : {}),
  },
  // React escapes what it renders; escaping here too would show &amp; on screen.
  interpolation: { escapeValue: false },
  // The resources are in the bundle: ready before the first render, no flash of keys.
  initAsync: false,
  returnNull: false,
});
if (typeof document !== 'undefined') document.documentElement.lang = lng;

/** The translated string for a key of the catalogue, with its values put in. */
export function t(key: Key, values?: Values): string {
  return i18next.t(key, values ?? {}) as string;
}

/** `t` for components: re-renders them when the language changes. */
export function useT(): typeof t {
  const { i18n } = useTranslation();
  // biome-ignore lint/correctness/useExhaustiveDependencies: the language is the trigger
  return useCallback((key: Key, values?: Values) => t(key, values), [i18n.language]);
}

/**
 * A code from the server in words (`pending_customer` → "pending customer") through the
 * catalogue's `terms.<group>`; a code the catalogue does not know yet is shown humanised, not hidden.
 */
export function term(group: keyof typeof en.terms, code: string): string {
  const key = `terms.${group}.${code}`;
  return i18next.exists(key) ? (i18next.t(key) as string) : code.replaceAll('_', ' ');
}

/**
 * The catalogue's words for a problem code from the server (`problem.<code>`), or undefined for a
 * code it does not know (a newer server's): the caller then shows the server's English as data.
 */
export function problemWords(code: string): string | undefined {
  const key = `problem.${code}`;
  return i18next.exists(key) ? (i18next.t(key) as string) : undefined;
}

/**
 * The catalogue's words for a field rule (`fieldRule.<rule>`) with its params put in — a list as
 * "a, b", a `limit` as the plural's `count` — or undefined for a rule it does not know.
 */
export function ruleWords(rule: string, params: Record<string, unknown> = {}): string | undefined {
  const values: Values = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v === 'string' || typeof v === 'number') values[k] = v;
    else if (Array.isArray(v)) values[k] = v.join(', ');
    else if (v !== undefined && v !== null) values[k] = String(v);
  }
  const key = `fieldRule.${rule}`;
  // Values go under `replace`, so a param never collides with one of i18next's own options.
  const opts =
    typeof values.limit === 'number'
      ? { count: values.limit, replace: { ...values, count: values.limit } }
      : { replace: values };
  return i18next.exists(key, opts) ? (i18next.t(key, opts) as string) : undefined;
}
