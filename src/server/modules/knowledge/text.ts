import { stemmer } from 'stemmer';

/**
 * The one text pipeline of knowledge search, used to index and to query, on both databases:
 * fold accents and case, split on anything that is not a letter or digit, drop stop words, stem
 * (Porter). The engines then only ever see these terms, so SQLite's FTS5 and PostgreSQL's 'simple'
 * configuration match the same documents.
 */
const STOP = new Set(
  'a an and are as at be but by for from has have how i if in into is it its me my no not of on or our so than that the their them then there these they this to us was we were what when where which who why will with you your can do does did'.split(
    ' ',
  ),
);

export function fold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** Words of a text, folded, in order (no stemming, stop words kept): for snippets and prefixes. */
export function words(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

export const isStop = (w: string) => STOP.has(w);

/** A word's index term. Numbers and very short words stay as they are. */
export function stem(word: string): string {
  if (word.length < 3 || /\d/.test(word)) return word;
  return stemmer(word);
}

/** Index terms of a text, in order. */
export function terms(text: string): string[] {
  return words(text)
    .filter((w) => !STOP.has(w))
    .map(stem);
}

/** Optimal-string-alignment distance, giving up (returning max + 1) once it exceeds max. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const prev2: number[] = new Array(b.length + 1).fill(0);
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur: number[] = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, (prev2[j - 2] as number) + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev2.splice(0, prev2.length, ...prev);
    prev = cur;
  }
  return prev[b.length] as number;
}
