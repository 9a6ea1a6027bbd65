/**
 * English catalogue, part two: the knowledge base screens and the scripts/templates editors.
 * Spread into `en` (en.ts); top-level namespaces here must not repeat one of en.ts's.
 */
export const enKnowledge = {} as const;
