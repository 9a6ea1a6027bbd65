import fs from 'node:fs';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import { parseJson } from '../../platform/db/schema.ts';

/**
 * E-mail for notifications, sent after commit from the outbox. With SMTP_URL set it goes to that
 * server; without it (development, demo) each message is written as an .eml file under
 * `<data dir>/mail/` — a local sink nobody can be spammed from. Delivery is at least once: a crash
 * after sending and before marking the event published sends it again.
 */
export class Mailer {
  private readonly ctx: Ctx;
  private readonly transport: Transporter;
  private readonly sinkDir: string | null;
  private running: Promise<number> | undefined;
  /** Messages handed to the transport by this process (for the console and tests). */
  sent = 0;

  constructor(ctx: Ctx) {
    this.ctx = ctx;
    const url = ctx.config.smtpUrl;
    this.sinkDir = url ? null : path.join(ctx.config.dataDir, 'mail');
    this.transport = url
      ? nodemailer.createTransport(url)
      : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  /** Send what the outbox holds; returns the number of messages sent. One run at a time per process. */
  drain(): Promise<number> {
    this.running ??= this.run().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async run(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await tx(this.ctx, async (trx) => {
        let q = trx
          .selectFrom('outbox')
          .selectAll()
          .where('published_at', 'is', null)
          .where('name', '=', 'notification.created')
          .orderBy('id')
          .limit(50);
        if (this.ctx.store.dialect === 'postgres') q = q.forUpdate().skipLocked();
        const events = await q.execute();
        let sent = 0;
        for (const ev of events) {
          const p = parseJson<{ ids: string[]; email: boolean }>(ev.payload, { ids: [], email: false });
          if (p.email && p.ids.length) {
            const rows = await trx
              .selectFrom('notifications')
              .innerJoin('users', 'users.id', 'notifications.user_id')
              .select([
                'notifications.id',
                'notifications.title',
                'notifications.body',
                'notifications.urgent',
                'users.email',
                'users.display_name',
              ])
              .where('notifications.id', 'in', p.ids)
              .execute();
            for (const r of rows) {
              if (!r.email) continue;
              const info = await this.transport.sendMail({
                from: this.ctx.config.mailFrom,
                to: { name: r.display_name, address: r.email },
                subject: r.title,
                text: `${r.body}\n\nOpen Frontline to act on it.`,
                ...(r.urgent ? { priority: 'high' as const } : {}),
                headers: { 'X-Frontline-Notification': r.id },
              });
              if (this.sinkDir) {
                fs.mkdirSync(this.sinkDir, { recursive: true });
                fs.writeFileSync(
                  path.join(this.sinkDir, `${r.id}.eml`),
                  (info as { message: Buffer }).message,
                );
              }
              sent++;
            }
          }
          await trx
            .updateTable('outbox')
            .set({ published_at: nowIso(this.ctx) })
            .where('id', '=', ev.id)
            .execute();
        }
        return { events: events.length, sent };
      });
      total += n.sent;
      this.sent += n.sent;
      if (n.events < 50) return total;
    }
  }

  close(): void {
    this.transport.close();
  }
}
