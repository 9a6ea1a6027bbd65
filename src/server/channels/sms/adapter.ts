import { Type } from 'typebox';
import {
  type ChannelAdapter,
  ChannelError,
  type InboundMessage,
  type OutboundMessage,
  type SendResult,
} from '../contract.ts';
import { formParams } from './twilio.ts';

/** Where and as whom one SMS endpoint sends: a Twilio-compatible Messages API. */
export interface SmsTarget {
  /** e.g. https://api.twilio.com, or the local simulator's http://127.0.0.1:port. */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** Where the provider reports delivery (our status webhook for this endpoint), or null. */
  statusCallback: string | null;
}

/** A provider's answer longer than this is cut when kept on the message. */
const RESPONSE_KEPT = 500;
/** Every outside call has a time limit: past it the send is retryable (the sweep tries again). */
export const SMS_SEND_TIMEOUT_MS = 10_000;

/**
 * Provider errors that no retry will fix (Twilio's codes): the number is not a mobile, not valid,
 * or has opted out at the carrier (21610) — the message fails at once with the provider's words.
 */
const PERMANENT_CODES = new Set([21211, 21408, 21610, 21612, 21614, 21617, 21408, 30003, 30005, 30006]);

/** A Twilio-compatible SMS adapter: the webhook's form body in, the Messages REST API out. */
export const smsAdapter: ChannelAdapter<SmsTarget> = {
  channel: 'sms',
  configSchema: Type.Object({
    baseUrl: Type.String({ format: 'uri' }),
    accountSid: Type.String({ minLength: 1, maxLength: 64 }),
    authToken: Type.String({ minLength: 1, maxLength: 200 }),
  }),
  capabilities: {
    html: false,
    attachments: false,
    threading: false,
    deliveryReceipts: true,
    maxLength: 1600,
  },

  async parseInbound(raw: Uint8Array): Promise<InboundMessage> {
    const p = new Map(formParams(raw));
    const sid = p.get('MessageSid') ?? p.get('SmsSid') ?? null;
    const from = p.get('From')?.trim() || null;
    const to = p.get('To')?.trim() || null;
    return {
      channel: 'sms',
      sourceId: sid,
      kind: 'message',
      kindReason: null,
      from: from ? { address: from, name: null } : null,
      replyTo: null,
      to: to ? [{ address: to, name: null }] : [],
      cc: [],
      subject: null,
      text: p.get('Body') ?? '',
      html: null,
      remoteImages: false,
      inReplyTo: null,
      references: [],
      date: null,
      // Pictures (MMS, NumMedia > 0) stay at the provider: the text says so rather than losing them.
      attachments: [],
      bounce: null,
      malformed: !sid || !from,
    };
  },

  async send(message: OutboundMessage, target: SmsTarget): Promise<SendResult> {
    const to = message.to[0]?.address;
    if (!to) throw new ChannelError('permanent', 'The message has no recipient number');
    const body = new URLSearchParams({ To: to, From: message.from.address, Body: message.text });
    if (target.statusCallback) body.set('StatusCallback', target.statusCallback);
    const url = `${target.baseUrl.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(target.accountSid)}/Messages.json`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${target.accountSid}:${target.authToken}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body,
        signal: AbortSignal.timeout(SMS_SEND_TIMEOUT_MS),
        redirect: 'error',
      });
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      throw new ChannelError(
        'retryable',
        timedOut
          ? `The SMS provider did not answer within ${SMS_SEND_TIMEOUT_MS / 1000} s`
          : `The SMS provider could not be reached: ${String((err as Error)?.message ?? err)}`,
        { cause: err },
      );
    }
    const text = await res.text().catch(() => '');
    let json: { sid?: string; status?: string; code?: number; message?: string; error_code?: number | null } =
      {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      // Not JSON (a proxy's error page): the status code decides.
    }
    if (res.ok && json.sid)
      return { providerId: json.sid, response: `${res.status} ${json.status ?? ''}`.trim() };
    const said =
      `${res.status}${json.code ? ` (${json.code})` : ''}: ${json.message ?? text.slice(0, 200)}`.slice(
        0,
        RESPONSE_KEPT,
      );
    if (res.status === 401 || res.status === 403)
      throw new ChannelError('authentication', `The SMS provider refused the credentials — ${said}`);
    if (res.status === 429 || res.status >= 500 || (res.ok && !json.sid))
      throw new ChannelError('retryable', `The SMS provider could not take it now — ${said}`);
    if (json.code && PERMANENT_CODES.has(json.code))
      throw new ChannelError('permanent', `The SMS provider refused the message — ${said}`);
    throw new ChannelError('permanent', `The SMS provider refused the message — ${said}`);
  },
};
