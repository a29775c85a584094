import { describe, expect, it } from "vitest";
import { idempotencyKey, nextReferenceBase, paymentReference, tillOfReference } from "./references.js";

describe("references and idempotency keys", () => {
  it("stay inside ePayment's limits for the longest till id, far-future times and many attempts", () => {
    const base = nextReferenceBase(Date.UTC(2199, 0, 1), undefined);
    const reference = paymentReference("A".repeat(20), base, 999);
    expect(reference).toMatch(/^[a-zA-Z0-9-]{8,50}$/);
    for (const step of ["create", "capture", "cancel", "release", "refund-999"] as const) {
      expect(idempotencyKey(reference, step).length).toBeLessThanOrEqual(50);
    }
    expect(paymentReference("k1", nextReferenceBase(0, undefined), 1).length).toBeGreaterThanOrEqual(8);
  });

  it("route back to the till", () => {
    expect(tillOfReference(paymentReference("kasse7", "mf3k2x9a", 2))).toBe("kasse7");
    expect(tillOfReference("nodash")).toBeUndefined();
  });

  it("increase strictly, even in the same millisecond or when the clock steps back", () => {
    const a = nextReferenceBase(1_000_000, undefined);
    const b = nextReferenceBase(1_000_000, a);
    const c = nextReferenceBase(500, b);
    expect([a, b, c].map((x) => parseInt(x, 36))).toEqual([1_000_000, 1_000_001, 1_000_002]);
  });
});
