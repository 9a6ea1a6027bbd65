import type { Selectable } from 'kysely';
import type { ChatSiteLinkDto, CustomerSiteAccountDto } from '../../../../shared/contracts/chat.ts';
import { type Actor, audit } from '../../../platform/audit.ts';
import { type Ctx, nowIso, tx } from '../../../platform/context.ts';
import type { Executor } from '../../../platform/db/index.ts';
import type { ChatIdentitiesTable } from '../../../platform/db/schema.ts';
import { AppError } from '../../../platform/errors.ts';
import { emit } from '../../../platform/outbox.ts';
import type { CasesService } from '../../cases/cases.service.ts';
import type { ContactsService } from '../../contacts/contacts.service.ts';
import type { SiteLinkFacts } from '../../contacts/verification-gate.ts';
import type { CustomersService } from '../../customers/customers.service.ts';
import { type ConversationRow, lockConversation } from './chat-store.ts';

type LinkRow = Selectable<ChatIdentitiesTable>;

/** The link of a site's customer id on a widget, with what the verification gate needs of it. */
export async function siteLinkOf(
  trx: Executor,
  widgetId: string,
  externalId: string,
): Promise<(SiteLinkFacts & { row: LinkRow }) | null> {
  const row = await trx
    .selectFrom('chat_identities')
    .selectAll()
    .where('widget_id', '=', widgetId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
  return row ? { externalId, customerId: row.customer_id, confirmedAt: row.confirmed_at, row } : null;
}

/** A chat's site sign-in as the officer's workspace shows it; null when the visitor was not signed in. */
export async function presentSiteLink(
  trx: Executor,
  conv: Pick<ConversationRow, 'widget_id' | 'external_id' | 'customer_id'>,
): Promise<ChatSiteLinkDto | null> {
  if (!conv.external_id) return null;
  const link = await siteLinkOf(trx, conv.widget_id, conv.external_id);
  const row = link && link.customerId === conv.customer_id ? link.row : null;
  return {
    externalId: conv.external_id,
    state: !row ? 'unlinked' : row.confirmed_at ? 'confirmed' : 'unconfirmed',
    linkedBy: (row?.linked_by as ChatSiteLinkDto['linkedBy']) ?? null,
    linkedAt: row?.created_at ?? null,
    confirmedBy: row?.confirmed_by ?? null,
    confirmedAt: row?.confirmed_at ?? null,
  };
}

/**
 * The officer's word on a chat's site sign-in (issue 14, point 3). The first chat of a site's
 * customer id links it to the record found by the e-mail the visitor typed (or a record made from
 * it): the site vouches for who is signed in, not for that e-mail, so the link verifies nothing. The
 * officer handling the chat, having verified the customer by the policy's questions on its contact,
 * confirms "this site account is this customer" — from then its sign-in counts as the policy's
 * `siteSignIn` says, in later chats and on the next officer's contact after a transfer. If the
 * questions show someone else, the officer unlinks it: the next chat of that site id is linked
 * afresh, unconfirmed. Both are audited as changes to the customer.
 */
export class ChatSiteLinks {
  private readonly ctx: Ctx;
  private readonly cases: CasesService;
  private readonly contacts: ContactsService;
  private readonly customers: CustomersService;
  constructor(
    ctx: Ctx,
    deps: { cases: CasesService; contacts: ContactsService; customers: CustomersService },
  ) {
    this.ctx = ctx;
    this.cases = deps.cases;
    this.contacts = deps.contacts;
    this.customers = deps.customers;
  }

  /** The site accounts linked to a customer record, oldest first (the customer's page). */
  async ofCustomer(customerId: string): Promise<CustomerSiteAccountDto[]> {
    const db = this.ctx.store.db;
    if (!(await this.customers.exists(db, customerId))) throw new AppError('customer.not_found');
    const rows = await db
      .selectFrom('chat_identities as i')
      .innerJoin('chat_widgets as w', 'w.id', 'i.widget_id')
      .select([
        'i.widget_id',
        'w.name',
        'i.external_id',
        'i.linked_by',
        'i.created_at',
        'i.confirmed_by',
        'i.confirmed_at',
      ])
      .where('i.customer_id', '=', customerId)
      .orderBy('i.created_at')
      .limit(100)
      .execute();
    return rows.map((r) => ({
      widgetId: r.widget_id,
      widgetName: r.name,
      siteCustomerId: r.external_id,
      linkedBy: r.linked_by as CustomerSiteAccountDto['linkedBy'],
      linkedAt: r.created_at,
      confirmedBy: r.confirmed_by,
      confirmedAt: r.confirmed_at,
    }));
  }

  /**
   * A site account is not this customer, found after its chats (a supervisor or an administrator:
   * who may say two records are one person may say a sign-in is not this one). The link goes, so the
   * account's next chat is linked afresh, unconfirmed; what its sign-ins counted for on past contacts
   * is history and stays. While one of its chats is live the officer handling it unlinks it there,
   * where the contact's verification is withdrawn too: 409 chat.site_link_in_use.
   */
  async unlinkFromCustomer(
    actor: Actor,
    customerId: string,
    widgetId: string,
    externalId: string,
  ): Promise<void> {
    await tx(this.ctx, async (trx) => {
      const link = await siteLinkOf(trx, widgetId, externalId);
      if (!link || link.customerId !== customerId) throw new AppError('chat.site_link_not_found');
      const live = await trx
        .selectFrom('chat_conversations')
        .select('id')
        .where('customer_id', '=', customerId)
        .where('widget_id', '=', widgetId)
        .where('external_id', '=', externalId)
        .where('status', '!=', 'ended')
        .executeTakeFirst();
      if (live) throw new AppError('chat.site_link_in_use');
      const at = nowIso(this.ctx);
      await trx
        .deleteFrom('chat_identities')
        .where('widget_id', '=', widgetId)
        .where('external_id', '=', externalId)
        .execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'customer',
        entityId: customerId,
        action: 'customer.site_link_removed',
        before: {
          widgetId,
          siteCustomerId: externalId,
          linkedBy: link.row.linked_by,
          linkedAt: link.row.created_at,
          confirmedBy: link.row.confirmed_by,
          confirmedAt: link.row.confirmed_at,
        },
        // Removed: nothing after (the History reads each field of the link as gone).
      });
    });
  }

  /**
   * `customer.merged` (inside the merge's transaction): the loser's site links and chats are the
   * winner's. A confirmed link stays confirmed — the merge says the two records are one person, the
   * one the officer confirmed. Without this a site account linked to the merged-away record would
   * open every later chat on it.
   */
  async onCustomerMerged(trx: Executor, loserId: string, winnerId: string): Promise<void> {
    await trx
      .updateTable('chat_identities')
      .set({ customer_id: winnerId })
      .where('customer_id', '=', loserId)
      .execute();
    await trx
      .updateTable('chat_conversations')
      .set({ customer_id: winnerId })
      .where('customer_id', '=', loserId)
      .execute();
  }

  /** The case's latest chat, locked, its site id and the contact it is on now. */
  private async chatOf(trx: Executor, caseId: string) {
    await this.cases.row(trx, caseId);
    const latest = await trx
      .selectFrom('chat_conversations')
      .select('id')
      .where('case_id', '=', caseId)
      .orderBy('started_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!latest) throw new AppError('chat.not_found');
    const conv = await lockConversation(this.ctx, trx, latest.id);
    if (!conv.external_id)
      throw new AppError('chat.no_site_sign_in', 'The visitor of this chat was not signed in on the site');
    if (!conv.contact_id) throw new AppError('contact.not_found', 'This chat has no contact');
    const contact = await this.contacts.getRow(trx, conv.contact_id);
    return { conv, externalId: conv.external_id, contact };
  }

  /** Confirm the chat's site sign-in as its customer; confirming a confirmed link changes nothing. */
  async confirm(actor: Actor, caseId: string): Promise<ChatSiteLinkDto> {
    return tx(this.ctx, async (trx) => {
      const { conv, externalId, contact } = await this.chatOf(trx, caseId);
      await this.contacts.assertHandlingNow(trx, actor, contact);
      const link = await siteLinkOf(trx, conv.widget_id, externalId);
      if (link && link.customerId !== contact.customer_id) throw new AppError('chat.site_link_conflict');
      // Confirmed already (a double click, a second tab): nothing is written again.
      if (link?.confirmedAt) return (await presentSiteLink(trx, conv))!;
      await this.contacts.assertVerifiedByQuestions(trx, actor, contact);
      const at = nowIso(this.ctx);
      const confirmed = { confirmed_by: actor.userId, confirmed_at: at, confirmed_contact_id: contact.id };
      if (link) {
        await trx
          .updateTable('chat_identities')
          .set(confirmed)
          .where('widget_id', '=', conv.widget_id)
          .where('external_id', '=', externalId)
          .where('confirmed_at', 'is', null)
          .execute();
      } else {
        // Unlinked earlier in this chat (or never linked): the officer's verification makes the link.
        await trx
          .insertInto('chat_identities')
          .values({
            widget_id: conv.widget_id,
            external_id: externalId,
            customer_id: contact.customer_id!,
            created_at: at,
            linked_by: 'officer',
            ...confirmed,
          })
          .onConflict((oc) => oc.columns(['widget_id', 'external_id']).doNothing())
          .execute();
      }
      const now = await siteLinkOf(trx, conv.widget_id, externalId);
      if (now?.customerId !== contact.customer_id || now.row.confirmed_by !== actor.userId)
        throw new AppError('chat.site_link_conflict');
      await audit(trx, {
        at,
        actor,
        entityType: 'customer',
        entityId: contact.customer_id!,
        action: 'customer.site_link_confirmed',
        before: link ? { linkedBy: link.row.linked_by, confirmedAt: null } : null,
        after: {
          widgetId: conv.widget_id,
          siteCustomerId: externalId,
          linkedBy: now.row.linked_by,
          confirmedBy: actor.userId,
          confirmedAt: at,
          contactId: contact.id,
          caseId,
        },
      });
      await emit(trx, at, 'case.chat_changed', { id: caseId, userIds: [actor.userId] });
      return (await presentSiteLink(trx, conv))!;
    });
  }

  /**
   * The chat's visitor is not this customer (the questions did not match): the site id's link to
   * them goes, and whatever its sign-in stood for on the contact is withdrawn. Unlinking what is not
   * linked changes nothing.
   */
  async unlink(actor: Actor, caseId: string): Promise<ChatSiteLinkDto> {
    return tx(this.ctx, async (trx) => {
      const { conv, externalId, contact } = await this.chatOf(trx, caseId);
      await this.contacts.assertHandlingNow(trx, actor, contact);
      const link = await siteLinkOf(trx, conv.widget_id, externalId);
      if (!link) return (await presentSiteLink(trx, conv))!;
      if (link.customerId !== contact.customer_id) throw new AppError('chat.site_link_conflict');
      const at = nowIso(this.ctx);
      await trx
        .deleteFrom('chat_identities')
        .where('widget_id', '=', conv.widget_id)
        .where('external_id', '=', externalId)
        .execute();
      const withdrawn = await this.contacts.withdrawSiteSignIn(trx, contact, externalId, actor, at);
      await audit(trx, {
        at,
        actor,
        entityType: 'customer',
        entityId: link.customerId,
        action: 'customer.site_link_removed',
        before: {
          widgetId: conv.widget_id,
          siteCustomerId: externalId,
          linkedBy: link.row.linked_by,
          linkedAt: link.row.created_at,
          confirmedBy: link.row.confirmed_by,
          confirmedAt: link.row.confirmed_at,
        },
        after: { contactId: contact.id, caseId, signInWithdrawn: withdrawn },
      });
      await emit(trx, at, 'case.chat_changed', { id: caseId, userIds: [actor.userId] });
      return (await presentSiteLink(trx, conv))!;
    });
  }
}
