import { describe, expect, it } from "vitest";
import { idempotencyKey, nextReferenceBase, paymentReference, tillOfReference } from "./references.js";
import { orderLineOf, vatOf, vatSummary } from "./order-lines.js";
import { line } from "./testing/harness.js";

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

describe("VAT", () => {
  it("splits VAT-inclusive amounts with half-up rounding, integers only", () => {
    expect(vatOf(12500, 2500)).toBe(2500);
    expect(vatOf(4900, 2500)).toBe(980);
    expect(vatOf(1000, 1500)).toBe(130); // 130.43…
    expect(vatOf(3, 2500)).toBe(1); // 0.6 → 1
    expect(vatOf(2, 2500)).toBe(0); // 0.4 → 0
    expect(vatOf(999, 0)).toBe(0);
  });

  it("builds order lines whose parts add up to the line total", () => {
    const ol = orderLineOf(
      line({ total: 1234, vatRate: 1500, discount: 100, unit: "KG", quantity: "0.455" }),
    );
    expect(ol.totalAmountExcludingTax + ol.totalTaxAmount).toBe(1234);
    expect(ol).toMatchObject({
      taxRate: 1500,
      discount: 100,
      unitInfo: { quantity: "0.455", quantityUnit: "KG" },
    });
    expect(orderLineOf(line({ unit: "BOX" })).unitInfo.quantityUnit).toBe("PCS");
  });

  it("summarises per rate, highest first", () => {
    const summary = vatSummary([
      line({ total: 4900, vatRate: 2500 }),
      line({ total: 1000, vatRate: 1500 }),
      line({ total: 100, vatRate: 2500 }),
    ]);
    expect(summary).toEqual([
      { rate: 2500, total: 5000, vat: 1000, base: 4000 },
      { rate: 1500, total: 1000, vat: 130, base: 870 },
    ]);
  });
});
