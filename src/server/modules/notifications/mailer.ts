import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { LeasedBatches } from '../../platform/leased-batches.ts';

/** No SMTP conversation step may hang a worker: connect, greeting and each socket wait. */
const SMTP_TIMEOUT_MS = 10_000;
/** A claimed message is someone's for this long; past it (the sender died) it is claimed again. */
const LEASE_MS = 5 * 60_000;
const BATCH = 20;
/** After this many failed tries a message is given up on (state `failed`, the error kept). */
export const MAX_ATTEMPTS = 8;

/** Wait before try n+1: 30 s, 1 min, 2 min … capped at an hour. */
export const backoffMs = (attempts: number) => Math.min(30_000 * 2 ** Math.max(attempts - 1, 0), 3_600_000);

interface Claimed {
  id: string;
  title: string;
  body: string;
  at: string | null;
  urgent: boolean | number;
  email_attempts: number;
  email: string | null;
  display_name: string;
}

/** An instant in words for a mail body: the reader's zone is unknown, so UTC is said out loud. */
function inWords(iso: string): string {
  return `${new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(new Date(iso))} UTC`;
}

/**
 * E-mail for notifications that ask for it (`email_state = 'pending'` on the row). With SMTP_URL
 * set it goes to that server; without it (development, demo) each message is written as an .eml
 * file under `<data dir>/mail/` — a local sink nobody can be spammed from.
 *
 * No transaction is held across the network: claim a batch (a short transaction that leases the
 * rows), commit, send each with timeouts, then mark each sent or failed in its own short write.
 * On SQLite every query waits behind an open write transaction, so a silent SMTP server used to
 * freeze the whole API. Delivery is at least once: a crash after sending and before marking sends
 * that message again once its lease runs out.
 */
export class Mailer {
  private readonly ctx: Ctx;
  private readonly transport: Transporter;
  private readonly sinkDir: string | null;
  private readonly loop: LeasedBatches<Claimed>;
  /** Messages handed to the transport by this process (for the console and tests). */
  sent = 0;

  constructor(ctx: Ctx, opts: { timeoutMs?: number } = {}) {
    this.ctx = ctx;
    const url = ctx.config.smtpUrl;
    const timeout = opts.timeoutMs ?? SMTP_TIMEOUT_MS;
    this.sinkDir = url ? null : path.join(ctx.config.dataDir, 'mail');
    this.transport = url
      ? nodemailer.createTransport({
          url,
          connectionTimeout: timeout,
          greetingTimeout: timeout,
          socketTimeout: timeout,
        })
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
    this.loop = new LeasedBatches(ctx, {
      batch: BATCH,
      claim: (trx, now) => this.claim(trx, now),
      deliver: (r) => this.deliver(r),
    });
  }

  /** Send what is due; returns the number of messages sent. One run at a time per process. */
  drain(): Promise<number> {
    return this.loop.drain();
  }

  private async claim(trx: Executor, now: string): Promise<Claimed[]> {
    const leaseUntil = new Date(Date.parse(now) + LEASE_MS).toISOString();
    let q = trx
      .selectFrom('notifications')
      .innerJoin('users', 'users.id', 'notifications.user_id')
      .select([
        'notifications.id',
        'notifications.title',
        'notifications.body',
        'notifications.at',
        'notifications.urgent',
        'notifications.email_attempts',
        'users.email',
        'users.display_name',
      ])
      .where('notifications.email_state', '=', 'pending')
      .where('notifications.email_due_at', '<=', now)
      .orderBy('notifications.email_due_at')
      .limit(BATCH);
    if (this.ctx.store.dialect === 'postgres') q = q.forUpdate('notifications').skipLocked();
    const rows = await q.execute();
    if (rows.length)
      await trx
        .updateTable('notifications')
        .set((eb) => ({ email_due_at: leaseUntil, email_attempts: eb('email_attempts', '+', 1) }))
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
    return rows;
  }

  /** Send one claimed message (no transaction open) and record the outcome. */
  private async deliver(r: Claimed): Promise<boolean> {
    const db = this.ctx.store.db;
    if (!r.email) {
      await db
        .updateTable('notifications')
        .set({ email_state: 'failed', email_due_at: null, email_error: 'no e-mail address' })
        .where('id', '=', r.id)
        .execute();
      return false;
    }
    try {
      const info = await this.transport.sendMail({
        from: this.ctx.config.mailFrom,
        to: { name: r.display_name, address: r.email },
        subject: r.title,
        text: `${r.body}${r.at ? `\nDue: ${inWords(r.at)}` : ''}\n\nOpen Frontline to act on it.`,
        ...(r.urgent ? { priority: 'high' as const } : {}),
        headers: { 'X-Frontline-Notification': r.id },
      });
      if (this.sinkDir) {
        fs.mkdirSync(this.sinkDir, { recursive: true, mode: 0o700 });
        fs.writeFileSync(path.join(this.sinkDir, `${r.id}.eml`), (info as { message: Buffer }).message, {
          mode: 0o600,
        });
      }
    } catch (err) {
      const attempts = r.email_attempts + 1;
      const giveUp = attempts >= MAX_ATTEMPTS;
      const due = new Date(this.ctx.clock.now().getTime() + backoffMs(attempts)).toISOString();
      await db
        .updateTable('notifications')
        .set({
          email_state: giveUp ? 'failed' : 'pending',
          email_due_at: giveUp ? null : due,
          email_error: (err instanceof Error ? err.message : String(err)).slice(0, 500),
        })
        .where('id', '=', r.id)
        .execute();
      return false;
    }
    await db
      .updateTable('notifications')
      .set({ email_state: 'sent', email_due_at: null, email_error: null })
      .where('id', '=', r.id)
      .execute();
    this.sent++;
    return true;
  }

  close(): void {
    this.transport.close();
  }
}
