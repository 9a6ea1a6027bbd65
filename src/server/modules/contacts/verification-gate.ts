import type { Selectable } from 'kysely';
import type { VerificationPolicyDto, VerificationStateDto } from '../../../shared/contracts/contacts.ts';
import { type Actor, audit, SYSTEM_ACTOR } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { ContactsTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';
import { readSetting } from '../../platform/settings.ts';
import {
  type CheckResult,
  DEFAULT_POLICY,
  evaluate,
  verificationState,
  wrapUpMinutes,
} from './verification.ts';

export const POLICY_KEY = 'verification.policy';

type ContactRow = Selectable<ContactsTable>;

/**
 * A web chat's site identity as the gate needs it: the site's customer id (its HMAC was valid), the
 * customer record it is linked to, and when an officer confirmed that link (null: not confirmed).
 */
export interface SiteLinkFacts {
  externalId: string;
  customerId: string;
  confirmedAt: string | null;
}

/** How a site sign-in is recorded on a contact; a withdrawal names the same method. */
export const SITE_SIGN_IN = 'site_sign_in';

/** A check as stored: an officer's or the site's result, or a site sign-in withdrawn (unlinked). */
type StoredCheck = { particular: string; result: CheckResult | 'withdrawn'; method?: string };

/**
 * What the verifications recorded on contacts prove. It stands apart from ContactsService so the
 * customers module can be given the gate (its `VerificationGate` port) before contacts exists:
 * contacts depend on customers (a contact is about a customer), never the other way round.
 */
export class ContactVerifications {
  private readonly ctx: Ctx;
  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  policy(trx: Executor = this.ctx.store.db): Promise<VerificationPolicyDto> {
    return readSetting(trx, POLICY_KEY, DEFAULT_POLICY);
  }

  /** The latest result per particular on a contact for a customer, and how many mismatches so far. */
  async attempts(trx: Executor, contactId: string, customerId: string) {
    const rows = await trx
      .selectFrom('contact_verifications')
      .select(['checks'])
      .where('contact_id', '=', contactId)
      .where('customer_id', '=', customerId)
      .orderBy('at')
      .orderBy('id')
      .execute();
    return tally(rows);
  }

  /** The verification state of several contacts (a list, a case's thread) in one query. */
  async states(
    trx: Executor,
    contacts: readonly ContactRow[],
    policy: VerificationPolicyDto,
  ): Promise<Map<string, VerificationStateDto | null>> {
    const out = new Map<string, VerificationStateDto | null>();
    const about = contacts.filter((c) => c.customer_id);
    for (const c of contacts) if (!c.customer_id) out.set(c.id, null);
    if (!about.length) return out;
    const rows = await trx
      .selectFrom('contact_verifications')
      .select(['contact_id', 'customer_id', 'checks'])
      .where(
        'contact_id',
        'in',
        about.map((c) => c.id),
      )
      .orderBy('at')
      .orderBy('id')
      .execute();
    for (const c of about) {
      const mine = rows.filter((r) => r.contact_id === c.id && r.customer_id === c.customer_id);
      const { latest, mismatches } = tally(mine);
      out.set(c.id, verificationState(policy, latest, mismatches));
    }
    return out;
  }

  async state(
    trx: Executor,
    c: ContactRow,
    policy?: VerificationPolicyDto,
  ): Promise<VerificationStateDto | null> {
    if (!c.customer_id) return null;
    const p = policy ?? (await this.policy(trx));
    const { latest, mismatches } = await this.attempts(trx, c.id, c.customer_id);
    return verificationState(p, latest, mismatches);
  }

  /**
   * A web chat visitor the site signed in (its HMAC of the customer id was valid) counts as the
   * particulars the policy's `siteSignIn` names — but only when an officer confirmed that the site's
   * customer id is this contact's customer. The link itself was made from the e-mail the visitor
   * typed, which anyone signed in to the site could type. Recorded by the system on the contact, with
   * its method, like an officer's check; returns whether it was.
   */
  async recordSiteSignIn(
    trx: Executor,
    contactId: string,
    link: SiteLinkFacts,
    at: string,
  ): Promise<boolean> {
    if (!link.confirmedAt) return false;
    const policy = await this.policy(trx);
    const stands = policy.siteSignIn ?? [];
    if (!stands.length) return false;
    const contact = await trx
      .selectFrom('contacts')
      .select('customer_id')
      .where('id', '=', contactId)
      .executeTakeFirst();
    if (!contact || contact.customer_id !== link.customerId) return false;
    const checks = stands.map((particular) => ({
      particular,
      result: 'match' as const,
      method: SITE_SIGN_IN,
    }));
    await this.insertSystemChecks(trx, contactId, link.customerId, checks, policy, at, {
      actor: SYSTEM_ACTOR,
      externalId: link.externalId,
    });
    return true;
  }

  /**
   * The site's customer id was unlinked from this customer (an officer found it is someone else):
   * what its sign-in stood for on the contact no longer counts. Only particulars whose latest result
   * came from the sign-in are withdrawn; what the officer asked stands. Returns whether any was.
   */
  async withdrawSiteSignIn(
    trx: Executor,
    contactId: string,
    customerId: string,
    externalId: string,
    actor: Actor,
    at: string,
  ): Promise<boolean> {
    const { methods } = await this.attempts(trx, contactId, customerId);
    const fromSite = [...methods].filter(([, m]) => m === SITE_SIGN_IN).map(([p]) => p);
    if (!fromSite.length) return false;
    const checks = fromSite.map((particular) => ({
      particular,
      result: 'withdrawn' as const,
      method: SITE_SIGN_IN,
    }));
    await this.insertSystemChecks(trx, contactId, customerId, checks, await this.policy(trx), at, {
      actor,
      externalId,
    });
    return true;
  }

  /** A row of checks not answered by the caller (the site's sign-in, or its withdrawal), audited. */
  private async insertSystemChecks(
    trx: Executor,
    contactId: string,
    customerId: string,
    checks: StoredCheck[],
    policy: VerificationPolicyDto,
    at: string,
    by: { actor: Actor; externalId: string },
  ): Promise<void> {
    const before = await this.attempts(trx, contactId, customerId);
    const { latest } = tally([{ checks: [...before.stored, ...checks] }]);
    const outcome = evaluate(policy, latest);
    await trx
      .insertInto('contact_verifications')
      .values({
        id: newId(),
        contact_id: contactId,
        customer_id: customerId,
        officer_id: by.actor.userId,
        at,
        checks: JSON.stringify(checks),
        result: outcome.result,
        satisfies_policy: outcome.satisfiesPolicy,
      })
      .execute();
    await audit(trx, {
      at,
      actor: by.actor,
      entityType: 'customer',
      entityId: customerId,
      action: 'customer.verification_recorded',
      after: { contactId, method: SITE_SIGN_IN, siteCustomerId: by.externalId, checks, ...outcome },
    });
    await emit(trx, at, 'contact.verified', {
      id: contactId,
      officerId: by.actor.userId,
      satisfiesPolicy: outcome.satisfiesPolicy,
    });
  }

  /**
   * Has the customer been verified on this contact by the officer's own questions — the policy met
   * with what the site's sign-in stood for left out? Confirming a site link rests on that alone.
   */
  async verifiedByQuestions(trx: Executor, c: ContactRow, actor: Actor): Promise<boolean> {
    if (!c.customer_id || c.officer_id !== actor.userId) return false;
    const policy = await this.policy(trx);
    if (!this.stillUnmasks(c, policy)) return false;
    const { latest, methods } = await this.attempts(trx, c.id, c.customer_id);
    for (const [p, m] of methods) if (m === SITE_SIGN_IN) latest.delete(p);
    return evaluate(policy, latest).satisfiesPolicy;
  }

  /** Open, or ended no longer ago than the policy's wrap-up time. */
  stillUnmasks(c: ContactRow, policy: VerificationPolicyDto): boolean {
    if (!c.ended_at) return true;
    return this.ctx.clock.now().getTime() - Date.parse(c.ended_at) <= wrapUpMinutes(policy) * 60_000;
  }

  /**
   * The verification gate other modules ask: has this actor, through this contact, verified this
   * customer? Only the contact's own officer, only while it is open or in wrap-up.
   */
  async isVerified(
    contactId: string,
    customerId: string,
    actor: Actor,
    trx: Executor = this.ctx.store.db,
  ): Promise<boolean> {
    const c = await trx.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirst();
    if (!c || c.customer_id !== customerId) return false;
    if (actor.via !== 'system' && c.officer_id !== actor.userId) return false;
    const policy = await this.policy(trx);
    if (!this.stillUnmasks(c, policy)) return false;
    return (await this.state(trx, c, policy))?.satisfiesPolicy ?? false;
  }
}

/**
 * Attempts in the order they were made: the latest result per particular (a withdrawn one is as if
 * never asked), how it was obtained (a method, or undefined for an officer's question), the
 * mismatches, and every stored check in order.
 */
function tally(rows: readonly { checks: unknown }[]) {
  const latest = new Map<string, CheckResult>();
  const methods = new Map<string, string | undefined>();
  const stored: StoredCheck[] = [];
  let mismatches = 0;
  for (const r of rows) {
    for (const c of parseJson<StoredCheck[]>(r.checks, [])) {
      stored.push(c);
      if (c.result === 'withdrawn') {
        latest.delete(c.particular);
        methods.delete(c.particular);
        continue;
      }
      latest.set(c.particular, c.result);
      methods.set(c.particular, c.method);
      if (c.result === 'mismatch') mismatches++;
    }
  }
  return { latest, methods, mismatches, stored };
}
