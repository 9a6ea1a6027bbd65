import { useCallback, useEffect, useState } from 'react';
import type { Static } from 'typebox';
import type { MyRoutingOffer } from '../../../shared/contracts/routing.ts';
import { api } from '../../app/api.ts';
import { useInvalidation } from '../../app/live.tsx';
import { clockSkew } from './offer-clock.ts';

export type MyRouting = Static<typeof MyRoutingOffer> & {
  /** How far the server's clock is ahead of this one (ms), estimated from this answer. */
  skewMs: number;
};

// The banner and the pull button read the same answer: one request serves both when they ask together.
let inflight: { at: number; p: Promise<MyRouting> } | undefined;
function fetchMine(): Promise<MyRouting> {
  const now = Date.now();
  if (inflight && now - inflight.at < 250) return inflight.p;
  const p = api<Static<typeof MyRoutingOffer>>('GET', '/routing/offer').then((r) => ({
    ...r,
    skewMs: clockSkew(r.serverNow, now, Date.now()),
  }));
  inflight = { at: now, p };
  return p;
}

/**
 * My open offers and whether my queue is in pull mode, from the server (a reload shows the same
 * offers), re-read when my `user:` room hears `routing.offer_changed` or the socket reconnects.
 */
export function useMyRouting(userId: string) {
  const [mine, setMine] = useState<MyRouting | null>(null);
  const reload = useCallback(async () => {
    try {
      setMine(await fetchMine());
    } catch {
      // Offline or signed out: the next message or reconnect tries again.
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  useInvalidation(`user:${userId}`, (inv) => {
    if (inv.type === 'resync' || inv.type === 'routing.offer_changed') {
      inflight = undefined;
      void reload();
    }
  });
  return { mine, reload, setMine };
}
