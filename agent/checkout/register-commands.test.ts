import { describe, expect, it } from "vitest";
import { basket, effectsOf, line, onlyEffect, SETTINGS, TillHarness } from "./testing/harness.js";

describe("basket", () => {
  it("opens a sale with a sale number and a time-based reference base", () => {
    const h = new TillHarness();
    const t = h.send({ type: "basket", basket: basket("S1") });
    expect(t.acceptance).toEqual({ ok: true });
    expect(h.sale().phase).toEqual({ kind: "open" });
    expect(h.sale().saleNo).toBe(1);
    expect(h.sale().referenceBase).toBe(h.now.toString(36).padStart(8, "0"));
    h.send({ type: "basket", basket: basket("S2") });
    expect(h.sale("S2").saleNo).toBe(2);
    expect(parseInt(h.sale("S2").referenceBase, 36)).toBeGreaterThan(
      parseInt(h.sale("S1").referenceBase, 36),
    );
  });

  it("replaces the basket of an open sale", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    const t = h.send({
      type: "basket",
      basket: basket("S1", [line({ total: 1000, unitPrice: 1000, quantity: "1" })]),
    });
    expect(t.acceptance).toEqual({ ok: true });
    expect(h.sale().basket.total).toBe(1000);
    expect(h.sale().saleNo).toBe(1);
  });

  it("refuses another currency than the sales unit's and changes nothing", () => {
    const h = new TillHarness();
    const t = h.send({ type: "basket", basket: { ...basket("S1"), currency: "DKK" } });
    expect(t.acceptance).toMatchObject({ ok: false, code: "BAD_CURRENCY" });
    expect(h.till.sales).toEqual({});
    expect(t.changed).toEqual([]);
  });

  it("refuses a basket for a sale being paid (SALE_LOCKED) or finished (SALE_FINISHED)", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    h.send({ type: "pay", saleId: "S1", total: 4900 });
    const before = h.till;
    expect(h.send({ type: "basket", basket: basket("S1") }).acceptance).toMatchObject({
      ok: false,
      code: "SALE_LOCKED",
    });
    expect(h.till).toBe(before);
    h.send({ type: "cancel", saleId: "S1" });
    expect(h.send({ type: "basket", basket: basket("S1") }).acceptance).toMatchObject({
      ok: false,
      code: "SALE_FINISHED",
    });
  });
});

describe("pay", () => {
  it("locks the basket, waits for the customer and tells the register", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket() });
    const t = h.send({ type: "pay", saleId: "S1", total: 4900 });
    expect(t.acceptance).toEqual({ ok: true });
    expect(h.sale().phase.kind).toBe("awaiting_customer");
    expect(h.till.activeSaleId).toBe("S1");
    expect(onlyEffect(t, "notify_register")).toMatchObject({
      durable: false,
      update: { state: "waiting_for_customer", final: false, amount: 4900 },
    });
  });

  it.each([
    ["an unknown sale", { saleId: "nope", total: 4900 }, "UNKNOWN_SALE"],
    ["a total that differs from the basket", { saleId: "S1", total: 4901 }, "BASKET_TOTAL_MISMATCH"],
  ])("refuses %s", (_what, pay, code) => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket() });
    const before = h.till;
    expect(h.send({ type: "pay", ...pay }).acceptance).toMatchObject({ ok: false, code });
    expect(h.till).toBe(before);
  });

  it("refuses amounts Vipps would refuse (NOK minimum is 100 øre)", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1", [line({ total: 99, unitPrice: 99, quantity: "1" })]) });
    expect(h.send({ type: "pay", saleId: "S1", total: 99 }).acceptance).toMatchObject({
      ok: false,
      code: "AMOUNT_OUT_OF_RANGE",
    });
    const dkk = new TillHarness({ ...SETTINGS, currency: "DKK" });
    dkk.send({
      type: "basket",
      basket: { ...basket("S1", [line({ total: 1, unitPrice: 1, quantity: "1" })]), currency: "DKK" },
    });
    expect(dkk.send({ type: "pay", saleId: "S1", total: 1 }).acceptance).toEqual({ ok: true });
  });

  it("refuses a second sale while one is being paid (SALE_BUSY), and accepts a repeated pay", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    h.send({ type: "basket", basket: basket("S2") });
    h.send({ type: "pay", saleId: "S1", total: 4900 });
    expect(h.send({ type: "pay", saleId: "S2", total: 4900 }).acceptance).toMatchObject({
      ok: false,
      code: "SALE_BUSY",
    });
    const again = h.send({ type: "pay", saleId: "S1", total: 4900 });
    expect(again.acceptance).toEqual({ ok: true });
    expect(again.effects).toEqual([]);
  });

  it("refuses pay on a finished sale", () => {
    const h = new TillHarness();
    h.captured();
    expect(h.send({ type: "pay", saleId: "S1", total: 4900 }).acceptance).toMatchObject({
      ok: false,
      code: "SALE_FINISHED",
    });
  });
});

