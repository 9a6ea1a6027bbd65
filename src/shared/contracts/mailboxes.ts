import { type Static, Type } from 'typebox';
import { CASE_TYPES } from '../vocabulary.ts';
import { Nullable, StringEnum, Timestamp, Uuid } from './common.ts';

/** How mail reaches a mailbox: Frontline's own SMTP receiver, fetched from an IMAP server, or not at all (send only). */
export const MAILBOX_INBOUND = ['smtp', 'imap', 'none'] as const;
/** What a customer's reply to a closed case does: reopen it, or open a follow-up case linked to it. */
export const CLOSED_REPLY = ['reopen', 'follow_up'] as const;
export const CHANNEL_HEALTH = ['ok', 'unknown', 'retryable', 'authentication', 'permanent'] as const;

const Host = Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.-]+$' });
const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Password = Type.String({
  minLength: 1,
  maxLength: 500,
  description: 'Write-only: stored encrypted, never returned',
});

export const ImapSettings = Type.Object(
  {
    host: Host,
    port: Port,
    /** TLS from the first byte (993); false: STARTTLS when offered (143). */
    tls: Type.Boolean(),
    user: Type.String({ minLength: 1, maxLength: 320 }),
    password: Type.Optional(Password),
    folder: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    processedFolder: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export const SmtpSettings = Type.Object(
  {
    host: Host,
    port: Port,
    tls: Type.Boolean(),
    user: Type.Optional(Nullable(Type.String({ maxLength: 320 }))),
    password: Type.Optional(Password),
  },
  { additionalProperties: false },
);
export const MailboxOptions = Type.Object(
  {
    /** Thread a mail without references by sender and subject within this many days; null: never. */
    threadBySubjectDays: Nullable(Type.Integer({ minimum: 1, maximum: 90 })),
    closedReply: StringEnum(CLOSED_REPLY),
    /** Send an acknowledgement with the reference and the expected response time to a new case's sender. */
    acknowledge: Type.Boolean(),
    caseType: StringEnum(CASE_TYPES),
    /** More mails than this from one sender in ten minutes: no more automatic mail to them (loop protection). */
    senderRateLimit: Type.Integer({ minimum: 1, maximum: 1000 }),
  },
  { additionalProperties: false },
);
export type MailboxOptionsDto = Static<typeof MailboxOptions>;
export const DEFAULT_MAILBOX_OPTIONS: MailboxOptionsDto = {
  threadBySubjectDays: 7,
  closedReply: 'follow_up',
  acknowledge: true,
  caseType: 'general_enquiry',
  senderRateLimit: 20,
};

const fields = {
  address: Type.String({ format: 'email', maxLength: 254 }),
  displayName: Type.String({ minLength: 1, maxLength: 100 }),
  signature: Nullable(Type.String({ maxLength: 2000 })),
  teamId: Nullable(Uuid),
  departmentId: Nullable(Uuid),
  categoryId: Nullable(Uuid),
  firstResponseMinutes: Nullable(Type.Integer({ minimum: 1, maximum: 60 * 24 * 30 })),
  inbound: StringEnum(MAILBOX_INBOUND),
  imap: Nullable(ImapSettings),
  smtp: Nullable(SmtpSettings),
  options: Type.Partial(MailboxOptions),
  active: Type.Boolean(),
};
export const MailboxCreate = Type.Object(
  {
    address: fields.address,
    displayName: fields.displayName,
    signature: Type.Optional(fields.signature),
    teamId: Type.Optional(fields.teamId),
    departmentId: Type.Optional(fields.departmentId),
    categoryId: Type.Optional(fields.categoryId),
    firstResponseMinutes: Type.Optional(fields.firstResponseMinutes),
    inbound: fields.inbound,
    imap: Type.Optional(fields.imap),
    smtp: Type.Optional(fields.smtp),
    options: Type.Optional(fields.options),
    active: Type.Optional(fields.active),
  },
  { additionalProperties: false },
);
export type MailboxCreateDto = Static<typeof MailboxCreate>;
export const MailboxPatch = Type.Partial(MailboxCreate, { additionalProperties: false, minProperties: 1 });
export type MailboxPatchDto = Static<typeof MailboxPatch>;

const ReadImap = Type.Object({
  host: Type.String(),
  port: Type.Integer(),
  tls: Type.Boolean(),
  user: Type.String(),
  folder: Type.String(),
  processedFolder: Type.String(),
  hasPassword: Type.Boolean(),
});
const ReadSmtp = Type.Object({
  host: Type.String(),
  port: Type.Integer(),
  tls: Type.Boolean(),
  user: Nullable(Type.String()),
  hasPassword: Type.Boolean(),
});
export const Mailbox = Type.Object({
  id: Uuid,
  address: Type.String(),
  displayName: Type.String(),
  signature: Nullable(Type.String()),
  teamId: Nullable(Type.String()),
  departmentId: Nullable(Type.String()),
  categoryId: Nullable(Type.String()),
  firstResponseMinutes: Nullable(Type.Integer()),
  inbound: StringEnum(MAILBOX_INBOUND),
  imap: Nullable(ReadImap),
  smtp: Nullable(ReadSmtp),
  options: MailboxOptions,
  active: Type.Boolean(),
  health: StringEnum(CHANNEL_HEALTH),
  lastFetchAt: Nullable(Timestamp),
  lastError: Nullable(Type.String()),
  lastErrorAt: Nullable(Timestamp),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  version: Type.Integer(),
});
export type MailboxDto = Static<typeof Mailbox>;
