import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Identity validation as Chatwoot does it: the host site, which knows who is signed in, sends its
 * customer id with HMAC-SHA256(widget secret, id) in hex. Only a site holding the secret can make
 * the hash, so a visitor cannot claim another customer's id by editing the page.
 */
export function identityHash(secret: string, externalId: string): string {
  return createHmac('sha256', secret).update(externalId, 'utf8').digest('hex');
}

/** Compares in constant time; any malformed hash is simply not valid. */
export function identityValid(secret: string, externalId: string, hash: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(hash)) return false;
  const want = Buffer.from(identityHash(secret, externalId), 'hex');
  return timingSafeEqual(want, Buffer.from(hash.toLowerCase(), 'hex'));
}

/** A new widget secret: 32 random bytes, shown to the administrator once. */
export function newWidgetSecret(): string {
  return `fws_${randomBytes(32).toString('base64url')}`;
}
