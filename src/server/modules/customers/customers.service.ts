import type { Selectable } from 'kysely';
import type { Static } from 'typebox';
import type {
  AccountCreate,
  AccountPatch,
  CustomerCreateDto,
  CustomerDto,
  CustomerMergeDto,
  CustomerMergeResultDto,
  CustomerPatchDto,
  CustomerSearchHit,
  DuplicateCheck,
  DuplicateHolderDto,
} from '../../../shared/contracts/customers.ts';
import { can } from '../../../shared/permissions.ts';
import { type Actor, audit, diff } from '../../platform/audit.ts';
import { type Ctx, decodeCursor, encodeCursor, nowIso, tx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import { type CustomersTable, parseJson } from '../../platform/db/schema.ts';
import { AppError, fieldError, invalid, notFound } from '../../platform/errors.ts';
import type { DomainEventBus } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';
import { auditShape, presentAccount, presentCustomer, presentHit } from './customers.present.ts';
import {
  accountsWithServices,
  findByFullName,
  findByKeys,
  findByNameWords,
  reindexCustomer,
} from './customers.repo.ts';
import { findHolders } from './duplicates.ts';
import { mergeRecords } from './merge.ts';
import { emailKey, identifierKey, maskEmail, nameTokens, normalizeName, phoneQueryKey } from './normalize.ts';
import { compareParticular, type ParticularResult } from './particulars.ts';

/**
 * Answers whether this actor, through this contact, has verified this customer: the contact is
 * theirs, still open (or in wrap-up) and met the policy (the contacts module).
 */
export type VerificationGate = (
  contactId: string,
  customerId: string,
  actor: Actor,
  trx?: Executor,
) => Promise<boolean>;

type Hit = Static<typeof CustomerSearchHit>;

/** Name matches considered for ranking; a search that matches more is too broad to list anyway. */
const NAME_MATCHES = 1000;
/** A new record's consent: none given until the customer says so. */
const NO_CONSENT = { marketing: false, sms: false, email: false, callRecording: false };

const KIND_SCORE: Record<string, number> = {
  id_number: 100,
  account_number: 95,
  phone: 90,
  service_number: 90,
  email: 90,
};

export class CustomersService {
  private readonly ctx: Ctx;
  private readonly isVerified: VerificationGate;
  private readonly events: DomainEventBus | undefined;
  /** `events` carries `customer.merged` to the modules owning contacts and cases (app.ts). */
  constructor(ctx: Ctx, isVerified: VerificationGate, events?: DomainEventBus) {
    this.ctx = ctx;
    this.isVerified = isVerified;
    this.events = events;
  }

  private get db() {
    return this.ctx.store.db;
  }

  /** Masked unless the role sees particulars anyway or the given contact verified this customer. */
  async isMaskedFor(
    actor: Actor,
    customerId: string,
    contactId: string | undefined,
    trx?: Executor,
  ): Promise<boolean> {
    if (can(actor.role, 'pii.unmasked')) return false;
    if (actor.role === 'trainer') return true;
    // Inside a transaction, pass it: SQLite has one connection, so a query beside it would wait forever.
    return !(contactId && (await this.isVerified(contactId, customerId, actor, trx)));
  }

  /**
   * The gate on changes: a verified contact for this customer, unless the caller is back office
   * with unmasked access (correcting records) and `strict` is off.
   */
  private async requireVerified(
    actor: Actor,
    customerId: string,
    contactId: string | undefined,
    strict: boolean,
  ) {
    if (actor.via === 'system') return;
    if (!strict && can(actor.role, 'pii.unmasked')) return;
    if (!contactId) {
      throw new AppError('contact.not_verified', 'Pass the contactId on which the customer was verified', {
        errors: [
          fieldError('/body/contactId', 'requiredToChangeCustomer', 'is required to change this customer'),
        ],
      });
    }
    if (!(await this.isVerified(contactId, customerId, actor))) {
      throw new AppError('contact.not_verified', 'The verification policy is not met on this contact');
    }
  }

  /**
   * A live record (not merged into another): what a contact or case may be attached to. A merged
   * record answers 409 naming the record kept, so a stale pick is retried there.
   */
  async exists(trx: Executor, id: string): Promise<boolean> {
    const c = await trx
      .selectFrom('customers')
      .select(['id', 'merged_into_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (c?.merged_into_id) await this.assertNotMerged(trx, id);
    return !!c;
  }

  /** The record, following merge pointers to the one kept (a chain is short: each merge adds one hop). */
  private async current(trx: Executor, id: string) {
    let c = await trx.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
    for (let hops = 0; c?.merged_into_id && hops < 16; hops++) {
      const next = c.merged_into_id;
      c = await trx.selectFrom('customers').selectAll().where('id', '=', next).executeTakeFirst();
    }
    return c;
  }

  /** A write to a merged record is refused, naming the record kept, so the caller can retry there. */
  private async assertNotMerged(trx: Executor, id: string) {
    const c = await trx
      .selectFrom('customers')
      .select(['id', 'merged_into_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (c?.merged_into_id)
      throw new AppError('customer.merged', `Merged into ${c.merged_into_id}: change that record`, {
        extra: { mergedIntoId: c.merged_into_id },
      });
  }

  async get(actor: Actor, requestedId: string, contactId?: string): Promise<CustomerDto> {
    const c = await this.current(this.db, requestedId);
    if (!c) throw notFound('customer.not_found', requestedId);
    const id = c.id;
    const masked = await this.isMaskedFor(actor, id, contactId);
    const accounts = (await accountsWithServices(this.db, id)).map((x) =>
      presentAccount(x.account, x.services, masked),
    );
    if (!masked && actor.via !== 'system') {
      // Who saw the particulars unmasked, when, and through which contact (or by their role).
      await audit(this.db, {
        at: nowIso(this.ctx),
        actor,
        entityType: 'customer',
        entityId: id,
        action: 'customer.particulars_viewed',
        after:
          contactId && !can(actor.role, 'pii.unmasked')
            ? { contactId }
            : { by: 'role', contactId: contactId ?? null },
      });
    }
    const dto = presentCustomer(c, accounts, masked);
    return id === requestedId ? dto : { ...dto, mergedFromId: requestedId };
  }

  /**
   * Compare a caller's answers with the record; returns only match / mismatch / no_record per
   * particular, never the stored value.
   */
  /**
   * The customer as the case workspace shows them beside a case: masked for every role, so opening a
   * case is not a view of particulars (the 360 view, behind verification or role, is).
   */
  async summary(requestedId: string): Promise<CustomerDto | null> {
    const c = await this.current(this.db, requestedId);
    if (!c) return null;
    const accounts = (await accountsWithServices(this.db, c.id)).map((x) =>
      presentAccount(x.account, x.services, true),
    );
    return presentCustomer(c, accounts, true);
  }

  /** Names for a page of records (a queue's customer column): the name is not a masked particular. */
  async names(ids: string[]): Promise<Record<string, string>> {
    const unique = [...new Set(ids)];
    if (!unique.length) return {};
    const rows = await this.db
      .selectFrom('customers')
      .select(['id', 'display_name'])
      .where('id', 'in', unique)
      .execute();
    return Object.fromEntries(rows.map((r) => [r.id, r.display_name]));
  }

  async compareParticulars(
    trx: Executor,
    customerId: string,
    answers: { particular: string; value: string }[],
  ): Promise<{ particular: string; result: ParticularResult }[]> {
    const c = await trx.selectFrom('customers').selectAll().where('id', '=', customerId).executeTakeFirst();
    if (!c) throw notFound('customer.not_found', customerId);
    const accounts = await accountsWithServices(trx, customerId);
    return answers.map((a) => ({
      particular: a.particular,
      result: compareParticular(a.particular, a.value, c, accounts, this.ctx.config.defaultRegion),
    }));
  }

  private async assertIdentifierFree(
    trx: Executor,
    idNumber: string | null | undefined,
    exceptId: string | null,
  ) {
    if (!idNumber) return;
    const holders = await trx
      .selectFrom('customer_lookup')
      .select('customer_id')
      .where('key', '=', identifierKey(idNumber))
      .where('kind', '=', 'id_number')
      .execute();
    const other = holders.find((h) => h.customer_id !== exceptId);
    if (other) {
      const holder = await trx
        .selectFrom('customers')
        .select('display_name')
        .where('id', '=', other.customer_id)
        .executeTakeFirst();
      throw new AppError('customer.identifier_taken', undefined, {
        errors: [
          holder
            ? fieldError(
                '/body/idNumber',
                'identifierTakenBy',
                `belongs to another customer: ${holder.display_name}`,
                {
                  holder: holder.display_name,
                },
              )
            : fieldError('/body/idNumber', 'identifierTaken', 'belongs to another customer'),
        ],
        extra: { holderId: other.customer_id },
      });
    }
  }

  /** Who already holds these particulars (a warning before registering or correcting, never a refusal). */
  async duplicates(actor: Actor, input: Static<typeof DuplicateCheck>): Promise<DuplicateHolderDto[]> {
    return findHolders(this.db, input, this.ctx.config.defaultRegion, can(actor.role, 'pii.unmasked'));
  }

  async create(
    actor: Actor,
    input: CustomerCreateDto,
  ): Promise<CustomerDto & { duplicates: DuplicateHolderDto[] }> {
    return tx(this.ctx, async (trx) => {
      await this.assertIdentifierFree(trx, input.idNumber ? input.idNumber.toUpperCase() : null, null);
      const row = await this.insertNew(trx, actor, {
        display_name: input.displayName.trim(),
        name_norm: normalizeName(input.displayName),
        id_type: input.idType ?? null,
        id_number: input.idNumber ? input.idNumber.toUpperCase() : null,
        date_of_birth: input.dateOfBirth ?? null,
        phones: JSON.stringify(input.phones ?? []),
        emails: JSON.stringify(input.emails ?? []),
        address: input.address ?? null,
        preferred_language: input.preferredLanguage ?? null,
        preferred_channel: input.preferredChannel ?? null,
        particular_needs: JSON.stringify(input.particularNeeds ?? []),
        ...(input.consent ? { consent: JSON.stringify(input.consent) } : {}),
        segment: input.segment ?? null,
      });
      // The ID number is refused above (the existing rule); a shared phone or e-mail is only told.
      const duplicates = await findHolders(
        trx,
        {
          phones: (input.phones ?? []).map((p) => p.number),
          emails: input.emails ?? [],
          exceptId: row.id,
        },
        this.ctx.config.defaultRegion,
        can(actor.role, 'pii.unmasked'),
      );
      return {
        ...presentCustomer(row, [], await this.isMaskedFor(actor, row.id, undefined, trx)),
        duplicates,
      };
    });
  }

  /**
   * The customer who writes from this address (issue 13: matched by a known address). Several
   * records may hold one address (a shared family mailbox, a duplicate not merged yet): the one
   * with the latest activity answers, and the caller is told how many there were.
   */
  async findByEmail(trx: Executor, address: string): Promise<{ id: string; matches: number } | null> {
    const rows = await trx
      .selectFrom('customer_lookup as l')
      .innerJoin('customers as c', 'c.id', 'l.customer_id')
      .select(['c.id', 'c.updated_at'])
      .where('l.kind', '=', 'email')
      .where('l.key', '=', emailKey(address))
      .where('c.merged_into_id', 'is', null)
      .orderBy('c.updated_at', 'desc')
      .limit(20)
      .execute();
    return rows[0] ? { id: rows[0].id, matches: rows.length } : null;
  }

  /**
   * A new customer from an unknown sender (issue 13): the name they wrote under (or the address),
   * the address, and the language they said they prefer (a chat's pre-chat form), nothing else.
   * Unverified by nature — nothing they wrote proves who they are.
   */
  async createFromSender(
    trx: Executor,
    actor: Actor,
    sender: { address: string; name: string | null; channel: string; language?: string | null },
  ): Promise<string> {
    const displayName = (sender.name?.replace(/["']/g, '').trim() || unnamed('email', sender.address)).slice(
      0,
      200,
    );
    const row = await this.insertNew(trx, actor, {
      display_name: displayName,
      emails: JSON.stringify([sender.address]),
      preferred_channel: sender.channel,
      preferred_language: sender.language ?? null,
    });
    return row.id;
  }

  /** The customer holding this phone number (an SMS sender), the most recently updated of several. */
  async findByPhone(trx: Executor, number: string): Promise<{ id: string; matches: number } | null> {
    const key = phoneQueryKey(number, this.ctx.config.defaultRegion);
    if (!key) return null;
    const rows = await trx
      .selectFrom('customer_lookup as l')
      .innerJoin('customers as c', 'c.id', 'l.customer_id')
      .select(['c.id', 'c.updated_at'])
      .where('l.kind', 'in', ['phone', 'service_number'])
      .where('l.key', '=', key)
      .where('c.merged_into_id', 'is', null)
      .orderBy('c.updated_at', 'desc')
      .limit(20)
      .execute();
    const ids = [...new Set(rows.map((r) => r.id))];
    return ids[0] ? { id: ids[0], matches: ids.length } : null;
  }

  /**
   * A new unverified customer from an unknown number (issue 14: an SMS from a stranger): the number
   * is their mobile; they are named "SMS customer …4567", not by it (see `unnamed`).
   */
  async createFromPhone(
    trx: Executor,
    actor: Actor,
    sender: { number: string; channel: string },
  ): Promise<string> {
    const row = await this.insertNew(trx, actor, {
      display_name: unnamed('sms', sender.number),
      phones: JSON.stringify([{ kind: 'mobile', number: sender.number }]),
      preferred_channel: sender.channel,
      // Texting in is consent to be texted back about it (until STOP); nothing else is assumed.
      consent: JSON.stringify({ ...NO_CONSENT, sms: true }),
    });
    return row.id;
  }

  /**
   * A new customer record in the caller's transaction, indexed for lookup, audited and announced:
   * the particulars given, nothing else (no identity, no consent).
   */
  private async insertNew(
    trx: Executor,
    actor: Actor,
    { display_name, ...given }: Partial<Selectable<CustomersTable>> & { display_name: string },
  ): Promise<Selectable<CustomersTable>> {
    const at = nowIso(this.ctx);
    const row: Selectable<CustomersTable> = {
      id: newId(),
      display_name,
      name_norm: normalizeName(display_name),
      id_type: null,
      id_number: null,
      date_of_birth: null,
      phones: '[]',
      emails: '[]',
      address: null,
      preferred_language: null,
      preferred_channel: null,
      particular_needs: '[]',
      consent: JSON.stringify(NO_CONSENT),
      segment: null,
      created_at: at,
      updated_at: at,
      version: 1,
      merged_into_id: null,
      merged_at: null,
      ...given,
    };
    await trx
      .insertInto('customers')
      .values(row as never)
      .execute();
    await reindexCustomer(trx, row.id, this.ctx.config.defaultRegion);
    await audit(trx, {
      at,
      actor,
      entityType: 'customer',
      entityId: row.id,
      action: 'customer.created',
      after: auditShape(row),
    });
    await emit(trx, at, 'customer.created', { id: row.id });
    return row;
  }

  /**
   * The customer's consent to texts, set by the carrier keywords (STOP, START): recorded on the
   * record with the keyword that set it, audited, versioned like any change to the customer.
   */
  async setSmsConsent(trx: Executor, actor: Actor, id: string, sms: boolean, keyword: string): Promise<void> {
    const before = await trx.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) return;
    const consent = parseJson<Record<string, unknown>>(before.consent, {});
    if (consent.sms === sms) return;
    const at = nowIso(this.ctx);
    const after = {
      ...before,
      consent: JSON.stringify({ ...consent, sms }),
      updated_at: at,
      version: before.version + 1,
    };
    await trx
      .updateTable('customers')
      .set({ consent: after.consent, updated_at: at, version: after.version })
      .where('id', '=', id)
      .execute();
    await audit(trx, {
      at,
      actor,
      entityType: 'customer',
      entityId: id,
      action: sms ? 'customer.sms_opted_in' : 'customer.sms_opted_out',
      before: { consent: auditShape(before).consent },
      after: { consent: auditShape(after).consent, keyword },
    });
    await emit(trx, at, 'customer.updated', { id, version: after.version });
  }

  async update(actor: Actor, id: string, input: CustomerPatchDto): Promise<CustomerDto> {
    if (Object.keys(input).every((k) => k === 'contactId'))
      throw invalid('/body', 'nothingToChange', 'must contain at least one field to change');
    await this.requireVerified(actor, id, input.contactId, false);
    return tx(this.ctx, async (trx) => {
      const before = await trx.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
      if (!before) throw notFound('customer.not_found', id);
      await this.assertNotMerged(trx, id);
      const at = nowIso(this.ctx);
      const pick = <K extends keyof CustomerPatchDto>(k: K) => input[k] !== undefined;
      const next: Selectable<CustomersTable> = {
        ...before,
        display_name: input.displayName?.trim() ?? before.display_name,
        name_norm: input.displayName ? normalizeName(input.displayName) : before.name_norm,
        id_type: pick('idType') ? (input.idType ?? null) : before.id_type,
        id_number: pick('idNumber') ? (input.idNumber?.toUpperCase() ?? null) : before.id_number,
        date_of_birth: pick('dateOfBirth') ? (input.dateOfBirth ?? null) : before.date_of_birth,
        phones: input.phones ? JSON.stringify(input.phones) : JSON.stringify(before.phones),
        emails: input.emails ? JSON.stringify(input.emails) : JSON.stringify(before.emails),
        address: pick('address') ? (input.address ?? null) : before.address,
        preferred_language: pick('preferredLanguage')
          ? (input.preferredLanguage ?? null)
          : before.preferred_language,
        preferred_channel: pick('preferredChannel')
          ? (input.preferredChannel ?? null)
          : before.preferred_channel,
        particular_needs: JSON.stringify(input.particularNeeds ?? before.particular_needs),
        consent: JSON.stringify(input.consent ?? before.consent),
        segment: pick('segment') ? (input.segment ?? null) : before.segment,
        updated_at: at,
        version: before.version + 1,
      };
      // Columns read back from SQLite as JSON text must not be double-encoded.
      for (const k of ['phones', 'emails', 'particular_needs', 'consent'] as const) {
        if (typeof before[k] === 'string' && next[k] === JSON.stringify(before[k])) next[k] = before[k];
      }
      await this.assertIdentifierFree(trx, next.id_number, id);
      const d = diff(
        auditShape(before) as Record<string, unknown>,
        auditShape(next) as Record<string, unknown>,
      );
      const masked = await this.isMaskedFor(actor, id, input.contactId, trx);
      const accounts = (await accountsWithServices(trx, id)).map((x) =>
        presentAccount(x.account, x.services, masked),
      );
      // Nothing really changed: no new version, no audit row, no event.
      if (Object.keys(d.after).every((k) => k === 'version' || k === 'updatedAt'))
        return presentCustomer(before, accounts, masked);
      const { id: _id, ...set } = next;
      await trx
        .updateTable('customers')
        .set(set as never)
        .where('id', '=', id)
        .execute();
      await reindexCustomer(trx, id, this.ctx.config.defaultRegion);
      await audit(trx, { at, actor, entityType: 'customer', entityId: id, action: 'customer.updated', ...d });
      await emit(trx, at, 'customer.updated', { id, version: next.version });
      return presentCustomer(next, accounts, masked);
    });
  }

  /**
   * Every customer with a name word starting with each typed word (up to NAME_MATCHES), through the
   * full-text index. When that many match, the words typed in full are asked for too, and the
   * name typed as stored by its own seek, so the likeliest people are never cut off by the cap.
   */
  private async searchNames(tokens: string[], norm: string): Promise<string[]> {
    const dialect = this.ctx.store.dialect;
    const [prefixed, exact] = await Promise.all([
      findByNameWords(this.db, dialect, tokens, false, NAME_MATCHES),
      findByFullName(this.db, norm, 50),
    ]);
    const whole =
      prefixed.length >= NAME_MATCHES
        ? await findByNameWords(this.db, dialect, tokens, true, NAME_MATCHES)
        : [];
    return [...new Set([...exact.map((r) => r.id), ...whole, ...prefixed])];
  }

  async search(actor: Actor, q: string, limit: number): Promise<Hit[]> {
    return (await this.searchPage(actor, q, limit)).items;
  }

  /**
   * The best `limit` matches, and whether more match than that (twelve customers named Dinesh
   * Chandran among 250,000: the page holds ten, and the officer is told to narrow it by an ID, a
   * phone, an account or an e-mail rather than left to think the other two do not exist). Only the
   * customers shown count as seen in the audit trail.
   */
  async searchPage(actor: Actor, q: string, limit: number): Promise<{ items: Hit[]; more: boolean }> {
    const trimmed = q.trim();
    const scores = new Map<string, { score: number; matchedOn: Hit['matchedOn'] }>();
    const bump = (id: string, score: number, matchedOn: Hit['matchedOn']) => {
      const cur = scores.get(id);
      if (!cur || cur.score < score) scores.set(id, { score, matchedOn });
    };

    const keys = new Set<string>();
    if (/\d/.test(trimmed)) keys.add(identifierKey(trimmed));
    const phone = phoneQueryKey(trimmed, this.ctx.config.defaultRegion);
    if (phone) keys.add(phone);
    if (trimmed.includes('@')) keys.add(emailKey(trimmed));
    if (keys.size) {
      for (const h of await findByKeys(this.db, [...keys])) {
        bump(h.customer_id, KIND_SCORE[h.kind] ?? 80, h.kind as Hit['matchedOn']);
      }
    }

    const tokens = nameTokens(trimmed).filter((t) => /\p{L}/u.test(t));
    if (tokens.length && scores.size === 0) {
      for (const id of await this.searchNames(tokens, normalizeName(trimmed))) bump(id, 50, 'name');
    }

    if (!scores.size) return { items: [], more: false };
    const ids = [...scores.keys()];
    const customers = await this.db
      .selectFrom('customers')
      .select(['id', 'display_name', 'name_norm', 'id_number', 'phones'])
      .where('id', 'in', ids.slice(0, NAME_MATCHES))
      .execute();
    const unmasked = can(actor.role, 'pii.unmasked');
    const norm = normalizeName(trimmed);
    const typed = norm.split(' ').filter((w) => /\p{L}/u.test(w));
    const hits = customers
      .map((c) => {
        const s = scores.get(c.id)!;
        let score = s.score + (c.name_norm === norm ? 20 : 0);
        if (s.matchedOn === 'name') {
          // Words typed in full rank above words that only begin a name word, each name word used
          // once ("Wei Wei Tan" prefers the name with two Weis); all of the name, in any order, next.
          const left = c.name_norm.split(' ');
          let whole = 0;
          for (const w of typed) {
            const at = left.indexOf(w);
            if (at >= 0) {
              whole++;
              left.splice(at, 1);
            }
          }
          score += (20 * whole) / typed.length + (whole === typed.length && !left.length ? 10 : 0);
        }
        return presentHit(c, unmasked, s.matchedOn, score);
      })
      .sort((a, b) => b.score! - a.score! || a.displayName.localeCompare(b.displayName));
    const shown = hits.slice(0, limit);
    if (unmasked)
      await this.auditListed(
        actor,
        shown.map((h) => h.id),
      );
    return { items: shown, more: hits.length > limit || ids.length > customers.length };
  }

  /** A list that shows ID numbers and phones unmasked (a role that sees particulars) is a view of each. */
  private async auditListed(actor: Actor, ids: string[]): Promise<void> {
    if (!ids.length || actor.via === 'system') return;
    const at = nowIso(this.ctx);
    await tx(this.ctx, async (trx) => {
      for (const id of ids)
        await audit(trx, {
          at,
          actor,
          entityType: 'customer',
          entityId: id,
          action: 'customer.particulars_viewed',
          after: { by: 'role', in: 'list' },
        });
    });
  }

  /** Newest first, keyset-paginated. */
  async list(
    actor: Actor,
    limit: number,
    cursor: string | undefined,
  ): Promise<{ items: Hit[]; nextCursor: string | null }> {
    const after = decodeCursor(cursor);
    let q = this.db
      .selectFrom('customers')
      .select(['id', 'display_name', 'id_number', 'phones', 'created_at'])
      .where('merged_into_id', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit + 1);
    if (after) {
      const [at, id] = after;
      q = q.where((eb) =>
        eb.or([eb('created_at', '<', at), eb.and([eb('created_at', '=', at), eb('id', '<', id)])]),
      );
    }
    const rows = await q.execute();
    const unmasked = can(actor.role, 'pii.unmasked');
    const page = rows.slice(0, limit);
    if (unmasked)
      await this.auditListed(
        actor,
        page.map((c) => c.id),
      );
    return {
      items: page.map((c) => presentHit(c, unmasked, null, null)),
      nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.created_at, page.at(-1)!.id) : null,
    };
  }

  async addAccount(
    actor: Actor,
    customerId: string,
    input: Static<typeof AccountCreate>,
    contactId: string | undefined,
  ) {
    await this.requireVerified(actor, customerId, contactId, false);
    const at = nowIso(this.ctx);
    return tx(this.ctx, async (trx) => {
      if (!(await this.exists(trx, customerId))) throw notFound('customer.not_found', customerId);
      const number = input.accountNumber.toUpperCase();
      if (
        await trx.selectFrom('accounts').select('id').where('account_number', '=', number).executeTakeFirst()
      ) {
        throw new AppError('account.number_taken', number, {
          errors: [fieldError('/body/accountNumber', 'inUse', 'is in use')],
        });
      }
      const account = {
        id: newId(),
        customer_id: customerId,
        account_number: number,
        status: 'active',
        credit_class: input.creditClass ?? null,
        balance_minor: 0,
        currency: input.currency ?? 'SGD',
        billing_address: input.billingAddress ?? null,
        opened_at: at,
        created_at: at,
        updated_at: at,
      };
      await trx.insertInto('accounts').values(account).execute();
      const services = (input.services ?? []).map((s) => ({
        id: newId(),
        account_id: account.id,
        kind: s.kind,
        number: s.number,
        plan: s.plan ?? null,
        status: 'active',
        created_at: at,
      }));
      if (services.length) await trx.insertInto('services').values(services).execute();
      await reindexCustomer(trx, customerId, this.ctx.config.defaultRegion);
      const full = presentAccount(account, services, false);
      await audit(trx, {
        at,
        actor,
        entityType: 'account',
        entityId: account.id,
        action: 'account.created',
        after: full,
      });
      await emit(trx, at, 'account.created', { id: account.id, customerId });
      return presentAccount(account, services, await this.isMaskedFor(actor, customerId, contactId, trx));
    });
  }

  /** An account-changing action: always needs a contact on which the customer passed verification. */
  async updateAccount(actor: Actor, accountId: string, input: Static<typeof AccountPatch>) {
    if (input.status === undefined && input.billingAddress === undefined && !input.addServices?.length) {
      throw invalid(
        '/body',
        'nothingToChangeOf',
        'must contain at least one change: status, billingAddress or addServices',
        {
          fields: ['status', 'billingAddress', 'addServices'],
        },
      );
    }
    const account = await this.db
      .selectFrom('accounts')
      .selectAll()
      .where('id', '=', accountId)
      .executeTakeFirst();
    if (!account) throw notFound('account.not_found', accountId);
    await this.requireVerified(actor, account.customer_id, input.contactId, true);
    return tx(this.ctx, async (trx) => {
      const before = await trx
        .selectFrom('accounts')
        .selectAll()
        .where('id', '=', accountId)
        .executeTakeFirstOrThrow();
      const beforeServices = await trx
        .selectFrom('services')
        .selectAll()
        .where('account_id', '=', accountId)
        .execute();
      const at = nowIso(this.ctx);
      const next = {
        ...before,
        status: input.status ?? before.status,
        billing_address: input.billingAddress !== undefined ? input.billingAddress : before.billing_address,
        updated_at: at,
      };
      await trx.updateTable('accounts').set(next).where('id', '=', accountId).execute();
      const added = (input.addServices ?? []).map((s) => ({
        id: newId(),
        account_id: accountId,
        kind: s.kind,
        number: s.number,
        plan: s.plan ?? null,
        status: 'active',
        created_at: at,
      }));
      if (added.length) await trx.insertInto('services').values(added).execute();
      await reindexCustomer(trx, before.customer_id, this.ctx.config.defaultRegion);
      const d = diff(
        presentAccount(before, beforeServices, false) as unknown as Record<string, unknown>,
        presentAccount(next, [...beforeServices, ...added], false) as unknown as Record<string, unknown>,
      );
      await audit(trx, {
        at,
        actor,
        entityType: 'account',
        entityId: accountId,
        action: 'account.updated',
        ...d,
        ...(input.contactId ? { after: { ...d.after, contactId: input.contactId } } : {}),
      });
      await emit(trx, at, 'account.updated', { id: accountId, customerId: before.customer_id });
      return presentAccount(
        next,
        [...beforeServices, ...added],
        await this.isMaskedFor(actor, before.customer_id, input.contactId, trx),
      );
    });
  }

  /**
   * Merge two records of one person: the loser's accounts move here, its phones and e-mails are
   * added to the winner's, it points to the winner and leaves the search; `customer.merged` lets
   * the contacts and cases modules move their rows in this transaction. Replaying a merge that
   * is done answers the same, changing nothing.
   */
  async merge(actor: Actor, id: string, input: CustomerMergeDto): Promise<CustomerMergeResultDto> {
    if (input.otherCustomerId === id)
      throw invalid(
        '/body/otherCustomerId',
        'otherCustomer',
        'must be another customer than the one in the path',
      );
    const [winnerId, loserId] =
      input.winner === 'this' ? [id, input.otherCustomerId] : [input.otherCustomerId, id];
    return tx(this.ctx, async (trx) => {
      const at = nowIso(this.ctx);
      const done = await mergeRecords(trx, {
        actor,
        at,
        winnerId,
        loserId,
        pathId: id,
        region: this.ctx.config.defaultRegion,
      });
      if (done.merged) await this.events?.publish(trx, 'customer.merged', { winnerId, loserId, at });
      const masked = await this.isMaskedFor(actor, winnerId, undefined, trx);
      const accounts = (await accountsWithServices(trx, winnerId)).map((x) =>
        presentAccount(x.account, x.services, masked),
      );
      return {
        winnerId,
        loserId,
        mergedAt: done.mergedAt,
        accountsMoved: done.accountsMoved,
        customer: presentCustomer(done.winner, accounts, masked),
      };
    });
  }
}

/**
 * What a customer who gave no name is called. Not their number or address: the name is shown
 * unmasked in every case title, queue row and routing offer, where a particular is masked, so it
 * carries only what the masks show too (the number's last four digits, the address's first letter
 * and domain). The record keeps the number or address itself, masked as particulars are.
 */
export function unnamed(channel: 'sms' | 'email', address: string): string {
  if (channel === 'email') return `E-mail customer ${maskEmail(address.trim())}`;
  const digits = address.replace(/\D/g, '');
  return `SMS customer …${digits.slice(-4)}`;
}

/** Whether a name is one `unnamed` made: no name to greet the customer by (a template shows the gap). */
export function isUnnamed(displayName: string): boolean {
  return /^SMS customer …\d{0,4}$/.test(displayName) || /^E-mail customer \S*\*\*\*@\S*$/.test(displayName);
}
