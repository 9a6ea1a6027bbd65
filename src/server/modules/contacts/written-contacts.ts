import type { Selectable } from 'kysely';
import { type Actor, audit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { ContactsTable } from '../../platform/db/schema.ts';
import type { DomainEventBus } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';

type ContactRow = Selectable<ContactsTable>;

/**
 * A contact the customer opened on a live written channel (a web chat) and an officer answers
 * (issue 14): logged as the system's while it waits, it becomes the answering officer's contact in
 * progress — presence puts them on a contact, and the verify panel works on it — and ends with the
 * chat, so its length is the officer's handling (from the answer, as a call's contact is).
 *
 * A transfer ends the passing officer's contact and the next officer gets a new one on the same
 * customer and cases (Genesys logs a segment per agent): each officer's handling has its own length,
 * and what was verified stays with the officer it was verified to (verification unmasks only for
 * the contact's handler).
 */
export class WrittenContacts {
  private readonly events: DomainEventBus | undefined;
  constructor(events: DomainEventBus | undefined) {
    this.events = events;
  }

  /** The officer answers: the contact in progress for them, its id (a new one after a transfer). */
  async take(trx: Executor, contactId: string, officerId: string, by: Actor, at: string): Promise<string> {
    const c = await trx
      .selectFrom('contacts')
      .selectAll()
      .where('id', '=', contactId)
      .executeTakeFirstOrThrow();
    if (c.officer_id === officerId && !c.ended_at) return c.id;
    if (c.officer_id === SYSTEM_ACTOR.userId) {
      const next = { ...c, officer_id: officerId, started_at: at, ended_at: null, updated_at: at };
      await trx
        .updateTable('contacts')
        .set({ officer_id: officerId, started_at: at, ended_at: null, updated_at: at })
        .where('id', '=', c.id)
        .execute();
      await audit(trx, {
        at,
        actor: by,
        entityType: 'contact',
        entityId: c.id,
        action: 'contact.answered',
        before: { officerId: c.officer_id, startedAt: c.started_at, endedAt: c.ended_at },
        after: { officerId: next.officer_id, startedAt: at, endedAt: null },
      });
      await emit(trx, at, 'contact.updated', { id: c.id, officerId });
      await this.events?.publish(trx, 'contact.started', { contactId: c.id, officerId });
      return c.id;
    }
    // Another officer had it: theirs ends (if the transfer did not end it already), a new one begins.
    await this.end(trx, c.id, by, at);
    const row: ContactRow = {
      ...c,
      id: newId(),
      officer_id: officerId,
      started_at: at,
      ended_at: null,
      notes: null,
      created_at: at,
      updated_at: at,
    };
    await trx.insertInto('contacts').values(row).execute();
    const cases = await trx
      .selectFrom('contact_cases')
      .select('case_id')
      .where('contact_id', '=', c.id)
      .execute();
    for (const k of cases)
      await trx
        .insertInto('contact_cases')
        .values({ contact_id: row.id, case_id: k.case_id, created_at: at })
        .execute();
    await audit(trx, {
      at,
      actor: by,
      entityType: 'contact',
      entityId: row.id,
      action: 'contact.created',
      after: { ...row, transferredFrom: c.id },
    });
    await emit(trx, at, 'contact.created', { id: row.id, customerId: row.customer_id, officerId });
    await this.events?.publish(trx, 'contact.started', { contactId: row.id, officerId });
    return row.id;
  }

  /** The chat ended (either side, a transfer, the case closed): its contact ends, once. */
  async end(trx: Executor, contactId: string, by: Actor, at: string): Promise<void> {
    const c = await trx.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirst();
    if (!c || c.ended_at) return;
    await trx.updateTable('contacts').set({ ended_at: at, updated_at: at }).where('id', '=', c.id).execute();
    await audit(trx, {
      at,
      actor: by,
      entityType: 'contact',
      entityId: c.id,
      action: 'contact.ended',
      before: { endedAt: null },
      after: { endedAt: at },
    });
    // To the officer's room: their contact screen shows the contact ended wherever the chat ended.
    await emit(trx, at, 'contact.ended', { id: c.id, officerId: c.officer_id, userIds: [c.officer_id] });
    await this.events?.publish(trx, 'contact.ended', { contactId: c.id, officerId: c.officer_id });
    await trx.deleteFrom('contact_drafts').where('contact_id', '=', c.id).execute();
  }
}
