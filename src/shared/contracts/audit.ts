import { type Static, Type } from 'typebox';
import { Nullable, PageQuery, Timestamp, Uuid } from './common.ts';

/** `system` names changes made by automatic rules, jobs and the CLI (no person). */
export const SYSTEM_ACTOR_ID = 'system';

/** Filters over the whole audit trail (supervisors and administrators). Newest first, keyset-paged. */
export const AuditQuery = Type.Object(
  {
    entityType: Type.Optional(
      Type.String({
        pattern: '^[a-z][a-z_]{0,39}$',
        description: 'What was changed: case, customer, account, contact, user… Requires entityId.',
      }),
    ),
    entityId: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{1,64}$',
        description: 'The record (usually a UUID). Requires entityType.',
      }),
    ),
    actorId: Type.Optional(
      Type.Union([Uuid, Type.Literal(SYSTEM_ACTOR_ID)], {
        description: 'Who did it: a user id, or `system` for automatic changes',
      }),
    ),
    action: Type.Optional(
      Type.String({
        pattern: '^[a-z][a-z_.]{0,79}$',
        description: 'Exact action, e.g. customer.updated, customer.particulars_viewed',
      }),
    ),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'At or after this instant' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Before this instant' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type AuditQueryDto = Static<typeof AuditQuery>;

/** A record's own history: only paging. */
export const HistoryQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });

/** One field that changed: its value before and after (masked for a role that may not see it). */
export const AuditChange = Type.Object({
  field: Type.String(),
  before: Type.Unknown(),
  after: Type.Unknown(),
});

export const AuditEntry = Type.Object({
  id: Uuid,
  at: Timestamp,
  /** null: an automatic rule, a job or the CLI. */
  actor: Nullable(Type.Object({ id: Type.String(), displayName: Type.String() })),
  action: Type.String(),
  entityType: Type.String(),
  entityId: Type.String(),
  before: Type.Unknown({ description: 'As stored (masked for a role without pii.unmasked), or null' }),
  after: Type.Unknown({ description: 'As stored (masked for a role without pii.unmasked), or null' }),
  changes: Nullable(
    Type.Array(AuditChange, { description: 'Field by field, when both before and after are stored' }),
  ),
  masked: Type.Boolean({ description: 'Some particulars were hidden from this reader' }),
  names: Type.Record(Type.String(), Type.String(), {
    description:
      'What the ids in this entry (its record, its before and after) stand for: people and teams by name, cases by reference, customers by name. An id not listed (a message, a routing item) has no name to show.',
  }),
});
export type AuditEntryDto = Static<typeof AuditEntry>;
