import { type Static, Type } from 'typebox';
import { Case, CaseDetail, CaseDraft } from './cases.ts';
import { Nullable, Timestamp, Uuid } from './common.ts';
import { Contact } from './contacts.ts';
import { Customer } from './customers.ts';
import { Commitment } from './followups.ts';
import { Message } from './messages.ts';

/** Another open case of the same customer, for the context pane. */
export const CaseGlance = Type.Object({
  id: Uuid,
  reference: Type.String(),
  subject: Type.String(),
  status: Type.String(),
  priority: Type.String(),
  updatedAt: Timestamp,
});

/**
 * Everything the case workspace shows, in one answer: the case with its notes, referrals and
 * timeline; the customer (masked — the 360 view unmasks); the contacts on the case; the customer's
 * other open cases and recent contacts; the follow-up commitments. One request, so opening a case
 * costs one round trip whatever the case holds.
 */
export const CaseWorkspace = Type.Object({
  case: CaseDetail,
  customer: Nullable(Customer),
  contacts: Type.Array(Contact),
  openCases: Type.Array(CaseGlance),
  recentContacts: Type.Array(Contact),
  commitments: Type.Array(Commitment),
  /** Duplicates merged into this case. */
  mergedFrom: Type.Array(Type.Object({ id: Uuid, reference: Type.String(), subject: Type.String() })),
  /** The note or reply the caller was writing on this case, if any. */
  draft: Nullable(CaseDraft),
  /** The case's messages (e-mail now), oldest first, the newest 200. */
  messages: Type.Array(Message),
});
export type CaseWorkspaceDto = Static<typeof CaseWorkspace>;

/** A colleague as others see them: to name authors and owners, and to assign work. */
export const Colleague = Type.Object({
  id: Uuid,
  displayName: Type.String(),
  role: Type.String(),
  teamId: Nullable(Uuid),
  active: Type.Boolean(),
});
export type ColleagueDto = Static<typeof Colleague>;

/**
 * A case as a queue line shows it: everything but the long texts (the enquiry runs to 5,000
 * characters and was most of a page's bytes; the line shows the subject, the workspace the rest).
 */
export const QueueCase = Type.Omit(Case, ['description', 'resolutionSummary']);
export type QueueCaseDto = Static<typeof QueueCase>;

/** A queue page: the cases, and the names of their customers (for a role that may read customers). */
export const QueuePage = Type.Object({
  items: Type.Array(QueueCase),
  nextCursor: Nullable(Type.String()),
  customerNames: Type.Record(Type.String(), Type.String()),
});
