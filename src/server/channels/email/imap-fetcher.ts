import { ImapFlow } from 'imapflow';
import type { InboundService } from '../../modules/messages/inbound.service.ts';
import type { MailboxesService, MailboxRow } from '../../modules/messages/mailboxes.service.ts';
import { ChannelError, type FailureClass } from '../contract.ts';

/** No IMAP step may hang a fetcher: connect, greeting, and each socket wait. */
const TIMEOUT_MS = 30_000;
/** Messages fetched per round: a full inbox is worked through in rounds, each stored then moved. */
const BATCH = 50;
/** Even without an IDLE notification the folder is looked at this often (a server whose IDLE is silent). */
const POLL_MS = 60_000;
const MAX_BACKOFF_MS = 5 * 60_000;

function failureOf(err: unknown): ChannelError {
  if (err instanceof ChannelError) return err;
  const e = err as {
    authenticationFailed?: boolean;
    serverResponseCode?: string;
    responseText?: string;
    message?: string;
  };
  // The server's own words say what went wrong ("Command failed" alone does not).
  const message = [e?.message ?? String(err), e?.responseText].filter(Boolean).join(': ');
  const failure: FailureClass =
    e?.authenticationFailed || e?.serverResponseCode === 'AUTHENTICATIONFAILED'
      ? 'authentication'
      : 'retryable';
  return new ChannelError(failure, message, { cause: err });
}

/**
 * One IMAP mailbox, fetched with IDLE (issue 13: "by IMAP with IDLE from an existing mailbox"). A
 * message is stored (committed) first and only then moved to the processed folder — never deleted,
 * never moved before it is safe — so a crash at any point leaves it either in the inbox (fetched
 * again; the store deduplicates) or stored. Failures are classed for the mailbox's health; the
 * fetcher reconnects with back-off and never takes the process down.
 */
export class ImapFetcher {
  private readonly box: MailboxRow;
  private readonly inbound: InboundService;
  private readonly mailboxes: MailboxesService;
  private readonly onError: (err: unknown) => void;
  private client: ImapFlow | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Messages stored and moved by this fetcher (for tests and logs). */
  fetched = 0;

  constructor(
    box: MailboxRow,
    deps: { inbound: InboundService; mailboxes: MailboxesService; onError: (err: unknown) => void },
  ) {
    this.box = box;
    this.inbound = deps.inbound;
    this.mailboxes = deps.mailboxes;
    this.onError = deps.onError;
  }

  get version(): number {
    return this.box.version;
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const c = this.client;
    this.client = null;
    if (c) await c.logout().catch(() => c.close());
    await this.loop?.catch(() => {});
  }

  private async run(): Promise<void> {
    let backoff = 1000;
    while (!this.stopped) {
      try {
        await this.session();
        backoff = 1000;
      } catch (err) {
        if (this.stopped) return;
        const f = failureOf(err);
        await this.mailboxes
          .recordHealth(this.box.id, { ok: false, failure: f.failure, error: f.message })
          .catch((e) => this.onError(e));
        this.onError(f);
        // Wrong credentials will not fix themselves quickly: wait the longest before trying again.
        await this.sleep(f.failure === 'authentication' ? MAX_BACKOFF_MS : backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(t);
        this.wake = null;
        resolve();
      };
    });
  }

