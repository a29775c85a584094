import { describe, expect, it } from "vitest";
import { resumeEffects } from "./resume.js";
import { basket, effectsOf, line, onlyEffect, SETTINGS, TillHarness, tokenOf } from "./testing/harness.js";

const LOOKUP = { ...SETTINGS, loyalty: "lookup" as const };
const ENROLL = { ...SETTINGS, loyalty: "enroll" as const };

function scanned(h: TillHarness, token = "tok"): ReturnType<TillHarness["send"]> {
  h.send({ type: "basket", basket: basket() });
  h.send({ type: "pay", saleId: "S1", total: 4900 });
  return h.send({ type: "checkin", checkIn: { customerToken: token, initiatedAt: h.now } });
}

describe("loyalty: identify after the scan", () => {
  it("off: the scan goes straight to the payment request", () => {
    const h = new TillHarness();
    expect(effectsOf(scanned(h), "vipps_create")).toHaveLength(1);
  });

  it("lookup: exchange and look up first, with a deadline for the token", () => {
    const h = new TillHarness(LOOKUP);
    const t = scanned(h, "tok-9");
    expect(onlyEffect(t, "loyalty_identify")).toEqual({
      type: "loyalty_identify",
      saleId: "S1",
      customerToken: "tok-9",
    });
    expect(onlyEffect(t, "schedule")).toMatchObject({
      timer: "token_deadline",
      delayMs: SETTINGS.checkinMaxAgeMs - 30_000,
    });
    expect(effectsOf(t, "vipps_create")).toEqual([]);
    expect(onlyEffect(t, "notify_register").update.state).toBe("customer_identified");
  });

  it("a member: the register is told with the member, may send member prices, then pay at the new total", () => {
    const h = new TillHarness(LOOKUP);
    scanned(h);
    const found = h.send({
      type: "loyalty_identified",
      saleId: "S1",
      result: { kind: "member", member: { id: "M-1", tier: "gold" } },
    });
    expect(onlyEffect(found, "notify_register").update).toMatchObject({
      state: "customer_identified",
      member: { id: "M-1", tier: "gold" },
    });
    expect(onlyEffect(found, "schedule")).toMatchObject({ timer: "loyalty", delayMs: 15_000 });
    const member = basket("S1", [line({ total: 4000, unitPrice: 2000 })]);
    expect(h.send({ type: "basket", basket: member }).acceptance).toEqual({ ok: true });
    expect(h.send({ type: "pay", saleId: "S1", total: 4900 }).acceptance).toMatchObject({
      ok: false,
      code: "BASKET_TOTAL_MISMATCH",
    });
    const pay = h.send({ type: "pay", saleId: "S1", total: 4000 });
    expect(onlyEffect(pay, "vipps_create").body.amount.value).toBe(4000);
    // The member prices' VAT, not the first basket's: the app receipt and the paper say 8,00 of 40,00.
    expect(h.sale().vat.rates).toEqual([{ rate: 2500, gross: 4000, net: 3200, vat: 800 }]);
    expect(onlyEffect(pay, "vipps_create").body.receipt?.orderLines).toMatchObject([
      { totalAmount: 4000, totalAmountExcludingTax: 3200, totalTaxAmount: 800 },
    ]);
    expect(h.send({ type: "basket", basket: member }).acceptance).toMatchObject({
      ok: false,
      code: "SALE_LOCKED",
    });
  });

  it("a member whose register sends nothing: the window closes and the original basket is paid", () => {
    const h = new TillHarness(LOOKUP);
    scanned(h);
    h.send({ type: "loyalty_identified", saleId: "S1", result: { kind: "member", member: { id: "M-1" } } });
    const t = h.advance(15_000).send({ type: "timer", saleId: "S1", reference: "", timer: "loyalty" });
    expect(onlyEffect(t, "vipps_create").body.amount.value).toBe(4900);
    expect(onlyEffect(t, "notify_register").update.member).toEqual({ id: "M-1" });
  });

  it("not a member with lookup only, or the backend unavailable: pay without loyalty", () => {
    for (const result of [
      { kind: "not_member" as const, candidate: "c1" },
      { kind: "unavailable" as const },
    ]) {
      const h = new TillHarness(LOOKUP);
      scanned(h);
      const t = h.send({ type: "loyalty_identified", saleId: "S1", result });
      expect(effectsOf(t, "vipps_create")).toHaveLength(1);
      expect(effectsOf(t, "loyalty_enroll")).toEqual([]);
    }
  });
});

