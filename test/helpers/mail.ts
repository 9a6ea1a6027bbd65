import { newId } from '../../src/server/platform/ids.ts';

/** A raw RFC 5322 message, CRLF line ends, built for one test. */
export function mail(m: {
  from: string;
  to?: string;
  cc?: string;
  subject?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  headers?: Record<string, string>;
  body?: string;
}): Buffer {
  const lines = [
    `From: ${m.from}`,
    `To: ${m.to ?? 'Billing Support <billing@centre.example>'}`,
    ...(m.cc ? [`Cc: ${m.cc}`] : []),
    `Subject: ${m.subject ?? 'My bill is wrong'}`,
    'Date: Mon, 23 Nov 2026 09:00:00 +0800',
    ...(m.messageId === null ? [] : [`Message-ID: <${m.messageId ?? `${newId()}@customer.example`}>`]),
    ...(m.inReplyTo ? [`In-Reply-To: <${m.inReplyTo}>`] : []),
    ...(m.references ? [`References: ${m.references}`] : []),
    ...Object.entries(m.headers ?? {}).map(([k, v]) => `${k}: ${v}`),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    m.body ?? 'Hello, I was charged twice for November.',
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}
