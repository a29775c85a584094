import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { newBasket, scan, startE2E, type E2E } from "./harness.js";

describe("end to end: a sale over real parts", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  }, 60_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it("fetches the access token at start, so the first customer does not wait for it", async () => {
    const tokenRequests = (): number =>
      e2e.system.sim.control.requests().filter((r) => r.endpoint === "accesstoken" && r.status === 200)
        .length;
    const before = tokenRequests();
    let hellos = 0;
    const off = e2e.register.link.onStateChange((state) => {
      if (state === "up") hellos++;
    });
    await e2e.restartAgent();
    await vi.waitFor(() => expect(tokenRequests()).toBe(before + 1), { timeout: 5_000, interval: 50 });
    expect(e2e.system.sim.control.requests().some((r) => r.endpoint.startsWith("epayment"))).toBe(false);
    // The next test sells at once: the register must have greeted the new agent first.
    await vi.waitFor(() => expect(hellos).toBeGreaterThan(0), { timeout: 10_000 });
    off();
  });

  it("basket → pay → scan → push → approve → capture → register told captured", async () => {
    const basket = newBasket();
    expect(await e2e.register.sell(basket)).toEqual({ acked: true });
    expect(await e2e.register.pay(basket.saleId)).toEqual({ acked: true });
    scan(e2e);
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 20_000);
    expect(final).toMatchObject({ state: "captured", final: true, amount: 6150, capturedAmount: 6150 });

    const payment = e2e.system.sim.control.payments().find((p) => p.reference === final.reference);
    expect(payment?.captured).toBe(6150);
    // Exactly two ePayment calls when the webhook arrives in time: create and capture.
    const calls = e2e.system.sim.control
      .requests()
      .filter((r) => r.reference === final.reference && r.endpoint.startsWith("epayment"));
    expect(calls.map((r) => r.endpoint)).toEqual(["epayment.create", "epayment.capture"]);
  });
});
