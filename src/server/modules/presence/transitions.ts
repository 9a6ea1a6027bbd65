import type { PresenceState } from '../../../shared/contracts/presence.ts';

/**
 * What moves a person between presence states. `set_*` are the person's own choices;
 * `leader_offline` a team leader signing them out; the rest are the system's: a contact began or
 * the last open one ended, the after-contact-work limit passed, the desktop was gone past the
 * grace period, the person signed out.
 */
export const PRESENCE_ACTIONS = [
  'set_available',
  'set_break',
  'set_offline',
  'leader_offline',
  'signed_out',
  'contact_started',
  'contact_ended',
  'acw_expired',
  'disconnected',
] as const;
export type PresenceAction = (typeof PRESENCE_ACTIONS)[number];

/** A state from which an action is refused (null), or where it leads. Same state: nothing changes. */
const TABLE: Record<PresenceState, Record<PresenceAction, PresenceState | null>> = {
  available: {
    set_available: 'available',
    set_break: 'break',
    set_offline: 'offline',
    leader_offline: 'offline',
    signed_out: 'offline',
    contact_started: 'on_contact',
    contact_ended: 'available',
    acw_expired: 'available',
    disconnected: 'offline',
  },
  // The person ends the contact first: the system moves them on (after-contact work).
  on_contact: {
    set_available: null,
    set_break: null,
    set_offline: null,
    leader_offline: 'offline',
    signed_out: 'offline',
    contact_started: 'on_contact',
    contact_ended: 'after_contact_work',
    acw_expired: 'on_contact',
    disconnected: 'offline',
  },
  after_contact_work: {
    set_available: 'available',
    set_break: 'break',
    set_offline: 'offline',
    leader_offline: 'offline',
    signed_out: 'offline',
    contact_started: 'on_contact',
    contact_ended: 'after_contact_work',
    acw_expired: 'available',
    disconnected: 'offline',
  },
  break: {
    set_available: 'available',
    // Another reason: a new stint of break.
    set_break: 'break',
    set_offline: 'offline',
    leader_offline: 'offline',
    signed_out: 'offline',
    contact_started: 'on_contact',
    contact_ended: 'break',
    acw_expired: 'break',
    disconnected: 'offline',
  },
  // Coming back is a choice (Amazon Connect, Genesys): a desktop that connects stays offline until
  // the person says they are available, so nobody is offered work at a screen left open.
  offline: {
    set_available: 'available',
    set_break: 'break',
    set_offline: 'offline',
    leader_offline: 'offline',
    signed_out: 'offline',
    contact_started: 'on_contact',
    contact_ended: 'offline',
    acw_expired: 'offline',
    disconnected: 'offline',
  },
};

export type Transition = { ok: true; next: PresenceState } | { ok: false };

/** The state `action` leads to from `state`, or refused. */
export function transition(state: PresenceState, action: PresenceAction): Transition {
  const next = TABLE[state]?.[action];
  return next ? { ok: true, next } : { ok: false };
}
