import { createHash } from 'node:crypto';
import { type Selectable, sql } from 'kysely';
import type { DeliveryOutcome, InboundMessage } from '../../channels/contract.ts';
import { normaliseMessageId, rawHeader, rawHeaderBlock } from '../../channels/email/parse.ts';
import { audit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { type InboundRawTable, parseJson } from '../../platform/db/schema.ts';
import type { DomainEventBus } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { CustomersService } from '../customers/customers.service.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import { afterDeliveryReport } from './delivery-state.ts';
import { mailboxSlaTargets } from './mailbox-sla.ts';
import { type MailboxesService, type MailboxRow, mailboxOptions } from './mailboxes.service.ts';
import type { OutboundService } from './outbound.service.ts';
import { findThread, type ThreadMatch } from './threading.ts';

type RawRow = Selectable<InboundRawTable>;

/** Parses one channel's raw bytes (the adapter's parseInbound). */
export type Parser = (raw: Uint8Array) => Promise<InboundMessage>;

/**
 * A channel's own steps after parsing (SMS: channels/sms, modules/sms), run in the item's
 * transaction and savepoint in place of the e-mail chain; the store, claim, batching, retries and
 * outcome record around it are the same for every channel.
 */
export type ChannelChain = (trx: Executor, raw: RawRow, msg: InboundMessage, at: string) => Promise<Outcome>;

export interface StoreInput {
  channel: 'email' | 'sms';
  raw: Uint8Array;
  transport: 'smtp' | 'imap' | 'api' | 'webhook';
  /** The key the item arrives under every time, when the transport knows it (an SMS's MessageSid); else read from an e-mail's headers. */
  sourceKey?: string;
  /** The sender, when the transport knows it (an SMS's From); else read from an e-mail's From header. */
  sender?: string | null;
  /** The mailbox it was received for, when the transport knows (IMAP, SMTP recipient). */
  endpointId: string | null;
  /** Envelope facts kept with the raw item (SMTP MAIL FROM / RCPT TO, IMAP uid). */
  envelope?: Record<string, unknown>;
}

/** What became of an inbound item, kept on its raw row. */
export type Outcome =
  | {
      result: 'message';
      caseId: string;
      messageId: string;
      /** The acknowledgement queued to the sender, if one was (a new case, a person writing, not a loop). */
      acknowledgementId: string | null;
      threadedBy: NonNullable<ThreadMatch>['by'] | null;
      caseCreated: boolean;
      customerCreated: boolean;
      reopened: boolean;
      followUpOf: string | null;
    }
  | {
      result: 'bounce';
      messageId: string | null;
      recipient: string | null;
      status: string | null;
      /** What the report said; the message's state follows it as delivery-state.ts rules. */
      report: DeliveryOutcome;
    }
  | { result: 'ignored'; reason: string; detail?: string };

/** After this many failed attempts an item is `failed`: kept, listed for an administrator, not retried. */
const MAX_ATTEMPTS = 8;
/** Raw items written in one transaction at most (group commit of concurrent arrivals). */
const STORE_BATCH = 64;
/** Stored items made into messages in one transaction at most, and the time a batch may hold it. */
const PROCESS_BATCH = 32;
const BATCH_BUDGET_MS = 25;
/** Items accepted and not yet processed above which the transports are asked to wait (see `admit`). */
const MAX_BACKLOG = 64;

interface Waiter {
  id: string;
  resolve: (o: Outcome | null) => void;
  reject: (err: unknown) => void;
}
/** Parses kept for items stored and not yet processed (more than the backlog ever holds). */
const PARSED_KEPT = 4 * MAX_BACKLOG;
type Parsed = { ok: true; msg: InboundMessage } | { ok: false; error: string };

/** What every item of a batch reads alike, read once in the batch's transaction. */
interface BatchMemo {
  boxes: Map<string, MailboxRow | null>;
  own: Set<string> | null;
}

interface Storing {
  input: StoreInput;
  resolve: (r: { rawId: string; duplicate: boolean }) => void;
  reject: (err: unknown) => void;
}
const RATE_WINDOW_MS = 10 * 60_000;

/**
 * The key the same item arrives under every time: its Message-ID, or for a message without one the
 * hash of its bytes. Read from the header block only (cheap, before any parsing), so the raw row
 * can be stored and deduplicated before anything else happens.
 */
export function sourceKeyOf(raw: Uint8Array): string {
  const id = normaliseMessageId(rawHeader(rawHeaderBlock(raw), 'Message-ID'));
  if (id) return `mid:${id}`;
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

/**
 * The inbound chain (issue 13, point 1), the same for every channel:
 *
 *   store raw → verify → dedupe on the source id → identify the customer → thread → persist → emit
 *
 * `store` commits the raw bytes first — only then does the transport say "accepted" (SMTP 250, the
 * IMAP move) — so a crash at any later step loses nothing: `processPending` finds what was stored
 * and not yet processed. Everything after parsing happens in one transaction that also marks the
 * raw row done, so an item becomes exactly one message however often it is stored or processed.
 */
export class InboundService {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly customers: CustomersService;
  private readonly contacts: ContactsService;
  private readonly notifications: NotificationsService;
  private readonly mailboxes: MailboxesService;
  private readonly eventBus: DomainEventBus;
  private readonly parsers: Record<string, Parser>;
  private readonly chains: Record<string, ChannelChain>;
  private readonly outbound: OutboundService;
  private readonly onCommitted: () => void;
  private readonly storing: Storing[] = [];
  private readonly waiting: Waiter[] = [];
  private pumping = false;
  /** Items handed to `process` and not yet settled, and the transports waiting for it to fall. */
  private backlog = 0;
  private readonly admitting: (() => void)[] = [];
  /** Parses begun when their items were stored, by raw id (taken by the batch that processes them). */
  private readonly parsed = new Map<string, Promise<Parsed>>();

  constructor(
    ctx: Ctx,
    deps: {
      cases: CasesService;
      customers: CustomersService;
      contacts: ContactsService;
      notifications: NotificationsService;
      mailboxes: MailboxesService;
      events: DomainEventBus;
      parsers: Record<string, Parser>;
      /** Channels other than e-mail: their chain by channel name. */
      chains?: Record<string, ChannelChain>;
      outbound: OutboundService;
      /** After an item's transaction commits: publish its events now (an HTTP write does this on its response). */
      onCommitted?: () => void;
    },
  ) {
    this.outbound = deps.outbound;
    this.onCommitted = deps.onCommitted ?? (() => {});
    this.ctx = ctx;
    this.cases = deps.cases;
    this.customers = deps.customers;
    this.contacts = deps.contacts;
    this.notifications = deps.notifications;
    this.mailboxes = deps.mailboxes;
    this.eventBus = deps.events;
    this.parsers = deps.parsers;
    this.chains = deps.chains ?? {};
  }

  /**
   * Store the raw item (committed when this returns). The same item again is the same row.
   *
   * Group commit: items arriving together (several SMTP sessions, an IMAP batch) are written in one
   * transaction, so one COMMIT — the dearest statement on either database — serves them all. Each
   * caller still hears back only after the commit that holds its item.
   */
  store(input: StoreInput): Promise<{ rawId: string; duplicate: boolean }> {
    return new Promise((resolve, reject) => {
      this.storing.push({ input, resolve, reject });
      if (this.storing.length === 1) setImmediate(() => void this.flushStores());
    });
  }

  private async flushStores(): Promise<void> {
    const batch = this.storing.splice(0, STORE_BATCH);
    if (this.storing.length) setImmediate(() => void this.flushStores());
    try {
      const results = await this.ctx.store.db.transaction().execute(async (trx) => {
        const out: { rawId: string; duplicate: boolean }[] = [];
        for (const { input } of batch) out.push(await this.insertRaw(trx, input));
        return out;
      });
      for (const [i, b] of batch.entries()) {
        const r = results[i]!;
        if (!r.duplicate) this.preparse(r.rawId, b.input);
        b.resolve(r);
      }
    } catch (err) {
      for (const b of batch) b.reject(err);
    }
  }

  private async insertRaw(trx: Executor, input: StoreInput): Promise<{ rawId: string; duplicate: boolean }> {
    const key = input.sourceKey ?? sourceKeyOf(input.raw);
    const at = nowIso(this.ctx);
    const sender = input.sender !== undefined ? input.sender : fromHeader(input.raw);
    const id = newId();
    const inserted = await trx
      .insertInto('inbound_raw')
      .values({
        id,
        channel: input.channel,
        endpoint_id: input.endpointId,
        source_key: key,
        transport: input.transport,
        sender,
        envelope: input.envelope ? JSON.stringify(input.envelope) : null,
        raw: input.raw,
        size: input.raw.byteLength,
        state: 'received',
        outcome: null,
        attempts: 0,
        last_error: null,
        received_at: at,
        processed_at: null,
      })
      .onConflict((oc) => oc.columns(['channel', 'source_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { rawId: id, duplicate: false };
    const existing = await trx
      .selectFrom('inbound_raw')
      .select('id')
      .where('channel', '=', input.channel)
      .where('source_key', '=', key)
      .executeTakeFirstOrThrow();
    return { rawId: existing.id, duplicate: true };
  }

  /** Store, then process at once; what fails here is left for `processPending`. */
  async receive(input: StoreInput): Promise<{ rawId: string; duplicate: boolean; outcome: Outcome | null }> {
    const stored = await this.store(input);
    const outcome = await this.process(stored.rawId).catch(() => null);
    return { ...stored, outcome };
  }

  /** Items stored and not processed (a crash, a database error), oldest first. Returns how many were done. */
  async processPending(limit = 50): Promise<number> {
    const rows = await this.ctx.store.db
      .selectFrom('inbound_raw')
      .select('id')
      .where('state', '=', 'received')
      .orderBy('received_at')
      .limit(limit)
      .execute();
    const outcomes = await Promise.all(rows.map((r) => this.process(r.id).catch(() => null)));
    return outcomes.filter(Boolean).length;
  }

  /**
   * Make one stored item into what it is. Idempotent: an item already processed returns its outcome.
   *
   * Items waiting together are made in one transaction (each in a savepoint of its own, so one that
   * fails rolls back alone and is retried by the sweep): a burst costs one COMMIT per batch rather
   * than one per message. A batch stops taking items after BATCH_BUDGET_MS, because on SQLite every
   * other writer waits for it.
   */
  process(rawId: string): Promise<Outcome | null> {
    this.backlog++;
    const done = new Promise<Outcome | null>((resolve, reject) => {
      this.waiting.push({ id: rawId, resolve, reject });
      this.pump();
    });
    const release = () => {
      this.backlog--;
      while (this.admitting.length && this.backlog < MAX_BACKLOG) this.admitting.shift()!();
    };
    done.then(release, release);
    return done;
  }

  /**
   * Backpressure for the transports: resolves when fewer than MAX_BACKLOG items wait to be processed.
   * The SMTP receiver asks before it stores (the sender waits a moment for its 250 and keeps the
   * message meanwhile), the IMAP fetcher before it fetches more, so a burst queues at the senders and
   * what has been accepted reaches the officers' screens in a bounded time instead of a growing one.
   */
  admit(): Promise<void> {
    if (this.backlog < MAX_BACKLOG) return Promise.resolve();
    return new Promise((resolve) => this.admitting.push(resolve));
  }

  private pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    setImmediate(async () => {
      try {
        while (this.waiting.length) await this.runBatch(this.waiting.splice(0, PROCESS_BATCH));
      } finally {
        this.pumping = false;
        if (this.waiting.length) this.pump();
      }
    });
  }

  private async runBatch(batch: Waiter[]): Promise<void> {
    const byId = new Map<string, Waiter[]>();
    for (const w of batch) byId.set(w.id, [...(byId.get(w.id) ?? []), w]);
    const settle = (id: string, outcome: Outcome | null, err?: unknown) => {
      for (const w of byId.get(id) ?? []) err === undefined ? w.resolve(outcome) : w.reject(err);
      byId.delete(id);
    };
    try {
      const rows = await this.ctx.store.db
        .selectFrom('inbound_raw')
        .selectAll()
        .where('id', 'in', [...byId.keys()])
        .execute();
      // Parsed together (on the parser's worker, each item perhaps already begun when it was stored).
      const parsing = rows.map((raw) => ({
        raw,
        parsed: raw.state === 'received' ? this.parsedOf(raw) : null,
      }));
      const work: { raw: RawRow; msg: InboundMessage }[] = [];
      for (const { raw, parsed } of parsing) {
        if (!parsed) {
          settle(raw.id, parseJson<Outcome | null>(raw.outcome, null));
          continue;
        }
        const r = await parsed;
        if (r.ok) work.push({ raw, msg: r.msg });
        else settle(raw.id, await this.failed(raw, r.error));
      }
      const done: { id: string; outcome: Outcome | null }[] = [];
      const errors: { raw: RawRow; err: unknown }[] = [];
      const postponed: string[] = [];
      const later: Waiter[] = [];
      if (work.length) {
        const started = performance.now();
        await tx(this.ctx, async (trx) => {
          // tx() runs this again after a deadlock: each attempt starts from the whole batch.
          done.length = 0;
          errors.length = 0;
          postponed.length = 0;
          const memo: BatchMemo = { boxes: new Map(), own: null };
          for (const [i, item] of work.entries()) {
            if (i > 0 && performance.now() - started > BATCH_BUDGET_MS) {
              postponed.push(item.raw.id);
              continue;
            }
            await sql`savepoint inbound_item`.execute(trx);
            try {
              done.push({ id: item.raw.id, outcome: await this.processIn(trx, item.raw, item.msg, memo) });
              await sql`release savepoint inbound_item`.execute(trx);
            } catch (err) {
              await sql`rollback to savepoint inbound_item`.execute(trx);
              await sql`release savepoint inbound_item`.execute(trx);
              errors.push({ raw: item.raw, err });
            }
          }
        });
        if (done.some((d) => d.outcome)) this.onCommitted();
        for (const id of postponed) {
          later.push(...(byId.get(id) ?? []));
          byId.delete(id);
        }
      }
      for (const d of done) settle(d.id, d.outcome);
      for (const e of errors) {
        await this.failed(e.raw, e.err instanceof Error ? e.err.message : String(e.err));
        settle(e.raw.id, null, e.err);
      }
      // Items the budget left out go first in the next batch.
      if (later.length) this.waiting.unshift(...later);
      for (const id of [...byId.keys()]) settle(id, null); // not found
    } catch (err) {
      // The batch's transaction itself failed (the database went away): every item is left to the sweep.
      for (const id of [...byId.keys()]) settle(id, null, err);
    }
  }

  /** Start parsing a stored item at once (the worker parses while the event loop writes the batch before it). */
  private preparse(rawId: string, input: StoreInput): void {
    if (this.parsed.size >= PARSED_KEPT) this.parsed.delete(this.parsed.keys().next().value!);
    this.parsed.set(rawId, this.parseSafely(input.channel, input.raw));
  }

  /** The item's parse, begun when it was stored or begun now. Never rejects (an unawaited rejection would be fatal). */
  private parsedOf(raw: RawRow): Promise<Parsed> {
    const early = this.parsed.get(raw.id);
    this.parsed.delete(raw.id);
    return early ?? this.parseSafely(raw.channel, raw.raw);
  }

  private parseSafely(channel: string, bytes: Uint8Array): Promise<Parsed> {
    const parse = this.parsers[channel];
    if (!parse) return Promise.resolve({ ok: false, error: `no parser for channel ${channel}` });
    return parse(bytes).then(
      (msg) => ({ ok: true, msg }),
      (err: unknown) => ({ ok: false, error: err instanceof Error ? err.message : String(err) }),
    );
  }

  /** One item inside the batch's transaction: claim it, run the chain, record the outcome. */
  private async processIn(
    trx: Executor,
    raw: RawRow,
    msg: InboundMessage,
    memo: BatchMemo,
  ): Promise<Outcome | null> {
    // Claim: of two processes given the same item, the second finds it done and stops here.
    const claimed = await trx
      .updateTable('inbound_raw')
      .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
      .where('id', '=', raw.id)
      .where('state', '=', 'received')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return null;
    const at = nowIso(this.ctx);
    const own = this.chains[raw.channel];
    const outcome = own ? await own(trx, raw, msg, at) : await this.chain(trx, raw, msg, at, memo);
    await trx
      .updateTable('inbound_raw')
      .set({
        state: outcome.result === 'ignored' ? 'ignored' : 'done',
        outcome: JSON.stringify(outcome),
        processed_at: at,
        last_error: null,
      })
      .where('id', '=', raw.id)
      .execute();
    return outcome;
  }

  private async failed(raw: RawRow, error: string): Promise<null> {
    const attempts = raw.attempts + 1;
    await this.ctx.store.db
      .updateTable('inbound_raw')
      .set({
        attempts,
        last_error: error.slice(0, 2000),
        ...(attempts >= MAX_ATTEMPTS ? { state: 'failed' } : {}),
      })
      .where('id', '=', raw.id)
      .where('state', '=', 'received')
      .execute();
    return null;
  }

  /** verify → dedupe → bounce → thread → identify → persist → emit, in the caller's transaction. */
  private async chain(
    trx: Executor,
    raw: RawRow,
    msg: InboundMessage,
    at: string,
    memo: BatchMemo,
  ): Promise<Outcome> {
    let mailbox: MailboxRow | null;
    if (raw.endpoint_id) {
      // Read once per batch: items of a burst mostly come to the same mailbox.
      const known = memo.boxes.get(raw.endpoint_id);
      mailbox =
        known !== undefined
          ? known
          : ((await trx
              .selectFrom('mailboxes')
              .selectAll()
              .where('id', '=', raw.endpoint_id)
              .executeTakeFirst()) ?? null);
      memo.boxes.set(raw.endpoint_id, mailbox);
    } else
      mailbox = await this.mailboxes.forAddresses(
        trx,
        [...msg.to, ...msg.cc].map((a) => a.address),
      );
    // Our own addresses: a mail from one is a loop; a copy to one is not a follower.
    memo.own ??= await this.mailboxes.ownAddresses(trx);
    const own = memo.own;
    const refused = await this.verify(trx, msg, own);
    if (refused) return refused;
    if (msg.kind === 'bounce') return this.bounce(trx, msg, at);
    // The same message under another key (our own sent mail coming back, a copy to a second mailbox).
    if (msg.sourceId) {
      const seen = await trx
        .selectFrom('messages')
        .select(['id', 'case_id'])
        .where('channel', '=', msg.channel)
        .where('source_key', '=', msg.sourceId)
        .executeTakeFirst();
      if (seen) return { result: 'ignored', reason: 'duplicate', detail: seen.id };
    }
    const options = mailbox ? mailboxOptions(mailbox) : null;
    const sender = msg.replyTo && !msg.from ? msg.replyTo : msg.from!;
    const thread = await findThread(trx, {
      channel: msg.channel,
      ancestors: [...(msg.inReplyTo ? [msg.inReplyTo] : []), ...[...msg.references].reverse()],
      subject: msg.subject,
      fromAddress: sender.address,
      subjectWindowDays: options ? options.threadBySubjectDays : 7,
      now: at,
    });
    // An automatic answer that continues nothing is not a customer's enquiry: kept, never a case.
    if (!thread && msg.kind === 'auto_reply')
      return { result: 'ignored', reason: 'auto_reply', detail: msg.kindReason ?? '' };

    let caseId: string | null = thread?.caseId ?? null;
    let customerId: string;
    let customerCreated = false;
    let reopened = false;
    let followUpOf: string | null = null;
    if (caseId) {
      const c = await this.cases.row(trx, caseId);
      customerId = c.customer_id ?? (await this.identify(trx, sender)).id;
      if (msg.kind === 'message' || msg.kind === 'bulk') {
        if (c.status === 'closed' && (options?.closedReply ?? 'follow_up') === 'follow_up') {
          followUpOf = c.id;
          caseId = null;
        } else if (c.status === 'closed' || c.status === 'resolved') {
          await this.cases.transitionIn(trx, SYSTEM_ACTOR, c.id, {
            action: 'reopen',
            reason: 'The customer wrote again',
          });
          reopened = true;
        } else if (c.status === 'pending_customer') {
          await this.cases.transitionIn(trx, SYSTEM_ACTOR, c.id, {
            action: 'resume',
            reason: 'The customer answered',
          });
        }
      }
    } else {
      const who = await this.identify(trx, sender);
      customerId = who.id;
      customerCreated = who.created;
    }

    const contactId = await this.contacts.logInbound(trx, {
      channel: msg.channel,
      customerId,
      fromAddress: sender.address,
      caseId: null,
      at,
    });
    let caseCreated = false;
    // The message that opens a case carries the case's own instant: the desktop shows it as the
    // enquiry (once) by that equality.
    let messageAt = at;
    if (!caseId) {
      const created = await this.cases.createIn(
        trx,
        SYSTEM_ACTOR,
        {
          contactId,
          type: options?.caseType ?? 'general_enquiry',
          subject: (msg.subject ?? '(no subject)').slice(0, 300) || '(no subject)',
          description: msg.text.slice(0, 20000) || null,
          teamId: mailbox?.team_id ?? null,
          ...(mailbox?.department_id ? { departmentId: mailbox.department_id } : {}),
          ...(mailbox?.category_id ? { categoryId: mailbox.category_id } : {}),
          assigneeId: null,
        },
        // The mailbox's first-response target tightens the policy's (issue 13).
        mailboxSlaTargets(mailbox),
      );
      caseId = created.id;
      caseCreated = true;
      messageAt = created.createdAt;
      if (followUpOf) {
        await this.cases.event(trx, caseId, at, SYSTEM_ACTOR, 'case.follow_up_of', { caseId: followUpOf });
        await this.cases.event(trx, followUpOf, at, SYSTEM_ACTOR, 'case.followed_up', { caseId });
      }
    } else {
      await this.contacts.linkCase(trx, contactId, caseId, at);
    }

    const messageId = await this.persist(trx, {
      raw,
      msg,
      caseId,
      contactId,
      mailbox,
      sender,
      at: messageAt,
    });
    await this.addFollowers(trx, caseId, msg, sender.address, thread?.by ?? null, own, at);
    await this.cases.event(trx, caseId, at, SYSTEM_ACTOR, 'message.received', {
      messageId,
      channel: msg.channel,
      from: sender.address,
      kind: msg.kind,
      ...(thread ? { threadedBy: thread.by } : {}),
    });
    await this.cases.touch(trx, caseId, at);
    await audit(trx, {
      at,
      actor: SYSTEM_ACTOR,
      entityType: 'case',
      entityId: caseId,
      action: 'message.received',
      after: { messageId, channel: msg.channel, from: sender.address, contactId },
    });
    // An acknowledgement with the reference and when to expect an answer: for a person writing
    // about something new, to a mailbox that sends them, and never to a sender writing in a loop.
    let acknowledgementId: string | null = null;
    if (caseCreated && msg.kind === 'message' && mailbox && options?.acknowledge) {
      const recent = await this.recentFrom(trx, sender.address, at);
      if (recent <= options.senderRateLimit) {
        const c = await this.cases.row(trx, caseId);
        const ack = await this.outbound.queueIn(trx, SYSTEM_ACTOR, c, {
          kind: 'acknowledgement',
          body: acknowledgementText(c.reference, c.first_response_due_at),
          cc: [],
        });
        acknowledgementId = ack.id;
      }
    }
    await emit(trx, at, 'case.message_received', { id: caseId, messageId });
    await this.eventBus.publish(trx, 'case.message_added', { caseId, messageId, direction: 'inbound' });
    return {
      result: 'message',
      caseId,
      messageId,
      acknowledgementId,
      threadedBy: thread?.by ?? null,
      caseCreated,
      customerCreated,
      reopened,
      followUpOf,
    };
  }

  /** Spam, our own mail coming back, a blocked sender, a message with no sender at all. */
  private async verify(trx: Executor, msg: InboundMessage, own: Set<string>): Promise<Outcome | null> {
    if (msg.kind === 'spam') return { result: 'ignored', reason: 'spam', detail: msg.kindReason ?? '' };
    const sender = msg.from ?? msg.replyTo;
    if (!sender) return { result: 'ignored', reason: 'no_sender' };
    if (msg.kind !== 'bounce') {
      if (own.has(sender.address))
        return { result: 'ignored', reason: 'own_address', detail: sender.address };
    }
    const domain = `@${sender.address.split('@')[1] ?? ''}`;
    const blocked = await trx
      .selectFrom('sender_blocks')
      .select('pattern')
      .where('pattern', 'in', [sender.address, domain])
      .executeTakeFirst();
    if (blocked) return { result: 'ignored', reason: 'blocked', detail: blocked.pattern };
    return null;
  }

  /**
   * A delivery report: the message it reports on is marked as delivery-state.ts says — bounced
   * with the reason and its case's owner told; delivered (a success we asked for, RFC 3461) on its
   * case's timeline only, nobody notified; a delay changes nothing. Never a case of its own.
   */
  private async bounce(trx: Executor, msg: InboundMessage, at: string): Promise<Outcome> {
    const b = msg.bounce!;
    const ids = [b.originalMessageId, msg.inReplyTo, ...msg.references].filter((x): x is string =>
      Boolean(x),
    );
    // The ENVID we sent (our message's id) finds it even when the report returns no headers. Two
    // seeks, not one OR: with the OR, SQLite read every e-mail message (1.1 ms a report at 3,000).
    const sent = () =>
      trx
        .selectFrom('messages')
        .select(['id', 'case_id', 'state'])
        .where('channel', '=', 'email')
        .where('direction', '=', 'outbound');
    const original =
      (ids.length ? await sent().where('source_key', 'in', ids).executeTakeFirst() : undefined) ??
      (b.envelopeId ? await sent().where('id', '=', b.envelopeId).executeTakeFirst() : undefined);
    if (!original) return { result: 'ignored', reason: 'bounce_unmatched', detail: b.recipient ?? '' };
    const done: Outcome = {
      result: 'bounce',
      messageId: original.id,
      recipient: b.recipient,
      status: b.status,
      report: b.outcome,
    };
    const next = afterDeliveryReport(original.state, b.outcome);
    if (!next) return done;
    const reason =
      b.outcome === 'delivered'
        ? `${b.status ?? '2.0.0'} ${b.action ?? 'delivered'}${b.diagnostic ? `: ${b.diagnostic}` : ''}`
        : [b.status, b.diagnostic].filter(Boolean).join(' ') || 'The receiving server refused the message';
    // Conditional on the state read: of two reports processed at once, one moves it.
    const moved = await trx
      .updateTable('messages')
      .set({
        state: next,
        state_reason: `${b.recipient ?? ''}: ${reason}`.slice(0, 1000),
        updated_at: at,
      })
      .where('id', '=', original.id)
      .where('state', '=', original.state)
      .executeTakeFirst();
    if (!Number(moved.numUpdatedRows)) return done;
    const c = await this.cases.row(trx, original.case_id);
    if (next === 'delivered') {
      await this.cases.event(trx, c.id, at, SYSTEM_ACTOR, 'message.delivered', {
        messageId: original.id,
        recipient: b.recipient,
        status: b.status,
        action: b.action,
      });
      await emit(trx, at, 'case.message_delivered', { id: c.id, messageId: original.id });
      return done;
    }
    await this.cases.event(trx, c.id, at, SYSTEM_ACTOR, 'message.bounced', {
      messageId: original.id,
      recipient: b.recipient,
      status: b.status,
      diagnostic: b.diagnostic,
    });
    if (c.assignee_id)
      await this.notifications.notify(trx, {
        userIds: [c.assignee_id],
        kind: 'message.bounced',
        topic: `message.bounced:${original.id}`,
        title: `${c.reference}: e-mail to ${b.recipient ?? 'the customer'} bounced`,
        body: reason,
        caseId: c.id,
      });
    await emit(trx, at, 'case.message_bounced', { id: c.id, messageId: original.id });
    return done;
  }

  /** The sender's customer record, or a new unverified one for an address nobody holds. */
  private async identify(trx: Executor, sender: { address: string; name: string | null }) {
    const found = await this.customers.findByEmail(trx, sender.address);
    if (found) return { id: found.id, created: false };
    return {
      id: await this.customers.createFromSender(trx, SYSTEM_ACTOR, { ...sender, channel: 'email' }),
      created: true,
    };
  }

  private async persist(
    trx: Executor,
    m: {
      raw: RawRow;
      msg: InboundMessage;
      caseId: string;
      contactId: string;
      mailbox: MailboxRow | null;
      sender: { address: string; name: string | null };
      at: string;
    },
  ): Promise<string> {
    const id = newId();
    await trx
      .insertInto('messages')
      .values({
        id,
        case_id: m.caseId,
        contact_id: m.contactId,
        channel: m.msg.channel,
        direction: 'inbound',
        kind: m.msg.kind,
        endpoint_id: m.mailbox?.id ?? null,
        raw_id: m.raw.id,
        source_key: m.msg.sourceId,
        in_reply_to: m.msg.inReplyTo,
        refs: JSON.stringify(m.msg.references),
        from_address: m.sender.address,
        from_name: m.sender.name,
        to_addresses: JSON.stringify(m.msg.to),
        cc_addresses: JSON.stringify(m.msg.cc),
        subject: m.msg.subject,
        body_text: m.msg.text,
        body_html: m.msg.html,
        remote_images: m.msg.remoteImages,
        author_id: null,
        state: 'received',
        state_reason: m.msg.malformed ? 'malformed' : null,
        attempts: 0,
        next_attempt_at: null,
        lease_until: null,
        created_at: m.at,
        sent_at: m.msg.date,
        updated_at: m.at,
      })
      .execute();
    if (m.msg.attachments.length)
      await trx
        .insertInto('message_attachments')
        .values(
          m.msg.attachments.map((a) => ({
            id: newId(),
            message_id: id,
            filename: a.filename,
            content_type: a.contentType,
            size: a.size,
            content_id: a.contentId,
            inline: a.inline,
            sha256: a.sha256,
            data: a.data,
            created_at: m.at,
          })),
        )
        .execute();
    return id;
  }

  /**
   * People copied on a reply that continues the case by its headers become followers (they receive
   * its replies). Someone who only typed a reference into a subject does not: knowing a reference
   * must not be enough to receive a customer's case by mail.
   */
  private async addFollowers(
    trx: Executor,
    caseId: string,
    msg: InboundMessage,
    sender: string,
    threadedBy: string | null,
    own: Set<string>,
    at: string,
  ) {
    if (msg.kind !== 'message' || (threadedBy !== null && threadedBy !== 'headers')) return;
    const requester = await this.requesterAddress(trx, caseId);
    const people = [...msg.cc, ...msg.to].filter(
      (a) => !own.has(a.address) && a.address !== requester && a.address !== sender,
    );
    if (threadedBy === 'headers' && sender !== requester)
      people.push({ address: sender, name: msg.from?.name ?? null });
    const unique = [...new Map(people.map((p) => [p.address, p])).values()].slice(0, 20);
    if (!unique.length) return;
    await trx
      .insertInto('case_followers')
      .values(unique.map((p) => ({ case_id: caseId, address: p.address, name: p.name, added_at: at })))
      .onConflict((oc) => oc.columns(['case_id', 'address']).doNothing())
      .execute();
  }

  /** The address the case's requester writes from: the first inbound message's sender. */
  async requesterAddress(trx: Executor, caseId: string): Promise<string | null> {
    const first = await trx
      .selectFrom('messages')
      .select('from_address')
      .where('case_id', '=', caseId)
      .where('direction', '=', 'inbound')
      .where('channel', '=', 'email')
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    return first?.from_address ?? null;
  }

  /** How many items this sender sent within the window (loop protection for automatic mail). */
  async recentFrom(trx: Executor, sender: string, at: string): Promise<number> {
    const since = new Date(Date.parse(at) - RATE_WINDOW_MS).toISOString();
    const r = await trx
      .selectFrom('inbound_raw')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sender', '=', sender)
      .where('received_at', '>=', since)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** For tests and the administrator's list: the raw row of an item. */
  rawRow(id: string) {
    return this.ctx.store.db.selectFrom('inbound_raw').selectAll().where('id', '=', id).executeTakeFirst();
  }
}

// Built once: an Intl formatter costs far more to make than to use.
const DUE_FORMAT = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'full',
  timeStyle: 'short',
  timeZone: 'UTC',
});

/** The acknowledgement's words: the reference to quote, and when an answer is due (in UTC, said so). */
export function acknowledgementText(reference: string, dueAt: string | null): string {
  const due = dueAt
    ? `We aim to reply by ${DUE_FORMAT.format(new Date(dueAt))} (UTC).`
    : 'We will reply as soon as we can.';
  return [
    `Thank you for your message. We have received it and logged it under the reference ${reference}.`,
    due,
    `To add anything, reply to this e-mail and keep ${reference} in the subject.`,
  ].join('\n\n');
}

/** The From address from the header block, for the per-sender rate limit (before parsing). */
function fromHeader(raw: Uint8Array): string | null {
  const v = rawHeader(rawHeaderBlock(raw), 'From');
  const addr = v?.match(/<([^<>\s]+@[^<>\s]+)>/)?.[1] ?? v?.match(/([^\s<>"]+@[^\s<>"]+)/)?.[1];
  return addr ? addr.toLowerCase() : null;
}
