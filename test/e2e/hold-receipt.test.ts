import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Basket } from "../../drivers/register/index.js";
import { RECEIPT_TEXTS } from "../../drivers/printer/receipt-texts.js";
import { formatAmount } from "../../lib/locale/index.js";
import { startCrashRig, type CrashRig } from "./crash-rig.js";
import { newBasket } from "./harness.js";

/**
 * What the customer's app shows for a hold (docs/register-protocol.md §7.13): the hold is created
 * with no receipt, and once the register's smaller final basket is captured, exactly that basket
 * reaches the app through Order Management — also when the daemon is killed (kill -9) after the
 * capture and before the receipt got through. Real parts: the daemon process, mosquitto, a pty
 * for the register cable, a TCP printer, the Vipps simulator over loopback HTTP.
 */
describe("hold now, capture later: the app shows the captured basket", () => {
  let rig: CrashRig;
  beforeAll(async () => {
    rig = await startCrashRig({ prefix: "pos-hold-receipt-" });
  }, 60_000);
  afterEach(() => rig.reset());
  afterAll(() => rig?.close());

  /** 300.00 held: basket → pay with hold → the customer scans and approves → held. */
  const hold = async (msisdn: string): Promise<{ basket: Basket; reference: string }> => {
    const basket = newBasket(30_000);
    expect(await rig.register.sell(basket)).toEqual({ acked: true });
    expect(await rig.register.payHold(basket.saleId)).toEqual({ acked: true });
    rig.system.sim.control.setCustomer(msisdn, { payment: { action: "approve", afterMs: 500 } });
    rig.system.sim.control.scan({ msisdn, qrContent: rig.system.qrContent });
    const held = await rig.register.waitForSale(basket.saleId, (m) => m.state === "held", 30_000);
    const reference = held.reference ?? "?";
    // Nothing in the app yet: the hold's create carried no receipt.
    expect(rig.system.sim.control.order(reference).receipt).toBeUndefined();
    return { basket, reference };
  };

  /** The final basket: 10.5 litres and a car wash, 245.50. */
  const finalBasket = (saleId: string): Basket => ({
    saleId,
    currency: "NOK",
    total: 24_550,
    lines: [
      {
        id: "7040000201",
        name: "Blyfri 95",
        quantity: "10.5",
        unitPrice: 2190,
        total: 22_995,
        vatRate: 2500,
        unit: "LITRE",
      },
      { id: "vask-1", name: "Bilvask", quantity: "1", unitPrice: 1555, total: 1555, vatRate: 2500 },
    ],
  });

  interface AppReceipt {
    orderLines: { id: string; name: string; totalAmount: number; unitInfo?: { quantity: string } }[];
    bottomLine: { currency: string };
  }
  const appReceipt = (reference: string): AppReceipt | undefined =>
    rig.system.sim.control.order(reference).receipt as AppReceipt | undefined;
  const receiptPosts = (reference: string) => rig.requestsFor("order-management.receipt.add", reference);

  /** The app's receipt is the final basket, line for line, and its total is the paper receipt's. */
  const expectAppShowsFinal = (reference: string, final: Basket): void => {
    const receipt = appReceipt(reference);
    expect(rig.system.sim.control.order(reference).source).toBe("order-management");
    expect(receipt?.orderLines.map((l) => [l.id, l.name, l.unitInfo?.quantity, l.totalAmount])).toEqual(
      final.lines.map((l) => [l.id, l.name, l.quantity, l.total]),
    );
    const appTotal = receipt?.orderLines.reduce((sum, l) => sum + l.totalAmount, 0) ?? -1;
    expect(appTotal).toBe(24_550);
    expect(rig.paymentOf(reference)?.captured).toBe(appTotal);
    const language = rig.system.loaded.config.display.language;
    const [paper] = rig.receiptsFor(reference);
    const printed = new RegExp(`^${RECEIPT_TEXTS[language].total} +(.+?) *$`, "m").exec(paper ?? "")?.[1];
    expect(printed).toBe(formatAmount({ value: appTotal, currency: "NOK" }, language));
  };

  it("hold 300.00, capture 245.50 with a smaller basket: the app's receipt has exactly the final lines and the paper's total", async () => {
    await rig.start();
    const { basket, reference } = await hold("4792000021");
    const final = finalBasket(basket.saleId);
    expect(await rig.register.sell(final)).toEqual({ acked: true });
    expect(await rig.register.capture(basket.saleId, final.total)).toEqual({ acked: true });
    const done = await rig.register.waitForSale(basket.saleId, undefined, 30_000);
    expect(done).toMatchObject({ state: "captured", capturedAmount: 24_550, reference });
    await vi.waitFor(() => expect(appReceipt(reference)).toBeDefined(), { timeout: 20_000 });
    await vi.waitFor(() => expect(rig.receiptsFor(reference)).toHaveLength(1), { timeout: 20_000 });
    expectAppShowsFinal(reference, final);
    expect(receiptPosts(reference).map((r) => r.status)).toEqual([201]);
  }, 120_000);

  it("kill -9 after the capture, before the receipt got through: after the restart it is sent once", async () => {
    await rig.start();
    const { basket, reference } = await hold("4792000022");
    const final = finalBasket(basket.saleId);
    expect(await rig.register.sell(final)).toEqual({ acked: true });
    const receiptDropped = rig.dropRequests("order-management.receipt.add", "before");
    expect(await rig.register.capture(basket.saleId, final.total)).toEqual({ acked: true });
    await rig.register.waitForSale(basket.saleId, undefined, 30_000);
    await receiptDropped();
    await rig.agent?.crash();
    rig.system.sim.control.clearFaults();
    expect(appReceipt(reference)).toBeUndefined();

    await rig.start();
    await vi.waitFor(() => expect(appReceipt(reference)).toBeDefined(), { timeout: 30_000 });
    await vi.waitFor(() => expect(rig.receiptsFor(reference).length).toBeGreaterThan(0), { timeout: 20_000 });
    expectAppShowsFinal(reference, final);
    // Every attempt before the crash was dropped before Vipps acted; after it, exactly one got through.
    const posts = receiptPosts(reference).map((r) => r.status);
    expect(posts.filter((s) => s !== "dropped")).toEqual([201]);
    expect(posts.slice(0, -1).every((s) => s === "dropped")).toBe(true);
    // The money is as before: captured once, the rest released.
    expect(rig.paymentOf(reference)?.events.filter((e) => e.name === "CAPTURED")).toHaveLength(1);
    await vi.waitFor(() => expect(rig.paymentOf(reference)?.cancelled).toBe(30_000 - 24_550), {
      timeout: 30_000,
    });
  }, 120_000);
});
