import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter } from "./backoff.js";

describe("backoffDelay", () => {
  const policy = { baseMs: 100, maxMs: 1_000 };
  it("grows the ceiling exponentially and caps it", () => {
    const top = (attempt: number): number => backoffDelay(policy, attempt, () => 0.999999);
    expect([0, 1, 2, 3, 4, 10, 1000].map(top)).toEqual([99, 199, 399, 799, 999, 999, 999]);
  });
  it("jitters down to zero", () => {
    expect(backoffDelay(policy, 5, () => 0)).toBe(0);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2026, 0, 1, 12, 0, 0);
  it("reads delta-seconds and HTTP dates", () => {
    expect(parseRetryAfter("3", now)).toBe(3000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 12:00:10 GMT", now)).toBe(10_000);
    expect(parseRetryAfter("Thu, 01 Jan 2026 11:00:00 GMT", now)).toBe(0);
  });
  it("ignores absent or unparseable values", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});
