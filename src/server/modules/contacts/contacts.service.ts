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
  VerificationStateDto,
} from '../../../shared/contracts/contacts.ts';
import { can } from '../../../shared/permissions.ts';
import { prepareTemplate } from '../../../shared/templating.ts';
import { type Actor, audit, diff, SYSTEM_ACTOR } from '../../platform/audit.ts';
import { type Ctx, decodeCursor, encodeCursor, nowIso, parseInstant, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { ContactsTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { AppError, fieldError, invalid, invalidFields, notFound, problemAt } from '../../platform/errors.ts';
import type { DomainEventBus } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';
import { readSetting, writeSetting } from '../../platform/settings.ts';
import type { CustomersService } from '../customers/customers.service.ts';
import { maskParticulars } from '../customers/normalize.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { PeopleService } from '../people/people.service.ts';
import {
  DEFAULT_POLICY,
  evaluate,
  maxMismatches,
  policyProblems,
  verificationState,
} from './verification.ts';
import { type ContactVerifications, POLICY_KEY, type SiteLinkFacts } from './verification-gate.ts';
import { WrittenContacts } from './written-contacts.ts';

const PHRASES_KEY = 'phrases.standard';
const DEFAULT_PHRASES: Required<StandardPhrasesDto> = {
  greeting: 'Thank you for calling. This is {{officer.name}}. How may I help you?',
  closing: 'Thank you for calling. Have a good day.',
  // A chat, an e-mail or a text is no call (the contact screen picks by the contact's channel).
  writtenGreeting: 'Thank you for contacting us. This is {{officer.name}}. How may I help you?',
  writtenClosing: 'Thank you for contacting us. Have a good day.',
};
const PHRASE_FIELDS = ['greeting', 'closing', 'writtenGreeting', 'writtenClosing'] as const;

/** What the greeting and closing may use: they are said as the call is answered, before any customer. */
const PHRASE_VARIABLES = ['officer.name'] as const;

type ContactRow = Selectable<ContactsTable>;

/** Roles that handle contacts, or see particulars anyway, read a contact as it is; others (trainers) masked. */
const seesContactDetails = (actor: Actor) =>
  actor.via === 'system' || can(actor.role, 'contacts.write') || can(actor.role, 'pii.unmasked');

function presentContact(
  c: ContactRow,
  parts: {
    verified: boolean;
    verification: VerificationStateDto | null;
    caseIds: string[];
    draft: Record<string, unknown> | null;
    masked: boolean;
  },
): ContactDto {
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
    fromAddress: parts.masked ? maskParticulars(c.from_address) : c.from_address,
    notes: parts.masked ? maskParticulars(c.notes) : c.notes,
    verified: parts.verified,
    verification: parts.verification,
    caseIds: parts.caseIds,
    draft: parts.draft,
  };
}

const DRAFT_MAX_BYTES = 32 * 1024;

/**
 * Contacts (each exchange with a customer) and identity verification on them. A contact belongs to
 * the officer handling it: only they verify, edit or end it while it is open, and its verification
 * unmasks the customer only for them, only while it is open or in wrap-up.
 */
export class ContactsService {
  private readonly ctx: Ctx;
  private readonly customers: CustomersService;
  private readonly verifications: ContactVerifications;
  /** A chat's contact: answered by an officer, ended with the chat (written-contacts.ts). */
  readonly written: WrittenContacts;
  private readonly deps: {
    notifications: NotificationsService;
    people: PeopleService;
    events?: DomainEventBus;
  };
  constructor(
    ctx: Ctx,
    deps: {
      customers: CustomersService;
      verifications: ContactVerifications;
      notifications: NotificationsService;
      people: PeopleService;
      /** Tells presence (and whoever listens) that a contact began or ended. */
      events?: DomainEventBus;
    },
  ) {
    this.ctx = ctx;
    this.customers = deps.customers;
    this.verifications = deps.verifications;
    this.written = new WrittenContacts(deps.events);
    this.deps = deps;
  }

  private get db() {
    return this.ctx.store.db;
  }

  policy(trx: Executor = this.db): Promise<VerificationPolicyDto> {
    return this.verifications.policy(trx);
  }

  /**
   * A chat whose visitor the site signed in: counts as far as the policy's `siteSignIn` says, and only
   * when an officer confirmed the site's customer id as this customer (verification-gate.ts).
   */
  recordSiteSignIn(trx: Executor, contactId: string, link: SiteLinkFacts, at: string): Promise<boolean> {
    return this.verifications.recordSiteSignIn(trx, contactId, link, at);
  }

  /**
   * The officer handles this contact now: theirs, open or in wrap-up. A chat's site sign-in is
   * confirmed or unlinked only by them. Throws the reason they do not.
   */
  async assertHandlingNow(trx: Executor, actor: Actor, contact: ContactRow): Promise<void> {
    this.assertHandler(actor, contact);
    if (!this.verifications.stillUnmasks(contact, await this.policy(trx)))
      throw new AppError('contact.already_ended');
  }

  /**
   * The customer was verified on this contact by the officer's own questions (what a site sign-in
   * stood for left out): only that lets them vouch that the site's signed-in customer is this one.
   */
  async assertVerifiedByQuestions(trx: Executor, actor: Actor, contact: ContactRow): Promise<void> {
    if (!contact.customer_id)
      throw new AppError('contact.no_customer', 'Identify the customer on the contact before verifying');
    if (!(await this.verifications.verifiedByQuestions(trx, contact, actor)))
      throw new AppError(
        'contact.not_verified',
        'Verify the customer by the policy’s questions on this contact, then confirm',
      );
  }

  /** The site's customer id no longer names this customer: its sign-in on the contact is withdrawn. */
  withdrawSiteSignIn(
    trx: Executor,
    contact: ContactRow,
    externalId: string,
    actor: Actor,
    at: string,
  ): Promise<boolean> {
    if (!contact.customer_id) return Promise.resolve(false);
    return this.verifications.withdrawSiteSignIn(trx, contact.id, contact.customer_id, externalId, actor, at);
  }

  async setPolicy(actor: Actor, policy: VerificationPolicyDto): Promise<VerificationPolicyDto> {
    const problems = policyProblems(policy);
    if (problems.length) throw invalidFields(problems);
    await tx(this.ctx, (trx) =>
      writeSetting(trx, POLICY_KEY, policy, DEFAULT_POLICY, actor, nowIso(this.ctx)),
    );
    return policy;
  }

  /**
   * The organisation's standard greeting and closing, on a call and in writing; `{{officer.name}}`
   * stands for the officer's name. What a centre stored before the written pair existed reads with
   * the default written pair.
   */
  async phrases(trx: Executor = this.db): Promise<Required<StandardPhrasesDto>> {
    return { ...DEFAULT_PHRASES, ...(await readSetting(trx, PHRASES_KEY, DEFAULT_PHRASES)) };
  }

  async setPhrases(actor: Actor, input: StandardPhrasesDto): Promise<Required<StandardPhrasesDto>> {
    return tx(this.ctx, async (trx) => {
      // A write without the written pair (an older client) keeps the pair as stored.
      const wanted = { ...(await this.phrases(trx)), ...input };
      // The one template syntax; said before the customer is known, so only the officer's name fills it.
      const phrases = { ...wanted };
      const problems = PHRASE_FIELDS.flatMap((k) => {
        const prepared = prepareTemplate(wanted[k], PHRASE_VARIABLES);
        phrases[k] = prepared.text;
        return prepared.problems.map((p) => problemAt(`/body/${k}`, p));
      });
      if (problems.length) throw invalidFields(problems);
      await writeSetting(trx, PHRASES_KEY, phrases, DEFAULT_PHRASES, actor, nowIso(this.ctx));
      return phrases;
    });
  }

  async getRow(trx: Executor, id: string): Promise<ContactRow> {
    const c = await trx.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!c) throw notFound('contact.not_found', id);
    return c;
  }

  private async present(
    trx: Executor,
    c: ContactRow,
    actor: Actor,
    policyRead?: VerificationPolicyDto,
  ): Promise<ContactDto> {
    return (await this.presentMany(trx, [c], actor, policyRead))[0]!;
  }

  /** Several contacts as the actor sees them, in a fixed handful of queries whatever their number. */
  private async presentMany(
    trx: Executor,
    rows: readonly ContactRow[],
    actor: Actor,
    policyRead?: VerificationPolicyDto,
  ): Promise<ContactDto[]> {
    if (!rows.length) return [];
    const policy = policyRead ?? (await this.policy(trx));
    const ids = rows.map((c) => c.id);
    const mineOpen = rows.filter((c) => c.officer_id === actor.userId && !c.ended_at).map((c) => c.id);
    const [states, links, drafts] = await Promise.all([
      this.verifications.states(trx, rows, policy),
      trx
        .selectFrom('contact_cases')
        .select(['contact_id', 'case_id'])
        .where('contact_id', 'in', ids)
        .orderBy('created_at')
        .execute(),
      mineOpen.length
        ? trx
            .selectFrom('contact_drafts')
            .select(['contact_id', 'data'])
            .where('contact_id', 'in', mineOpen)
            .execute()
        : [],
    ]);
    return rows.map((c) => {
      const verification = states.get(c.id) ?? null;
      const mine = c.officer_id === actor.userId;
      const draft = drafts.find((d) => d.contact_id === c.id);
      return presentContact(c, {
        // "Verified" answers for the viewer: it unmasks only for the handler, while it lasts.
        verified: mine && !!verification?.satisfiesPolicy && this.verifications.stillUnmasks(c, policy),
        verification,
        caseIds: links.filter((l) => l.contact_id === c.id).map((l) => l.case_id),
        draft: draft ? parseJson<Record<string, unknown>>(draft.data, {}) : null,
        masked: !seesContactDetails(actor),
      });
    });
  }

  async get(actor: Actor, id: string): Promise<ContactDto> {
    return this.present(this.db, await this.getRow(this.db, id), actor);
  }

  /**
   * A case's contacts (in the order asked) and its customer's most recent ones, presented together:
   * they overlap, and each contact is presented once.
   */
  async forCase(actor: Actor, ids: readonly string[], customerId: string | null, recentLimit: number) {
    const [own, recent] = await Promise.all([
      ids.length ? this.db.selectFrom('contacts').selectAll().where('id', 'in', ids).execute() : [],
      customerId
        ? this.db
            .selectFrom('contacts')
            .selectAll()
            .where('customer_id', '=', customerId)
            .orderBy('started_at', 'desc')
            .orderBy('id', 'desc')
            .limit(recentLimit)
            .execute()
        : [],
    ]);
    const rows = new Map([...own, ...recent].map((r) => [r.id, r]));
    const shown = new Map((await this.presentMany(this.db, [...rows.values()], actor)).map((c) => [c.id, c]));
    return {
      contacts: ids.flatMap((id) => shown.get(id) ?? []),
      recent: recent.map((r) => shown.get(r.id)!),
    };
  }

  /** The caller's contact in progress (their latest open one), so a reload resumes it. */
  async current(actor: Actor): Promise<{ contact: ContactDto | null }> {
    const c = await this.db
      .selectFrom('contacts')
      .selectAll()
      .where('officer_id', '=', actor.userId)
      .where('ended_at', 'is', null)
      .orderBy('started_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return { contact: c ? await this.present(this.db, c, actor) : null };
  }

  /** Only the officer handling a contact changes it; supervisors may end an abandoned one. */
  private assertHandler(actor: Actor, c: ContactRow, opts: { ending?: boolean } = {}) {
    if (actor.via === 'system' || c.officer_id === actor.userId) return;
    if (opts.ending && (actor.role === 'supervisor' || actor.role === 'administrator')) return;
    throw new AppError('contact.not_yours');
  }

  private async assertCustomer(trx: Executor, customerId: string | null | undefined) {
    if (customerId && !(await this.customers.exists(trx, customerId))) {
      throw new AppError('customer.not_found', customerId, {
        errors: [fieldError('/body/customerId', 'noSuchCustomer', 'no such customer')],
      });
    }
  }

  async create(actor: Actor, input: Static<typeof ContactCreate>): Promise<ContactDto> {
    const at = nowIso(this.ctx);
    const row: ContactRow = {
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
      await emit(trx, at, 'contact.created', {
        id: row.id,
        customerId: row.customer_id,
        officerId: actor.userId,
      });
      await this.deps.events?.publish(trx, 'contact.started', { contactId: row.id, officerId: actor.userId });
      return this.present(trx, row, actor);
    });
  }

  async update(actor: Actor, id: string, input: Static<typeof ContactPatch>): Promise<ContactDto> {
    return tx(this.ctx, async (trx) => {
      const first = await this.getRow(trx, id);
      this.assertHandler(actor, first, { ending: input.end === true && Object.keys(input).length === 1 });
      const at = nowIso(this.ctx);
      if (input.end && first.ended_at) throw new AppError('contact.already_ended');
      const changingCustomer = input.customerId !== undefined && input.customerId !== first.customer_id;
      if (changingCustomer) {
        if (first.ended_at)
          throw new AppError('contact.already_ended', 'The customer of an ended contact is fixed');
        // A wrong pick can be undone until an enquiry is logged against it: the case belongs to that customer.
        const logged = await trx
          .selectFrom('contact_cases')
          .select('case_id')
          .where('contact_id', '=', id)
          .limit(1)
          .executeTakeFirst();
        if (logged) {
          throw new AppError('contact.has_cases', undefined, {
            errors: [
              fieldError(
                '/body/customerId',
                'caseAlreadyLogged',
                'a case is already logged for this customer',
              ),
            ],
          });
        }
        await this.assertCustomer(trx, input.customerId);
      }
      let before = first;
      let ending = input.end === true;
      if (ending) {
        // The live exchange goes first (a chat ends, and its end ends this contact): the customer is
        // never left writing to an officer in after-contact work. Nothing is written before it, so
        // the locks come case → conversation → contact, as when the chat ends by itself.
        await this.deps.events?.publish(trx, 'contact.ending', {
          contactId: id,
          channel: first.channel,
          actor,
        });
        before = await this.getRow(trx, id);
        ending = !before.ended_at;
      }
      const next = {
        ...before,
        customer_id: input.customerId !== undefined ? input.customerId : before.customer_id,
        notes: input.notes !== undefined ? input.notes : before.notes,
        ended_at: ending ? at : before.ended_at,
        updated_at: at,
      };
      const change = diff(before, next);
      // Ended with its chat, and nothing else to change: the chat's end wrote it all.
      if (input.end && !ending && Object.keys(change.after).every((k) => k === 'updated_at'))
        return this.present(trx, before, actor);
      await trx.updateTable('contacts').set(next).where('id', '=', id).execute();
      await audit(trx, {
        at,
        actor,
        entityType: 'contact',
        entityId: id,
        action: ending
          ? 'contact.ended'
          : changingCustomer && before.customer_id
            ? 'contact.customer_changed'
            : 'contact.updated',
        ...change,
      });
      if (ending) {
        await emit(trx, at, 'contact.ended', { id, officerId: before.officer_id });
        await this.deps.events?.publish(trx, 'contact.ended', {
          contactId: id,
          officerId: before.officer_id,
        });
        await trx.deleteFrom('contact_drafts').where('contact_id', '=', id).execute();
      } else {
        await emit(trx, at, 'contact.updated', { id, officerId: before.officer_id });
      }
      return this.present(trx, next, actor);
    });
  }

  /** Keep the unsaved parts of the handler's form, so navigation or a reload brings them back. */
  async saveDraft(actor: Actor, id: string, data: Record<string, unknown>): Promise<void> {
    const json = JSON.stringify(data);
    if (Buffer.byteLength(json) > DRAFT_MAX_BYTES)
      throw invalid('/body/data', 'tooLarge', 'is larger than 32 KB', { limitKb: 32 });
    await tx(this.ctx, async (trx) => {
      const c = await this.getRow(trx, id);
      this.assertHandler(actor, c);
      if (c.ended_at) throw new AppError('contact.already_ended');
      const at = nowIso(this.ctx);
      const n = await trx
        .updateTable('contact_drafts')
        .set({ data: json, updated_at: at })
        .where('contact_id', '=', id)
        .executeTakeFirst();
      if (Number(n.numUpdatedRows) === 0) {
        await trx
          .insertInto('contact_drafts')
          .values({ contact_id: id, user_id: actor.userId, data: json, updated_at: at })
          .execute();
      }
    });
  }

  /**
   * Compare what the caller gave with the record (the server never reveals it), record match /
   * mismatch per particular, and lock after repeated mismatches, telling the team leader once.
   */
  async verify(
    actor: Actor,
    contactId: string,
    input: Static<typeof VerificationBody>,
  ): Promise<VerificationDto> {
    return tx(this.ctx, async (trx) => {
      const contact = await this.getRow(trx, contactId);
      this.assertHandler(actor, contact);
      if (contact.ended_at) throw new AppError('contact.already_ended');
      if (!contact.customer_id)
        throw new AppError('contact.no_customer', 'Identify the customer on the contact before verifying');
      const policy = await this.policy(trx);
      const before = await this.verifications.attempts(trx, contactId, contact.customer_id);
      if (before.mismatches >= maxMismatches(policy)) throw new AppError('contact.verification_locked');
      const at = nowIso(this.ctx);
      const checks = await this.customers.compareParticulars(trx, contact.customer_id, input.answers);
      const latest = new Map(before.latest);
      for (const c of checks) latest.set(c.particular, c.result);
      const outcome = evaluate(policy, latest);
      const state = verificationState(
        policy,
        latest,
        before.mismatches + checks.filter((c) => c.result === 'mismatch').length,
      );
      const row = {
        id: newId(),
        contact_id: contactId,
        customer_id: contact.customer_id,
        officer_id: actor.userId,
        at,
        checks: JSON.stringify(checks),
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
        // Results only: what the caller said is not kept (it may be a wrong guess at someone's particulars).
        after: { contactId, checks, ...outcome },
      });
      await emit(trx, at, 'contact.verified', {
        id: contactId,
        officerId: actor.userId,
        satisfiesPolicy: outcome.satisfiesPolicy,
      });
      if (state.locked) await this.flagLocked(trx, actor, contact, state.mismatches, at);
      return {
        id: row.id,
        contactId,
        officerId: actor.userId,
        at,
        checks,
        result: outcome.result,
        satisfiesPolicy: outcome.satisfiesPolicy,
        missing: outcome.missing,
        state,
      };
    });
  }

  /** Repeated mismatches may be someone trying particulars: the team leader hears of it, once per contact. */
  private async flagLocked(trx: Executor, actor: Actor, contact: ContactRow, mismatches: number, at: string) {
    const officer = await trx
      .selectFrom('users')
      .select(['team_id', 'display_name'])
      .where('id', '=', contact.officer_id)
      .executeTakeFirst();
    const chain = await this.deps.people.escalationChain(trx, {
      teamId: officer?.team_id ?? null,
      departmentId: null,
    });
    const to = chain.teamLeaderId ? [chain.teamLeaderId] : chain.supervisorIds;
    // Names are never masked: the team leader must know whose record was tried, and open it.
    const customer = contact.customer_id
      ? await trx
          .selectFrom('customers')
          .select('display_name')
          .where('id', '=', contact.customer_id)
          .executeTakeFirst()
      : undefined;
    await this.deps.notifications.notify(trx, {
      userIds: to,
      kind: 'verification.locked',
      customerId: contact.customer_id,
      title: `Verification locked${customer ? ` for ${customer.display_name}` : ''} after repeated mismatches`,
      body: `${officer?.display_name ?? 'An officer'}'s caller gave ${mismatches} particulars that did not match the record${customer ? ` of ${customer.display_name}` : ''}. Verification on that contact is locked; the customer's details stay masked.`,
      // When the call started; the bell shows it in the reader's zone.
      at: contact.started_at,
      urgent: true,
    });
    await audit(trx, {
      at,
      actor,
      entityType: 'contact',
      entityId: contact.id,
      action: 'contact.verification_locked',
      after: { customerId: contact.customer_id, mismatches, notified: to },
    });
    await emit(trx, at, 'contact.verification_locked', { id: contact.id, customerId: contact.customer_id });
  }

  /** An outbound exchange made on a case (e.g. a progress update), logged as a finished contact. */
  async logOutbound(
    trx: Executor,
    actor: Actor,
    c: { channel: string; customerId: string | null; notes: string; caseId: string },
  ): Promise<string> {
    const at = nowIso(this.ctx);
    const row: ContactRow = {
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

  /**
   * A contact the customer started on a written channel (an e-mail, later an SMS or chat): nobody
   * took it, so it is the system's until an officer answers; it lasted no time.
   */
  async logInbound(
    trx: Executor,
    c: { channel: string; customerId: string; fromAddress: string | null; caseId: string | null; at: string },
  ): Promise<string> {
    const row: ContactRow = {
      id: newId(),
      channel: c.channel,
      direction: 'inbound',
      customer_id: c.customerId,
      officer_id: SYSTEM_ACTOR.userId,
      started_at: c.at,
      ended_at: c.at,
      notes: null,
      from_address: c.fromAddress,
      created_at: c.at,
      updated_at: c.at,
    };
    await trx.insertInto('contacts').values(row).execute();
    if (c.caseId) await this.linkCase(trx, row.id, c.caseId, c.at);
    return row.id;
  }

  /** `customer.merged`: the loser's contacts, and what was verified on them, now belong to the winner. */
  async onCustomerMerged(trx: Executor, loserId: string, winnerId: string): Promise<void> {
    await trx
      .updateTable('contact_verifications')
      .set({ customer_id: winnerId })
      .where('customer_id', '=', loserId)
      .where('contact_id', 'in', (eb) =>
        eb.selectFrom('contacts').select('id').where('customer_id', '=', loserId),
      )
      .execute();
    await trx
      .updateTable('contacts')
      .set({ customer_id: winnerId })
      .where('customer_id', '=', loserId)
      .execute();
  }

  async linkCase(trx: Executor, contactId: string, caseId: string, at: string): Promise<void> {
    await trx
      .insertInto('contact_cases')
      .values({ contact_id: contactId, case_id: caseId, created_at: at })
      .execute();
  }

  async list(
    actor: Actor,
    q: { customerId?: string | undefined; limit: number; cursor?: string | undefined },
  ) {
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
    const items = await this.presentMany(this.db, page, actor);
    return {
      items,
      nextCursor: rows.length > q.limit ? encodeCursor(page.at(-1)!.started_at, page.at(-1)!.id) : null,
    };
  }
}
