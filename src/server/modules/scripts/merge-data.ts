import type { PreviewRequestDto } from '../../../shared/contracts/scripts.ts';
import { TEMPLATE_VARIABLES, type VariableValue } from '../../../shared/templating.ts';
import type { Actor } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';
import { invalid, notFound } from '../../platform/errors.ts';
import type { CasesService } from '../cases/cases.service.ts';
import type { ContactsService } from '../contacts/contacts.service.ts';
import { type CustomersService, isUnnamed } from '../customers/customers.service.ts';

export type MergeValues = Record<string, VariableValue>;

const PARTICULARS = new Set(TEMPLATE_VARIABLES.filter((v) => v.particular).map((v) => v.name));
const words = (s: string) => s.replaceAll('_', ' ');

/** "Friday, 27 November 2026 at 17:00" in the centre's zone ("… UTC" when no calendar names one). */
export function formatDateTime(iso: string, timeZone: string): string {
  const text = new Intl.DateTimeFormat('en-GB', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(new Date(iso));
  return timeZone === 'UTC' ? `${text} UTC` : text;
}

export function formatDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone,
  }).format(new Date(iso));
}

/**
 * The values behind the template variables for one case, customer and contact, read as the caller
 * may see them: the customer comes through the customers module's own presenter, so particulars are
 * masked exactly as the customer view masks them until the contact has verified the customer.
 */
export class MergeData {
  private readonly ctx: Ctx;
  private readonly deps: {
    cases: CasesService;
    customers: CustomersService;
    contacts: ContactsService;
    /** The case is answered by e-mail (it came in by e-mail), from the messages module. */
    byEmail?: (caseId: string) => Promise<boolean>;
  };
  constructor(ctx: Ctx, deps: MergeData['deps']) {
    this.ctx = ctx;
    this.deps = deps;
  }

  /**
   * `used`, when given, names the variables the text needs: without a particular among them the
   * customer's name is read alone, so a text that shows no particulars neither unmasks nor audits a
   * view of them (the case page asks for its progress-update draft on every load).
   */
  async values(actor: Actor, req: PreviewRequestDto, used?: readonly string[]): Promise<MergeValues> {
    const db = this.ctx.store.db;
    const [contact, c, officer] = await Promise.all([
      req.contactId ? this.deps.contacts.getRow(db, req.contactId) : Promise.resolve(null),
      req.caseId ? this.deps.cases.row(db, req.caseId) : Promise.resolve(null),
      db
        .selectFrom('users')
        .select(['display_name', 'department_id'])
        .where('id', '=', actor.userId)
        .executeTakeFirst(),
    ]);
    if (req.customerId && c?.customer_id && c.customer_id !== req.customerId) {
      throw invalid('/body/customerId', 'notCaseCustomer', 'is not the customer of the case');
    }
    const customerId = req.customerId ?? c?.customer_id ?? contact?.customer_id ?? null;
    const needsParticulars = !used || used.some((n) => PARTICULARS.has(n));
    const customer = !customerId
      ? null
      : needsParticulars
        ? await this.deps.customers.get(actor, customerId, req.contactId)
        : await this.nameOnly(customerId);
    const departmentId = c?.department_id ?? officer?.department_id ?? null;
    const [department, zone] = await Promise.all([
      departmentId
        ? db
            .selectFrom('departments')
            .select(['name', 'phone', 'email', 'hours'])
            .where('id', '=', departmentId)
            .executeTakeFirst()
        : Promise.resolve(undefined),
      this.timeZone(c?.sla_policy_id ?? null),
    ]);

    const v = (value: string | null | undefined): VariableValue => ({ value: value || null });
    // Issue 13: a text for a case answered by e-mail goes to whoever holds that mailbox, who proved
    // nothing: without a contact on which the customer was verified, particulars are withheld
    // whatever the writer's own role may see.
    const unprovenReader = !req.contactId && c ? ((await this.deps.byEmail?.(c.id)) ?? false) : false;
    const masked = unprovenReader || (customer?.masked ?? false);
    /** A particular: withheld (or shown masked) while the customer is unverified, missing when absent. */
    const particular = (exists: boolean, value: string | null | undefined): VariableValue =>
      exists ? { value: unprovenReader ? null : value || null, masked } : { value: null };
    const account = customer?.accounts[0];
    const phone = customer?.phones[0]?.number;
    const email = customer?.emails[0];
    return {
      // A customer who gave no name is not greeted by the placeholder they are listed under.
      'customer.name': v(customer && !isUnnamed(customer.displayName) ? customer.displayName : null),
      'customer.mobile': particular(Boolean(phone), phone),
      'customer.email': particular(Boolean(email), email),
      'account.number': particular(Boolean(account), account?.accountNumber),
      'account.balance': particular(
        Boolean(account),
        account && account.balanceMinor !== null
          ? `${account.currency} ${(account.balanceMinor / 100).toFixed(2)}`
          : null,
      ),
      'case.reference': v(c?.reference),
      'case.subject': v(c?.subject),
      'case.type': v(c && words(c.type)),
      'case.status': v(c && words(c.status)),
      'case.dueAt': v(c?.resolution_due_at && formatDateTime(c.resolution_due_at, zone)),
      'case.createdAt': v(c && formatDate(c.created_at, zone)),
      'officer.name': v(officer?.display_name),
      'department.name': v(department?.name),
      'department.phone': v(department?.phone),
      'department.email': v(department?.email),
      'department.hours': v(department?.hours),
      today: v(formatDate(this.ctx.clock.now().toISOString(), zone)),
    };
  }

  /** The customer as far as a text without particulars needs: the name (never masked). */
  private async nameOnly(id: string) {
    const row = await this.ctx.store.db
      .selectFrom('customers')
      .select('display_name')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw notFound('customer.not_found', id);
    const none = { masked: false, accounts: [], phones: [], emails: [] } as const;
    return { ...none, displayName: row.display_name };
  }

  /** The zone of the case's SLA calendar, else of the centre's first calendar, else UTC. */
  async timeZone(policyId: string | null): Promise<string> {
    const db = this.ctx.store.db;
    const own = policyId
      ? await db
          .selectFrom('sla_policies as p')
          .innerJoin('business_calendars as c', 'c.id', 'p.calendar_id')
          .select('c.time_zone')
          .where('p.id', '=', policyId)
          .executeTakeFirst()
      : undefined;
    const zone =
      own?.time_zone ??
      (
        await db
          .selectFrom('business_calendars')
          .select('time_zone')
          .orderBy('created_at')
          .orderBy('id')
          .executeTakeFirst()
      )?.time_zone;
    return zone ?? 'UTC';
  }
}