describe("loyalty: enrollment through Vipps Login", () => {
  it("not a member → enroll (binding message on the display) → member → payment", () => {
    const h = new TillHarness({ ...ENROLL, memberBasketWindowMs: 0 });
    scanned(h);
    const t = h.send({
      type: "loyalty_identified",
      saleId: "S1",
      result: { kind: "not_member", candidate: "cand-1" },
    });
    expect(onlyEffect(t, "loyalty_enroll")).toEqual({
      type: "loyalty_enroll",
      saleId: "S1",
      candidate: "cand-1",
    });
    h.send({ type: "loyalty_binding", saleId: "S1", bindingMessage: "4MZ-CQ3" });
    expect(h.sale().phase).toMatchObject({ kind: "enrolling", bindingMessage: "4MZ-CQ3" });
    const done = h.send({ type: "loyalty_enrolled", saleId: "S1", member: { id: "M-new" } });
    expect(tokenOf(onlyEffect(done, "vipps_create").body)).toBe("tok");
    expect(onlyEffect(done, "notify_register").update.member).toEqual({ id: "M-new" });
  });

  it("declined, expired or an old app: pay without enrolling", () => {
    const h = new TillHarness(ENROLL);
    scanned(h);
    h.send({ type: "loyalty_identified", saleId: "S1", result: { kind: "not_member", candidate: "c" } });
    const t = h.send({ type: "loyalty_enrolled", saleId: "S1" });
    expect(effectsOf(t, "vipps_create")).toHaveLength(1);
    expect(h.sale().member).toBeUndefined();
  });

  it("a login that outlasts the token: the login is aborted and the customer asked to scan again; the sale stays", () => {
    const h = new TillHarness(ENROLL);
    scanned(h);
    h.send({ type: "loyalty_identified", saleId: "S1", result: { kind: "not_member", candidate: "c" } });
    const t = h
      .advance(SETTINGS.checkinMaxAgeMs - 30_000)
      .send({ type: "timer", saleId: "S1", reference: "", timer: "token_deadline" });
    expect(onlyEffect(t, "loyalty_abort").saleId).toBe("S1");
    expect(h.sale().phase).toEqual({ kind: "awaiting_customer", since: h.now, tokenExpired: true });
    expect(onlyEffect(t, "notify_register").update).toMatchObject({
      state: "waiting_for_customer",
      reason: "TOKEN_EXPIRED",
      final: false,
    });
    // A late answer from the login changes nothing; a new scan starts over.
    expect(h.send({ type: "loyalty_enrolled", saleId: "S1", member: { id: "M" } }).effects).toEqual([]);
    const again = h.send({ type: "checkin", checkIn: { customerToken: "tok-2", initiatedAt: h.now } });
    expect(onlyEffect(again, "loyalty_identify").customerToken).toBe("tok-2");
  });

  it("the cashier cancels during the login: cancelled, login aborted, nothing sent to ePayment", () => {
    const h = new TillHarness(ENROLL);
    scanned(h);
    h.send({ type: "loyalty_identified", saleId: "S1", result: { kind: "not_member", candidate: "c" } });
    const t = h.send({ type: "cancel", saleId: "S1" });
    expect(t.acceptance).toEqual({ ok: true });
    expect(effectsOf(t, "loyalty_abort")).toHaveLength(1);
    expect(onlyEffect(t, "notify_register").update).toMatchObject({ state: "cancelled", final: true });
    expect(effectsOf(t, "vipps_cancel")).toEqual([]);
  });

  it("after a restart: identify again; a member window or a login gives way to the payment", () => {
    const h = new TillHarness(ENROLL);
    scanned(h);
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual([
      { type: "loyalty_identify", saleId: "S1", customerToken: "tok" },
    ]);
    h.send({ type: "loyalty_identified", saleId: "S1", result: { kind: "not_member", candidate: "c" } });
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual([
      { type: "schedule", saleId: "S1", reference: "", timer: "loyalty", delayMs: 0 },
    ]);
    const t = h.send({ type: "timer", saleId: "S1", reference: "", timer: "loyalty" });
    expect(effectsOf(t, "loyalty_abort")).toHaveLength(1);
    expect(effectsOf(t, "vipps_create")).toHaveLength(1);
  });
});
