import { describe, expect, it } from "vitest";
import { appReceiptOf } from "./app-receipt.js";
import { orderLinesOf } from "./order-lines.js";
import { needsResume, resumeEffects } from "./resume.js";
import {
  basket,
  effectsOf,
  line,
  onlyEffect,
  REFUSED,
  SETTINGS,
  TillHarness,
  UNAVAILABLE,
} from "./testing/harness.js";

/**
 * Issue 20 item 3, the app's receipt of a hold: the create sends none (the basket may still
 * change), the capture's final basket goes to Order Management afterwards — journalled with the
 * captured sale, resumed after a restart, retried without an answer, done on 201 or 409.
 */

const FINAL = basket("S1", [
  line({ id: "fuel", name: "Blyfri 95", quantity: "10.5", unitPrice: 2190, total: 22995, unit: "LITRE" }),
  line({ id: "wash", name: "Vask", quantity: "1", unitPrice: 1555, total: 1555, vatRate: 1500 }),
]);

/** basket 300.00 → pay with hold → scan → created → authorized (GET) → held. Returns the reference. */
function held(h: TillHarness): string {
  const first = basket("S1", [line({ quantity: "1", unitPrice: 30000, total: 30000 })]);
  h.send({ type: "basket", basket: first });
  expect(h.send({ type: "pay", saleId: "S1", total: 30000, hold: true }).acceptance).toEqual({ ok: true });
  h.advance(1_000);
  const create = h.send({ type: "checkin", checkIn: { customerToken: "tok-1", initiatedAt: h.now - 500 } });
  // No receipt at create: the final basket is not known yet, and a receipt already there would
  // make Order Management refuse the final one (409).
  expect(onlyEffect(create, "vipps_create").body).not.toHaveProperty("receipt");
  const reference = h.reference();
  h.send({ type: "create_result", saleId: "S1", reference, result: { ok: true, value: {} } });
  const snapshot = {
    state: "AUTHORIZED" as const,
    authorizedAmount: 30000,
    capturedAmount: 0,
    cancelledAmount: 0,
    refundedAmount: 0,
  };
  h.send({ type: "poll_result", saleId: "S1", reference, result: { ok: true, value: snapshot } });
  expect(h.sale().phase.kind).toBe("held");
  return reference;
}

/** … → the final basket (245.50) → capture → Vipps captured it. */
function capturedSmaller(h: TillHarness) {
  const reference = held(h);
  expect(h.send({ type: "basket", basket: FINAL }).acceptance).toEqual({ ok: true });
  const capture = h.send({ type: "capture", saleId: "S1", total: FINAL.total });
  expect(effectsOf(capture, "vipps_order_receipt")).toEqual([]);
  const done = h.send({
    type: "capture_result",
    saleId: "S1",
    reference,
    result: { ok: true, value: { capturedAmount: FINAL.total } },
  });
  return { reference, done };
}

