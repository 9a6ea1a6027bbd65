import type { Selectable } from 'kysely';
import type { ClockKind } from '../modules/sla/clocks.ts';
import type { Actor } from './audit.ts';
import type { Executor } from './db/index.ts';
import type { CasesTable } from './db/schema.ts';

/** A clock of a case that came due (breach, the progress-update prompt). */
export interface ClockDue {
  caseId: string;
  clock: ClockKind;
  dueAt: string;
}

/** An escalation rule whose offset on a case's clock has come. */
export interface RuleDue {
  ruleId: string;
  caseId: string;
  clock: ClockKind;
}

/**
 * Every in-process domain event and its payload, in one place. A module publishes; the modules
 * that react subscribe in app.ts, so the publisher never knows (nor imports) who reacts.
 */
export interface DomainEvents {
  /**
   * A case was created (`before` null) or changed through the case module by a person. On creation,
   * `channel` is the channel of the contact that opened it (routing queues those from its channels).
   * `actor` is who changed it, where a reaction records something in their name (a chat taken by
   * the officer who accepted its offer reads so on the timeline).
   */
  'case.changed': {
    before: Selectable<CasesTable> | null;
    after: Selectable<CasesTable>;
    channel?: string;
    actor?: Actor;
  };
  /** A note or customer-visible reply was added to a case (the case's search document follows). */
  'case.note_added': { caseId: string; noteId: string; visibility: string };
  /**
   * An officer sent the customer a progress update on a channel (issue 13: on e-mail it is really
   * sent — the messages module queues it in this transaction).
   */
  'case.progress_update_sent': {
    caseId: string;
    channel: string;
    body: string;
    actor: import('./audit.ts').Actor;
  };
  /**
   * An officer kept a follow-up promised by e-mail, writing the message (000 module 3 task 3 step
   * 7): the messages module queues it to the customer in this transaction.
   */
  'case.follow_up_sent': {
    caseId: string;
    commitmentId: string;
    body: string;
    actor: import('./audit.ts').Actor;
    /** How it goes: e-mail, or a text (issue 14); absent is e-mail. */
    channel?: 'email' | 'sms';
  };
  /**
   * A message (e-mail, SMS or chat) joined a case's conversation (the search document follows: in
   * this transaction, or within seconds for a web chat's line, `channel` 'chat').
   */
  'case.message_added': {
    caseId: string;
    messageId: string;
    direction: 'inbound' | 'outbound';
    channel?: 'chat';
  };
  /**
   * A channel has a case for an officer (routing queues it in the team's queue and offers it to
   * one officer). A new case without an owner whose contact came in by e-mail, chat or SMS is
   * queued without this; publish it for anything else (an existing case a new chat reopens).
   */
  'routing.requested': {
    caseId: string;
    channel: 'email' | 'chat' | 'sms';
    /**
     * The language this contact asks for (a BCP 47 tag: a chat's visitor chose it), over the
     * customer record's preferred language; it also sets the language of an item already waiting.
     */
    language?: string | null;
  };
  /**
   * A visitor started a web chat (issue 14): its case is in the team's queue. Routing subscribes to
   * offer it to one officer; `language` is the one the visitor asked for.
   */
  'chat.started': { conversationId: string; caseId: string; teamId: string; language: string | null };
  /** SLA clocks that just breached: a batch, since one tick may breach hundreds. */
  'sla.breached': { clocks: ClockDue[]; at: string };
  /** Resolution clocks that just turned amber: time to keep the customer informed. */
  'sla.progress_due': { clocks: ClockDue[]; at: string };
  /** Escalation rules whose time on a clock has come. */
  'sla.rule_due': { rules: RuleDue[]; at: string };
  /**
   * Two customer records were found to be one person: the modules owning rows of `loserId` move
   * them to `winnerId` (contacts, cases, follow-ups). Published inside the merge's transaction.
   */
  'customer.merged': { winnerId: string; loserId: string; at: string };
  /**
   * A duplicate case was merged into the one kept: modules owning rows of `fromId` move them to
   * `intoId` (follow-ups; the search documents of both). Published inside the merge's transaction.
   */
  'case.merged': { fromId: string; intoId: string; at: string };
  /** An officer began a contact (presence: on a contact). Published inside the contact's transaction. */
  'contact.started': { contactId: string; officerId: string };
  /** A contact ended (presence: after-contact work once the officer has no other open). */
  'contact.ended': { contactId: string; officerId: string };
  /**
   * Someone is ending a contact on the contact screen (PATCH end), before it is written: the module
   * owning the live exchange it belongs to ends that first (a chat ends with its contact, by them),
   * keeping the lock order case → conversation → contact. A chat that ends by itself ends its contact
   * with `contact.ended` alone, so the two never call each other round.
   */
  'contact.ending': { contactId: string; channel: string; actor: Actor };
}

export type DomainEventName = keyof DomainEvents;

/** A reaction runs inside the publisher's transaction: its writes commit or roll back with the change. */
export type Reaction<N extends DomainEventName> = (trx: Executor, event: DomainEvents[N]) => Promise<void>;

/** A chain of reactions publishing further events deeper than this is a loop, not a design. */
const MAX_DEPTH = 16;

/**
 * The in-process event bus: reactions subscribe by name at wiring time (app.ts), and `publish`
 * runs them one after another, in the order they subscribed, with the publisher's transaction,
 * before it commits. A reaction that throws fails the publish, so the whole change rolls back (the
 * same contract as a timer handler). Reactions must not wait on the network: the transaction is
 * held while they run (SQLite has one connection). What other processes and browsers hear about
 * goes through the outbox (`emit`), published after commit.
 */
export class DomainEventBus {
  private readonly reactions: { [N in DomainEventName]?: Reaction<N>[] } = {};
  private readonly depth = new WeakMap<Executor, number>();
  private sealed = false;

  /** Subscribe; only while wiring: once anything is published the list is fixed. */
  on<N extends DomainEventName>(name: N, reaction: Reaction<N>): void {
    if (this.sealed)
      throw new Error(`subscribe to ${name} when wiring the services, not after the first publish`);
    const list: Reaction<N>[] = this.reactions[name] ?? [];
    list.push(reaction);
    (this.reactions as Record<N, Reaction<N>[]>)[name] = list;
  }

  /** Run the reactions to `name` in `trx`, in subscription order; the first error stops them and propagates. */
  async publish<N extends DomainEventName>(trx: Executor, name: N, event: DomainEvents[N]): Promise<void> {
    this.sealed = true;
    const list = this.reactions[name] as Reaction<N>[] | undefined;
    if (!list?.length) return;
    const depth = (this.depth.get(trx) ?? 0) + 1;
    if (depth > MAX_DEPTH)
      throw new Error(`domain events nested ${MAX_DEPTH} deep at ${name}: a reaction loop`);
    this.depth.set(trx, depth);
    try {
      for (const react of list) await react(trx, event);
    } finally {
      this.depth.set(trx, depth - 1);
    }
  }
}
