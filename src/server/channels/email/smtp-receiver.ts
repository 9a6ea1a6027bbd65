import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { InboundService } from '../../modules/messages/inbound.service.ts';
import type { Ctx } from '../../platform/context.ts';
import { MAIL_LIMITS } from './parse.ts';

/** No client may hold a connection idle longer than this (a silent peer costs a socket, never the process). */
const SOCKET_TIMEOUT_MS = 60_000;
const MAX_CLIENTS = 200;
/** How long a mailbox lookup is trusted (see mailboxFor). */
const MAILBOX_TTL_MS = 5_000;

export interface SmtpReceiverEvents {
  /** After the 250: the item is stored; `outcome` when it was processed at once. */
  onAccepted?: (rawId: string) => void;
  onError?: (err: unknown) => void;
}

/**
 * Frontline's own SMTP receiver (issue 13: "inbound by SMTP — Frontline receives for its
 * domains"). It accepts mail only for the addresses of active SMTP mailboxes (550 for anything
 * else: it is not an open relay), stores the raw message and commits, and only then answers 250.
 * A message is made into a case after the 250, so a slow chain never delays the sender; if the
 * process dies in between, the stored row is processed at the next sweep. A database that cannot
 * store answers 451 (try again later): the sending server keeps the message and retries.
 */
export class SmtpReceiver {
  private readonly ctx: Ctx;
  private readonly inbound: InboundService;
  private readonly events: SmtpReceiverEvents;
  private readonly server: SMTPServer;
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly boxes = new Map<string, { box: { id: string; inbound: string } | null; until: number }>();

  private readonly maxBytes: number;

  constructor(
    ctx: Ctx,
    inbound: InboundService,
    events: SmtpReceiverEvents = {},
    opts: { maxBytes?: number } = {},
  ) {
    this.ctx = ctx;
    this.inbound = inbound;
    this.events = events;
    this.maxBytes = opts.maxBytes ?? MAIL_LIMITS.rawBytes;
    this.server = new SMTPServer({
      name: 'frontline',
      banner: 'Frontline',
      authOptional: true,
      disabledCommands: ['AUTH', 'STARTTLS'],
      size: this.maxBytes,
      maxClients: MAX_CLIENTS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      closeTimeout: 5_000,
      logger: false,
      onRcptTo: (address, _session, done) => {
        this.mailboxFor(address.address)
          .then((box) => {
            if (box) return done();
            const err = new Error(`5.1.1 <${address.address}>: no such mailbox here`) as Error & {
              responseCode: number;
            };
            err.responseCode = 550;
            done(err);
          })
          .catch(() => done(tempFailure('4.3.0 Mailbox lookup failed: try again later')));
      },
      onData: (stream, session, done) => {
        const work = this.accept(stream, session).then(
          (rawId) => {
            done();
            this.events.onAccepted?.(rawId);
            // Made into a case after the 250; a failure here is picked up by the sweep.
            void this.inbound.process(rawId).catch((err) => this.events.onError?.(err));
          },
          (err: Error & { responseCode?: number }) => done(err),
        );
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work));
      },
    });
    this.server.on('error', (err) => this.events.onError?.(err));
  }

  /**
   * The active SMTP mailbox of an address. Asked twice a message (RCPT TO, then the store) and a
   * thousand times a minute in a burst, so an answer is kept for a few seconds: a mailbox switched
   * off stops taking mail within MAILBOX_TTL_MS.
   */
  private async mailboxFor(address: string) {
    const key = address.toLowerCase();
    const kept = this.boxes.get(key);
    if (kept && kept.until > Date.now()) return kept.box;
    const r = await this.ctx.store.db
      .selectFrom('mailboxes')
      .select(['id', 'inbound'])
      .where('address', '=', key)
      .where('active', '=', true)
      .executeTakeFirst();
    const box = r && r.inbound === 'smtp' ? r : null;
    if (this.boxes.size >= 1000) this.boxes.clear();
    this.boxes.set(key, { box, until: Date.now() + MAILBOX_TTL_MS });
    return box;
  }

  private async accept(stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= this.maxBytes) chunks.push(chunk);
    }
    if (stream.sizeExceeded || size > this.maxBytes) {
      const err = new Error('5.3.4 Message too big') as Error & { responseCode: number };
      err.responseCode = 552;
      throw err;
    }
    // Backpressure: while the chain is behind, the sender waits for its 250 (a burst queues at the
    // senders, not here, and what is accepted reaches the screens in bounded time).
    await this.inbound.admit();
    const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
    const box = await this.mailboxFor(recipients[0] ?? '');
    try {
      const stored = await this.inbound.store({
        channel: 'email',
        raw: Buffer.concat(chunks),
        transport: 'smtp',
        endpointId: box?.id ?? null,
        envelope: {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          rcptTo: recipients,
          remoteAddress: session.remoteAddress,
        },
      });
      return stored.rawId;
    } catch (err) {
      this.events.onError?.(err);
      throw tempFailure('4.3.0 Could not store the message: try again later');
    }
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    return (this.server.server.address() as AddressInfo).port;
  }

  /** Stop accepting, let the messages being stored finish, close. */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await Promise.allSettled([...this.inFlight]);
  }
}

function tempFailure(message: string): Error & { responseCode: number } {
  const err = new Error(message) as Error & { responseCode: number };
  err.responseCode = 451;
  return err;
}
