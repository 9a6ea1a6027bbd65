/**
 * Dates, times, durations and languages in the reader's own locale and time zone, through Intl —
 * never US dates with seconds. One place, so every screen says a time the same way. The words
 * around the numbers ("min", "in …", "overdue by …") come from the catalogue (i18n/en.ts `format`).
 */
import { t } from '../i18n/index.ts';

const WHEN = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const TIME = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const DAY = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const LONG = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });

/** "2 Dec 2026, 14:05"; today "14:05"; this year "2 Dec, 14:05". */
export function when(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (d.toDateString() === now.toDateString()) return TIME.format(d);
  if (d.getFullYear() === now.getFullYear()) return `${DAY.format(d)}, ${TIME.format(d)}`;
  return WHEN.format(d);
}

/** The time of day alone: "14:05". */
export const clock = (iso: string) => TIME.format(new Date(iso));

/** The day alone: "2 Dec 2026". */
export const date = (iso: string) => DATE.format(new Date(iso));

/** The full instant, for a title on hover. */
export const whenFull = (iso: string) => WHEN.format(new Date(iso));

/** The instant in full, with the weekday and the zone: "Wednesday 2 December 2026 at 14:05:09 GMT". */
export const whenLong = (iso: string) => LONG.format(new Date(iso));

/** "1 h 5 min", "45 min", "2 d 3 h" — a length of time in words. */
export function duration(ms: number): string {
  const m = Math.round(Math.abs(ms) / 60_000);
  if (m < 60) return t('format.min', { m });
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? t('format.hMin', { h, m: m % 60 }) : t('format.h', { h });
  const d = Math.floor(h / 24);
  return h % 24 ? t('format.dH', { d, h: h % 24 }) : t('format.d', { d });
}

/** A call's length: "4 min 12 s". */
export function seconds(s: number): string {
  const m = Math.floor(s / 60);
  return m ? t('format.minS', { m, s: s % 60 }) : t('format.s', { s });
}

/** "in 2 h 5 min" or "3 h ago" (for a due time: "overdue by 3 h" reads better — see dueIn). */
export function dueIn(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  return t(ms >= 0 ? 'format.in' : 'format.overdueBy', { duration: duration(ms) });
}

let names: Intl.DisplayNames | null = null;
/** "en" → "English", "ms" → "Malay": a language by name, in the reader's language. */
export function languageName(code: string | null | undefined): string {
  if (!code) return '—';
  try {
    names ??= new Intl.DisplayNames(undefined, { type: 'language' });
    return names.of(code) ?? code;
  } catch {
    return code;
  }
}

/** A status, type or kind code in words: "pending_customer" → "pending customer". */
export const words = (code: string) => code.replaceAll('_', ' ');
