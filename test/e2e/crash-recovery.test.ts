import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { checkInsDelivered as delivered, startCrashRig, type CrashRig } from "./crash-rig.js";
import { newBasket } from "./harness.js";

/**
 * kill -9 of the real daemon at each dangerous step of a sale, then a restart on the same
 * journal. Each time: the money is captured exactly once (or released), the register ends up
 * with the state Vipps' aggregate shows, and the receipt is printed once (a reprint says COPY).
 * The crash points are reached from outside — faults in the simulator, a pulled cable, a
 * printer that does not answer — so the agent's code knows nothing about these tests.
 */
describe("crash recovery: kill -9 at each journal step", () => {
  let rig: CrashRig;
  beforeAll(async () => {
    rig = await startCrashRig({ prefix: "pos-crash-" });
  }, 60_000);
  afterEach(async () => {
    await rig.reset();
  });
  afterAll(async () => {
    await rig?.close();
  });

  const checkInsDelivered = (): number => delivered(rig.logFile);

  it("after a scan before pay was acknowledged to the broker, before pay: the scan pays after the restart", async () => {
    await rig.start();
    const basket = newBasket();
    await rig.register.sell(basket);
    rig.system.sim.control.setCustomer("4792000005", { payment: { action: "approve", afterMs: 500 } });
    const before = checkInsDelivered();
    rig.system.sim.control.scan({ msisdn: "4792000005", qrContent: rig.system.qrContent });
    // The check-in is journalled and acknowledged (the broker will not deliver it again)…
    await vi.waitFor(() => expect(checkInsDelivered()).toBeGreaterThan(before), {
      timeout: 20_000,
      interval: 5,
    });
    await rig.agent?.crash(); // …and the agent dies before the cashier presses pay.

    await rig.start();
    await rig.register.pay(basket.saleId);
    const final = await rig.register.waitForSale(basket.saleId, undefined, 30_000);
    rig.assertCapturedOnce(final.reference, basket.total, final);
    expect(rig.paymentOf(final.reference)?.customerMsisdn).toBe("4792000005");
  });

  it("after the create request left but before its answer was stored", async () => {
    await rig.start();
    rig.system.sim.control.addFault({ endpoint: "epayment.create", drop: "after" });
    const basket = newBasket();
    await rig.register.sell(basket);
    await rig.register.pay(basket.saleId);
    rig.system.sim.control.setCustomer("4792000001", { payment: { action: "approve", afterMs: 4_000 } });
    rig.system.sim.control.scan({ msisdn: "4792000001", qrContent: rig.system.qrContent });
    await vi.waitFor(
      () =>
        expect(
          rig.requestsFor("epayment.create").filter((r) => r.status === "dropped").length,
        ).toBeGreaterThan(0),
      { timeout: 20_000, interval: 5 },
    );
    await rig.agent?.crash();
    rig.system.sim.control.clearFaults();

    await rig.start();
    const final = await rig.register.waitForSale(basket.saleId, undefined, 30_000);
    rig.assertCapturedOnce(final.reference, basket.total, final);
    // The restart re-sent the create with the same key; Vipps holds one payment for the sale.
    const creates = rig.requestsFor("epayment.create").filter((r) => r.reference === final.reference);
    expect(new Set(creates.map((r) => r.idempotencyKey))).toEqual(new Set([`${final.reference}-create`]));
    expect(
      rig.system.sim.control.payments().filter((p) => p.metadata?.saleId === basket.saleId),
    ).toHaveLength(1);
    await vi.waitFor(() => expect(rig.receiptsFor(final.reference ?? "?")).toHaveLength(1), {
      timeout: 20_000,
    });
  });

  it("after authorization, before the capture", async () => {
    await rig.start();
    rig.system.sim.control.addFault({ endpoint: "epayment.capture", drop: "before" });
    const basket = newBasket();
    await rig.register.sell(basket);
    await rig.register.pay(basket.saleId);
    rig.system.sim.control.scan({ msisdn: "4792000002", qrContent: rig.system.qrContent });
    const reference = (
      await rig.register.waitForSale(basket.saleId, (m) => m.state === "payment_requested", 20_000)
    ).reference;
    await vi.waitFor(
      () =>
        expect(
          rig.requestsFor("epayment.capture").filter((r) => r.status === "dropped").length,
        ).toBeGreaterThan(0),
      { timeout: 20_000, interval: 5 },
    );
    expect(rig.paymentOf(reference)).toMatchObject({ state: "AUTHORIZED", captured: 0 });
    await rig.agent?.crash();
    rig.system.sim.control.clearFaults();

    await rig.start();
    const final = await rig.register.waitForSale(basket.saleId, undefined, 30_000);
    expect(final.reference).toBe(reference);
    rig.assertCapturedOnce(reference, basket.total, final);
  });

  it("after the capture, before the register was told", async () => {
    await rig.start();
    const basket = newBasket();
    await rig.register.sell(basket);
    await rig.register.pay(basket.saleId);
    rig.system.sim.control.setCustomer("4792000003", { payment: { action: "approve", afterMs: 1_500 } });
    rig.system.sim.control.scan({ msisdn: "4792000003", qrContent: rig.system.qrContent });
    const requested = await rig.register.waitForSale(
      basket.saleId,
      (m) => m.state === "payment_requested",
      20_000,
    );
    await rig.cable.unplug();
    await vi.waitFor(() => expect(rig.paymentOf(requested.reference)?.captured).toBe(basket.total), {
      timeout: 20_000,
    });
    await rig.agent?.crash();

    rig.spawn();
    await rig.cable.replug();
    const final = await rig.register.waitForSale(basket.saleId, undefined, 30_000);
    rig.assertCapturedOnce(requested.reference, basket.total, final);
  });

  it("while printing: the receipt comes out once, marked COPY", async () => {
    await rig.start();
    rig.printer.state = "silent"; // takes the connection, never answers the status query
    const sessionsBefore = rig.printer.sessions.length;
    const basket = newBasket();
    await rig.register.sell(basket);
    await rig.register.pay(basket.saleId);
    rig.system.sim.control.scan({ msisdn: "4792000004", qrContent: rig.system.qrContent });
    const final = await rig.register.waitForSale(basket.saleId, undefined, 20_000);
    await vi.waitFor(() => expect(rig.printer.sessions.length).toBeGreaterThan(sessionsBefore), {
      timeout: 20_000,
      interval: 5,
    });
    await rig.agent?.crash();
    rig.printer.state = "online";

    await rig.start();
    await vi.waitFor(() => expect(rig.receiptsFor(final.reference ?? "?")).toHaveLength(1), {
      timeout: 30_000,
    });
    expect(rig.receiptsFor(final.reference ?? "?")[0]).toContain("COPY");
    const receipt = await rig.register.waitForReceipt(basket.saleId, 20_000);
    expect(receipt).toMatchObject({ printed: true, copy: true });
    rig.assertCapturedOnce(final.reference, basket.total, final);
  }, 90_000);
});
