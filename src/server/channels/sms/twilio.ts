import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The Twilio webhook protocol, which most SMS providers copy or offer a compatibility mode for:
 * form-encoded POSTs signed in `X-Twilio-Signature` with HMAC-SHA1, keyed by the account's auth
 * token, over the full URL the provider called followed by every POST parameter, sorted by name,
 * as name then value with no separators (https://www.twilio.com/docs/usage/security).
 */

/** The form parameters of a webhook body, in arrival order. */
export function formParams(raw: Uint8Array): [string, string][] {
  return [...new URLSearchParams(Buffer.from(raw).toString('utf8')).entries()];
}

/** The signature the provider computes for `url` and `params` (base64 HMAC-SHA1). */
export function twilioSignature(url: string, params: [string, string][], authToken: string): string {
  const sorted = [...params].sort(([a, av], [b, bv]) =>
    a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0,
  );
  const data = url + sorted.map(([k, v]) => k + v).join('');
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/** Constant-time comparison of the header with the signature we compute. */
export function verifyTwilioSignature(
  url: string,
  params: [string, string][],
  authToken: string,
  header: string | undefined,
): boolean {
  if (!header) return false;
  const want = Buffer.from(twilioSignature(url, params, authToken));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Delivery states a status callback reports, in the order they happen (Twilio's MessageStatus). */
export const SMS_STATUSES = [
  'accepted',
  'queued',
  'sending',
  'sent',
  'delivered',
  'undelivered',
  'failed',
] as const;
export type SmsStatus = (typeof SMS_STATUSES)[number];

export function isSmsStatus(s: string): s is SmsStatus {
  return (SMS_STATUSES as readonly string[]).includes(s);
}
