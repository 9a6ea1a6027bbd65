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

/**
 * An SMTP server a test reads: every message Frontline sent, raw, in `received`, and its envelope
 * (MAIL FROM, RCPT TO and their DSN parameters) in `envelopes`. `dsn: true` advertises the DSN
 * extension (RFC 3461), off by default as in smtp-server. Listens on a free loopback port;
 * `close()` when done.
 */
export async function smtpSink(opts: { dsn?: boolean } = {}) {
  const { SMTPServer } = await import('smtp-server');
  const received: Buffer[] = [];
  const envelopes: import('smtp-server').SMTPServerEnvelope[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    size: 64 * 1024 * 1024,
    hideDSN: !opts.dsn,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (d: Buffer) => chunks.push(d));
      stream.on('end', () => {
        received.push(Buffer.concat(chunks));
        envelopes.push(session.envelope);
        done();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as import('node:net').AddressInfo).port;
  return { received, envelopes, port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
