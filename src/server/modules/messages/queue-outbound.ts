import type { Selectable } from 'kysely';
import { type Actor, audit } from '../../platform/audit.ts';
import type { Executor } from '../../platform/db/index.ts';
import type { MessagesTable } from '../../platform/db/schema.ts';
import type { DomainEventBus } from '../../platform/events.ts';
import { newId } from '../../platform/ids.ts';
import { emit } from '../../platform/outbox.ts';
import type { CasesService } from '../cases/cases.service.ts';

type MessageRow = Selectable<MessagesTable>;

/** What a channel decides about a message to a customer; the rest of the row is the same on every channel. */
export interface OutboundDraft {
  /** Given when the channel needs it first (e-mail builds its Message-ID from it). */
  id?: string;
  channel: 'email' | 'sms';
  kind: string;
  endpointId: string | null;
  from: { address: string | null; name: string | null };
  to: string;
  cc?: { address: string; name: string | null }[];
  subject?: string | null;
  text: string;
  html?: string | null;
  /** The message's id on the wire, when known before sending (e-mail's Message-ID; an SMS's comes back). */
  sourceKey?: string | null;
  inReplyTo?: string | null;
  refs?: string[];
}

/**
 * Queue a message to a customer on a case in the caller's transaction, for its channel's outbox
 * loop (channel-outbox.ts): the row, the case's timeline, the audit trail, the outbox event and the
 * in-process `case.message_added`. The channel has already chosen the recipient, sender and words.
 */
export async function queueOutbound(
  trx: Executor,
  deps: { cases: CasesService; events: DomainEventBus },
  actor: Actor,
  caseId: string,
  at: string,
  d: OutboundDraft,
): Promise<MessageRow> {
  const row: MessageRow = {
    id: d.id ?? newId(),
    case_id: caseId,
    contact_id: null,
    channel: d.channel,
    direction: 'outbound',
    kind: d.kind,
    endpoint_id: d.endpointId,
    raw_id: null,
    source_key: d.sourceKey ?? null,
    in_reply_to: d.inReplyTo ?? null,
    refs: JSON.stringify(d.refs ?? []),
    from_address: d.from.address,
    from_name: d.from.name,
    to_addresses: JSON.stringify([{ address: d.to, name: null }]),
    cc_addresses: JSON.stringify(d.cc ?? []),
    subject: d.subject ?? null,
    body_text: d.text,
    body_html: d.html ?? null,
    remote_images: false,
    author_id: actor.via === 'system' ? null : actor.userId,
    state: 'queued',
    state_reason: null,
    attempts: 0,
    next_attempt_at: at,
    lease_until: null,
    created_at: at,
    sent_at: null,
    updated_at: at,
  };
  await trx
    .insertInto('messages')
    .values(row as never)
    .execute();
  const messageId = row.id;
  const { channel, kind } = d;
  await deps.cases.event(trx, caseId, at, actor, 'message.queued', { messageId, channel, to: d.to, kind });
  await audit(trx, {
    at,
    actor,
    entityType: 'case',
    entityId: caseId,
    action: 'message.queued',
    // E-mail's entries never named their channel (it was the only one); kept as they were.
    after: channel === 'email' ? { messageId, to: d.to, kind } : { messageId, channel, to: d.to, kind },
  });
  await emit(trx, at, 'case.message_queued', { id: caseId, messageId });
  await deps.events.publish(trx, 'case.message_added', { caseId, messageId, direction: 'outbound' });
  return row;
}
