// The mailbox form's state and what it sends: pure, no React (issue 13, point 2).
import type {
  MailboxCreateDto,
  MailboxDto,
  MailboxOptionsDto,
  MailboxPatchDto,
} from '../../../shared/contracts/mailboxes.ts';
import type { Category } from './sla-shared.tsx';

export type Team = { id: string; name: string; departmentId: string | null };
/** The reference lists the form picks from (and the list names a mailbox's routing by). */
export type Names = { teams: Team[]; departments: { id: string; name: string }[]; categories: Category[] };

type Inbound = MailboxDto['inbound'];
export const INBOUND = ['smtp', 'imap', 'none'] as const satisfies readonly Inbound[];
export const CLOSED_REPLY = [
  'reopen',
  'follow_up',
] as const satisfies readonly MailboxOptionsDto['closedReply'][];
/**
 * A new mailbox's options, as the server's DEFAULT_MAILBOX_OPTIONS (the contract module is not loaded
 * in the desktop: it brings the schema library). The browser test checks that they agree.
 */
const DEFAULT_OPTIONS: MailboxOptionsDto = {
  threadBySubjectDays: 7,
  closedReply: 'follow_up',
  acknowledge: true,
  caseType: 'general_enquiry',
  senderRateLimit: 20,
};

export type Draft = {
  address: string;
  displayName: string;
  signature: string;
  teamId: string;
  departmentId: string;
  categoryId: string;
  firstResponseMinutes: string;
  inbound: Inbound;
  active: boolean;
  imap: {
    host: string;
    port: string;
    tls: boolean;
    user: string;
    password: string;
    folder: string;
    processedFolder: string;
  };
  smtp: { host: string; port: string; tls: boolean; user: string; password: string };
  threadBySubject: boolean;
  threadDays: string;
  closedReply: MailboxOptionsDto['closedReply'];
  acknowledge: boolean;
  caseType: MailboxOptionsDto['caseType'];
  senderRateLimit: string;
};

export function draftOf(m: MailboxDto | null): Draft {
  const o = m?.options ?? DEFAULT_OPTIONS;
  return {
    address: m?.address ?? '',
    displayName: m?.displayName ?? '',
    signature: m?.signature ?? '',
    teamId: m?.teamId ?? '',
    departmentId: m?.departmentId ?? '',
    categoryId: m?.categoryId ?? '',
    firstResponseMinutes: m?.firstResponseMinutes?.toString() ?? '',
    inbound: m?.inbound ?? 'smtp',
    active: m?.active ?? true,
    imap: {
      host: m?.imap?.host ?? '',
      port: String(m?.imap?.port ?? 993),
      tls: m?.imap?.tls ?? true,
      user: m?.imap?.user ?? '',
      password: '',
      folder: m?.imap?.folder ?? '',
      processedFolder: m?.imap?.processedFolder ?? '',
    },
    smtp: {
      host: m?.smtp?.host ?? '',
      port: String(m?.smtp?.port ?? 587),
      tls: m?.smtp?.tls ?? false,
      user: m?.smtp?.user ?? '',
      password: '',
    },
    threadBySubject: o.threadBySubjectDays !== null,
    threadDays: String(o.threadBySubjectDays ?? 7),
    closedReply: o.closedReply,
    acknowledge: o.acknowledge,
    caseType: o.caseType,
    senderRateLimit: String(o.senderRateLimit),
  };
}

/**
 * A number typed; a blank as none; anything else sent as typed, so the API refuses it by name beside
 * its field (typed as a number for the body's sake: the server, not the browser, says what is wrong).
 */
const num = (s: string): number =>
  (s.trim() === '' ? null : Number.isFinite(Number(s)) ? Number(s) : s) as number;
const orNull = (s: string) => (s.trim() === '' ? null : s.trim());

/** The whole mailbox as the API takes it; a password only when one was typed (write-only). */
export function bodyOf(d: Draft): MailboxCreateDto {
  const { imap, smtp } = d;
  return {
    address: d.address.trim(),
    displayName: d.displayName.trim(),
    signature: d.signature.trim() ? d.signature : null,
    teamId: d.teamId || null,
    departmentId: d.departmentId || null,
    categoryId: d.categoryId || null,
    firstResponseMinutes: num(d.firstResponseMinutes),
    inbound: d.inbound,
    active: d.active,
    // Not IMAP: the stored IMAP settings are left as they are (switching back finds them).
    ...(d.inbound === 'imap'
      ? {
          imap: {
            host: imap.host.trim(),
            port: num(imap.port),
            tls: imap.tls,
            user: imap.user.trim(),
            ...(imap.folder.trim() ? { folder: imap.folder.trim() } : {}),
            ...(imap.processedFolder.trim() ? { processedFolder: imap.processedFolder.trim() } : {}),
            ...(imap.password ? { password: imap.password } : {}),
          },
        }
      : {}),
    // No host: the server's own SMTP_URL sends this mailbox's mail.
    smtp: smtp.host.trim()
      ? {
          host: smtp.host.trim(),
          port: num(smtp.port),
          tls: smtp.tls,
          user: orNull(smtp.user),
          ...(smtp.password ? { password: smtp.password } : {}),
        }
      : null,
    options: {
      threadBySubjectDays: d.threadBySubject ? num(d.threadDays) : null,
      closedReply: d.closedReply,
      acknowledge: d.acknowledge,
      caseType: d.caseType,
      senderRateLimit: num(d.senderRateLimit),
    },
  };
}

/**
 * What an edit changes, and nothing else: connection settings sent unchanged would reset the
 * mailbox's health (the server takes new settings to mean the last error no longer applies).
 */
export function patchOf(before: MailboxDto, d: Draft): MailboxPatchDto {
  const was: Record<string, unknown> = bodyOf(draftOf(before));
  const now: Record<string, unknown> = bodyOf(d);
  const typed = { imap: d.imap.password !== '', smtp: d.smtp.password !== '' };
  return Object.fromEntries(
    Object.entries(now).filter(
      ([k, v]) =>
        v !== undefined && (JSON.stringify(v) !== JSON.stringify(was[k]) || typed[k as keyof typeof typed]),
    ),
  );
}
