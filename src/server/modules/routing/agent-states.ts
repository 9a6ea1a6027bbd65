import type { Ctx } from '../../platform/context.ts';
import type { Executor } from '../../platform/db/index.ts';

/** A person's presence as routing reads it. */
export interface AgentState {
  state: string;
  since: string;
}

/**
 * The narrow port routing needs from presence (issue 14, point 1): the current state of some
 * people. Absent from the answer means offline. Presence owns the states; routing only reads.
 */
export interface AgentStates {
  states(trx: Executor, userIds: readonly string[]): Promise<Map<string, AgentState>>;
}

/** Presence's current states, read through its service (issue 14, point 1). */
export class PresenceAgentStates implements AgentStates {
  private readonly presence: {
    statesOf(
      userIds: readonly string[],
      db: Executor,
    ): Promise<{ userId: string; state: string; since: string }[]>;
  };
  constructor(presence: PresenceAgentStates['presence']) {
    this.presence = presence;
  }

  async states(trx: Executor, userIds: readonly string[]): Promise<Map<string, AgentState>> {
    const out = new Map<string, AgentState>();
    if (!userIds.length) return out;
    for (const p of await this.presence.statesOf(userIds, trx))
      if (p.state !== 'offline') out.set(p.userId, { state: p.state, since: p.since });
    return out;
  }
}

/**
 * The reading used before the presence service existed (and a fallback for an install without it): a person with a live desktop session is
 * available since that session began; without one, offline. API tokens do not count (they are
 * integrations, not people at a desk).
 */
export class SessionAgentStates implements AgentStates {
  private readonly ctx: Ctx;
  constructor(ctx: Ctx) {
    this.ctx = ctx;
  }

  async states(trx: Executor, userIds: readonly string[]): Promise<Map<string, AgentState>> {
    const out = new Map<string, AgentState>();
    if (!userIds.length) return out;
    const rows = await trx
      .selectFrom('sessions')
      .select(['user_id', (eb) => eb.fn.min('created_at').as('since')])
      .where('user_id', 'in', [...userIds])
      .where('expires_at', '>', this.ctx.clock.now().toISOString())
      .groupBy('user_id')
      .execute();
    for (const r of rows) out.set(r.user_id, { state: 'available', since: String(r.since) });
    return out;
  }
}
