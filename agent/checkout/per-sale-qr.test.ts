import { describe, expect, it } from "vitest";
import type { PaymentSnapshot } from "./io.js";
import { authorized, basket, effectsOf, onlyEffect, REFUSED, TillHarness } from "./testing/harness.js";

const URL = "https://landing.vipps.no/?token=abc123";

function snapshot(state: PaymentSnapshot["state"], authorizedAmount = 0): PaymentSnapshot {
  return { state, authorizedAmount, capturedAmount: 0, cancelledAmount: 0, refundedAmount: 0 };
}

/** basket → pay while check-ins cannot reach the till → the per-sale QR is created. */
function perSaleRequested(h: TillHarness, url = URL) {
  h.send({ type: "basket", basket: basket() });
  const pay = h.send({ type: "pay", saleId: "S1", total: 4900, identification: "per-sale" });
  const create = onlyEffect(pay, "vipps_create");
  const done = h.send({
    type: "create_result",
    saleId: "S1",
    reference: create.reference,
    result: { ok: true, value: { redirectUrl: url } },
  });
  return { pay, create, done };
}

describe("per-sale QR", () => {
  it("creates a QR payment with TEXT/TARGETURL and no customer, and keeps the URL Vipps answered", () => {
    const h = new TillHarness();
    const { pay, create } = perSaleRequested(h);
    expect(pay.acceptance).toEqual({ ok: true });
    expect(create.body.userFlow).toBe("QR");
    expect(create.body.qrFormat).toEqual({ format: "TEXT/TARGETURL" });
    expect(create.body.customer).toBeUndefined();
    expect(create.body.customerInteraction).toBe("CUSTOMER_PRESENT");
    const phase = h.sale().phase;
    expect(phase.kind).toBe("requested");
    expect(phase.kind === "requested" && phase.attempt.qrUrl).toBe(URL);
  });

  it("with callback identification, pay waits for a scan of the till's QR as before", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket() });
    const pay = h.send({ type: "pay", saleId: "S1", total: 4900, identification: "callback" });
    expect(effectsOf(pay, "vipps_create")).toEqual([]);
    expect(h.sale().phase.kind).toBe("awaiting_customer");
  });

  it("drops a late check-in while the per-sale payment is live: never two payments for one sale", () => {
    const h = new TillHarness();
    perSaleRequested(h);
    h.advance(1_000);
    const late = h.send({ type: "checkin", checkIn: { customerToken: "late", initiatedAt: h.now - 500 } });
    expect(late.effects).toEqual([]);
    expect(late.changed).toEqual([]);
    expect(h.till.held).toBeUndefined();
  });

  it("a link that comes back does not disturb it; a link that goes switches a sale still waiting", () => {
    const h = new TillHarness();
    perSaleRequested(h);
    expect(h.send({ type: "identification", identification: "callback" }).changed).toEqual([]);

    const w = new TillHarness();
    w.send({ type: "basket", basket: basket() });
    w.send({ type: "pay", saleId: "S1", total: 4900, identification: "callback" });
    const switched = w.send({ type: "identification", identification: "per-sale" });
    expect(onlyEffect(switched, "vipps_create").body.userFlow).toBe("QR");
  });

  it("a create answer without a usable URL is never shown: the payment is withdrawn in the background", () => {
    for (const url of [undefined, "http://insecure.example/x", "https://a b"]) {
      const h = new TillHarness();
      h.send({ type: "basket", basket: basket() });
      const create = onlyEffect(
        h.send({ type: "pay", saleId: "S1", total: 4900, identification: "per-sale" }),
        "vipps_create",
      );
      h.send({
        type: "create_result",
        saleId: "S1",
        reference: create.reference,
        result: { ok: true, value: url === undefined ? {} : { redirectUrl: url } },
      });
      const phase = h.sale().phase;
      expect(phase.kind === "final" && phase.outcome).toMatchObject({
        state: "failed",
        reason: "VIPPS_UNAVAILABLE",
      });
      expect(h.sale().cleanup?.reference).toBe(create.reference);
    }
  });

  it("expired unscanned: the sale waits with QR_EXPIRED, and the cashier's pay makes a new QR", () => {
    const h = new TillHarness();
    const { create } = perSaleRequested(h);
    const expired = h.send({
      type: "poll_result",
      saleId: "S1",
      reference: create.reference,
      result: { ok: true, value: snapshot("EXPIRED") },
    });
    expect(h.sale().phase.kind).toBe("awaiting_customer");
    expect(onlyEffect(expired, "notify_register").update).toMatchObject({
      state: "waiting_for_customer",
      reason: "QR_EXPIRED",
    });
    const again = h.send({ type: "pay", saleId: "S1", total: 4900, identification: "per-sale" });
    const second = onlyEffect(again, "vipps_create");
    expect(second.reference).not.toBe(create.reference);
    expect(second.reference.endsWith("-2")).toBe(true);
  });

  it("renewal withdraws the live QR first and makes the new one only when Vipps confirms", () => {
    const h = new TillHarness();
    const { create } = perSaleRequested(h);
    const renew = h.send({ type: "pay", saleId: "S1", total: 4900, identification: "per-sale" });
    expect(renew.acceptance).toEqual({ ok: true });
    expect(effectsOf(renew, "vipps_create")).toEqual([]);
    expect(onlyEffect(renew, "vipps_cancel")).toMatchObject({
      reference: create.reference,
      transactionOnly: true,
    });
    const withdrawn = h.send({
      type: "cancel_result",
      saleId: "S1",
      reference: create.reference,
      transactionOnly: true,
      result: { ok: true, value: snapshot("TERMINATED") },
    });
    expect(onlyEffect(withdrawn, "vipps_create").body.userFlow).toBe("QR");
  });

  it("renewal racing the customer's approval (6060) captures the approved payment: it can only be this basket's", () => {
    const h = new TillHarness();
    const { create } = perSaleRequested(h);
    h.send({ type: "pay", saleId: "S1", total: 4900, identification: "per-sale" });
    const raced = h.send({
      type: "cancel_result",
      saleId: "S1",
      reference: create.reference,
      transactionOnly: true,
      result: REFUSED("6060"),
    });
    expect(effectsOf(raced, "vipps_create")).toEqual([]);
    expect(onlyEffect(raced, "vipps_capture").reference).toBe(create.reference);
  });

  it("the cashier's cancel during a renewal ends the sale: no new QR", () => {
    const h = new TillHarness();
    const { create } = perSaleRequested(h);
    h.send({ type: "pay", saleId: "S1", total: 4900, identification: "per-sale" });
    expect(h.send({ type: "cancel", saleId: "S1" }).acceptance).toEqual({ ok: true });
    const t = h.send({
      type: "cancel_result",
      saleId: "S1",
      reference: create.reference,
      transactionOnly: true,
      result: { ok: true, value: snapshot("TERMINATED") },
    });
    expect(effectsOf(t, "vipps_create")).toEqual([]);
    const phase = h.sale().phase;
    expect(phase.kind === "final" && phase.outcome.state).toBe("cancelled");
  });

  it("approved by webhook: captured as any payment", () => {
    const h = new TillHarness();
    const { create } = perSaleRequested(h);
    expect(onlyEffect(h.send(authorized(create.reference)), "vipps_capture").amount.value).toBe(4900);
  });
});

