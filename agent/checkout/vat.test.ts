import { describe, expect, it } from "vitest";
import { orderLinesOf } from "./order-lines.js";
import { basket, line, TillHarness } from "./testing/harness.js";
import { saleVat, vatContained } from "./vat.js";

const l = (total: number, vatRate: number) => ({ total, vatRate });

describe("vatContained: the VAT in a VAT-inclusive amount, half up, exact", () => {
  it.each([
    [12_500, 2_500, 2_500],
    [4_900, 2_500, 980],
    [1_000, 1_500, 130], // 130.43…
    [4_315, 1_500, 563], // 562.83…
    [100, 2_550, 20], // 20.32…
    [3, 2_500, 1], // 0.6
    [2, 2_500, 0], // 0.4
    [5, 2_500, 1], // 1.0
    [999, 0, 0],
    [0, 2_500, 0],
    [Number.MAX_SAFE_INTEGER, 2_500, 1_801_439_850_948_198], // 9007199254740991 / 5 = …198.2
  ])("%d at %d bp → %d", (gross, rate, vat) => {
    expect(vatContained(gross, rate)).toBe(vat);
  });

  it("rounds an exact half up", () => {
    // At 100 % (10 000 bp) the VAT is half the gross: 3 → 1.5 → 2, 1 → 0.5 → 1.
    expect(vatContained(3, 10_000)).toBe(2);
    expect(vatContained(1, 10_000)).toBe(1);
  });
});

describe("saleVat: per rate half up, shared out over the lines by largest remainder", () => {
  it("two 3-øre lines at 25 %: 1 øre VAT (of 1.2), not 2 — and the lines add up to it", () => {
    expect(saleVat([l(3, 2_500), l(3, 2_500)])).toEqual({
      lines: [1, 0],
      rates: [{ rate: 2_500, gross: 6, net: 5, vat: 1 }],
    });
  });

  it("lists rates highest first and gives each line its VAT in basket order", () => {
    const vat = saleVat([l(4_900, 1_500), l(9_800, 2_500), l(0, 2_500), l(1_000, 0), l(100, 2_550)]);
    expect(vat.rates).toEqual([
      { rate: 2_550, gross: 100, net: 80, vat: 20 },
      { rate: 2_500, gross: 9_800, net: 7_840, vat: 1_960 },
      { rate: 1_500, gross: 4_900, net: 4_261, vat: 639 },
      { rate: 0, gross: 1_000, net: 1_000, vat: 0 },
    ]);
    expect(vat.lines).toEqual([639, 1_960, 0, 0, 20]);
  });

  it("gives the extra minor unit to the largest remainder, ties to the earlier line", () => {
    // 1, 2 and 2 øre at 25 %: exact 0.2, 0.4, 0.4 (1.0 in all) → 1 øre, to the first 2-øre line.
    expect(saleVat([l(1, 2_500), l(2, 2_500), l(2, 2_500)]).lines).toEqual([0, 1, 0]);
    // 4 and 1 øre: exact 0.8 and 0.2 → 1 øre, to the 4-øre line.
    expect(saleVat([l(1, 2_500), l(4, 2_500)]).lines).toEqual([0, 1]);
  });

  it("is empty for an empty basket", () => {
    expect(saleVat([])).toEqual({ lines: [], rates: [] });
  });
});

describe("the checkout decides the VAT when it accepts a basket", () => {
  it("keeps it with the sale, recomputes it for a replaced basket, and the order lines use it", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1", [line({ total: 3, unitPrice: 3, quantity: "1" })]) });
    expect(h.sale().vat.rates).toEqual([{ rate: 2_500, gross: 3, net: 2, vat: 1 }]);
    const replaced = basket("S1", [
      line({ id: "a", total: 3, unitPrice: 3, quantity: "1" }),
      line({
        id: "b",
        total: 1_234,
        unitPrice: 1_334,
        quantity: "0.455",
        discount: 100,
        unit: "KG",
        vatRate: 1_500,
      }),
      line({ id: "c", total: 3, unitPrice: 3, quantity: "1" }),
      line({ id: "d", total: 500, unitPrice: 500, quantity: "1", unit: "BOX", vatRate: 0 }),
    ]);
    h.send({ type: "basket", basket: replaced });
    const sale = h.sale();
    expect(sale.vat).toEqual(saleVat(replaced.lines));
    expect(orderLinesOf(sale)).toEqual([
      {
        name: "Kaffe",
        id: "a",
        totalAmount: 3,
        totalAmountExcludingTax: 2,
        totalTaxAmount: 1,
        taxRate: 2_500,
        unitInfo: { unitPrice: 3, quantity: "1", quantityUnit: "PCS" },
      },
      {
        name: "Kaffe",
        id: "b",
        totalAmount: 1_234,
        totalAmountExcludingTax: 1_073,
        totalTaxAmount: 161,
        taxRate: 1_500,
        discount: 100,
        unitInfo: { unitPrice: 1_334, quantity: "0.455", quantityUnit: "KG" },
      },
      {
        name: "Kaffe",
        id: "c",
        totalAmount: 3,
        totalAmountExcludingTax: 3,
        totalTaxAmount: 0,
        taxRate: 2_500,
        unitInfo: { unitPrice: 3, quantity: "1", quantityUnit: "PCS" },
      },
      {
        name: "Kaffe",
        id: "d",
        totalAmount: 500,
        totalAmountExcludingTax: 500,
        totalTaxAmount: 0,
        taxRate: 0,
        unitInfo: { unitPrice: 500, quantity: "1", quantityUnit: "PCS" },
      },
    ]);
  });
});
