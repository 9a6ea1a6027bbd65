/**
 * English catalogue, part three: administration (users, directory, reference data, SLA), the
 * customer screens, the audit screen and the shell's helpers (shortcuts, API errors).
 * Spread into `en` (en.ts); top-level namespaces here must not repeat one of en.ts's.
 */
export const enAdmin = {} as const;
