/**
 * A token bucket per key, in this process's memory: enough to stop one visitor or one address
 * from flooding a public endpoint. Each node limits its own share; the limits are generous enough
 * for a person typing and far below a script.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly capacity: number;
  private readonly perMs: number;
  private readonly now: () => number;

  /** `capacity` at once, refilled at `perSecond`. */
  constructor(capacity: number, perSecond: number, now: () => number = Date.now) {
    this.capacity = capacity;
    this.perMs = perSecond / 1000;
    this.now = now;
  }

  /** Take one token; false when the key has none left. */
  take(key: string): boolean {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: t };
    b.tokens = Math.min(this.capacity, b.tokens + (t - b.at) * this.perMs);
    b.at = t;
    if (this.buckets.size > 50_000) this.prune(t);
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      return false;
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    return true;
  }

  /** Buckets that have refilled completely carry no information: dropped. */
  private prune(t: number): void {
    for (const [k, b] of this.buckets)
      if (b.tokens + (t - b.at) * this.perMs >= this.capacity) this.buckets.delete(k);
  }
}