describe("pay naming the customer", () => {
  it("a personal QR the register scanned is sent unchanged as customer.personalQr, pushed at once", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket() });
    const qr = "https://qr.vipps.no/28/2/01/031/4791234567?v=1";
    const t = h.send({ type: "pay", saleId: "S1", total: 4900, customer: { personalQr: qr } });
    const create = onlyEffect(t, "vipps_create");
    expect(create.body.customer).toEqual({ personalQr: qr });
    expect(create.body.userFlow).toBe("PUSH_MESSAGE");
    expect(h.till.activeSaleId).toBe("S1");
  });

  it("a typed number goes as customer.phoneNumber, also for a sale already waiting for a scan", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket() });
    h.send({ type: "pay", saleId: "S1", total: 4900 });
    const t = h.send({ type: "pay", saleId: "S1", total: 4900, customer: { phoneNumber: "4791234567" } });
    expect(onlyEffect(t, "vipps_create").body.customer).toEqual({ phoneNumber: "4791234567" });
  });

  it("is refused with PAYMENT_IN_PROGRESS while the sale has a payment request, changing nothing", () => {
    const h = new TillHarness();
    perSaleRequested(h);
    const before = h.till;
    const t = h.send({ type: "pay", saleId: "S1", total: 4900, customer: { phoneNumber: "4791234567" } });
    expect(t.acceptance).toMatchObject({ ok: false, code: "PAYMENT_IN_PROGRESS" });
    expect(t.effects).toEqual([]);
    expect(h.till).toBe(before);
  });

  it("a scan held for the basket is not used when the register names the customer", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket() });
    h.advance(1_000);
    h.send({ type: "checkin", checkIn: { customerToken: "held", initiatedAt: h.now - 100 } });
    expect(h.till.held).toBeDefined();
    const t = h.send({ type: "pay", saleId: "S1", total: 4900, customer: { phoneNumber: "4791234567" } });
    expect(onlyEffect(t, "vipps_create").body.customer).toEqual({ phoneNumber: "4791234567" });
    expect(h.till.held).toBeUndefined();
  });
});
