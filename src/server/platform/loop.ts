/**
 * Run `fn` every `intervalMs` (measured from the end of one run to the start of the next, so runs never
 * overlap) until stopped. Errors are reported, never fatal to the loop.
 */
export function repeat(
  fn: () => Promise<unknown>,
  intervalMs: number,
  onError: (err: unknown) => void,
  firstDelayMs = intervalMs,
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> | undefined;
  const run = () => {
    current = fn()
      .catch(onError)
      .finally(() => {
        if (!stopped) timer = setTimeout(run, intervalMs);
      });
  };
  timer = setTimeout(run, firstDelayMs);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
