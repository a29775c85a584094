import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { payAtAnotherTill } from "../../demo/another-till.js";
import { startSystem, type RunningSystem } from "../../demo/system.js";
import { createReferenceRegister, type ReferenceRegister } from "../../sim/register/reference-register.js";
import { startMosquitto, type MosquittoBroker } from "../helpers/mosquitto.js";
import { createPtyPair, type PtyPair } from "../helpers/pty-pair.js";
import { tempDir } from "../helpers/temp-dir.js";
import { startAgentProcess, type AgentProcess } from "./agent-process.js";
import { newBasket } from "./harness.js";

/**
 * Item 4 of issue 20 over the real parts — the daemon (dist bundle), a pty cable, the reference
 * register, mosquitto and the Vipps simulator over HTTP: a sale paid before the Pi was replaced
 * (its journal gone) is refunded by naming its Vipps reference, and a kill -9 after the refund
 * request left (its answer lost) still refunds it exactly once. And a payment another till of
 * the same merchant took over the ePayment API is refunded here in parts, one that is too old or
 * another merchant's is refused without a refund.
 */
describe("end to end: a refund of a payment this till's journal does not know", () => {
  let dir: ReturnType<typeof tempDir>;
  let broker: MosquittoBroker;
  let cable: PtyPair;
  let system: RunningSystem;
  let register: ReferenceRegister;
  let agent: AgentProcess | undefined;
  let helloExchanges = 0;

  beforeAll(async () => {
    dir = tempDir("pos-refund-elsewhere-");
    broker = await startMosquitto({ saveOnEveryChange: true });
    cable = await createPtyPair({ a: join(dir.path, "agent-tty"), b: join(dir.path, "register-tty") });
    system = await startSystem({
      directory: dir.path,
      brokerUrl: broker.url,
      mqttProtocol: 5,
      registerPath: cable.a,
      config: {
        register: { heartbeatIntervalMs: 1_000, reopenMinMs: 100, reopenMaxMs: 1_000 },
        vipps: { maxRetries: 10 },
      },
    });
    register = createReferenceRegister({
      path: cable.b,
      heartbeatIntervalMs: 1_000,
      reopenMinMs: 100,
      reopenMaxMs: 1_000,
    });
    register.link.onStateChange((state) => {
      if (state === "up") helloExchanges++;
    });
    register.start();
  }, 60_000);

  afterAll(async () => {
    system?.sim.control.clearFaults();
    await agent?.stop();
    await register?.stop();
    await system?.stop();
    await cable?.close();
    await broker?.cleanup();
    dir?.cleanup();
  });

  const start = async (): Promise<void> => {
    const before = helloExchanges;
    agent = startAgentProcess(system.configFile, join(dir.path, "agent.log"));
    await vi.waitFor(() => expect(helloExchanges).toBeGreaterThan(before), { timeout: 20_000 });
  };
  const paymentOf = (reference: string | undefined) =>
    system.sim.control.payments().find((p) => p.reference === reference);
  const refundRequests = () => system.sim.control.requests().filter((r) => r.endpoint === "epayment.refund");

  it("looks it up at Vipps, refunds once across a kill -9, and refuses an unknown reference and too much", async () => {
    // A sale paid on the old Pi…
    await start();
    const basket = newBasket();
    await register.sell(basket);
    await register.pay(basket.saleId);
    system.sim.control.scan({ msisdn: "4792000007", qrContent: system.qrContent });
    const paid = await register.waitForSale(basket.saleId, (m) => m.state === "captured", 20_000);
    const reference = paid.reference!;
    // …which is then replaced: a new SD card, no journal.
    await agent?.crash();
    rmSync(system.loaded.config.storage.directory, { recursive: true, force: true });
    await start();

    expect(await register.status(basket.saleId)).toMatchObject({ refused: { code: "UNKNOWN_SALE" } });
    // More than was captured: Vipps' figures refuse it, nothing is refunded.
    expect(await register.refund("R-1", "R-1-1", basket.total + 1, reference)).toEqual({ acked: true });
    expect(await register.waitForSale("R-1", undefined, 20_000)).toMatchObject({
      state: "failed",
      final: true,
      reason: "REFUND_TOO_LARGE",
      refundId: "R-1-1",
    });
    // A reference Vipps does not know for this merchant.
    expect(await register.refund("R-2", "R-2-1", 100, "kasse9-nosuchpay-1")).toEqual({ acked: true });
    expect(await register.waitForSale("R-2", undefined, 20_000)).toMatchObject({
      state: "failed",
      reason: "REFERENCE_UNKNOWN",
    });
    expect(refundRequests()).toHaveLength(0);

    // The refund reaches Vipps but its answer is lost; the daemon is killed before it hears it.
    system.sim.control.addFault({ endpoint: "epayment.refund", drop: "after" });
    expect(await register.refund("R-3", "R-3-1", 1000, reference)).toEqual({ acked: true });
    await vi.waitFor(() => expect(refundRequests().some((r) => r.status === "dropped")).toBe(true), {
      timeout: 20_000,
      interval: 5,
    });
    expect(paymentOf(reference)?.refunded).toBe(1000);
    await agent?.crash();
    system.sim.control.clearFaults();

    await start();
    const final = await register.waitForSale("R-3", (m) => m.state === "refunded", 30_000);
    expect(final).toMatchObject({
      final: true,
      reference,
      capturedAmount: basket.total,
      refundedAmount: 1000,
      refundId: "R-3-1",
    });
    const payment = paymentOf(reference);
    expect(payment?.refunded).toBe(1000);
    expect(payment?.events.filter((e) => e.name === "REFUNDED" && e.success !== false)).toHaveLength(1);
  }, 120_000);

  it("refunds another till's payment in two parts, refuses a third, one over 365 days old and another merchant's", async () => {
    if (agent === undefined) await start();
    const [unit, otherMerchant] = system.sim.salesUnits;
    const totalsNow = async () => {
      const answer = await register.totals();
      if (!("totals" in answer)) throw new Error(`totals refused: ${JSON.stringify(answer)}`);
      return answer.totals.refunds;
    };
    const before = await totalsNow();
    const refunds = refundRequests().length;

    // Till kasse2 of the same merchant sold it; the customer brings it back here.
    const reference = await payAtAnotherTill(system.sim, unit!, {
      tillId: "kasse2",
      amount: 10_000,
      msisdn: "4792000008",
    });
    expect(await register.refund("E-1", "E-1-1", 4_000, reference)).toEqual({ acked: true });
    expect(await register.waitForSale("E-1", (m) => m.final && m.refundId === "E-1-1", 20_000)).toMatchObject(
      { state: "refunded", reference, capturedAmount: 10_000, refundedAmount: 4_000 },
    );
    // The rest, on the same saleId (§7.11); another saleId for the same payment is refused.
    expect(await register.refund("E-9", "E-9-1", 1_000, reference)).toMatchObject({
      refused: { code: "BAD_FIELD" },
    });
    expect(await register.refund("E-1", "E-1-2", 6_000, reference)).toEqual({ acked: true });
    expect(await register.waitForSale("E-1", (m) => m.final && m.refundId === "E-1-2", 20_000)).toMatchObject(
      { state: "refunded", capturedAmount: 10_000, refundedAmount: 10_000 },
    );
    // Nothing is left: refused before anything reaches Vipps (docs/register-protocol.md §6).
    expect(await register.refund("E-1", "E-1-3", 1, reference)).toMatchObject({
      refused: { code: "REFUND_TOO_LARGE" },
    });
    expect(paymentOf(reference)).toMatchObject({ captured: 10_000, refunded: 10_000 });

    // Captured 366 days ago at kasse2: Vipps no longer refunds it.
    const old = await payAtAnotherTill(system.sim, unit!, {
      tillId: "kasse2",
      amount: 5_000,
      msisdn: "4792000008",
    });
    system.sim.control.agePayment(old, { days: 366 });
    expect(await register.refund("E-2", "E-2-1", 100, old)).toEqual({ acked: true });
    expect(await register.waitForSale("E-2", undefined, 20_000)).toMatchObject({
      state: "failed",
      reason: "REFUND_TOO_OLD",
    });

    // Another merchant's payment (another sales unit at Vipps): 404 here, REFERENCE_UNKNOWN.
    const foreign = await payAtAnotherTill(system.sim, otherMerchant!, {
      tillId: "kasse1",
      amount: 5_000,
      msisdn: "4792000008",
    });
    expect(await register.refund("E-3", "E-3-1", 100, foreign)).toEqual({ acked: true });
    expect(await register.waitForSale("E-3", undefined, 20_000)).toMatchObject({
      state: "failed",
      reason: "REFERENCE_UNKNOWN",
    });
    const lookups = system.sim.control
      .requests()
      .filter((r) => r.endpoint === "epayment.get" && r.reference === foreign);
    expect(lookups.map((r) => r.status)).toContain(404);

    // Vipps refunded exactly the two parts; the till journalled exactly those as refunds.
    expect(paymentOf(old)?.refunded).toBe(0);
    expect(system.sim.control.payment(foreign, otherMerchant!.msn).refunded).toBe(0);
    expect(refundRequests().length - refunds).toBe(2);
    const after = await totalsNow();
    expect({ count: after.count - before.count, total: after.total - before.total }).toEqual({
      count: 2,
      total: 10_000,
    });
  }, 120_000);
});
