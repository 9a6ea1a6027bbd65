/**
 * An offer's countdown on the server's clock. The server counts the time-out from its own clock
 * (`expiresAt`); the desktop's may be ahead or behind, so the countdown is read against the server's
 * time as estimated from the answer that carried the offer (`serverNow`), and never shows more than
 * the offer's time-out ("31 s to answer" for a 30 s time-out was a client clock behind the server's).
 */

/**
 * How far the server's clock is ahead of this one (ms, negative: behind), from one answer:
 * `serverNow` is taken to be halfway between the request leaving (`sentAt`) and the answer arriving.
 */
export function clockSkew(serverNow: string, sentAt: number, receivedAt: number): number {
  const server = Date.parse(serverNow);
  return Number.isNaN(server) ? 0 : server - (sentAt + receivedAt) / 2;
}

/** Whole seconds left to answer, between 0 and the offer's time-out. */
export function secondsLeft(
  offer: { offeredAt: string; expiresAt: string },
  clientNow: number,
  skewMs: number,
): number {
  const expires = Date.parse(offer.expiresAt);
  const timeout = Math.round((expires - Date.parse(offer.offeredAt)) / 1000);
  const left = Math.ceil((expires - (clientNow + skewMs)) / 1000);
  return Math.min(Math.max(0, timeout), Math.max(0, left));
}

/** Whole seconds since `iso` on the server's clock (the customer's wait), never negative. */
export function secondsSince(iso: string, clientNow: number, skewMs: number): number {
  return Math.max(0, Math.floor((clientNow + skewMs - Date.parse(iso)) / 1000));
}