describe("the app's receipt of a hold", () => {
  it("a simple sale still sends its receipt with the create, and never to Order Management", () => {
    const h = new TillHarness();
    const create = h.startPayment();
    expect(onlyEffect(create, "vipps_create").body.receipt).toEqual(appReceiptOf(h.sale(), SETTINGS));
    const done = h.captured();
    expect(effectsOf(done, "vipps_order_receipt")).toEqual([]);
    expect(h.sale().orderReceipt).toBeUndefined();
  });

  it("after the capture: the final basket's lines, the sale's VAT and the captured total, journalled with the sale", () => {
    const h = new TillHarness();
    const { reference, done } = capturedSmaller(h);
    const sale = h.sale();
    const effect = onlyEffect(done, "vipps_order_receipt");
    expect(effect).toEqual({
      type: "vipps_order_receipt",
      saleId: "S1",
      reference,
      receipt: appReceiptOf(sale, SETTINGS),
      paid: { currency: "NOK", value: 24550 },
    });
    // The same order lines as a simple sale's create: one computation of every amount.
    expect(effect.receipt.orderLines).toEqual(orderLinesOf(sale));
    expect(effect.receipt.orderLines.map((l) => [l.id, l.totalAmount, l.totalTaxAmount])).toEqual([
      ["fuel", 22995, sale.vat.lines[0]],
      ["wash", 1555, sale.vat.lines[1]],
    ]);
    expect(effect.receipt.orderLines.reduce((sum, l) => sum + l.totalAmount, 0)).toBe(24550);
    expect(effect.receipt.bottomLine).toEqual({ currency: "NOK", posId: "kasse1", receiptNumber: "000001" });
    // In the transition that ends the sale (journalled before its effects start).
    expect(done.changed).toEqual(["S1"]);
    expect(sale.orderReceipt).toEqual({ reference, receipt: effect.receipt, paid: 24550 });
    // The register, the paper receipt and the back office do not wait for it.
    expect(onlyEffect(done, "notify_register").update).toMatchObject({ state: "captured", final: true });
    expect(onlyEffect(done, "print_receipt")).toMatchObject({ kind: "sale" });
  });

  it("is resumed after a restart until Vipps answers, and then no more", () => {
    const h = new TillHarness();
    const { reference } = capturedSmaller(h);
    const sale = h.sale();
    expect(needsResume(sale)).toBe(true);
    expect(resumeEffects(sale, { includeReceipts: false })).toContainEqual(
      expect.objectContaining({ type: "vipps_order_receipt", reference }),
    );
    const answered = h.send({
      type: "order_receipt_result",
      saleId: "S1",
      reference,
      result: { ok: true, value: undefined },
    });
    expect(answered.changed).toEqual(["S1"]);
    expect(h.sale().orderReceipt).toBeUndefined();
    expect(resumeEffects(h.sale(), { includeReceipts: true }).map((e) => e.type)).not.toContain(
      "vipps_order_receipt",
    );
  });

  it("no answer: asked again after the retry delay, the same receipt for the same reference", () => {
    const h = new TillHarness();
    const { reference, done } = capturedSmaller(h);
    const first = onlyEffect(done, "vipps_order_receipt");
    const t = h.send({ type: "order_receipt_result", saleId: "S1", reference, result: UNAVAILABLE });
    expect(t.changed).toEqual([]);
    expect(onlyEffect(t, "schedule")).toMatchObject({ timer: "retry", delayMs: SETTINGS.retryDelayMs });
    h.advance(SETTINGS.retryDelayMs);
    const retry = h.send({ type: "timer", saleId: "S1", reference, timer: "retry" });
    expect(onlyEffect(retry, "vipps_order_receipt")).toEqual(first);
  });

  it("409 (already there: ours, from an answer that was lost) is done; 400 and 404 end it without holding up the sale", () => {
    for (const status of [409, 400, 404]) {
      const h = new TillHarness();
      const { reference } = capturedSmaller(h);
      const t = h.send({
        type: "order_receipt_result",
        saleId: "S1",
        reference,
        result: REFUSED("", status),
      });
      expect(t.effects).toEqual([]);
      expect(h.sale().orderReceipt).toBeUndefined();
      expect(h.sale().phase).toMatchObject({ kind: "final", outcome: { state: "captured" } });
    }
  });

  it("an answer for another reference changes nothing", () => {
    const h = new TillHarness();
    capturedSmaller(h);
    const t = h.send({
      type: "order_receipt_result",
      saleId: "S1",
      reference: "kasse1-other-1",
      result: { ok: true, value: undefined },
    });
    expect(t.changed).toEqual([]);
    expect(h.sale().orderReceipt).toBeDefined();
  });

  it("a released hold gets no receipt", () => {
    const h = new TillHarness();
    const reference = held(h);
    h.send({ type: "release", saleId: "S1" });
    const snapshot = {
      state: "AUTHORIZED" as const,
      authorizedAmount: 30000,
      capturedAmount: 0,
      cancelledAmount: 30000,
      refundedAmount: 0,
    };
    const done = h.send({
      type: "cancel_result",
      saleId: "S1",
      reference,
      transactionOnly: false,
      result: { ok: true, value: snapshot },
    });
    expect(h.sale().phase).toMatchObject({ kind: "final", outcome: { state: "cancelled" } });
    expect(effectsOf(done, "vipps_order_receipt")).toEqual([]);
    expect(h.sale().orderReceipt).toBeUndefined();
  });
});
