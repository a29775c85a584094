import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { redirectUrlOf } from "../../sim/vipps/epayment/redirect-url.js";
import { newBasket, scan, startE2E, type E2E } from "./harness.js";

/**
 * Issue 15 over the real parts (simulator over HTTP, a real mosquitto, the bridge, the agent,
 * the reference register on a pty): the till keeps selling when check-ins cannot reach it.
 */
describe("end to end: selling while the cloud is down", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  }, 60_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  const identification = (): string => e2e.agent.identification().current;
  const createsFor = (reference: string): number =>
    e2e.system.sim.control
      .requests()
      .filter((r) => r.reference === reference && r.endpoint === "epayment.create").length;

  it("the bridge stopped mid-day: the next sale is paid by per-sale QR, a late scan of the till's QR makes no second payment, and after the bridge returns the till's QR is back", async () => {
    await vi.waitFor(() => expect(identification()).toBe("callback"), { timeout: 15_000 });
    const creates = () => e2e.system.sim.control.requests().filter((r) => r.endpoint === "epayment.create");
    const before = creates().length;

    // The bridge stops; its heartbeat says offline and the till switches within moments.
    await e2e.system.stopBridge();
    await vi.waitFor(() => expect(identification()).toBe("per-sale"), { timeout: 10_000 });
    expect(e2e.agent.identification().reason).toMatch(/no bridge is online/);

    const basket = newBasket();
    expect(await e2e.register.sell(basket)).toEqual({ acked: true });
    expect(await e2e.register.pay(basket.saleId)).toEqual({ acked: true });
    const perSale = await vi.waitFor(
      () => {
        const found = e2e.system.sim.control
          .payments()
          .find((p) => p.userFlow === "QR" && p.state === "CREATED");
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 10_000 },
    );

    // The bridge comes back while the per-sale payment is live, and the customer also scans
    // the till's own QR: the check-in reaches the till and is dropped.
    await e2e.system.startBridge();
    await vi.waitFor(() => expect(identification()).toBe("callback"), { timeout: 10_000 });
    const delivered = e2e.agent.mqtt.counters().delivered;
    scan(e2e, "4712345678");
    await vi.waitFor(() => expect(e2e.agent.mqtt.counters().delivered).toBeGreaterThan(delivered), {
      timeout: 10_000,
    });

    // The customer scans the per-sale QR the display shows (the URL Vipps answered the create with).
    const url = redirectUrlOf(perSale);
    expect(url).toMatch(/^https:\/\//);
    e2e.system.sim.control.scanPaymentQr({ qrContent: url!, msisdn: "4791234567" });
    const paid = await e2e.register.waitForSale(basket.saleId, undefined, 30_000);
    expect(paid).toMatchObject({
      state: "captured",
      capturedAmount: basket.total,
      reference: perSale.reference,
    });
    // One payment for the sale: one create, the per-sale one.
    expect(creates().length - before).toBe(1);
    expect(createsFor(perSale.reference)).toBe(1);

    // The next sale, with the bridge back: the till's own QR and a push to the scanning customer.
    const next = newBasket();
    expect(await e2e.register.sell(next)).toEqual({ acked: true });
    expect(await e2e.register.pay(next.saleId)).toEqual({ acked: true });
    scan(e2e, "4712345678");
    const final = await e2e.register.waitForSale(next.saleId, undefined, 30_000);
    expect(final).toMatchObject({ state: "captured", capturedAmount: next.total });
    const pushed = e2e.system.sim.control.payments().find((p) => p.reference === final.reference);
    expect(pushed?.userFlow).toBe("PUSH_MESSAGE");
  });

  it("a typed number: a valid Norwegian one is pushed to, a foreign or malformed one is refused before Vipps", async () => {
    await vi.waitFor(() => expect(identification()).toBe("callback"), { timeout: 15_000 });
    const basket = newBasket();
    expect(await e2e.register.sell(basket)).toEqual({ acked: true });
    const creates = (): number =>
      e2e.system.sim.control.requests().filter((r) => r.endpoint === "epayment.create").length;
    const before = creates();
    // Sent unchecked (the reference register would refuse them itself): the agent's refusal.
    const pay = (phoneNumber: string) =>
      e2e.register.sendRaw({
        type: "pay",
        saleId: basket.saleId,
        total: basket.total,
        customer: { phoneNumber },
      });
    expect(await pay("4612345678")).toMatchObject({ refused: { code: "PHONE_NOT_SUPPORTED" } });
    expect(await pay("47 12ab")).toMatchObject({ refused: { code: "BAD_PHONE_NUMBER" } });
    expect(creates()).toBe(before);

    expect(
      await e2e.register.pay(basket.saleId, undefined, undefined, { phoneNumber: "4791234567" }),
    ).toEqual({
      acked: true,
    });
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 30_000);
    expect(final).toMatchObject({ state: "captured", capturedAmount: basket.total });
    const payment = e2e.system.sim.control.payments().find((p) => p.reference === final.reference);
    expect(payment).toMatchObject({ customerMsisdn: "4791234567", userFlow: "PUSH_MESSAGE" });
  });

  it("a merchant scan: the personal QR the register's scanner read names the customer", async () => {
    const basket = newBasket();
    expect(await e2e.register.sell(basket)).toEqual({ acked: true });
    expect(
      await e2e.register.pay(basket.saleId, undefined, undefined, {
        personalQr: "https://qr.vipps.no/p/4798765432",
      }),
    ).toEqual({
      acked: true,
    });
    const final = await e2e.register.waitForSale(basket.saleId, undefined, 30_000);
    expect(final).toMatchObject({ state: "captured", capturedAmount: basket.total });
    const payment = e2e.system.sim.control.payments().find((p) => p.reference === final.reference);
    expect(payment?.customerMsisdn).toBe("4798765432");
  });
});

