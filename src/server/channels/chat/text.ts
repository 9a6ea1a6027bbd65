/**
 * What a visitor types is text, never markup: kept as written (the desktop and the widget render
 * it as text), less what no person types — control characters other than newline and tab, bidi
 * overrides that disguise a link, and runs of blank lines.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g;

export const CHAT_TEXT_MAX = 2000;

export function cleanChatText(s: string, max = CHAT_TEXT_MAX): string {
  return s
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, '')
    .replace(/\n{4,}/g, '\n\n\n')
    .trim()
    .slice(0, max);
}

/** A single line (a name): no newlines at all. */
export function cleanLine(s: string, max: number): string {
  return cleanChatText(s, max * 2)
    .replace(/\s+/g, ' ')
    .slice(0, max);
}
