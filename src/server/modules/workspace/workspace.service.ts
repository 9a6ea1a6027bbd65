import type { CaseListQueryDto } from '../../../shared/contracts/cases.ts';
import type { ContactDto } from '../../../shared/contracts/contacts.ts';
import type { MessageDto } from '../../../shared/contracts/messages.ts';
import type { CaseWorkspaceDto } from '../../../shared/contracts/workspace.ts';
import { can } from '../../../shared/permissions.ts';
import type { Actor } from '../../platform/audit.ts';
import type { CaseDrafts } from '../cases/case-drafts.ts';
import type { CasesService } from '../cases/cases.service.ts';
import { OPEN_STATUSES } from '../cases/queue-order.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import type { CustomersService } from '../customers/customers.service.ts';
import { mask } from '../customers/normalize.ts';
import type { CommitmentsService } from '../followups/commitments.service.ts';
import type { MessagesService } from '../messages/messages.service.ts';

/** A text's customer side (who sent it in, whom it went to) with the number's last four digits only. */
function maskSmsNumber(m: MessageDto): MessageDto {
  if (m.channel !== 'sms') return m;
  const masked = (a: { address: string; name: string | null }) => ({ ...a, address: mask(a.address) ?? '' });
  return m.direction === 'inbound'
    ? { ...m, from: m.from && masked(m.from) }
    : { ...m, to: m.to.map(masked) };
}

/**
 * The case workspace's one answer, composed from the modules that own each part. It reads only:
 * every part is bounded (a case's own notes and contacts, ten other open cases, five recent
 * contacts), so opening a case costs the same at any volume.
 */
export class WorkspaceService {
  private readonly s: {
    cases: CasesService;
    caseDrafts: CaseDrafts;
    customers: CustomersService;
    contacts: ContactsService;
    commitments: CommitmentsService;
    messages: MessagesService;
  };
  constructor(s: WorkspaceService['s']) {
    this.s = s;
  }

  async forCase(actor: Actor, id: string): Promise<CaseWorkspaceDto> {
    const c = await this.s.cases.get(id);
    const customerId = c.customerId;
    const [customer, seen, openCases, commitments, draft, mergedFrom, messages] = await Promise.all([
      customerId ? this.s.customers.summary(customerId) : null,
      this.s.contacts.forCase(actor, c.contactIds, customerId, 5),
      customerId
        ? this.s.cases.list(
            {
              customerId,
              status: OPEN_STATUSES.join(','),
              sort: 'updated',
              limit: 11,
            },
            { lines: true },
          )
        : null,
      this.s.commitments.list(actor, { caseId: id, state: 'all' }),
      this.s.caseDrafts.get(actor.userId, id),
      this.s.cases.mergedInto(id),
      this.s.messages.forCase(id),
    ]);
    // The draft of a contact is its handler's business only, and not the workspace's.
    const lite = (x: ContactDto): ContactDto => ({ ...x, draft: null });
    return {
      case: c,
      customer,
      contacts: seen.contacts.map(lite),
      openCases: (openCases?.items ?? [])
        .filter((o) => o.id !== id)
        .slice(0, 10)
        .map((o) => ({
          id: o.id,
          reference: o.reference,
          subject: o.subject,
          status: o.status,
          priority: o.priority,
          updatedAt: o.updatedAt,
        })),
      recentContacts: seen.recent.map(lite),
      commitments,
      draft,
      mergedFrom,
      // The customer's number on a text, masked as the composer and the customer's record mask it.
      messages: can(actor.role, 'pii.unmasked') ? messages : messages.map(maskSmsNumber),
    };
  }

  /** A queue page with its customers' names: one request per page, whatever the page holds. */
  async queue(actor: Actor, q: CaseListQueryDto & { limit: number }) {
    const page = await this.s.cases.list(q, { lines: true });
    const ids = page.items.flatMap((c) => (c.customerId ? [c.customerId] : []));
    const customerNames = can(actor.role, 'customers.read') ? await this.s.customers.names(ids) : {};
    const items = can(actor.role, 'cases.write')
      ? page.items
      : page.items.map((c) => ({ ...c, allowedActions: [] }));
    return { items, nextCursor: page.nextCursor, customerNames };
  }
}
