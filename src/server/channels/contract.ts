import type { TSchema } from 'typebox';

/**
 * The one contract every channel adapter implements (e-mail now; SMS and chat next), after
 * Chatwoot's providers and Zammad's drivers: turn the outside world's bytes into an
 * `InboundMessage`, and an `OutboundMessage` into the outside world's send. Everything between —
 * dedupe, customer, threading, persistence, events — is the channel-neutral inbound chain
 * (messages/inbound.ts), so every channel gets the same guarantees.
 */
export type ChannelName = 'email' | 'sms' | 'chat';

/** Why an adapter failed, which decides what happens next and the channel's health. */
export type FailureClass = 'retryable' | 'authentication' | 'permanent';

/**
 * retryable: try again later (timeouts, 4xx SMTP replies, a server that hung up);
 * authentication: the credentials are wrong — retrying will not help until an administrator acts;
 * permanent: this item can never succeed (a 5xx recipient refusal, a message too large).
 */
export class ChannelError extends Error {
  readonly failure: FailureClass;
  constructor(failure: FailureClass, message: string, opts?: { cause?: unknown }) {
    super(message, opts);
    this.name = 'ChannelError';
    this.failure = failure;
  }
}

export interface Address {
  address: string;
  name: string | null;
}

export interface InboundAttachment {
  filename: string;
  contentType: string;
  size: number;
  /** `cid:` reference of an inline part, without angle brackets. */
  contentId: string | null;
  inline: boolean;
  /** null when over the size limit: the row records that it existed and was not kept. */
  data: Uint8Array | null;
  sha256: string;
}

/** What an inbound item is, which decides whether it may open a case, reopen one, or be acknowledged. */
export type InboundKind =
  /** A person writing. */
  | 'message'
  /** An automatic answer (out of office, autoresponder, a read receipt): never acknowledged, never reopens. */
  | 'auto_reply'
  /** Mailing-list or bulk mail: may open a case, is never acknowledged. */
  | 'bulk'
  /**
   * A delivery report about something we sent: a failure (a bounce), a delay, or the success
   * notice we asked for (RFC 3461 NOTIFY=SUCCESS). Never a case.
   */
  | 'bounce'
  /** Flagged as spam upstream: kept, never a case. */
  | 'spam';

/**
 * What a delivery report says happened to the message: `failed` (for good: a bounce), `delayed`
 * (still being tried) or `delivered` (RFC 3464 actions delivered, expanded and relayed).
 */
export type DeliveryOutcome = 'failed' | 'delayed' | 'delivered';

export interface BounceReport {
  /** The recipient reported on (for a report on several, the one that failed if any did), lower-cased. */
  recipient: string | null;
  /** Enhanced status code (RFC 3463), e.g. 5.1.1, when the report gives one. */
  status: string | null;
  /** The diagnostic the remote server gave. */
  diagnostic: string | null;
  /** Message-ID of the message that bounced, when the report carries it. */
  originalMessageId: string | null;
  /** The ENVID we gave when sending (RFC 3461), returned as Original-Envelope-Id. */
  envelopeId: string | null;
  /** The DSN's Action for that recipient, lower-cased; null for a bounce that is not a DSN. */
  action: string | null;
  /** By the DSN's Action, else its status class: 5.x.x or none failed, 4.x.x delayed, 2.x.x delivered. */
  outcome: DeliveryOutcome;
}

/** An inbound item after parsing: channel-neutral, everything the chain needs. */
export interface InboundMessage {
  channel: ChannelName;
  /** The provider's or the message's own id (Message-ID for e-mail), without brackets; null if missing. */
  sourceId: string | null;
  kind: InboundKind;
  /** Why it was classified so (the header or pattern that decided), for the record. */
  kindReason: string | null;
  from: Address | null;
  /** Where replies should go (Reply-To for e-mail), when it differs from `from`. */
  replyTo: Address | null;
  to: Address[];
  cc: Address[];
  subject: string | null;
  /** The text as written, quoted history included (the presenter folds it). */
  text: string;
  /** Sanitised HTML (never the sender's raw HTML); null when the message had none. */
  html: string | null;
  /** The HTML referred to images on other servers, which are blocked until an officer allows them. */
  remoteImages: boolean;
  inReplyTo: string | null;
  references: string[];
  date: string | null;
  attachments: InboundAttachment[];
  bounce: BounceReport | null;
  /** The message could not be parsed as its structure claims: shown as text rather than dropped. */
  malformed: boolean;
}

export interface OutboundMessage {
  /** Our id of the message: the adapter derives the wire id (Message-ID) from it. */
  id: string;
  from: Address;
  to: Address[];
  cc: Address[];
  subject: string;
  text: string;
  html: string | null;
  inReplyTo: string | null;
  references: string[];
  messageId: string;
  headers: Record<string, string>;
  attachments: { filename: string; contentType: string; data: Uint8Array; contentId?: string }[];
}

export interface SendResult {
  /** The id the far side gave it (SMTP queue id, provider message id), when it said. */
  providerId: string | null;
  /** The far side's answer, kept on the message. */
  response: string | null;
}

export interface ChannelCapabilities {
  html: boolean;
  attachments: boolean;
  /** Replies carry references the channel threads by (e-mail headers). */
  threading: boolean;
  deliveryReceipts: boolean;
  /** Longest body the channel carries, in characters; null for no limit. */
  maxLength: number | null;
}

/** An adapter: parse what arrives, send what leaves. `Config` is one endpoint's settings (a mailbox). */
export interface ChannelAdapter<Config> {
  readonly channel: ChannelName;
  readonly configSchema: TSchema;
  readonly capabilities: ChannelCapabilities;
  /** Raw bytes as received → an InboundMessage. Never throws for malformed input: `malformed` says so. */
  parseInbound(raw: Uint8Array): Promise<InboundMessage>;
  /** Send one message; throws ChannelError classed for retry and health. */
  send(message: OutboundMessage, config: Config): Promise<SendResult>;
}

/** Any error as a ChannelError: unknown errors are retryable (a transient fault is the common case). */
export function classify(err: unknown): ChannelError {
  if (err instanceof ChannelError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ChannelError('retryable', message, { cause: err });
}
