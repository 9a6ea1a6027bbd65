import type { BounceReport, InboundKind } from '../contract.ts';

/**
 * What kind of mail this is, from its headers and shape alone (pure; tested with the corpus):
 * a person writing, an automatic reply, bulk or list mail, a delivery report, or spam. The checks
 * follow RFC 3834 (Auto-Submitted), RFC 3464 (delivery status notifications), RFC 8098 (read
 * receipts) and what Zammad and the big mailers actually send (X-Autoreply,
 * X-Auto-Response-Suppress, Precedence, out-of-office subjects, non-DSN bounces from qmail and old
 * Exim).
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
  // A read receipt (RFC 8098 MDN), sent by the customer's mail program, often with no other marker:
  // automatic, so it never opens, reopens or answers a case. (Frontline never asks for them.)
  if (f.contentType === 'multipart/report' && f.reportType === 'disposition-notification')
    return { kind: 'auto_reply', reason: 'multipart/report; report-type=disposition-notification' };
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

/** RFC 3464 2.3.3: the recipient's server took it (delivered; expanded to a list or alias; relayed on). */
const SUCCESS_ACTIONS = new Set(['delivered', 'expanded', 'relayed']);

/** The report's worst news first: a failure outweighs a delay, a delay a success. */
/** The action-value without the comment some MTAs add ("delivered (to mailbox)": Sendmail). */
const actionOf = (block: string) =>
  field(block, 'Action')
    ?.toLowerCase()
    .match(/^[a-z]+/)?.[0] ?? null;

const rank = (action: string | null) =>
  action === 'failed' ? 0 : action === 'delayed' ? 1 : action && SUCCESS_ACTIONS.has(action) ? 2 : 3;

/**
 * What a delivery report says: the recipient, its status and diagnostic, the Message-ID of what it
 * reports on, and whether the message failed, is delayed or was delivered. `status` is the
 * machine-readable delivery-status part (RFC 3464) when there is one; `original` is the returned
 * message or its headers; `body` the human-readable text (qmail and old Exim send only that).
 * A report on several recipients speaks for the one with the worst news.
 */
export function readBounce(parts: {
  status: string | null;
  original: string | null;
  body: string;
  failedRecipientsHeader: string | null;
}): BounceReport {
  // Per-message fields, then one block per recipient, separated by empty lines (RFC 3464 2.1).
  const blocks = (parts.status ?? '').split(/\r?\n[ \t]*\r?\n/).filter((b) => b.trim());
  const perMessage = blocks[0] ?? '';
  const recipients = blocks.filter((b) => field(b, 'Action') || field(b, 'Final-Recipient'));
  const s = [...recipients].sort((a, b) => rank(actionOf(a)) - rank(actionOf(b)))[0] ?? parts.status ?? '';
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
  const action = actionOf(s);
  const originalMessageId = messageIdIn(parts.original ?? '') ?? messageIdIn(parts.body);
  // The Action decides; without one, the status class (a success is only believed from a DSN).
  const outcome: BounceReport['outcome'] =
    action === 'failed'
      ? 'failed'
      : action === 'delayed'
        ? 'delayed'
        : action && SUCCESS_ACTIONS.has(action)
          ? 'delivered'
          : statusCode?.startsWith('4')
            ? 'delayed'
            : statusCode?.startsWith('2') && parts.status
              ? 'delivered'
              : 'failed';
  const diagnostic =
    field(s, 'Diagnostic-Code')?.replace(/^[a-z0-9-]+;\s*/i, '') ??
    (outcome === 'failed' ? parts.body.match(/^.*\b5\d\d[ -][^\n]{4,}$/m)?.[0]?.trim() : null) ??
    null;
  const envelopeId = field(perMessage, 'Original-Envelope-Id');
  return {
    recipient: recipient ? recipient.toLowerCase().replace(/^<|>$/g, '') : null,
    // No code given: RFC 3463's "other or undefined" status of the class the report implies.
    status: statusCode ?? (outcome === 'failed' ? '5.0.0' : outcome === 'delayed' ? '4.0.0' : '2.0.0'),
    diagnostic: diagnostic ? diagnostic.slice(0, 1000) : null,
    originalMessageId,
    envelopeId: envelopeId ? envelopeId.replace(/^<|>$/g, '').slice(0, 200) : null,
    action,
    outcome,
  };
}

function messageIdIn(text: string): string | null {
  const m = /^Message-ID:\s*<([^>\s]+)>/im.exec(text);
  return m ? m[1]! : null;
}
