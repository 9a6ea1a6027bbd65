import { type Static, Type } from 'typebox';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';

/** An origin a widget may be embedded on: scheme, host and optional port, no path. */
const Origin = Type.String({
  minLength: 8,
  maxLength: 300,
  pattern: '^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?$',
  description: 'e.g. https://www.example.com',
});

/** A chat widget as its administrator sees it (the secret is never returned after creation). */
export const ChatWidget = Type.Object({
  id: Uuid,
  name: Type.String(),
  teamId: Uuid,
  allowedOrigins: Type.Array(Type.String()),
  calendarId: Nullable(Type.String()),
  active: Type.Boolean(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: Type.Integer(),
});
export type ChatWidgetDto = Static<typeof ChatWidget>;

export const ChatWidgetCreate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    teamId: Uuid,
    allowedOrigins: Type.Array(Origin, { minItems: 1, maxItems: 20 }),
    calendarId: Type.Optional(Nullable(Uuid)),
  },
  { additionalProperties: false },
);
export type ChatWidgetCreateDto = Static<typeof ChatWidgetCreate>;

export const ChatWidgetPatch = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    teamId: Type.Optional(Uuid),
    allowedOrigins: Type.Optional(Type.Array(Origin, { minItems: 1, maxItems: 20 })),
    calendarId: Type.Optional(Nullable(Uuid)),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type ChatWidgetPatchDto = Static<typeof ChatWidgetPatch>;

/** The secret for identity HMACs: in this answer only, once. */
export const ChatWidgetSecret = Type.Object({ widget: ChatWidget, secret: Type.String() });

/**
 * What a web chat carries as files, either way: the extensions (the name decides the type; the
 * server checks the content against it, src/server/channels/chat/files.ts), the size of one file,
 * how many a visitor may send in one chat and an officer in one message.
 */
