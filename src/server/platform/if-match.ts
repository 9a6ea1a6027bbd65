import { Type } from 'typebox';
import { invalid } from './errors.ts';

/** The optional `If-Match` header of an administrator's record (a mailbox, a webhook): its version. */
export const IfMatchHeader = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 20 })) });

/** `If-Match: "3"` (or 3, or W/"3") → 3; absent → undefined; anything else is a 400 on the header. */
export function ifMatchVersion(h: string | undefined): number | undefined {
  if (h === undefined) return undefined;
  const n = Number(h.replace(/^W\//, '').replace(/"/g, ''));
  if (!Number.isInteger(n) || n < 1)
    throw invalid('/headers/if-match', 'caseVersion', 'must be the version, e.g. "3"');
  return n;
}
