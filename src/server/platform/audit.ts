import type { Executor } from './db/index.ts';
import { newId } from './ids.ts';

export interface Actor {
  userId: string;
  role: string;
  /** 'session' for people, 'token' for integrations, 'system' for jobs and the CLI. */
  via: 'session' | 'token' | 'system';
  /** The user's team, when known (cases default to it). */
  teamId?: string | null;
}

/** The users row (migration 202612041000) that what the system records in someone's name points to. */
export const SYSTEM_USER_ID = 'system';
export const SYSTEM_ACTOR: Actor = { userId: SYSTEM_USER_ID, role: 'administrator', via: 'system' };

/**
 * Append one row to the audit trail. Call it with the transaction that makes the change, so the
 * change and its record commit or roll back together.
 */
export async function audit(
  trx: Executor,
  e: {
    at: string;
    actor: Actor;
    entityType: string;
    entityId: string;
    action: string;
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await trx
    .insertInto('audit_log')
    .values({
      id: newId(),
      at: e.at,
      actor_id: e.actor.via === 'system' ? null : e.actor.userId,
      entity_type: e.entityType,
      entity_id: e.entityId,
      action: e.action,
      before: e.before === undefined ? null : JSON.stringify(e.before),
      after: e.after === undefined ? null : JSON.stringify(e.after),
    })
    .execute();
}

/** Only the fields that changed, for a compact before/after pair. */
export function diff<T extends Record<string, unknown>>(
  before: T,
  after: T,
): { before: Partial<T>; after: Partial<T> } {
  const b: Partial<T> = {};
  const a: Partial<T> = {};
  for (const k of Object.keys(after) as (keyof T)[]) {
    if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) {
      b[k] = before[k];
      a[k] = after[k];
    }
  }
  return { before: b, after: a };
}
