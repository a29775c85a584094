import { describe, expect, it } from "vitest";
import type { PaymentSnapshot } from "./io.js";
import { CAPTURE_GUARANTEE_DAYS, HOLD_ACTION_MARGIN_MS } from "./hold.js";
import {
  authorized,
  basket,
  effectsOf,
  line,
  onlyEffect,
  REFUSED,
  SETTINGS,
  T0,
  TillHarness,
} from "./testing/harness.js";

/** Item 3 of issue 20: hold now (authorize only), capture later with the final amount, or release. */

const DAY = 86_400_000;
const AUTH_AT = T0 + 1_000;

function snapshot(over: Partial<PaymentSnapshot> = {}): PaymentSnapshot {
  return {
    state: "AUTHORIZED",
    authorizedAmount: 4900,
    capturedAmount: 0,
    cancelledAmount: 0,
    refundedAmount: 0,
    pspReference: "psp-auth",
    ...over,
  };
}

/** basket → pay with hold → scan → created → Vipps says AUTHORIZED (a GET). */
function held(h: TillHarness, saleId = "S1", over: Partial<PaymentSnapshot> = {}) {
  h.send({ type: "basket", basket: basket(saleId) });
  expect(h.send({ type: "pay", saleId, total: 4900, hold: true }).acceptance).toEqual({ ok: true });
  h.advance(1_000);
  h.send({ type: "checkin", checkIn: { customerToken: "tok-1", initiatedAt: h.now - 500 } });
  const reference = h.reference(saleId);
  h.send({ type: "create_result", saleId, reference, result: { ok: true, value: {} } });
  return h.send({ type: "poll_result", saleId, reference, result: { ok: true, value: snapshot(over) } });
}