export const CHAT_FILES = {
  maxBytes: 10 * 1024 * 1024,
  perChat: 50,
  perMessage: 5,
  extensions: [
    ...['png', 'jpg', 'jpeg', 'gif', 'webp', 'heic', 'pdf', 'txt', 'csv', 'rtf'],
    ...['doc', 'xls', 'ppt', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp'],
  ],
} as const;

/** An officer's chat message: Enter in the chat box. */
export const ChatReply = Type.Object(
  {
    clientId: Uuid,
    /** May be empty when the message carries files. */
    text: Type.String({ maxLength: 2000 }),
    /** Files uploaded for it (POST /cases/:id/message-uploads), each one a chat takes. */
    attachmentIds: Type.Optional(Type.Array(Uuid, { maxItems: CHAT_FILES.perMessage, uniqueItems: true })),
  },
  { additionalProperties: false },
);
export type ChatReplyDto = Static<typeof ChatReply>;

export const ChatRead = Type.Object(
  { seq: Type.Integer({ minimum: 0, maximum: 1_000_000_000 }) },
  { additionalProperties: false },
);
export const ChatTyping = Type.Object({ typing: Type.Boolean() }, { additionalProperties: false });

export const CHAT_STATUSES = ['waiting', 'active', 'ended'] as const;

/**
 * How a site's customer id came to name a customer record: by the e-mail the visitor typed on the
 * first chat, as a new record made from it, or by an officer's confirmation (after an unlink).
 */
export const SITE_LINK_SOURCES = ['typed_email', 'new_record', 'officer'] as const;
export const SITE_LINK_STATES = ['unconfirmed', 'confirmed', 'unlinked'] as const;

/**
 * The site's sign-in on a chat (issue 14, point 3). `unconfirmed`: linked to this customer from what
 * the visitor typed, it verifies nothing until the officer, having verified the customer by the
 * policy's questions, confirms it; `confirmed`: it counts as the policy's `siteSignIn` says, in this
 * and later chats; `unlinked`: the site's id is not linked to this chat's customer (an officer
 * removed the link, or it names another record).
 */
export const ChatSiteLink = Type.Object({
  externalId: Type.String({ description: 'The customer id the site signed (its HMAC was valid)' }),
  state: StringEnum(SITE_LINK_STATES),
  linkedBy: Nullable(StringEnum(SITE_LINK_SOURCES)),
  linkedAt: Nullable(Timestamp),
  confirmedBy: Nullable(Type.String()),
  confirmedAt: Nullable(Timestamp),
});
export type ChatSiteLinkDto = Static<typeof ChatSiteLink>;

/** A site account linked to a customer record, as the customer's page lists it. */
export const CustomerSiteAccount = Type.Object({
  widgetId: Uuid,
  widgetName: Type.String({ description: 'The widget (site) the account signs in on' }),
  siteCustomerId: Type.String({ description: 'The customer id the site signs (data-customer-id)' }),
  linkedBy: StringEnum(SITE_LINK_SOURCES),
  linkedAt: Timestamp,
  confirmedBy: Nullable(Type.String({ description: 'The officer who confirmed it (a user id)' })),
  confirmedAt: Nullable(Timestamp),
});
export type CustomerSiteAccountDto = Static<typeof CustomerSiteAccount>;
export const CustomerSiteAccounts = Type.Object({ items: Type.Array(CustomerSiteAccount) });
export const CustomerSiteAccountParams = Type.Object(
  { id: Uuid, widgetId: Uuid, siteCustomerId: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
);

/** A case's chat as the officer's workspace shows it. */
export const CaseChat = Type.Object({
  conversationId: Uuid,
  caseId: Uuid,
  reference: Type.String(),
  status: StringEnum(CHAT_STATUSES),
  visitorName: Type.String(),
  language: Nullable(Type.String()),
  /** `language` as a BCP 47 tag when it is one or a name the widget offers, else null. */
  languageTag: Nullable(Type.String()),
  /** The site vouched for the visitor's sign-in by its HMAC (`siteLink` says whether it counts). */
  identifiedBySite: Type.Boolean(),
  /** The site's sign-in and its link to this customer; null when the visitor was not signed in. */
  siteLink: Nullable(ChatSiteLink),
  officerId: Nullable(Type.String()),
  lastSeq: Type.Integer(),
  unread: Type.Integer(),
  officerReadSeq: Type.Integer(),
  visitorReadSeq: Type.Integer(),
  /** Message id → seq, for the read marks in the thread. */
  seqs: Type.Record(Type.String(), Type.Integer()),
  position: Nullable(Type.Integer()),
  waitMinutes: Nullable(Type.Integer()),
  startedAt: Timestamp,
  endedAt: Nullable(Timestamp),
});
export type CaseChatDto = Static<typeof CaseChat>;

/** One line of the officer's "My chats" list (and the unread counts in the queues). */
export const ChatSummary = Type.Object({
  conversationId: Uuid,
  caseId: Uuid,
  reference: Type.String(),
  visitorName: Type.String(),
  status: StringEnum(CHAT_STATUSES),
  unread: Type.Integer(),
  mine: Type.Boolean(),
  updatedAt: Timestamp,
});
export type ChatSummaryDto = Static<typeof ChatSummary>;

/** The headers of a visitor's file: its name (percent-encoded UTF-8), the client id of its message, the chat token. */
export const ChatFileHeaders = Type.Object({
  'x-filename': Type.String({ minLength: 1, maxLength: 1000 }),
  'content-type': Type.String({ minLength: 3, maxLength: 200, pattern: '^[\\w.+-]+/[\\w.+-]+\\s*(;.*)?$' }),
  'x-client-id': Uuid,
  'x-chat-token': Type.Optional(Type.String({ maxLength: 100 })),
});

/** A visitor's file, sent: the message's seq and the file as the chat lists it. */
export const ChatFileSent = Type.Object({
  seq: Type.Integer(),
  clientId: Uuid,
  attachment: Type.Object({
    id: Uuid,
    filename: Type.String(),
    contentType: Type.String(),
    size: Type.Integer(),
  }),
});
export type ChatFileSentDto = Static<typeof ChatFileSent>;
