import fs from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { SmtpSettings } from '../../../shared/contracts/mailboxes.ts';
import { type ChannelAdapter, ChannelError, type OutboundMessage, type SendResult } from '../contract.ts';
import { parseMail } from './parse.ts';

/** No step of an SMTP conversation may hang a sender: connect, greeting and each socket wait. */
const SMTP_TIMEOUT_MS = 15_000;

/** Where a mailbox's mail leaves: its own SMTP server, the server-wide SMTP_URL, or (demo) a folder. */
export type SmtpTarget =
  | { kind: 'smtp'; host: string; port: number; tls: boolean; user: string | null; password: string | null }
  | { kind: 'url'; url: string }
  | { kind: 'folder'; dir: string };

/**
 * The e-mail channel adapter: MIME in through mailparser (parse.ts), SMTP out through Nodemailer.
 * Errors are classed for retry and health: a 5xx refusal is permanent, an authentication failure
 * needs an administrator, anything else (timeouts, 4xx, a dropped connection) is tried again.
 */
export const emailAdapter: ChannelAdapter<SmtpTarget> = {
  channel: 'email',
  configSchema: SmtpSettings,
  // Delivery reports: a success DSN is asked for on every message (see send).
  capabilities: { html: true, attachments: true, threading: true, deliveryReceipts: true, maxLength: null },
  parseInbound: parseMail,
  async send(message: OutboundMessage, target: SmtpTarget): Promise<SendResult> {
    const transport =
      target.kind === 'folder'
        ? nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' })
        : nodemailer.createTransport(
            target.kind === 'url'
              ? {
                  url: target.url,
                  connectionTimeout: SMTP_TIMEOUT_MS,
                  greetingTimeout: SMTP_TIMEOUT_MS,
                  socketTimeout: SMTP_TIMEOUT_MS,
                }
              : {
                  host: target.host,
                  port: target.port,
                  secure: target.tls,
                  ...(target.user ? { auth: { user: target.user, pass: target.password ?? '' } } : {}),
                  connectionTimeout: SMTP_TIMEOUT_MS,
                  greetingTimeout: SMTP_TIMEOUT_MS,
                  socketTimeout: SMTP_TIMEOUT_MS,
                },
          );
    try {
      const addr = (a: { address: string; name: string | null }) => ({
        address: a.address,
        name: a.name ?? '',
      });
      const info = (await transport.sendMail({
        from: addr(message.from),
        to: message.to.map(addr),
        ...(message.cc.length ? { cc: message.cc.map(addr) } : {}),
        subject: message.subject,
        text: message.text,
        ...(message.html ? { html: message.html } : {}),
        messageId: `<${message.messageId}>`,
        ...(message.inReplyTo ? { inReplyTo: `<${message.inReplyTo}>` } : {}),
        ...(message.references.length ? { references: message.references.map((r) => `<${r}>`) } : {}),
        headers: message.headers,
        // RFC 3461: a report on success as well as failure, with only the headers returned and our
        // id as ENVID (found again without them). Nodemailer sends these only to a server that
        // advertises DSN; through any other the message stays `sent`. Delays are not asked for:
        // they change nothing here. Read receipts (Disposition-Notification-To) are never asked.
        dsn: { notify: ['SUCCESS', 'FAILURE'], ret: 'HDRS', envid: message.id },
        attachments: message.attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: Buffer.from(a.data),
          ...(a.contentId ? { cid: a.contentId } : {}),
        })),
      })) as { messageId?: string; response?: unknown; message?: unknown };
      if (target.kind === 'folder') {
        fs.mkdirSync(target.dir, { recursive: true, mode: 0o700 });
        fs.writeFileSync(
          path.join(target.dir, `${message.id}.eml`),
          Buffer.isBuffer(info.message) ? info.message : '',
          {
            mode: 0o600,
          },
        );
      }
      return {
        providerId: info.messageId ?? null,
        response: typeof info.response === 'string' ? info.response : null,
      };
    } catch (err) {
      throw classifySmtpError(err);
    } finally {
      transport.close();
    }
  },
};

export function classifySmtpError(err: unknown): ChannelError {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const message = e?.message ?? String(err);
  if (e?.code === 'EAUTH' || e?.responseCode === 535 || e?.responseCode === 534 || e?.responseCode === 530)
    return new ChannelError('authentication', message, { cause: err });
  if (typeof e?.responseCode === 'number' && e.responseCode >= 500)
    return new ChannelError('permanent', message, { cause: err });
  if (e?.code === 'EENVELOPE' && typeof e.responseCode === 'number' && e.responseCode >= 500)
    return new ChannelError('permanent', message, { cause: err });
  return new ChannelError('retryable', message, { cause: err });
}
