import type { BounceReport, InboundKind } from '../contract.ts';

/**
 * What kind of mail this is, from its headers and shape alone (pure; tested with the corpus):
 * a person writing, an automatic reply, bulk or list mail, a bounce, or spam. The checks follow
 * RFC 3834 (Auto-Submitted), RFC 3464 (delivery status notifications) and what Zammad and the big
 * mailers actually send (X-Autoreply, X-Auto-Response-Suppress, Precedence, out-of-office subjects,
 * non-DSN bounces from qmail and old Exim).
 */
export interface MailFacts {
  /** Lower-cased header name → its raw values (a header may appear more than once). */
  header(name: string): string[];
  fromAddress: string | null;
  subject: string;
  /** The top-level content type, lower-cased, with its parameters. */
  contentType: string;
  reportType: string | null;
  /** It carries a returned message or its headers (message/rfc822, text/rfc822-headers). */
  returnsMessage: boolean;
}

export interface Classification {
  kind: InboundKind;
  reason: string | null;
}

const first = (f: MailFacts, name: string) => f.header(name)[0]?.trim() ?? '';

const OUT_OF_OFFICE =
  /^\s*\[?\s*(out of (the )?office|automatic reply|auto(matic)?[ -]?(reply|response)|autoreply|auto:|abwesenheit|absence|réponse automatique|respuesta automática|risposta automatica|automatyczna odpowied|automatische antwort|afwezig|i am (currently )?(out|away)|on vacation|vacation reply)/i;
const BOUNCE_SUBJECT =
  /(undeliver|delivery (status )?notification|delivery (has )?failed|failure notice|returned mail|mail delivery (failed|system)|non[- ]?delivery|delivery failure|could not be delivered|undelivered mail)/i;
const DAEMON = /^(mailer-daemon|postmaster|mail-daemon|mailer|bounce[s]?)@/i;

export function classifyMail(f: MailFacts): Classification {
  const spamFlag = first(f, 'x-spam-flag');
  const spamStatus = first(f, 'x-spam-status');
  if (/^yes\b/i.test(spamFlag)) return { kind: 'spam', reason: `X-Spam-Flag: ${spamFlag}` };
  if (/^yes\b/i.test(spamStatus)) return { kind: 'spam', reason: 'X-Spam-Status: Yes' };

  if (f.contentType === 'multipart/report' && f.reportType === 'delivery-status')
    return { kind: 'bounce', reason: 'multipart/report; report-type=delivery-status' };
  const fromDaemon = f.fromAddress !== null && DAEMON.test(f.fromAddress);
  const emptyReturnPath = f.header('return-path').some((v) => /^<?\s*>?$/.test(v.trim()));
  if (f.header('x-failed-recipients').length > 0) return { kind: 'bounce', reason: 'X-Failed-Recipients' };
  if ((fromDaemon || emptyReturnPath) && BOUNCE_SUBJECT.test(f.subject))
    return { kind: 'bounce', reason: `from ${f.fromAddress ?? 'an empty return path'}: "${f.subject}"` };
  // A mailer daemon handing a message back, whatever its subject says (or however it is encoded).
  if (fromDaemon && f.returnsMessage)
    return { kind: 'bounce', reason: `from ${f.fromAddress} with the returned message` };

  const autoSubmitted = first(f, 'auto-submitted').toLowerCase();
  if (autoSubmitted.startsWith('auto-replied'))
    return { kind: 'auto_reply', reason: 'Auto-Submitted: auto-replied' };
  if (f.header('x-autoreply').length || f.header('x-autorespond').length)
    return { kind: 'auto_reply', reason: 'X-Autoreply' };
  const suppress = first(f, 'x-auto-response-suppress').toLowerCase();
  if (/\b(all|oof|autoreply)\b/.test(suppress) && OUT_OF_OFFICE.test(f.subject))
    return { kind: 'auto_reply', reason: `X-Auto-Response-Suppress: ${suppress}` };
  const precedence = first(f, 'precedence').toLowerCase();
  if (precedence === 'auto_reply') return { kind: 'auto_reply', reason: 'Precedence: auto_reply' };
  if (OUT_OF_OFFICE.test(f.subject)) return { kind: 'auto_reply', reason: `subject "${f.subject}"` };
  // RFC 3834 asks automatic responses to be sent from the null sender; a bulk one from it answered us.
  if (emptyReturnPath && ['bulk', 'junk'].includes(precedence))
    return { kind: 'auto_reply', reason: `Precedence: ${precedence} from the null sender` };
  // Generated, not in answer to anything (RFC 3834): may open a case, is never answered automatically.
  if (autoSubmitted && autoSubmitted !== 'no')
    return { kind: 'bulk', reason: `Auto-Submitted: ${autoSubmitted}` };
  if (['bulk', 'junk', 'list'].includes(precedence))
    return { kind: 'bulk', reason: `Precedence: ${precedence}` };
  if (f.header('list-id').length) return { kind: 'bulk', reason: 'List-Id' };
  if (f.header('list-unsubscribe').length) return { kind: 'bulk', reason: 'List-Unsubscribe' };
  if (fromDaemon) return { kind: 'bulk', reason: `from ${f.fromAddress}` };
  return { kind: 'message', reason: null };
}

const field = (text: string, name: string): string | null => {
  const m = new RegExp(`^${name}:\\s*(.+(?:\\r?\\n[ \\t]+.+)*)`, 'im').exec(text);
  return m ? m[1]!.replace(/\r?\n[ \t]+/g, ' ').trim() : null;
};

/**
 * What a bounce says: the failed recipient, its status and diagnostic, and the Message-ID of what
 * bounced. `status` is the machine-readable delivery-status part (RFC 3464) when there is one;
 * `original` is the returned message or its headers; `body` the human-readable text (qmail and old
 * Exim send only that).
 */
export function readBounce(parts: {
  status: string | null;
  original: string | null;
  body: string;
  failedRecipientsHeader: string | null;
}): BounceReport {
  const s = parts.status ?? '';
  let recipient = field(s, 'Final-Recipient') ?? field(s, 'Original-Recipient');
  if (recipient?.includes(';')) recipient = recipient.split(';').pop()!.trim();
  recipient ??= parts.failedRecipientsHeader?.split(',')[0]?.trim() ?? null;
  if (!recipient) {
    // qmail: "<someone@example.com>:" on a line of its own; Exim: the address indented after
    // "failed:"; Exchange 5.5: "SMTP=someone@example.com;"; then the first address the report's
    // own words name that is not the daemon's.
    const m =
      /^<([^<>\s@]+@[^<>\s]+)>:\s*$/m.exec(parts.body) ??
      /(?:failed|permanent(?:ly)? error)[^\n]*:\s*\n+\s*<?([^<>\s@]+@[^<>\s]+?)>?\s*$/im.exec(parts.body) ??
      /\bSMTP=([^<>\s@;]+@[^<>\s;]+)/i.exec(parts.body) ??
      /(?:recipient|user|address)[^\n@]{0,80}?[(<\s]([^\s()<>@"]+@[^\s()<>"]+?\.[a-z]{2,})[)>\s.,;:]/i.exec(
        parts.body,
      );
    recipient = m?.[1] ?? null;
  }
  const statusCode =
    field(s, 'Status')?.match(/\d\.\d{1,3}\.\d{1,3}/)?.[0] ??
    parts.body.match(/\b([245]\.\d{1,3}\.\d{1,3})\b/)?.[1] ??
    null;
  const diagnostic =
    field(s, 'Diagnostic-Code')?.replace(/^smtp;\s*/i, '') ??
    parts.body.match(/^.*\b5\d\d[ -][^\n]{4,}$/m)?.[0]?.trim() ??
    null;
  const action = field(s, 'Action')?.toLowerCase() ?? null;
  const originalMessageId = messageIdIn(parts.original ?? '') ?? messageIdIn(parts.body);
  const permanent = action === 'delayed' ? false : statusCode ? !statusCode.startsWith('4') : true;
  return {
    recipient: recipient ? recipient.toLowerCase().replace(/^<|>$/g, '') : null,
    // No code given: RFC 3463's "other or undefined" status of the class the report implies.
    status: statusCode ?? (permanent ? '5.0.0' : '4.0.0'),
    diagnostic: diagnostic ? diagnostic.slice(0, 1000) : null,
    originalMessageId,
    permanent,
  };
}

function messageIdIn(text: string): string | null {
  const m = /^Message-ID:\s*<([^>\s]+)>/im.exec(text);
  return m ? m[1]! : null;
}
