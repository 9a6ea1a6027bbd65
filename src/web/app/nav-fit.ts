/**
 * How many links fit in `room` px, given each one's width, the gap between them and the width of
 * "More" (needed as soon as one link does not fit).
 */
export function linksThatFit(widths: number[], gap: number, more: number, room: number): number {
  const all = widths.reduce((s, w) => s + w, 0) + gap * Math.max(widths.length - 1, 0);
  if (all <= room) return widths.length;
  let used = more;
  let k = 0;
  while (k < widths.length && used + gap + widths[k]! <= room) used += gap + widths[k++]!;
  return k;
}
