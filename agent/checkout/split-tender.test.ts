import { describe, expect, it } from "vitest";
import type { Tender } from "../../drivers/register/index.js";
import { saleUpdate } from "./wire.js";
import { resumeEffects } from "./resume.js";
import { authorized, basket, line, onlyEffect, SETTINGS, TillHarness } from "./testing/harness.js";

/** Item 2 of issue 20 (docs/register-protocol.md §7.14): Vipps MobilePay collects part of the basket. */

const COFFEE = line({ id: "latte", total: 9800, unitPrice: 4900, vatRate: 1500 });
const PAPER = line({ id: "avis", name: "Avis", quantity: "1", total: 4200, unitPrice: 4200, vatRate: 0 });
const CASH: Tender[] = [{ kind: "cash", amount: 5000 }];

function splitSale(h: TillHarness, tenders: readonly Tender[] = CASH) {
  h.send({ type: "basket", basket: basket("S1", [COFFEE, PAPER]) });
  const accepted = h.send({ type: "pay", saleId: "S1", total: 14000, tenders });
  h.advance(1_000);
  const scan = h.send({ type: "checkin", checkIn: { customerToken: "tok-1", initiatedAt: h.now - 500 } });
  return { accepted, scan };
}

describe("split tender", () => {
  it("asks Vipps for its part only; the receipt is the whole basket with the rest as payment sources", () => {
    const h = new TillHarness();
    const { accepted, scan } = splitSale(h, [
      { kind: "cash", amount: 3000 },
      { kind: "giftCard", amount: 1500 },
      { kind: "cash", amount: 500 },
    ]);
    expect(accepted.acceptance).toEqual({ ok: true });
    const body = onlyEffect(scan, "vipps_create").body;
    expect(body.amount).toEqual({ currency: "NOK", value: 9000 });
    expect(body.receipt?.orderLines.map((l) => l.totalAmount)).toEqual([9800, 4200]);
    expect(body.receipt?.bottomLine.paymentSources).toEqual({ cash: 3500, giftCard: 1500 });
    // The VAT is the basket's, whoever paid: 15 % of 98.00 and 0 % of 42.00.
    expect(body.receipt?.orderLines.map((l) => l.totalTaxAmount)).toEqual([1278, 0]);
  });

  it("captures Vipps' part, reports it as the sale's amount, and a restart captures the same", () => {
    const h = new TillHarness();
    splitSale(h);
    h.send({
      type: "create_result",
      saleId: "S1",
      reference: h.reference(),
      result: { ok: true, value: {} },
    });
    const capture = h.send(authorized(h.reference(), 9000));
    expect(onlyEffect(capture, "vipps_capture").amount).toEqual({ currency: "NOK", value: 9000 });
    expect(saleUpdate(h.sale()).amount).toBe(9000);
    // After a power cut the capture is repeated with the same amount (and key).
    const resumed = resumeEffects(h.sale(), { includeReceipts: false }).filter(
      (e) => e.type === "vipps_capture",
    );
    expect(resumed).toEqual([expect.objectContaining({ amount: { currency: "NOK", value: 9000 } })]);
    h.send({
      type: "capture_result",
      saleId: "S1",
      reference: h.reference(),
      result: { ok: true, value: { capturedAmount: 9000, pspReference: "psp-cap" } },
    });
    expect(saleUpdate(h.sale())).toMatchObject({ state: "captured", amount: 9000, capturedAmount: 9000 });
    expect(h.sale().tenders).toEqual(CASH);
  });

  it("a pay without tenders is Vipps for the whole basket, as before", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1", [COFFEE, PAPER]) });
    h.send({ type: "pay", saleId: "S1", total: 14000 });
    const t = h.advance(1_000).send({ type: "checkin", checkIn: { customerToken: "t", initiatedAt: h.now } });
    const body = onlyEffect(t, "vipps_create").body;
    expect(body.amount.value).toBe(14000);
    expect(body.receipt?.bottomLine).toBeDefined();
    expect(body.receipt?.bottomLine).not.toHaveProperty("paymentSources");
    expect("tenders" in h.sale()).toBe(false);
  });

  it("refuses a Vipps part of 0 or below the minimum payment with AMOUNT_OUT_OF_RANGE, and changes nothing", () => {
    for (const others of [14000, 13901]) {
      const h = new TillHarness();
      h.send({ type: "basket", basket: basket("S1", [COFFEE, PAPER]) });
      const before = h.till;
      const t = h.send({
        type: "pay",
        saleId: "S1",
        total: 14000,
        tenders: [{ kind: "card", amount: others }],
      });
      expect(t.acceptance).toMatchObject({ ok: false, code: "AMOUNT_OUT_OF_RANGE" });
      expect(t.effects).toEqual([]);
      expect(h.till).toBe(before);
    }
  });

  it("a repeated pay while paying must keep the split: another one is SALE_LOCKED, the same changes nothing", () => {
    const h = new TillHarness();
    splitSale(h);
    const before = h.till;
    for (const tenders of [
      undefined,
      [{ kind: "card", amount: 5000 }],
      [{ kind: "cash", amount: 4000 }],
    ] as const) {
      const t = h.send({
        type: "pay",
        saleId: "S1",
        total: 14000,
        ...(tenders === undefined ? {} : { tenders }),
      });
      expect(t.acceptance).toMatchObject({ ok: false, code: "SALE_LOCKED" });
      expect(h.till).toBe(before);
    }
    expect(h.send({ type: "pay", saleId: "S1", total: 14000, tenders: CASH }).acceptance).toEqual({
      ok: true,
    });
    expect(h.till).toBe(before);
  });

  it("member prices keep the tenders and lower Vipps' part; too little left is refused", () => {
    const h = new TillHarness({ ...SETTINGS, loyalty: "lookup" });
    splitSale(h);
    h.send({ type: "loyalty_identified", saleId: "S1", result: { kind: "member", member: { id: "M-1" } } });
    const cheaper = basket("S1", [line({ id: "latte", total: 8000, unitPrice: 4000, vatRate: 1500 }), PAPER]);
    const tooCheap = basket("S1", [line({ id: "latte", total: 5050, vatRate: 0 })]);
    const before = h.till;
    expect(h.send({ type: "basket", basket: tooCheap }).acceptance).toMatchObject({
      ok: false,
      code: "AMOUNT_OUT_OF_RANGE",
    });
    expect(h.till).toBe(before);
    expect(h.send({ type: "basket", basket: cheaper }).acceptance).toEqual({ ok: true });
    const pay = h.send({ type: "pay", saleId: "S1", total: 12200, tenders: CASH });
    const body = onlyEffect(pay, "vipps_create").body;
    expect(body.amount.value).toBe(7200);
    expect(body.receipt?.bottomLine.paymentSources).toEqual({ cash: 5000 });
  });
});
