import { useCallback, useRef, useState } from 'react';
import { api } from './api.ts';

type Method = 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Opts = { headers?: Record<string, string> };

/** `api()` for a write, carrying the `Idempotency-Key` of this intent. */
export type Send = <T>(method: Method, path: string, body?: unknown, opts?: Opts) => Promise<T>;

export interface Submit {
  /** True while a run is in flight: disable its button and set `aria-busy` with it. */
  busy: boolean;
  /**
   * Run one intent (a click on Save, Add note, Refer…). A call made while the previous one is still
   * in flight is dropped (resolves to undefined): a double-click sends once.
   */
  run<T>(work: (send: Send) => Promise<T>): Promise<T | undefined>;
}

/**
 * Writes a person can repeat, made safe to repeat. Each request of an intent gets an
 * `Idempotency-Key` that is kept until the intent succeeds, so a retry after a failure (the network
 * dropped the answer, not the write) is answered with the first result instead of a second record.
 * The key belongs to the request's method, path and body: when the form's content changes the next
 * try gets a new key (the server refuses a key reused with another body), and after a success every
 * key is forgotten, so the same text saved again on purpose is a new record.
 */
export function useSubmit(): Submit {
  const [busy, setBusy] = useState(false);
  const inFlight = useRef(false);
  const keys = useRef(new Map<string, string>());

  const send = useCallback<Send>((method, path, body, opts = {}) => {
    const sig = `${method} ${path} ${JSON.stringify(body ?? null)}`;
    let key = keys.current.get(sig);
    if (!key) {
      key = crypto.randomUUID();
      keys.current.set(sig, key);
    }
    return api(method, path, body, { headers: { ...opts.headers, 'idempotency-key': key } });
  }, []);

  const run = useCallback(
    async <T>(work: (send: Send) => Promise<T>): Promise<T | undefined> => {
      // A ref, not the state: a second click can land before React re-renders the disabled button.
      if (inFlight.current) return undefined;
      inFlight.current = true;
      setBusy(true);
      try {
        const out = await work(send);
        keys.current.clear();
        return out;
      } finally {
        inFlight.current = false;
        setBusy(false);
      }
    },
    [send],
  );

  return { busy, run };
}
