import { describe, expect, it } from "vitest";
import { ManualClock } from "../../lib/manual-clock.js";
import { RateLimiter } from "./rate-limit.js";

describe("rate limiter", () => {
  it("allows `limit` events per window and key, then says how long to wait", () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ limit: 3, windowMs: 60_000, clock });
    expect([1, 2, 3].map(() => limiter.hit("a"))).toEqual([0, 0, 0]);
    expect(limiter.blocked("a")).toBe(60_000);
    clock.advance(10_000);
    expect(limiter.hit("a")).toBe(50_000);
    expect(limiter.hit("b")).toBe(0);
    clock.advance(50_000);
    expect(limiter.blocked("a")).toBe(0);
    expect(limiter.hit("a")).toBe(0);
  });

  it("forgets the oldest keys beyond its bound instead of growing", () => {
    const clock = new ManualClock();
    const limiter = new RateLimiter({ limit: 1, windowMs: 60_000, clock, maxKeys: 2 });
    limiter.hit("a");
    limiter.hit("a");
    expect(limiter.blocked("a")).toBeGreaterThan(0);
    limiter.hit("b");
    limiter.hit("c");
    expect(limiter.blocked("a")).toBe(0);
    expect(limiter.blocked("c")).toBeGreaterThan(0);
  });
});