  /** One connection: log in, work the folder through, then wait for news (IDLE) and repeat. */
  private async session(): Promise<void> {
    const conn = this.mailboxes.connection(this.box).imap;
    if (!conn) throw new ChannelError('permanent', 'the mailbox has no IMAP settings');
    const client = new ImapFlow({
      host: conn.host,
      port: conn.port,
      secure: conn.tls,
      auth: { user: conn.user, pass: conn.password ?? '' },
      logger: false,
      connectionTimeout: TIMEOUT_MS,
      greetingTimeout: TIMEOUT_MS,
      socketTimeout: 5 * 60_000,
      // IDLE is restarted before servers drop it (RFC 2177: at most every 29 minutes).
      maxIdleTime: 5 * 60_000,
      // IDLE a second after the last command (imapflow waits 15 s by default): new mail in seconds.
      autoIdleDelay: 1000,
    });
    this.client = client;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.on('error', (err: unknown) => this.onError(err));
    client.on('exists', () => this.wake?.());
    try {
      await client.connect();
      const list = await client.list();
      // "Frontline/Processed" in the server's own hierarchy ('.' on many Dovecot and Courier setups).
      const delimiter = list.find((f) => f.delimiter)?.delimiter ?? '/';
      const processed = conn.processedFolder.split('/').join(delimiter);
      if (!list.some((f) => f.path === processed)) await client.mailboxCreate(processed);
      await client.mailboxOpen(conn.folder);
      await this.mailboxes.recordHealth(this.box.id, { ok: true, fetched: true });
      while (!this.stopped && client.usable) {
        const n = await this.round(client, processed);
        await this.mailboxes.recordHealth(this.box.id, { ok: true, fetched: true });
        if (n === BATCH) continue;
        // Wait for the server to say something arrived (imapflow IDLEs while no command runs), or
        // for the poll interval, or for the connection to close.
        await Promise.race([this.sleep(POLL_MS), closed]);
      }
      if (!this.stopped && !client.usable) throw new ChannelError('retryable', 'the IMAP connection closed');
    } finally {
      this.client = null;
      if (client.usable) await client.logout().catch(() => client.close());
      else client.close();
    }
  }

  /** Fetch up to BATCH messages; store each, then move it. Returns how many there were. */
  private async round(client: ImapFlow, processed: string): Promise<number> {
    const status = client.mailbox;
    if (!status || status.exists === 0) return 0;
    // Collected first: no other command may run while a FETCH is being iterated.
    const batch: { uid: number; source: Buffer }[] = [];
    for await (const m of client.fetch('1:*', { uid: true, source: true }, { uid: false })) {
      if (m.source) batch.push({ uid: m.uid, source: m.source });
      if (batch.length >= BATCH) break;
    }
    for (const m of batch) {
      if (this.stopped) break;
      await this.inbound.admit();
      const stored = await this.inbound.store({
        channel: 'email',
        raw: m.source,
        transport: 'imap',
        endpointId: this.box.id,
        envelope: { uid: m.uid, uidValidity: String(status.uidValidity ?? '') },
      });
      // Stored and committed: only now may it leave the inbox.
      await client.messageMove(String(m.uid), processed, { uid: true });
      this.fetched++;
      void this.inbound.process(stored.rawId).catch((err) => this.onError(err));
    }
    return batch.length;
  }
}

/**
 * The fetchers of every active IMAP mailbox, kept in step with their settings: a changed mailbox
 * (its version) gets a new fetcher, a removed or deactivated one is stopped.
 */
export class ImapFetchers {
  private readonly fetchers = new Map<string, ImapFetcher>();
  private readonly deps: {
    inbound: InboundService;
    mailboxes: MailboxesService;
    onError: (err: unknown) => void;
  };

  constructor(deps: ImapFetchers['deps']) {
    this.deps = deps;
  }

  /** Start, restart or stop fetchers to match the mailboxes as they are now. */
  async sync(): Promise<void> {
    const boxes = await this.deps.mailboxes.imapMailboxes();
    const wanted = new Map(boxes.map((b) => [b.id, b]));
    for (const [id, f] of this.fetchers) {
      const b = wanted.get(id);
      if (!b || b.version !== f.version) {
        this.fetchers.delete(id);
        await f.stop();
      }
    }
    for (const b of boxes) {
      if (this.fetchers.has(b.id)) continue;
      const f = new ImapFetcher(b, this.deps);
      this.fetchers.set(b.id, f);
      f.start();
    }
  }

  get count(): number {
    let n = 0;
    for (const f of this.fetchers.values()) n += f.fetched;
    return n;
  }

  async stop(): Promise<void> {
    const all = [...this.fetchers.values()];
    this.fetchers.clear();
    await Promise.all(all.map((f) => f.stop()));
  }
}
