import { createHash } from 'node:crypto';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import type { Address, InboundAttachment, InboundMessage } from '../contract.ts';
import { classifyMail, readBounce } from './classify.ts';
import { sanitizeMailHtml } from './sanitize.ts';

/** Limits on what is kept of one message (the rest is recorded as existing, not stored). */
export const MAIL_LIMITS = {
  /** One attachment larger than this is listed but not kept. */
  attachmentBytes: 15 * 1024 * 1024,
  /** All attachments of a message together. */
  totalBytes: 30 * 1024 * 1024,
  /** Text and HTML bodies are cut here (a 20 MB log pasted in a mail is not a conversation). */
  bodyChars: 1_000_000,
  /** A raw message larger than this is refused at the door (SMTP 552). */
  rawBytes: 40 * 1024 * 1024,
};

/** The header block of raw bytes (up to the first empty line, at most 256 KB) as Latin-1: cheap, before any parsing. */
export function rawHeaderBlock(raw: Uint8Array): string {
  const head = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, 256 * 1024)).toString(
    'latin1',
  );
  const end = head.search(/\r?\n\r?\n/);
  return end >= 0 ? head.slice(0, end) : head;
}

/** One header's value from a header block, its folded lines joined; null when absent. */
export function rawHeader(head: string, name: string): string | null {
  const m = new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r?\\n[ \\t]+.*)*)`, 'im').exec(head);
  return m ? m[1]!.replace(/\r?\n[ \t]+/g, ' ') : null;
}

/** A Message-ID as stored and compared: without angle brackets or surrounding space. */
export function normaliseMessageId(v: string | null | undefined): string | null {
  if (!v) return null;
  const m = /<([^<>]+)>/.exec(v);
  const id = (m ? m[1]! : v).trim();
  return id && id.length <= 995 ? id : null;
}

function idList(v: string | string[] | undefined): string[] {
  const all = (Array.isArray(v) ? v : v ? [v] : []).flatMap((s) => s.match(/<[^<>]+>/g) ?? [s]);
  const out: string[] = [];
  for (const x of all) {
    const id = normaliseMessageId(x);
    if (id && !out.includes(id)) out.push(id);
  }
  return out.slice(-100);
}

function addresses(v: AddressObject | AddressObject[] | undefined): Address[] {
  const out: Address[] = [];
  const walk = (list: { address?: string; name: string; group?: unknown[] }[]) => {
    for (const a of list) {
      if (a.group) walk(a.group as typeof list);
      else if (a.address?.includes('@'))
        out.push({ address: a.address.toLowerCase(), name: a.name?.trim() || null });
    }
  };
  for (const o of Array.isArray(v) ? v : v ? [v] : []) walk(o.value);
  return out;
}

const headerValues = (mail: ParsedMail) => {
  const byName = new Map<string, string[]>();
  for (const l of mail.headerLines ?? []) {
    const value = l.line
      .slice(l.line.indexOf(':') + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim();
    byName.set(l.key, [...(byName.get(l.key) ?? []), value]);
  }
  return (name: string) => byName.get(name.toLowerCase()) ?? [];
};

const cut = (s: string) => (s.length > MAIL_LIMITS.bodyChars ? s.slice(0, MAIL_LIMITS.bodyChars) : s);

/**
 * Raw RFC 5322 bytes → an InboundMessage. mailparser decodes the MIME tree and every charset it
 * knows (iconv-lite, ISO-2022-JP through encoding-japanese); what it cannot make sense of is kept
 * as text — a message is never dropped for being badly formed.
 */
export async function parseMail(raw: Uint8Array): Promise<InboundMessage> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength), {
      keepCidLinks: true,
      keepDeliveryStatus: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      maxHtmlLengthToParse: 2 * MAIL_LIMITS.bodyChars,
    });
  } catch {
    return malformed(raw);
  }
  const header = headerValues(mail);
  const from = addresses(mail.from)[0] ?? null;
  const replyTo = addresses(mail.replyTo)[0] ?? null;
  const contentType = mail.headers.get('content-type') as
    | { value: string; params: Record<string, string> }
    | undefined;
  const subject = repairSubject(raw, mail.subject ?? '')
    .replace(/[\r\n]+/g, ' ')
    .trim();
  const { kind, reason } = classifyMail({
    header,
    fromAddress: from?.address ?? null,
    subject,
    returnsMessage: mail.attachments.some((a) =>
      ['message/rfc822', 'text/rfc822-headers', 'message/global', 'message/global-headers'].includes(
        a.contentType.toLowerCase(),
      ),
    ),
    contentType: contentType?.value?.toLowerCase() ?? 'text/plain',
    reportType: contentType?.params?.['report-type']?.toLowerCase() ?? null,
  });

  let total = 0;
  const attachments: InboundAttachment[] = [];
  let status: string | null = null;
  let original: string | null = null;
  for (const a of mail.attachments) {
    const type = a.contentType.toLowerCase();
    if (type === 'message/delivery-status' || type === 'message/global-delivery-status') {
      status = a.content.toString('utf8');
      if (kind === 'bounce') continue;
    }
    if (
      (type === 'message/rfc822' || type === 'text/rfc822-headers' || type === 'message/global') &&
      !original
    )
      original = a.content.toString('utf8').slice(0, 200_000);
    const keep = a.size <= MAIL_LIMITS.attachmentBytes && total + a.size <= MAIL_LIMITS.totalBytes;
    if (keep) total += a.size;
    const contentId = normaliseMessageId(a.contentId ?? a.cid);
    attachments.push({
      filename: (a.filename ?? defaultName(type)).slice(0, 255),
      contentType: type,
      size: a.size,
      contentId,
      inline: Boolean(a.related && contentId) || (a.contentDisposition === 'inline' && Boolean(contentId)),
      data: keep ? new Uint8Array(a.content) : null,
      sha256: createHash('sha256').update(a.content).digest('hex'),
    });
  }
  let text = cut(mail.text ?? '');
  const sanitised = typeof mail.html === 'string' ? sanitizeMailHtml(cut(mail.html)) : null;
  // A structure that never materialises (a boundary that never comes): the parser finds no part,
  // but the sender's words are in the bytes. Kept as text, and said to be malformed.
  const empty = !text.trim() && !sanitised && attachments.length === 0;
  if (empty) text = cut(bodyOf(raw));
  return {
    channel: 'email',
    sourceId: normaliseMessageId(mail.messageId),
    kind,
    kindReason: reason,
    from,
    replyTo: replyTo && replyTo.address !== from?.address ? replyTo : null,
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    subject: subject || null,
    text: text || (sanitised ? htmlToText(sanitised.html) : ''),
    html: sanitised?.html ?? null,
    remoteImages: sanitised?.remoteImages ?? false,
    inReplyTo: idList(mail.inReplyTo)[0] ?? null,
    references: idList(mail.references),
    date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null,
    attachments,
    bounce:
      kind === 'bounce'
        ? readBounce({
            status,
            original,
            body: text,
            failedRecipientsHeader: header('x-failed-recipients')[0] ?? null,
          })
        : null,
    malformed: empty && text.trim().length > 0,
  };
}

/** The bytes after the header block, as text (UTF-8 when they are, else Latin-1, which never fails). */
function bodyOf(raw: Uint8Array): string {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  const at = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : buf.length;
  const body = buf.subarray(at);
  const utf8 = new TextDecoder('utf-8', { fatal: false }).decode(body);
  return (utf8.includes('\uFFFD') ? body.toString('latin1') : utf8).trim();
}

function defaultName(type: string): string {
  if (type === 'message/rfc822') return 'forwarded-message.eml';
  if (type === 'text/calendar') return 'invitation.ics';
  const ext = type.split('/')[1]?.replace(/[^a-z0-9]/g, '') || 'bin';
  return `attachment.${ext}`;
}

/** Text of sanitised HTML, for a message that had no text part (search and the preview need words). */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/tr|\/li|\/h\d)[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * A subject written in raw 8-bit bytes (no encoded-words, as some Chinese and Russian mailers do)
 * comes out of the parser as UTF-8 with replacement characters. Try the charsets the message itself
 * declares on the raw bytes; the first that decodes without error is the one.
 */
function repairSubject(raw: Uint8Array, subject: string): string {
  if (!subject.includes('\uFFFD')) return subject;
  const value = rawHeader(rawHeaderBlock(raw), 'Subject');
  if (value === null) return subject;
  const bytes = Buffer.from(value, 'latin1');
  // The charsets declared anywhere in the first 256 KB (the parts' Content-Type lines).
  const start = Buffer.from(raw.buffer, raw.byteOffset, Math.min(raw.byteLength, 256 * 1024)).toString(
    'latin1',
  );
  const declared = [...start.matchAll(/charset="?([\w.:-]+)"?/gi)].map((x) => x[1]!.toLowerCase());
  for (const cs of [...new Set(declared)]) {
    try {
      return new TextDecoder(cs === 'gb2312' ? 'gbk' : cs, { fatal: true }).decode(bytes);
    } catch {
      // not this charset (or one the runtime does not know): try the next
    }
  }
  return subject;
}

/** Bytes that are not a message mailparser can read: kept whole, as text, for a person to read. */
function malformed(raw: Uint8Array): InboundMessage {
  const text = Buffer.from(raw).toString('latin1');
  const head = rawHeaderBlock(raw);
  const from =
    rawHeader(head, 'From')
      ?.match(/([^\s<>"]+@[^\s<>"]+)/)?.[1]
      ?.toLowerCase() ?? null;
  return {
    channel: 'email',
    sourceId: normaliseMessageId(rawHeader(head, 'Message-ID')),
    kind: 'message',
    kindReason: 'unreadable MIME, kept as text',
    from: from ? { address: from, name: null } : null,
    replyTo: null,
    to: [],
    cc: [],
    subject: rawHeader(head, 'Subject')?.trim() ?? null,
    text: cut(text),
    html: null,
    remoteImages: false,
    inReplyTo: null,
    references: [],
    date: null,
    attachments: [],
    bounce: null,
    malformed: true,
  };
}