describe("cancel", () => {
  it("cancels an open or waiting sale at once, durably", () => {
    for (const pay of [false, true]) {
      const h = new TillHarness();
      h.send({ type: "basket", basket: basket() });
      if (pay) h.send({ type: "pay", saleId: "S1", total: 4900 });
      const t = h.send({ type: "cancel", saleId: "S1" });
      expect(t.acceptance).toEqual({ ok: true });
      expect(onlyEffect(t, "notify_register")).toMatchObject({
        durable: true,
        update: { state: "cancelled", final: true },
      });
      expect(h.till.activeSaleId).toBeUndefined();
      expect(effectsOf(t, "vipps_cancel")).toEqual([]);
    }
  });

  it("withdraws a requested payment with cancelTransactionOnly", () => {
    const h = new TillHarness();
    h.requested();
    const t = h.send({ type: "cancel", saleId: "S1" });
    expect(t.acceptance).toEqual({ ok: true });
    expect(h.sale().phase.kind).toBe("cancelling");
    expect(onlyEffect(t, "vipps_cancel")).toMatchObject({
      transactionOnly: true,
      idempotencyKey: `${h.reference()}-cancel`,
      cleanup: false,
    });
  });

  it("refuses once the customer has paid (CANCEL_TOO_LATE): while capturing and after", () => {
    const h = new TillHarness();
    h.capturing();
    expect(h.send({ type: "cancel", saleId: "S1" }).acceptance).toMatchObject({
      ok: false,
      code: "CANCEL_TOO_LATE",
    });
    h.send({
      type: "capture_result",
      saleId: "S1",
      reference: h.reference(),
      result: { ok: true, value: { capturedAmount: 4900 } },
    });
    expect(h.send({ type: "cancel", saleId: "S1" }).acceptance).toMatchObject({
      ok: false,
      code: "CANCEL_TOO_LATE",
    });
  });

  it("accepts a cancel of a failed sale and re-sends its final state", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket() });
    h.send({ type: "cancel", saleId: "S1" });
    const t = h.send({ type: "cancel", saleId: "S1" });
    expect(t.acceptance).toEqual({ ok: true });
    expect(onlyEffect(t, "notify_register")).toMatchObject({ durable: true, update: { state: "cancelled" } });
  });

  it("refuses an unknown sale", () => {
    const h = new TillHarness();
    expect(h.send({ type: "cancel", saleId: "X" }).acceptance).toMatchObject({
      ok: false,
      code: "UNKNOWN_SALE",
    });
  });
});

describe("refund", () => {
  it("refuses a sale that was not captured (NOT_CAPTURED) and an unknown one", () => {
    const h = new TillHarness();
    h.requested();
    expect(h.send({ type: "refund", saleId: "S1", refundId: "R1", amount: 100 }).acceptance).toMatchObject({
      ok: false,
      code: "NOT_CAPTURED",
    });
    expect(h.send({ type: "refund", saleId: "X", refundId: "R1", amount: 100 }).acceptance).toMatchObject({
      ok: false,
      code: "UNKNOWN_SALE",
    });
  });

  it("refunds in parts, never more than was captured (pending refunds count)", () => {
    const h = new TillHarness();
    h.captured();
    const ref = h.reference();
    const r1 = h.send({ type: "refund", saleId: "S1", refundId: "R1", amount: 3000 });
    expect(onlyEffect(r1, "vipps_refund")).toMatchObject({
      idempotencyKey: `${ref}-refund-1`,
      amount: { currency: "NOK", value: 3000 },
    });
    expect(h.send({ type: "refund", saleId: "S1", refundId: "R2", amount: 1901 }).acceptance).toMatchObject({
      ok: false,
      code: "REFUND_TOO_LARGE",
    });
    const r2 = h.send({ type: "refund", saleId: "S1", refundId: "R2", amount: 1900 });
    expect(onlyEffect(r2, "vipps_refund").idempotencyKey).toBe(`${ref}-refund-2`);
    expect(h.send({ type: "refund", saleId: "S1", refundId: "R3", amount: 0 }).acceptance).toMatchObject({
      ok: false,
    });
  });

  it("tells the register `refunded` with the refunded amount and prints a refund receipt", () => {
    const h = new TillHarness();
    h.captured();
    h.send({ type: "refund", saleId: "S1", refundId: "R1", amount: 1000 });
    const done = h.send({
      type: "refund_result",
      saleId: "S1",
      refundId: "R1",
      result: { ok: true, value: { pspReference: "psp-r" } },
    });
    expect(onlyEffect(done, "notify_register")).toMatchObject({
      durable: true,
      update: { state: "refunded", final: true, capturedAmount: 4900, refundedAmount: 1000 },
    });
    expect(onlyEffect(done, "print_receipt")).toMatchObject({ kind: "refund", refundId: "R1" });
  });

  it("treats a repeated refund id as the same refund", () => {
    const h = new TillHarness();
    h.captured();
    h.send({ type: "refund", saleId: "S1", refundId: "R1", amount: 1000 });
    const again = h.send({ type: "refund", saleId: "S1", refundId: "R1", amount: 1000 });
    expect(again.acceptance).toEqual({ ok: true });
    expect(effectsOf(again, "vipps_refund")).toEqual([]);
    h.send({ type: "refund_result", saleId: "S1", refundId: "R1", result: { ok: true, value: {} } });
    const repeated = h.send({ type: "refund", saleId: "S1", refundId: "R1", amount: 1000 });
    expect(onlyEffect(repeated, "notify_register").update).toMatchObject({
      state: "refunded",
      refundId: "R1",
      refundedAmount: 1000,
    });
    expect(h.send({ type: "refund", saleId: "S1", refundId: "R1", amount: 999 }).acceptance).toMatchObject({
      ok: false,
      code: "BAD_FIELD",
    });
  });

  it("reports a refused refund without changing the refunded amount", () => {
    const h = new TillHarness();
    h.captured();
    h.send({ type: "refund", saleId: "S1", refundId: "R1", amount: 1000 });
    const t = h.send({
      type: "refund_result",
      saleId: "S1",
      refundId: "R1",
      result: { ok: false, failure: "refused", status: 400, code: "6150" },
    });
    expect(onlyEffect(t, "notify_register").update).toMatchObject({
      state: "captured",
      reason: "REFUND_FAILED",
    });
    expect(h.send({ type: "refund", saleId: "S1", refundId: "R2", amount: 4900 }).acceptance).toEqual({
      ok: true,
    });
  });
});
