import { type Static, Type } from 'typebox';
import { NAMED_PATTERNS } from '../field-rules.ts';
import { Nullable, Timestamp, Uuid } from './common.ts';

export const MESSAGE_STATES = [
  'received',
  'queued',
  'sending',
  'sent',
  'delivered',
  'failed',
  'bounced',
] as const;

const Address = Type.Object({ address: Type.String(), name: Nullable(Type.String()) });

export const MessageAttachment = Type.Object({
  id: Uuid,
  filename: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  inline: Type.Boolean(),
  /** False when it was over the size limit: listed, not kept. */
  stored: Type.Boolean(),
  url: Nullable(Type.String()),
});

/** One message on a case's conversation, inbound or outbound, on any channel. */
export const Message = Type.Object({
  id: Uuid,
  caseId: Uuid,
  channel: Type.String(),
  direction: Type.Union([Type.Literal('inbound'), Type.Literal('outbound')]),
  /** message, auto_reply, bulk (inbound); reply, acknowledgement, progress_update (outbound). */
  kind: Type.String(),
  from: Nullable(Address),
  to: Type.Array(Address),
  cc: Type.Array(Address),
  subject: Nullable(Type.String()),
  text: Type.String(),
  /** Sanitised on arrival; `cid:` images point at the attachment URLs; remote images are not loaded (data-remote-src). */
  html: Nullable(Type.String()),
  remoteImages: Type.Boolean(),
  attachments: Type.Array(MessageAttachment),
  state: Type.String(),
  stateReason: Nullable(Type.String()),
  /** The officer who wrote it (outbound); null for the system and for inbound mail. */
  authorId: Nullable(Type.String()),
  createdAt: Timestamp,
  sentAt: Nullable(Timestamp),
});
export type MessageDto = Static<typeof Message>;

/** The most files one reply carries (their bytes together are limited too: MAIL_LIMITS.totalBytes). */
export const MAX_REPLY_ATTACHMENTS = 10;

export const ReplyCreate = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: 50_000 }),
    cc: Type.Optional(Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 20 })),
    /** Files uploaded for this reply (POST /cases/:id/message-uploads), by their ids. */
    attachmentIds: Type.Optional(Type.Array(Uuid, { maxItems: MAX_REPLY_ATTACHMENTS, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type ReplyCreateDto = Static<typeof ReplyCreate>;

/** The headers of an upload: the file's name (percent-encoded UTF-8, as headers are Latin-1); its type is the Content-Type. */
export const MessageUploadHeaders = Type.Object({
  'x-filename': Type.String({ minLength: 1, maxLength: 1000 }),
  'content-type': Type.String({ minLength: 3, maxLength: 200, pattern: '^[\\w.+-]+/[\\w.+-]+\\s*(;.*)?$' }),
});

/** A file uploaded in the composer, waiting for the reply that sends it. */
export const MessageUpload = Type.Object({
  id: Uuid,
  filename: Type.String(),
  contentType: Type.String(),
  size: Type.Integer(),
  createdAt: Timestamp,
});
export type MessageUploadDto = Static<typeof MessageUpload>;

/** Who a reply by e-mail would go to now, for the composer to show before it is sent. */
export const MessageRecipients = Type.Object({
  /** The case came in by e-mail: its replies go by e-mail unless the officer says otherwise. */
  byEmail: Type.Boolean(),
  /** The requester; null when the customer has no e-mail address (the reply can only be recorded). Masked like the customer's particulars when it comes from their record. */
  to: Nullable(Address),
  /** The case's followers, copied on every reply. */
  cc: Type.Array(Address),
  from: Nullable(Address),
  /** Limits on the files of one reply. */
  limits: Type.Object({ files: Type.Integer(), fileBytes: Type.Integer(), totalBytes: Type.Integer() }),
});
export type MessageRecipientsDto = Static<typeof MessageRecipients>;

/** A dead letter: the outbound message that gave up, with the reference of its case. */
export const DeadLetter = Type.Object({ ...Message.properties, caseReference: Type.String() });
export type DeadLetterDto = Static<typeof DeadLetter>;

export const InboundItem = Type.Object({
  id: Uuid,
  channel: Type.String(),
  transport: Type.String(),
  sender: Nullable(Type.String()),
  state: Type.String(),
  outcome: Type.Unknown(),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  size: Type.Integer(),
  receivedAt: Timestamp,
  processedAt: Nullable(Timestamp),
});
export const InboundQuery = Type.Object(
  { state: Type.Union([Type.Literal('ignored'), Type.Literal('failed'), Type.Literal('received')]) },
  { additionalProperties: false },
);

/** An address (`someone@example.com`) or a whole domain (`@example.com`) whose mail is kept but never made a case. */
export const SenderPattern = Type.String({
  minLength: 3,
  maxLength: 254,
  pattern: NAMED_PATTERNS.senderPattern,
  description: 'someone@example.com, or @example.com for a whole domain',
});
export const SenderBlock = Type.Object({
  pattern: Type.String(),
  reason: Nullable(Type.String()),
  createdBy: Nullable(Type.String()),
  createdAt: Timestamp,
});
export const SenderBlockCreate = Type.Object(
  { pattern: SenderPattern, reason: Type.Optional(Type.String({ maxLength: 500 })) },
  { additionalProperties: false },
);
export const SenderBlockQuery = Type.Object({ pattern: SenderPattern }, { additionalProperties: false });
