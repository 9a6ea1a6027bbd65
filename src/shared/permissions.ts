import type { Role } from './contracts/people.ts';

/**
 * What a role may do. Routes name one permission; the auth hook checks it before anything else runs.
 * Shared so the desktop shows a role what the server lets it do, from the same table.
 */
export const PERMISSIONS = [
  'customers.read',
  'customers.write',
  'accounts.write',
  'contacts.read',
  'contacts.write',
  'cases.read',
  'cases.write',
  'directory.read',
  'directory.manage',
  'teams.read',
  'teams.manage',
  'users.read',
  'users.manage',
  'categories.read',
  'categories.manage',
  'settings.manage',
  'tokens.manage',
  'audit.read',
  'sla.read',
  'sla.manage',
  /** Acknowledge an urgent escalation (the action party's leaders and above). */
  'escalations.acknowledge',
  /** Read the knowledge base. */
  'kb.read',
  /**
   * Take part in it: comment on proposed solutions and record that an article was used on a case or
   * contact. Everyone who handles contacts; not a trainer, who reads and changes nothing.
   */
  'kb.contribute',
  /** Write and edit article drafts and submit them for review. */
  'kb.write',
  /** Approve (publish), reject and archive articles. */
  'kb.publish',
  /** Synonyms, import and export. */
  'kb.manage',
  /** See every policy-inconsistency flag, not only those raised by or to oneself. */
  'policy_flags.review',
  /** Use standard phrases, e-mail templates and call scripts (preview them with a case's data). */
  'templates.read',
  /** Write and archive templates and call scripts. */
  'templates.manage',
  /** See identity and account particulars without a verified contact. */
  'pii.unmasked',
  /** Merge two records of one customer (contacts, cases and accounts move to the one kept). */
  'customers.merge',
  /**
   * Set up mailboxes (and later chat and SMS channels), see their health, retry dead-lettered mail;
   * webhooks for integrators and their delivery log.
   */
  'channels.manage',
  /** Have a presence state (available, on a break…) and set one's own: everyone who takes contacts. */
  'presence.self',
  /** See a team's states live and its time in each state; sign an officer out (offline only, audited). */
  'presence.team',
  /** The list of break reasons and the after-contact-work limit. */
  'presence.manage',
  /** Officers' routing profiles (skills, languages, capacity) and their team's routing queue settings. */
  'routing.manage',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const READ_REFERENCE: Permission[] = [
  'directory.read',
  'teams.read',
  'categories.read',
  'sla.read',
  'kb.read',
  'templates.read',
];
const FRONTLINE: Permission[] = [
  ...READ_REFERENCE,
  'customers.read',
  'customers.write',
  'contacts.read',
  'contacts.write',
  'cases.read',
  'cases.write',
  'kb.contribute',
  'presence.self',
];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  // A trainee handles contacts beside a buddy but does not change accounts.
  trainee: new Set(FRONTLINE),
  officer: new Set([...FRONTLINE, 'accounts.write', 'kb.write']),
  // Team leaders agree solutions for their team: they publish.
  team_leader: new Set([
    ...FRONTLINE,
    'accounts.write',
    'users.read',
    'escalations.acknowledge',
    'kb.write',
    'kb.publish',
    'policy_flags.review',
    'templates.manage',
    'presence.team',
    'routing.manage',
  ]),
  supervisor: new Set([
    ...FRONTLINE,
    'accounts.write',
    'users.read',
    'directory.manage',
    'teams.manage',
    'categories.manage',
    'settings.manage',
    'sla.manage',
    'escalations.acknowledge',
    'kb.write',
    'kb.publish',
    'kb.manage',
    'policy_flags.review',
    'templates.manage',
    'audit.read',
    'pii.unmasked',
    'customers.merge',
    'presence.team',
    'routing.manage',
  ]),
  // Trainers assess against real records, so they read them, masked, and change nothing.
  trainer: new Set([...READ_REFERENCE, 'customers.read', 'contacts.read', 'cases.read', 'users.read']),
  administrator: new Set(PERMISSIONS),
};

export function can(role: string, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role as Role]?.has(permission) ?? false;
}
