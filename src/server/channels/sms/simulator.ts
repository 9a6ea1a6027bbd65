import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { twilioSignature } from './twilio.ts';

/** A text the simulator took through its Messages API (what a customer's phone would receive). */
export interface SimulatedMessage {
  sid: string;
  accountSid: string;
  from: string;
  to: string;
  body: string;
  statusCallback: string | null;
  at: string;
}

/**
 * A local SMS provider speaking the Twilio protocol both ways, for the demo and the tests — nothing
 * leaves the machine. Outbound: `POST /2010-04-01/Accounts/<account sid>/Messages.json` with basic auth,
 * answered as Twilio does, then signed status callbacks (queued → sent → delivered, or undelivered
 * with error 30003 for a number in `unreachable`). Inbound: `text()` posts a signed webhook as a
 * customer's text would arrive.
 */
export class SmsSimulator {
  readonly received: SimulatedMessage[] = [];
  /** Numbers whose texts are reported undelivered (30003, unreachable handset). */
  readonly unreachable = new Set<string>();
  /** Answer the next sends with this status (e.g. 503, 401) instead of taking them. */
  failNext: { status: number; count: number } | null = null;
  private server: http.Server | null = null;
  private readonly accounts: Map<string, string>;
  private waiters: (() => void)[] = [];

  constructor(accounts: Record<string, string>) {
    this.accounts = new Map(Object.entries(accounts));
  }

  async start(port = 0): Promise<string> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this.url;
  }

  get url(): string {
    const a = this.server?.address() as AddressInfo | null;
    if (!a) throw new Error('the simulator is not started');
    return `http://127.0.0.1:${a.port}`;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** Resolves when `n` texts have been received. */
  async waitFor(n: number, timeoutMs = 10_000): Promise<SimulatedMessage[]> {
    const until = Date.now() + timeoutMs;
    while (this.received.length < n) {
      if (Date.now() > until)
        throw new Error(`the simulator received ${this.received.length} texts, not ${n}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.received.slice(0, n);
  }

  /**
   * A customer's text arriving: a signed, form-encoded webhook to `url`, as the provider sends it.
   * `sid` lets a test replay the same message; `signWith` forges with another token.
   */
  async text(
    url: string,
    m: { accountSid: string; from: string; to: string; body: string; sid?: string; signWith?: string },
  ): Promise<{ status: number; body: string; sid: string }> {
    const sid = m.sid ?? `SM${randomBytes(16).toString('hex')}`;
    const params: [string, string][] = [
      ['AccountSid', m.accountSid],
      ['MessageSid', sid],
      ['SmsSid', sid],
      ['From', m.from],
      ['To', m.to],
      ['Body', m.body],
      ['NumMedia', '0'],
      ['ApiVersion', '2010-04-01'],
    ];
    return { ...(await this.post(url, params, m.signWith ?? this.token(m.accountSid))), sid };
  }

  private token(accountSid: string): string {
    const t = this.accounts.get(accountSid);
    if (!t) throw new Error(`the simulator has no account ${accountSid}`);
    return t;
  }

  private async post(url: string, params: [string, string][], token: string) {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilioSignature(url, params, token),
      },
      body: new URLSearchParams(params),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.text() };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const m = req.url?.match(/^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || !m)
      return json(404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    if (this.failNext && this.failNext.count > 0) {
      this.failNext.count--;
      return json(this.failNext.status, {
        code: 20500,
        message: 'Simulated failure',
        status: this.failNext.status,
      });
    }
    const accountSid = decodeURIComponent(m[1]!);
    const [user, pass] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
      .toString()
      .split(':');
    if (user !== accountSid || !this.accounts.has(accountSid) || this.accounts.get(accountSid) !== pass)
      return json(401, { code: 20003, message: 'Authenticate', status: 401 });
    const p = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const to = p.get('To') ?? '';
    if (!/^\+[1-9]\d{6,14}$/.test(to))
      return json(400, {
        code: 21211,
        message: `The 'To' number ${to} is not a valid phone number.`,
        status: 400,
      });
    const msg: SimulatedMessage = {
      sid: `SM${randomBytes(16).toString('hex')}`,
      accountSid,
      from: p.get('From') ?? '',
      to,
      body: p.get('Body') ?? '',
      statusCallback: p.get('StatusCallback'),
      at: new Date().toISOString(),
    };
    this.received.push(msg);
    for (const w of this.waiters.splice(0)) w();
    json(201, {
      sid: msg.sid,
      account_sid: accountSid,
      to,
      from: msg.from,
      body: msg.body,
      status: 'queued',
      error_code: null,
      error_message: null,
    });
    // Delivery reports follow, as the carrier's come back.
    if (msg.statusCallback) setTimeout(() => void this.report(msg).catch(() => {}), 20);
  }

  private async report(msg: SimulatedMessage): Promise<void> {
    const failed = this.unreachable.has(msg.to);
    const steps: [string, string | null][] = failed
      ? [
          ['sent', null],
          ['undelivered', '30003'],
        ]
      : [
          ['sent', null],
          ['delivered', null],
        ];
    for (const [status, code] of steps) {
      const params: [string, string][] = [
        ['AccountSid', msg.accountSid],
        ['MessageSid', msg.sid],
        ['SmsSid', msg.sid],
        ['MessageStatus', status],
        ['SmsStatus', status],
        ['From', msg.from],
        ['To', msg.to],
        ['ApiVersion', '2010-04-01'],
        ...(code ? ([['ErrorCode', code]] as [string, string][]) : []),
      ];
      await this.post(msg.statusCallback!, params, this.token(msg.accountSid));
    }
  }
}
