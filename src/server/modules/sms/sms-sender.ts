import { type ChannelAdapter, ChannelError } from '../../channels/contract.ts';
import type { SmsTarget } from '../../channels/sms/adapter.ts';
import type { Ctx } from '../../platform/context.ts';
import { parseJson } from '../../platform/db/schema.ts';
import type { CasesService } from '../cases/cases.service.ts';
import { ChannelOutbox, type OutboxChannel } from '../messages/channel-outbox.ts';
import type { NotificationsService } from '../notifications/notifications.service.ts';
import type { SmsEndpointsService } from './sms-endpoints.service.ts';

/**
 * The SMS sender: the channel outbox loop (messages/channel-outbox.ts) with the provider's API as
 * its send. The provider's MessageSid becomes the message's source key; the delivery reports that
 * follow find the message by our id in their callback URL, and may arrive before the send is recorded.
 */
export function createSmsSender(
  ctx: Ctx,
  deps: {
    cases: CasesService;
    endpoints: SmsEndpointsService;
    notifications: NotificationsService;
    adapter: ChannelAdapter<SmsTarget>;
  },
): ChannelOutbox {
  const { endpoints, adapter } = deps;
  const channel: OutboxChannel = {
    channel: 'sms',
    noun: 'text message',
    async send(m) {
      try {
        const endpoint = await endpoints.row(ctx.store.db, m.endpoint_id ?? '');
        const target = endpoints.target(endpoint, ctx.config.publicUrl ?? null);
        // Our id in the callback URL: a report that outruns our record of the MessageSid still finds it.
        if (target.statusCallback) target.statusCallback += `?m=${encodeURIComponent(m.id)}`;
        return await adapter.send(
          {
            id: m.id,
            from: { address: m.from_address ?? endpoint.number, name: null },
            to: parseJson(m.to_addresses, []),
            cc: [],
            subject: '',
            text: m.body_text,
            html: null,
            inReplyTo: null,
            references: [],
            messageId: m.id,
            headers: {},
            attachments: [],
          },
          target,
        );
      } catch (err) {
        // What the adapter did not class (the number was removed, its token unreadable) will not mend itself.
        throw err instanceof ChannelError
          ? err
          : new ChannelError('permanent', err instanceof Error ? err.message : String(err));
      }
    },
    // Wrong credentials or a refused number: no retry will send it.
    givesUp: (failure) => failure !== 'retryable',
    sentColumns: (r) => ({ source_key: r.providerId }),
    reportedFirst: ['delivered', 'failed'],
    recordHealth: (id, health) => endpoints.recordHealth(id, health),
  };
  return new ChannelOutbox(ctx, deps, channel);
}
