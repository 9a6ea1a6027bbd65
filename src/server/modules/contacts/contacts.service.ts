import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import type {
  ContactCreate,
  ContactDto,
  ContactPatch,
  StandardPhrasesDto,
  VerificationBody,
  VerificationDto,
  VerificationPolicyDto,
} from '../../../shared/contracts/contacts.ts';
import { type Actor, audit, diff } from '../../platform/audit.ts';
import { type Ctx, decodeCursor, encodeCursor, nowIso, parseInstant, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { ContactsTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { AppError, invalidFields, notFound } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';
import { readSetting, writeSetting } from '../../platform/settings.ts';
import type { CustomersService } from '../customers/customers.service.ts';
import { type CheckResult, DEFAULT_POLICY, evaluate, policyProblems } from './verification.ts';

const POLICY_KEY = 'verification.policy';
const PHRASES_KEY = 'phrases.standard';
const DEFAULT_PHRASES: StandardPhrasesDto = {
  greeting: 'Thank you for calling. This is {officer}. How may I help you?',
  closing: 'Thank you for calling. Have a good day.',
};

function presentContact(c: Selectable<ContactsTable>, verified: boolean, caseIds: string[]): ContactDto {
  return {
    id: c.id,
    channel: c.channel as ContactDto['channel'],
    direction: c.direction,
    customerId: c.customer_id,
    officerId: c.officer_id,
    startedAt: c.started_at,
    endedAt: c.ended_at,
    durationSeconds: c.ended_at
      ? Math.max(0, Math.round((Date.parse(c.ended_at) - Date.parse(c.started_at)) / 1000))
      : null,
    fromAddress: c.from_address,
    notes: c.notes,
    verified,
    caseIds,
  };
}

/** Contacts (each exchange with a customer) and identity verification on them. */
export class ContactsService {
  private readonly ctx: Ctx;
  private readonly customers: () => CustomersService;
  constructor(ctx: Ctx, customers: () => CustomersService) {
    this.ctx = ctx;
    this.customers = customers;
  }

  private get db() {
    return this.ctx.store.db;
  }

  policy(trx: Executor = this.db): Promise<VerificationPolicyDto> {
    return readSetting(trx, POLICY_KEY, DEFAULT_POLICY);
  }

  async setPolicy(actor: Actor, policy: VerificationPolicyDto): Promise<VerificationPolicyDto> {
    const problems = policyProblems(policy);
    if (problems.length) throw invalidFields(problems);
    await tx(this.ctx, (trx) =>
      writeSetting(trx, POLICY_KEY, policy, DEFAULT_POLICY, actor, nowIso(this.ctx)),
    );
    return policy;
  }

  /** The organisation's standard greeting and closing; `{officer}` stands for the officer's name. */
  phrases(): Promise<StandardPhrasesDto> {
    return readSetting(this.db, PHRASES_KEY, DEFAULT_PHRASES);
  }

  async setPhrases(actor: Actor, phrases: StandardPhrasesDto): Promise<StandardPhrasesDto> {
    await tx(this.ctx, (trx) =>
      writeSetting(trx, PHRASES_KEY, phrases, DEFAULT_PHRASES, actor, nowIso(this.ctx)),
    );
    return phrases;
  }

  private async latestChecks(
    trx: Executor,
    contactId: string,
    customerId: string,
  ): Promise<Map<string, CheckResult>> {
    const rows = await trx
      .selectFrom('contact_verifications')
      .select(['checks'])
      .where('contact_id', '=', contactId)
      .where('customer_id', '=', customerId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    const latest = new Map<string, CheckResult>();
    for (const r of rows) {
      for (const c of parseJson<{ particular: string; result: CheckResult }[]>(r.checks, []))
        latest.set(c.particular, c.result);
    }
    return latest;
  }

  /** The verification gate other modules ask: has this contact verified this customer? */
  async isVerified(contactId: string, customerId: string, trx: Executor = this.db): Promise<boolean> {
    const c = await trx
      .selectFrom('contacts')
      .select(['customer_id'])
      .where('id', '=', contactId)
      .executeTakeFirst();
    if (!c || c.customer_id !== customerId) return false;
    return evaluate(await this.policy(trx), await this.latestChecks(trx, contactId, customerId))
      .satisfiesPolicy;
  }

  async getRow(trx: Executor, id: string): Promise<Selectable<ContactsTable>> {
    const c = await trx.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!c) throw notFound('contact.not_found', id);
    return c;
  }

  private async present(trx: Executor, c: Selectable<ContactsTable>): Promise<ContactDto> {
    const verified = c.customer_id ? await this.isVerified(c.id, c.customer_id, trx) : false;
    const cases = await trx
      .selectFrom('contact_cases')
      .select('case_id')
      .where('contact_id', '=', c.id)
      .orderBy('created_at')
      .execute();
    return presentContact(
      c,
      verified,
      cases.map((r) => r.case_id),
    );
  }

  async get(id: string): Promise<ContactDto> {
    return this.present(this.db, await this.getRow(this.db, id));
  }

  private async assertCustomer(trx: Executor, customerId: string | null | undefined) {
    if (customerId && !(await this.customers().exists(trx, customerId))) {
      throw new AppError('customer.not_found', customerId, {
        errors: [{ field: '/body/customerId', message: 'no such customer' }],
      });
    }
  }

  async create(actor: Actor, input: Static<typeof ContactCreate>): Promise<ContactDto> {
    const at = nowIso(this.ctx);
    const row: Selectable<ContactsTable> = {
      id: newId(),
      channel: input.channel,
      direction: input.direction,
      customer_id: input.customerId ?? null,
      officer_id: actor.userId,
      started_at: input.startedAt ? parseInstant(input.startedAt, '/body/startedAt') : at,
      ended_at: null,
      notes: input.notes ?? null,
      from_address: input.fromAddress ?? null,
      created_at: at,
      updated_at: at,
    };
    return tx(this.ctx, async (trx) => {
      await this.assertCustomer(trx, row.customer_id);
      await trx.insertInto('contacts').values(row).execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'contact',
        entityId: row.id,
        action: 'contact.created',
        after: row,
      });
      await emit(trx, at, 'contact.created', { id: row.id, customerId: row.customer_id });
      return presentContact(row, false, []);
    });
  }

  async update(actor: Actor, id: string, input: Static<typeof ContactPatch>): Promise<ContactDto> {
    return tx(this.ctx, async (trx) => {
      const before = await this.getRow(trx, id);
      const at = nowIso(this.ctx);
      if (input.end && before.ended_at) throw new AppError('contact.already_ended');
      const next = {
        ...before,
        customer_id: input.customerId !== undefined ? input.customerId : before.customer_id,
        notes: input.notes !== undefined ? input.notes : before.notes,
        ended_at: input.end ? at : before.ended_at,
        updated_at: at,
      };
      if (input.customerId !== undefined) await this.assertCustomer(trx, next.customer_id);
      await trx.updateTable('contacts').set(next).where('id', '=', id).execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'contact',
        entityId: id,
        action: input.end ? 'contact.ended' : 'contact.updated',
        ...diff(before, next),
      });
      if (input.end) await emit(trx, at, 'contact.ended', { id });
      return this.present(trx, next);
    });
  }

  async verify(
    actor: Actor,
    contactId: string,
    input: Static<typeof VerificationBody>,
  ): Promise<VerificationDto> {
    return tx(this.ctx, async (trx) => {
      const contact = await this.getRow(trx, contactId);
      if (!contact.customer_id)
        throw new AppError('contact.no_customer', 'Identify the customer on the contact before verifying');
      const at = nowIso(this.ctx);
      const latest = await this.latestChecks(trx, contactId, contact.customer_id);
      for (const c of input.checks) latest.set(c.particular, c.result);
      const outcome = evaluate(await this.policy(trx), latest);
      const row = {
        id: newId(),
        contact_id: contactId,
        customer_id: contact.customer_id,
        officer_id: actor.userId,
        at,
        checks: JSON.stringify(input.checks),
        result: outcome.result,
        satisfies_policy: outcome.satisfiesPolicy,
      };
      await trx.insertInto('contact_verifications').values(row).execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'customer',
        entityId: contact.customer_id,
        action: 'customer.verification_recorded',
        after: { contactId, checks: input.checks, ...outcome },
      });
      await emit(trx, at, 'contact.verified', { id: contactId, satisfiesPolicy: outcome.satisfiesPolicy });
      return {
        id: row.id,
        contactId,
        officerId: actor.userId,
        at,
        checks: input.checks,
        result: outcome.result,
        satisfiesPolicy: outcome.satisfiesPolicy,
        missing: outcome.missing,
      };
    });
  }

  /** An outbound exchange made on a case (e.g. a progress update), logged as a finished contact. */
  async logOutbound(
    trx: Executor,
    actor: Actor,
    c: { channel: string; customerId: string | null; notes: string; caseId: string },
  ): Promise<string> {
    const at = nowIso(this.ctx);
    const row: Selectable<ContactsTable> = {
      id: newId(),
      channel: c.channel,
      direction: 'outbound',
      customer_id: c.customerId,
      officer_id: actor.userId,
      started_at: at,
      ended_at: at,
      notes: c.notes,
      from_address: null,
      created_at: at,
      updated_at: at,
    };
    await trx.insertInto('contacts').values(row).execute();
    await this.linkCase(trx, row.id, c.caseId, at);
    await audit(trx, {
      at,
      actor,
      entityType: 'contact',
      entityId: row.id,
      action: 'contact.created',
      after: row,
    });
    return row.id;
  }

  async linkCase(trx: Executor, contactId: string, caseId: string, at: string): Promise<void> {
    await trx
      .insertInto('contact_cases')
      .values({ contact_id: contactId, case_id: caseId, created_at: at })
      .execute();
  }

  async list(q: { customerId?: string | undefined; limit: number; cursor?: string | undefined }) {
    const after = decodeCursor(q.cursor);
    let query = this.db
      .selectFrom('contacts')
      .selectAll()
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit + 1);
    if (q.customerId) query = query.where('customer_id', '=', q.customerId);
    if (after) {
      const [at, id] = after;
      query = query.where((eb) =>
        eb.or([eb('started_at', '<', at), eb.and([eb('started_at', '=', at), eb('id', '<', id)])]),
      );
    }
    const rows = await query.execute();
    const page = rows.slice(0, q.limit);
    const items = [];
    for (const r of page) items.push(await this.present(this.db, r));
    return {
      items,
      nextCursor: rows.length > q.limit ? encodeCursor(page.at(-1)!.started_at, page.at(-1)!.id) : null,
    };
  }
}
