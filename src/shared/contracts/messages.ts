import { type Static, Type } from 'typebox';
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

export const ReplyCreate = Type.Object(
  {
    body: Type.String({ minLength: 1, maxLength: 50_000 }),
    cc: Type.Optional(Type.Array(Type.String({ format: 'email', maxLength: 254 }), { maxItems: 20 })),
  },
  { additionalProperties: false },
);
export type ReplyCreateDto = Static<typeof ReplyCreate>;

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
  pattern: '^([^@\\s]+@|@)[^@\\s]+\\.[^@\\s]+$',
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