describe("hold now, capture later", () => {
  it("an authorized hold is not captured: the register hears held with the amount and the deadline, and the till is free", () => {
    const h = new TillHarness();
    const t = held(h);
    expect(effectsOf(t, "vipps_capture")).toEqual([]);
    expect(onlyEffect(t, "notify_register").update).toMatchObject({
      state: "held",
      final: false,
      amount: 4900,
      authorizedAmount: 4900,
      holdUntil: new Date(AUTH_AT + 180 * DAY).toISOString(),
    });
    expect(h.till.activeSaleId).toBeUndefined();
    // The next customer can pay while the hold waits.
    h.send({ type: "basket", basket: basket("S2") });
    expect(h.send({ type: "pay", saleId: "S2", total: 4900 }).acceptance).toEqual({ ok: true });
  });

  it("Vipps' captureGuaranteedUntil wins over the market's period; Denmark and Finland get 14 days", () => {
    const h = new TillHarness();
    const until = AUTH_AT + 3 * DAY;
    held(h, "S1", { captureGuaranteedUntil: until });
    expect(h.sale().hold?.until).toBe(until);

    const dk = new TillHarness({ ...SETTINGS, currency: "DKK" });
    dk.send({ type: "basket", basket: { ...basket("S1"), currency: "DKK" } });
    dk.send({ type: "pay", saleId: "S1", total: 4900, hold: true });
    dk.advance(1_000);
    dk.send({ type: "checkin", checkIn: { customerToken: "tok-1", initiatedAt: dk.now - 500 } });
    const reference = dk.reference();
    dk.send({ type: "create_result", saleId: "S1", reference, result: { ok: true, value: {} } });
    dk.send({ type: "poll_result", saleId: "S1", reference, result: { ok: true, value: snapshot() } });
    expect(dk.sale().hold?.until).toBe(AUTH_AT + CAPTURE_GUARANTEE_DAYS.DKK * DAY);
    expect(CAPTURE_GUARANTEE_DAYS.EUR).toBe(14);
  });

  it("an AUTHORIZED webhook for a hold is checked with Vipps before the register hears held", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket() });
    h.send({ type: "pay", saleId: "S1", total: 4900, hold: true });
    h.advance(1_000);
    h.send({ type: "checkin", checkIn: { customerToken: "tok-1", initiatedAt: h.now - 500 } });
    const reference = h.reference();
    h.send({ type: "create_result", saleId: "S1", reference, result: { ok: true, value: {} } });
    const t = h.send(authorized(reference));
    expect(t.changed).toEqual([]);
    expect(onlyEffect(t, "vipps_get")).toMatchObject({ reference, confirmsEvent: true });
    expect(h.sale().phase.kind).toBe("requested");
    // Vipps says it is still CREATED: a forged event changed nothing.
    const answer = h.send({
      type: "poll_result",
      saleId: "S1",
      reference,
      result: { ok: true, value: snapshot({ state: "CREATED", authorizedAmount: 0 }) },
      confirmsEvent: true,
    });
    expect(answer.changed).toEqual([]);
    expect(h.sale().phase.kind).toBe("requested");
  });

  it("capture of the full amount captures once, finishes captured and prints the receipt; nothing is left to release", () => {
    const h = new TillHarness();
    held(h);
    const reference = h.reference();
    const t = h.send({ type: "capture", saleId: "S1", total: 4900 });
    expect(t.acceptance).toEqual({ ok: true });
    expect(onlyEffect(t, "vipps_capture")).toMatchObject({
      reference,
      idempotencyKey: `${reference}-capture`,
      amount: { currency: "NOK", value: 4900 },
    });
    // A second capture while the first is in flight is refused: exactly one capture.
    expect(h.send({ type: "capture", saleId: "S1", total: 4900 }).acceptance).toMatchObject({
      code: "NOT_HELD",
    });
    const done = h.send({
      type: "capture_result",
      saleId: "S1",
      reference,
      result: { ok: true, value: { capturedAmount: 4900, pspReference: "psp-cap" } },
    });
    expect(onlyEffect(done, "notify_register").update).toMatchObject({
      state: "captured",
      capturedAmount: 4900,
    });
    expect(onlyEffect(done, "print_receipt")).toMatchObject({ saleId: "S1", kind: "sale" });
    expect(effectsOf(done, "vipps_cancel")).toEqual([]);
    expect(h.send({ type: "capture", saleId: "S1", total: 4900 }).acceptance).toMatchObject({
      code: "NOT_HELD",
    });
  });

  it("a lower final amount: the final basket, then capture of it; the rest is released in the background", () => {
    const h = new TillHarness();
    held(h);
    const reference = h.reference();
    const final = basket("S1", [line({ quantity: "1", total: 2450 })]);
    expect(h.send({ type: "capture", saleId: "S1", total: 2450 }).acceptance).toMatchObject({
      code: "BASKET_TOTAL_MISMATCH",
    });
    expect(h.send({ type: "basket", basket: final }).acceptance).toEqual({ ok: true });
    expect(h.sale().vat.lines.length).toBeGreaterThan(0);
    const t = h.send({ type: "capture", saleId: "S1", total: 2450 });
    expect(onlyEffect(t, "vipps_capture").amount.value).toBe(2450);
    // While capturing, the basket is locked.
    expect(h.send({ type: "basket", basket: basket("S1") }).acceptance).toMatchObject({
      code: "SALE_LOCKED",
    });
    const done = h.send({
      type: "capture_result",
      saleId: "S1",
      reference,
      result: { ok: true, value: { capturedAmount: 2450 } },
    });
    expect(onlyEffect(done, "notify_register").update).toMatchObject({
      state: "captured",
      capturedAmount: 2450,
    });
    expect(onlyEffect(done, "vipps_cancel")).toMatchObject({
      reference,
      idempotencyKey: `${reference}-release`,
      transactionOnly: false,
      cleanup: true,
    });
    expect(h.sale().cleanup).toEqual({ reference });
  });

  it("refuses more than was authorized, capture of a sale not held, and of one never held", () => {
    const h = new TillHarness();
    held(h);
    expect(h.send({ type: "capture", saleId: "S1", total: 4901 }).acceptance).toMatchObject({
      code: "HOLD_EXCEEDED",
    });
    const bigger = basket("S1", [line({ quantity: "3", total: 7350 })]);
    expect(h.send({ type: "basket", basket: bigger }).acceptance).toMatchObject({ code: "HOLD_EXCEEDED" });
    expect(h.sale().basket.total).toBe(4900);
    expect(h.send({ type: "capture", saleId: "NOPE", total: 100 }).acceptance).toMatchObject({
      code: "UNKNOWN_SALE",
    });
    expect(h.send({ type: "release", saleId: "NOPE" }).acceptance).toMatchObject({ code: "UNKNOWN_SALE" });

    const plain = new TillHarness();
    plain.captured();
    expect(plain.send({ type: "capture", saleId: "S1", total: 4900 }).acceptance).toMatchObject({
      code: "NOT_HELD",
    });
    expect(plain.send({ type: "release", saleId: "S1" }).acceptance).toMatchObject({ code: "NOT_HELD" });

    const waiting = new TillHarness();
    waiting.send({ type: "basket", basket: basket() });
    waiting.send({ type: "pay", saleId: "S1", total: 4900, hold: true });
    expect(waiting.send({ type: "capture", saleId: "S1", total: 4900 }).acceptance).toMatchObject({
      code: "NOT_HELD",
    });
    // A held amount is all Vipps': no split tender with it.
    const split = new TillHarness();
    split.send({ type: "basket", basket: basket() });
    expect(
      split.send({
        type: "pay",
        saleId: "S1",
        total: 4900,
        hold: true,
        tenders: [{ kind: "cash", amount: 900 }],
      }).acceptance,
    ).toMatchObject({ code: "BAD_FIELD" });
    expect(split.sale().phase.kind).toBe("open");
    // A repeated pay may not turn the hold into a sale.
    expect(waiting.send({ type: "pay", saleId: "S1", total: 4900 }).acceptance).toMatchObject({
      code: "SALE_LOCKED",
    });
  });

  it("release (or cancel) gives all the money back and ends cancelled; then it is no longer held", () => {
    for (const command of ["release", "cancel"] as const) {
      const h = new TillHarness();
      held(h);
      const reference = h.reference();
      const t = h.send({ type: command, saleId: "S1" });
      expect(t.acceptance).toEqual({ ok: true });
      expect(onlyEffect(t, "vipps_cancel")).toMatchObject({
        reference,
        idempotencyKey: `${reference}-release`,
        transactionOnly: false,
      });
      const done = h.send({
        type: "cancel_result",
        saleId: "S1",
        reference,
        transactionOnly: false,
        result: { ok: true, value: snapshot({ cancelledAmount: 4900 }) },
      });
      expect(onlyEffect(done, "notify_register").update).toMatchObject({ state: "cancelled", final: true });
      expect(effectsOf(done, "print_receipt")).toEqual([]);
      expect(h.send({ type: "release", saleId: "S1" }).acceptance).toMatchObject({ code: "NOT_HELD" });
    }
  });

  it("a capture Vipps refuses for good releases the hold and fails CAPTURE_FAILED", () => {
    const h = new TillHarness();
    held(h);
    const reference = h.reference();
    h.send({ type: "capture", saleId: "S1", total: 4900 });
    const t = h.send({ type: "capture_result", saleId: "S1", reference, result: REFUSED("6070") });
    expect(onlyEffect(t, "vipps_cancel").transactionOnly).toBe(false);
  });

  it("warns once before the deadline, then releases at it (the default)", () => {
    const h = new TillHarness();
    held(h, "S1", { captureGuaranteedUntil: AUTH_AT + 10 * DAY });
    const actAt = AUTH_AT + 10 * DAY - HOLD_ACTION_MARGIN_MS;
    h.now = actAt - SETTINGS.holdWarnMs - 1;
    expect(h.send({ type: "hold_deadline", saleIds: ["S1"] }).changed).toEqual([]);
    h.now += 1;
    const warn = h.send({ type: "hold_deadline", saleIds: ["S1"] });
    expect(onlyEffect(warn, "notify_register").update).toMatchObject({
      state: "held",
      reason: "HOLD_EXPIRING",
    });
    expect(h.send({ type: "hold_deadline", saleIds: ["S1"] }).changed).toEqual([]);
    h.now = actAt;
    const act = h.send({ type: "hold_deadline", saleIds: ["S1"] });
    expect(onlyEffect(act, "vipps_cancel").transactionOnly).toBe(false);
    expect(effectsOf(act, "vipps_capture")).toEqual([]);
  });

  it("with holdDeadlineAction capture, captures the held basket at the deadline", () => {
    const h = new TillHarness({ ...SETTINGS, holdDeadlineAction: "capture" });
    held(h, "S1", { captureGuaranteedUntil: AUTH_AT + DAY });
    h.now = AUTH_AT + DAY;
    const act = h.send({ type: "hold_deadline", saleIds: ["S1", "unknown"] });
    expect(onlyEffect(act, "vipps_capture").amount.value).toBe(4900);
    expect(act.changed).toEqual(["S1"]);
  });
});
