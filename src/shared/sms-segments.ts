/**
 * How many SMS segments a text takes, as a carrier counts them (3GPP TS 23.038): GSM-7 carries
 * 160 characters in one segment and 153 in each of several (the rest of each is the concatenation
 * header); a text with any character outside GSM-7 goes as UCS-2, 70 and 67 (in UTF-16 code units,
 * so an emoji counts as two). The GSM-7 extension characters (€ [ ] { } ~ ^ \ | and form feed) are
 * sent as an escape and the character, so they count double and are never split across segments.
 * Pure, shared by the server (what the provider will bill) and the composer (shown before sending).
 */

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
const GSM7_EXTENSION = '\f^{}\\[~]|€';

const BASIC = new Set(GSM7_BASIC);
const EXTENSION = new Set(GSM7_EXTENSION);

export type SmsEncoding = 'gsm7' | 'ucs2';

export interface SmsSegments {
  encoding: SmsEncoding;
  /** Segments the text is sent as (0 for an empty text). */
  segments: number;
  /** Units used: GSM-7 septets (an extension character is two) or UCS-2 code units. */
  units: number;
  /** Units a segment holds at this count: 160/153 (GSM-7) or 70/67 (UCS-2). */
  perSegment: number;
  /** What may still be typed before another segment is needed (in single-width characters). */
  remaining: number;
}

/** True when every character of the text is in the GSM-7 alphabet or its extension table. */
export function isGsm7(text: string): boolean {
  for (const ch of text) if (!BASIC.has(ch) && !EXTENSION.has(ch)) return false;
  return true;
}

export function smsSegments(text: string): SmsSegments {
  if (isGsm7(text)) {
    // Segments are filled septet by septet, but an escape and its character stay together.
    const widths = [...text].map((ch) => (EXTENSION.has(ch) ? 2 : 1));
    const units = widths.reduce((a, b) => a + b, 0);
    if (units <= 160)
      return { encoding: 'gsm7', segments: units ? 1 : 0, units, perSegment: 160, remaining: 160 - units };
    let segments = 1;
    let used = 0;
    for (const w of widths) {
      if (used + w > 153) {
        segments++;
        used = 0;
      }
      used += w;
    }
    return { encoding: 'gsm7', segments, units, perSegment: 153, remaining: 153 - used };
  }
  // UCS-2 counts UTF-16 code units; a surrogate pair (an emoji) is never split across segments.
  const widths = [...text].map((ch) => ch.length);
  const units = widths.reduce((a, b) => a + b, 0);
  if (units <= 70) return { encoding: 'ucs2', segments: 1, units, perSegment: 70, remaining: 70 - units };
  let segments = 1;
  let used = 0;
  for (const w of widths) {
    if (used + w > 67) {
      segments++;
      used = 0;
    }
    used += w;
  }
  return { encoding: 'ucs2', segments, units, perSegment: 67, remaining: 67 - used };
}
