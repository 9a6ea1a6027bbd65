import type { Selectable } from 'kysely';
import type { VerificationPolicyDto, VerificationStateDto } from '../../../shared/contracts/contacts.ts';
import type { Actor } from '../../platform/audit.ts';
import type { Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { ContactsTable } from '../../platform/db/schema.ts';
import { parseJson } from '../../platform/db/schema.ts';
import { readSetting } from '../../platform/settings.ts';
import { type CheckResult, DEFAULT_POLICY, verificationState, wrapUpMinutes } from './verification.ts';

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
