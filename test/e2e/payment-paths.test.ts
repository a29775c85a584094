import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { vi } from "vitest";
import { newBasket, scan, startE2E, type E2E } from "./harness.js";

/** Every way a payment can go, end to end over real parts (issue 6 "every other path"). */
describe("end to end: payment paths", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ system: { simulator: { customerTokenTtlMs: 4_000, paymentExpiryMs: 3_000 } } });
  }, 60_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  const payment = (reference: string | undefined) =>
    e2e.system.sim.control.payments().find((p) => p.reference === reference);

  it("scan before pay: the held token is used when the cashier asks for payment", async () => {
    const basket = newBasket();
    await e2e.register.sell(basket);
    scan(e2e, "4790000001");
    await vi.waitFor(() => expect(e2e.agent.runner.state.held).toBeDefined(), { timeout: 10_000 });
    await e2e.register.pay(basket.saleId);
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 20_000);
    expect(final).toMatchObject({ state: "captured", capturedAmount: basket.total });
    expect(payment(final.reference)?.customerMsisdn).toBe("4790000001");
  });

  it("the customer declines in the app: failed ABORTED, nothing captured", async () => {
    e2e.system.sim.control.setCustomer("4790000002", { payment: { action: "decline", afterMs: 300 } });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4790000002");
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 20_000);
    expect(final).toMatchObject({ state: "failed", reason: "ABORTED", final: true });
    expect(payment(final.reference)?.captured).toBe(0);
  });

  it("the customer never answers: failed EXPIRED when Vipps expires the request", async () => {
    e2e.system.sim.control.setCustomer("4790000003", { payment: { action: "ignore" } });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4790000003");
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 20_000);
    expect(final).toMatchObject({ state: "failed", reason: "EXPIRED" });
  });

  it("the cashier cancels while the customer is approving: the request is withdrawn, cancelled", async () => {
    e2e.system.sim.control.setCustomer("4790000004", { payment: { action: "ignore" } });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4790000004");
    const requested = await e2e.register.waitForSale(
      basket.saleId,
      (m) => m.state === "payment_requested",
      20_000,
    );
    expect(await e2e.register.cancel(basket.saleId)).toEqual({ acked: true });
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 20_000);
    expect(final).toMatchObject({ state: "cancelled", final: true });
    expect(payment(requested.reference)?.state).toBe("TERMINATED");
  });

  it("the customer approved just before the cashier cancelled (6060): the money is released, cancelled", async () => {
    e2e.system.sim.control.setCustomer("4790000005", { payment: { action: "ignore" } });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4790000005");
    const requested = await e2e.register.waitForSale(
      basket.saleId,
      (m) => m.state === "payment_requested",
      20_000,
    );
    // The approval's webhook is held back, so the agent only learns of it from the cancel's 6060.
    // (Deliveries are in order per registration: keep the delay short so later events are not stuck.)
    e2e.system.sim.control.setWebhookFaults({ delayMs: 2_000 });
    e2e.system.sim.control.approvePayment(requested.reference ?? "");
    await e2e.register.cancel(basket.saleId);
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 20_000);
    e2e.system.sim.control.setWebhookFaults({});
    expect(final).toMatchObject({ state: "cancelled" });
    const p = payment(requested.reference);
    expect(p).toMatchObject({ state: "AUTHORIZED", captured: 0, cancelled: basket.total });
    await vi.waitFor(() => expect(e2e.system.sim.control.deliveries({ state: "pending" })).toEqual([]), {
      timeout: 10_000,
    });
  });

  it("a scan whose token Vipps no longer accepts: the customer is asked to scan again, then pays", async () => {
    const basket = newBasket();
    await e2e.register.sell(basket);
    scan(e2e, "4790000006");
    await vi.waitFor(() => expect(e2e.agent.runner.state.held).toBeDefined(), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 4_500)); // the simulator's tokens live 4 s here
    await e2e.register.pay(basket.saleId);
    const again = await e2e.register.waitForSale(basket.saleId, (m) => m.reason === "TOKEN_EXPIRED", 20_000);
    expect(again).toMatchObject({ state: "waiting_for_customer", final: false });
    scan(e2e, "4790000006");
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 20_000);
    expect(final).toMatchObject({ state: "captured" });
  });

  it("a second scan while a payment is pending does not disturb it", async () => {
    e2e.system.sim.control.setCustomer("4790000007", { payment: { action: "approve", afterMs: 1_500 } });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4790000007");
    await e2e.register.waitForSale(basket.saleId, (m) => m.state === "payment_requested", 20_000);
    scan(e2e, "4790000008");
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 20_000);
    expect(final).toMatchObject({ state: "captured" });
    expect(payment(final.reference)?.customerMsisdn).toBe("4790000007");
    expect(e2e.system.sim.control.payments().filter((p) => p.customerMsisdn === "4790000008")).toEqual([]);
  });

  it("capture failing for a while (503s): retried with the same key, captured exactly once", async () => {
    e2e.system.sim.control.addFault({
      endpoint: "epayment.capture",
      status: 503,
      times: 2,
      retryAfterSeconds: 0,
    });
    e2e.system.sim.control.addFault({ endpoint: "epayment.capture", drop: "after", times: 1 });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4790000009");
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 30_000);
    expect(final).toMatchObject({ state: "captured", capturedAmount: basket.total });
    const p = payment(final.reference);
    expect(p?.captured).toBe(basket.total);
    expect(p?.events.filter((e) => e.name === "CAPTURED")).toHaveLength(1);
  });

  it("Vipps unreachable when the payment is requested: failed VIPPS_UNAVAILABLE, nothing left capturable", async () => {
    e2e.system.sim.control.setCustomer("4790000010", { payment: { action: "ignore" } });
    const fault = e2e.system.sim.control.addFault({ endpoint: "epayment.create", drop: "before" });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4790000010");
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 60_000);
    expect(final).toMatchObject({ state: "failed", reason: "VIPPS_UNAVAILABLE" });
    e2e.system.sim.control.removeFault(fault);
    // The agent cannot know the request never arrived: in the background it asks Vipps to cancel
    // that reference (404 here: there is nothing to cancel) so it could never be paid.
    await vi.waitFor(
      () =>
        expect(
          e2e.system.sim.control
            .requests()
            .some((r) => r.endpoint === "epayment.cancel" && r.reference === final.reference),
        ).toBe(true),
      { timeout: 30_000 },
    );
    expect(payment(final.reference)).toBeUndefined();
  }, 90_000);

  it("the create answer is lost but the customer approves: the webhook carries the sale to captured", async () => {
    e2e.system.sim.control.setCustomer("4790000012", { payment: { action: "approve", afterMs: 200 } });
    const fault = e2e.system.sim.control.addFault({ endpoint: "epayment.create", drop: "after" });
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4790000012");
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 60_000);
    e2e.system.sim.control.removeFault(fault);
    expect(final).toMatchObject({ state: "captured", capturedAmount: basket.total });
    expect(payment(final.reference)?.captured).toBe(basket.total);
  });

  it("a refund from the register: refunded, with the refunded amount", async () => {
    const basket = newBasket();
    await e2e.register.sell(basket);
    await e2e.register.pay(basket.saleId);
    scan(e2e, "4790000011");
    const captured = await e2e.register.waitForSale(basket.saleId, undefined, 20_000);
    expect(await e2e.register.refund(basket.saleId, "R1", 1000)).toEqual({ acked: true });
    const refunded = await e2e.register.waitForSale(basket.saleId, (m) => m.state === "refunded", 20_000);
    expect(refunded).toMatchObject({
      final: true,
      capturedAmount: basket.total,
      refundedAmount: 1000,
      refundId: "R1",
    });
    expect(payment(captured.reference)?.refunded).toBe(1000);
    expect(await e2e.register.refund(basket.saleId, "R2", basket.total)).toMatchObject({
      refused: { code: "REFUND_TOO_LARGE" },
    });
  });
});
