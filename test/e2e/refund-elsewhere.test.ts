import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
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
 * request left (its answer lost) still refunds it exactly once.
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
});
