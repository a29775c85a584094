import type { Clock } from "../../lib/clock.js";

/**
 * A fixed-window counter per key (a client address): at most `limit` events per `windowMs`.
 * Memory is bounded: past `maxKeys` the oldest windows are forgotten first, so an attacker
 * cycling addresses cannot grow it without end (and only loses its own history by doing so).
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly o: {
      readonly limit: number;
      readonly windowMs: number;
      readonly clock: Clock;
      readonly maxKeys?: number;
    },
  ) {}

  /** Counts one event; returns 0 when allowed, else the milliseconds until the window ends. */
  hit(key: string): number {
    const now = this.o.clock.monotonic();
    let window = this.windows.get(key);
    if (window === undefined || now - window.start >= this.o.windowMs) {
      this.windows.delete(key);
      window = { start: now, count: 0 };
      this.windows.set(key, window);
      this.evict();
    }
    window.count += 1;
    return window.count > this.o.limit ? this.o.windowMs - (now - window.start) : 0;
  }

  /** Whether `key` is over its limit now, without counting. */
  blocked(key: string): number {
    const window = this.windows.get(key);
    if (window === undefined) return 0;
    const elapsed = this.o.clock.monotonic() - window.start;
    return window.count >= this.o.limit && elapsed < this.o.windowMs ? this.o.windowMs - elapsed : 0;
  }

  private evict(): void {
    const max = this.o.maxKeys ?? 10_000;
    // A Map iterates in insertion order, and a key is re-inserted when its window restarts.
    for (const key of this.windows.keys()) {
      if (this.windows.size <= max) return;
      this.windows.delete(key);
    }
  }
}
