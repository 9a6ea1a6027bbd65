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
   * particulars the policy's `siteSignIn` names, and as nothing when it names none. Recorded by the
   * system on the chat's contact, with its method, like an officer's check; returns whether it was.
   */
  async recordSiteSignIn(trx: Executor, contactId: string, customerId: string, at: string): Promise<boolean> {
    const policy = await this.policy(trx);
    const stands = policy.siteSignIn ?? [];
    if (!stands.length) return false;
    const checks = stands.map((particular) => ({
      particular,
      result: 'match' as const,
      method: 'site_sign_in',
    }));
    const before = await this.attempts(trx, contactId, customerId);
    const latest = new Map(before.latest);
    for (const c of checks) latest.set(c.particular, c.result);
    const outcome = evaluate(policy, latest);
    await trx
      .insertInto('contact_verifications')
      .values({
        id: newId(),
        contact_id: contactId,
        customer_id: customerId,
        officer_id: SYSTEM_ACTOR.userId,
        at,
        checks: JSON.stringify(checks),
        result: outcome.result,
        satisfies_policy: outcome.satisfiesPolicy,
      })
      .execute();
    await audit(trx, {
      at,
      actor: SYSTEM_ACTOR,
      entityType: 'customer',
      entityId: customerId,
      action: 'customer.verification_recorded',
      after: { contactId, method: 'site_sign_in', checks, ...outcome },
    });
    await emit(trx, at, 'contact.verified', {
      id: contactId,
      officerId: SYSTEM_ACTOR.userId,
      satisfiesPolicy: outcome.satisfiesPolicy,
    });
    return true;
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

/** Attempts in the order they were made: the latest result per particular, and the mismatches. */
function tally(rows: readonly { checks: unknown }[]) {
  const latest = new Map<string, CheckResult>();
  let mismatches = 0;
  for (const r of rows) {
    for (const c of parseJson<{ particular: string; result: CheckResult }[]>(r.checks, [])) {
      latest.set(c.particular, c.result);
      if (c.result === 'mismatch') mismatches++;
    }
  }
  return { latest, mismatches };
}