describe("end to end: the broker out of reach", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E({ mqttProxy: true });
  }, 60_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it("the till's link to the broker is down: the sale is paid by per-sale QR, polled, and the link's return changes nothing", async () => {
    const identification = (): string => e2e.agent.identification().current;
    await vi.waitFor(() => expect(identification()).toBe("callback"), { timeout: 15_000 });
    const proxy = e2e.mqttProxy!;
    proxy.refusing = true;
    await vi.waitFor(() => expect(identification()).toBe("per-sale"), { timeout: 10_000 });
    expect(e2e.agent.identification().reason).toMatch(/MQTT link is down/);

    const basket = newBasket();
    expect(await e2e.register.sell(basket)).toEqual({ acked: true });
    expect(await e2e.register.pay(basket.saleId)).toEqual({ acked: true });
    const perSale = await vi.waitFor(
      () => {
        const found = e2e.system.sim.control
          .payments()
          .find((p) => p.userFlow === "QR" && p.state === "CREATED");
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 10_000 },
    );
    e2e.system.sim.control.scanPaymentQr({ qrContent: redirectUrlOf(perSale)!, msisdn: "4791234567" });
    // No webhook can reach the till: it learns of the approval by polling, then captures.
    const paid = await e2e.register.waitForSale(basket.saleId, undefined, 30_000);
    expect(paid).toMatchObject({
      state: "captured",
      capturedAmount: basket.total,
      reference: perSale.reference,
    });

    proxy.refusing = false;
    await vi.waitFor(() => expect(identification()).toBe("callback"), { timeout: 30_000 });
    const next = newBasket();
    expect(await e2e.register.sell(next)).toEqual({ acked: true });
    expect(await e2e.register.pay(next.saleId)).toEqual({ acked: true });
    scan(e2e, "4712345678");
    expect(await e2e.register.waitForSale(next.saleId, undefined, 30_000)).toMatchObject({
      state: "captured",
    });
  });
});
