import type { MESSAGE_STATES } from '../../../shared/contracts/messages.ts';
import type { DeliveryOutcome } from '../../channels/contract.ts';

export type MessageState = (typeof MESSAGE_STATES)[number];

/**
 * What a delivery report does to the outbound message it is about, as data: state → report → the
 * next state, or null for no change. A failure wins over whatever came before, delivered included
 * (a success for one recipient says nothing of another, and a server may accept and bounce later),
 * so the order reports arrive in does not matter. A success only moves a message on from `sent`:
 * never back over `bounced` or `failed`, and not while the sender is still recording its own send
 * (`sending`), whose record (sent time, first response met) must not be skipped. A delay changes
 * nothing: the message is still on its way.
 */
export const DELIVERY_REPORTS: Readonly<
  Record<MessageState, Readonly<Record<DeliveryOutcome, MessageState | null>>>
> = {
  // Inbound: nothing we sent, never reported on.
  received: { failed: null, delayed: null, delivered: null },
  queued: { failed: 'bounced', delayed: null, delivered: null },
  sending: { failed: 'bounced', delayed: null, delivered: null },
  sent: { failed: 'bounced', delayed: null, delivered: 'delivered' },
  delivered: { failed: 'bounced', delayed: null, delivered: null },
  failed: { failed: 'bounced', delayed: null, delivered: null },
  // A second recipient's bounce is recorded too (its reason, its owner told).
  bounced: { failed: 'bounced', delayed: null, delivered: null },
};

export function afterDeliveryReport(state: string, report: DeliveryOutcome): MessageState | null {
  return (
    (DELIVERY_REPORTS as Record<string, Record<DeliveryOutcome, MessageState | null>>)[state]?.[report] ??
    null
  );
}
