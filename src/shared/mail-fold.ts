/**
 * A mail's own words and the history it quotes, split so the workspace shows the first and folds the
 * second (issue 13: "quoted history and signatures folded away and shown on demand"). Pure and
 * shared, so the server's search and the desktop agree on where a reply ends.
 *
 * The quote starts at the first of: an attribution line ("On Mon, 23 Nov 2026, Ana wrote:", in the
 * languages mail clients write it), Outlook's "-----Original Message-----" or its "From: … Sent: …"
 * header block, or a run of "> " lines that lasts to the end. A signature ("-- " on its own line) is
 * folded with it.
 */
const ATTRIBUTION =
  /^(on\s.{4,200}\s(wrote|a écrit|schrieb|escribió|ha scritto|schreef|skrev)\s*:|am\s.{4,200}\sschrieb\s.{0,200}:|le\s.{4,200}\sa écrit\s*:|el\s.{4,200}\sescribió\s*:)\s*$/i;
const ORIGINAL =
  /^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original|messaggio originale)\s*-{2,}\s*$/i;
const OUTLOOK_FROM = /^(from|von|de|da|van):\s.+$/i;
const OUTLOOK_SENT = /^(sent|gesendet|envoyé|enviado|inviato|verzonden|date):\s.+$/i;

export function foldQuoted(text: string): { body: string; quoted: string } {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let cut = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (ATTRIBUTION.test(line) || ORIGINAL.test(line) || line === '-- ') {
      cut = i;
      break;
    }
    // An attribution wrapped over two lines ("On Mon, 23 Nov 2026 at 09:00, Ana Lim <ana@…>\nwrote:").
    if (/^on\s/i.test(line) && i + 1 < lines.length && /^.{0,200}wrote:\s*$/i.test(lines[i + 1]!.trim())) {
      cut = i;
      break;
    }
    if (OUTLOOK_FROM.test(line) && lines.slice(i + 1, i + 4).some((l) => OUTLOOK_SENT.test(l.trim()))) {
      cut = i;
      break;
    }
  }
  if (lines[cut]?.trim() !== '-- ' || cut === lines.length) {
    // A trailing block of quoted lines with nothing of the writer's after it.
    let q = lines.length;
    while (q > 0 && (lines[q - 1]!.startsWith('>') || lines[q - 1]!.trim() === '')) q--;
    if (q < lines.length && lines.slice(q).some((l) => l.startsWith('>'))) cut = Math.min(cut, q);
  }
  // Also a signature line before the cut.
  const sig = lines.slice(0, cut).findIndex((l) => l === '-- ');
  if (sig >= 0) cut = sig;
  const body = lines.slice(0, cut).join('\n').trimEnd();
  const quoted = lines.slice(cut).join('\n').trim();
  // A mail that is nothing but a quote (a bare forward): show it, do not fold it all away.
  return body.trim() ? { body, quoted } : { body: text.trim(), quoted: '' };
}
