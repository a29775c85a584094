import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startSystem, type RunningSystem } from "../../demo/system.js";
import { createReferenceRegister, type ReferenceRegister } from "../../sim/register/reference-register.js";
import { decodeEscPos } from "../helpers/escpos-decode.js";
import { startTcpTestPrinter, type TcpTestPrinter } from "../helpers/escpos-test-printer.js";
import { startMosquitto, type MosquittoBroker } from "../helpers/mosquitto.js";
import { createPtyPair, type PtyPair } from "../helpers/pty-pair.js";
import { tempDir } from "../helpers/temp-dir.js";
import { startAgentProcess, type AgentProcess } from "./agent-process.js";
import { newBasket } from "./harness.js";

/**
 * kill -9 of the real daemon at each dangerous step of a sale, then a restart on the same
 * journal. Each time: the money is captured exactly once (or released), the register ends up
 * with the state Vipps' aggregate shows, and the receipt is printed once (a reprint says COPY).
 * The crash points are reached from outside — faults in the simulator, a pulled cable, a
 * printer that does not answer — so the agent's code knows nothing about these tests.
 */
describe("crash recovery: kill -9 at each journal step", () => {
  let dir: ReturnType<typeof tempDir>;
  let broker: MosquittoBroker;
  let cable: PtyPair;
  let printer: TcpTestPrinter;
  let system: RunningSystem;
  let register: ReferenceRegister;
  let agent: AgentProcess | undefined;
  /** Completed hello exchanges seen by the register: a new agent process makes a new one. */
  let helloExchanges = 0;
  const logFile = (): string => join(dir.path, "agent.log");

  beforeAll(async () => {
    dir = tempDir("pos-crash-");
    broker = await startMosquitto({ saveOnEveryChange: true });
    cable = await createPtyPair({ a: join(dir.path, "agent-tty"), b: join(dir.path, "register-tty") });
    printer = await startTcpTestPrinter("online");
    system = await startSystem({
      directory: dir.path,
      brokerUrl: broker.url,
      mqttProtocol: 5,
      registerPath: cable.a,
      config: {
        register: { heartbeatIntervalMs: 1_000, reopenMinMs: 100, reopenMaxMs: 1_000 },
        printer: { uri: `tcp://127.0.0.1:${printer.port}`, statusTimeoutMs: 8_000, retryIntervalMs: 1_000 },
        vipps: { maxRetries: 10 },
        log: { level: "debug" },
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

  afterEach(async () => {
    system.sim.control.clearFaults();
    await agent?.stop();
    agent = undefined;
    printer.state = "online";
  });

  afterAll(async () => {
    await register?.stop();
    await system?.stop();
    await cable?.close();
    await printer?.close();
    await broker?.cleanup();
    dir?.cleanup();
  });

  /** Starts the daemon and waits until it and the register have said hello to each other. */
  const start = async (): Promise<void> => {
    const before = helloExchanges;
    agent = startAgentProcess(system.configFile, logFile());
    await vi.waitFor(() => expect(helloExchanges).toBeGreaterThan(before), { timeout: 20_000 });
  };
  const requestsFor = (endpoint: string, reference?: string) =>
    system.sim.control
      .requests()
      .filter((r) => r.endpoint === endpoint && (reference === undefined || r.reference === reference));
  const paymentOf = (reference: string | undefined) =>
    system.sim.control.payments().find((p) => p.reference === reference);
  const receiptsFor = (reference: string): string[] =>
    printer.sessions.map((s) => decodeEscPos(s).lines.join("\n")).filter((text) => text.includes(reference));

  /** The money and the register agree, and the capture happened exactly once. */
  const assertCapturedOnce = (
    reference: string | undefined,
    total: number,
    final: { state: string; capturedAmount?: number },
  ): void => {
    const payment = paymentOf(reference);
    expect(payment?.captured).toBe(total);
    expect(payment?.events.filter((e) => e.name === "CAPTURED")).toHaveLength(1);
    expect(final).toMatchObject({ state: "captured", capturedAmount: payment?.captured });
  };

  /** Check-ins the daemon has handled and so acknowledged to the broker, from its log. */
  const checkInsDelivered = (): number =>
    readFileSync(logFile(), "utf8")
      .split("\n")
      .filter((l) => l.includes('"msg":"webhook event delivered"') && l.includes('"kind":"check-in"')).length;

  it("after a scan before pay was acknowledged to the broker, before pay: the scan pays after the restart", async () => {
    await start();
    const basket = newBasket();
    await register.sell(basket);
    system.sim.control.setCustomer("4792000005", { payment: { action: "approve", afterMs: 500 } });
    const before = checkInsDelivered();
    system.sim.control.scan({ msisdn: "4792000005", qrContent: system.qrContent });
    // The check-in is journalled and acknowledged (the broker will not deliver it again)…
    await vi.waitFor(() => expect(checkInsDelivered()).toBeGreaterThan(before), {
      timeout: 20_000,
      interval: 5,
    });
    await agent?.crash(); // …and the agent dies before the cashier presses pay.

    await start();
    await register.pay(basket.saleId);
    const final = await register.waitForSale(basket.saleId, undefined, 30_000);
    assertCapturedOnce(final.reference, basket.total, final);
    expect(paymentOf(final.reference)?.customerMsisdn).toBe("4792000005");
  });

  it("after the create request left but before its answer was stored", async () => {
    await start();
    system.sim.control.addFault({ endpoint: "epayment.create", drop: "after" });
    const basket = newBasket();
    await register.sell(basket);
    await register.pay(basket.saleId);
    system.sim.control.setCustomer("4792000001", { payment: { action: "approve", afterMs: 4_000 } });
    system.sim.control.scan({ msisdn: "4792000001", qrContent: system.qrContent });
    await vi.waitFor(
      () =>
        expect(requestsFor("epayment.create").filter((r) => r.status === "dropped").length).toBeGreaterThan(
          0,
        ),
      { timeout: 20_000, interval: 5 },
    );
    await agent?.crash();
    system.sim.control.clearFaults();

    await start();
    const final = await register.waitForSale(basket.saleId, undefined, 30_000);
    assertCapturedOnce(final.reference, basket.total, final);
    // The restart re-sent the create with the same key; Vipps holds one payment for the sale.
    const creates = requestsFor("epayment.create").filter((r) => r.reference === final.reference);
    expect(new Set(creates.map((r) => r.idempotencyKey))).toEqual(new Set([`${final.reference}-create`]));
    expect(system.sim.control.payments().filter((p) => p.metadata?.saleId === basket.saleId)).toHaveLength(1);
    await vi.waitFor(() => expect(receiptsFor(final.reference ?? "?")).toHaveLength(1), { timeout: 20_000 });
  });

  it("after authorization, before the capture", async () => {
    await start();
    system.sim.control.addFault({ endpoint: "epayment.capture", drop: "before" });
    const basket = newBasket();
    await register.sell(basket);
    await register.pay(basket.saleId);
    system.sim.control.scan({ msisdn: "4792000002", qrContent: system.qrContent });
    const reference = (
      await register.waitForSale(basket.saleId, (m) => m.state === "payment_requested", 20_000)
    ).reference;
    await vi.waitFor(
      () =>
        expect(requestsFor("epayment.capture").filter((r) => r.status === "dropped").length).toBeGreaterThan(
          0,
        ),
      { timeout: 20_000, interval: 5 },
    );
    expect(paymentOf(reference)).toMatchObject({ state: "AUTHORIZED", captured: 0 });
    await agent?.crash();
    system.sim.control.clearFaults();

    await start();
    const final = await register.waitForSale(basket.saleId, undefined, 30_000);
    expect(final.reference).toBe(reference);
    assertCapturedOnce(reference, basket.total, final);
  });

  it("after the capture, before the register was told", async () => {
    await start();
    const basket = newBasket();
    await register.sell(basket);
    await register.pay(basket.saleId);
    system.sim.control.setCustomer("4792000003", { payment: { action: "approve", afterMs: 1_500 } });
    system.sim.control.scan({ msisdn: "4792000003", qrContent: system.qrContent });
    const requested = await register.waitForSale(
      basket.saleId,
      (m) => m.state === "payment_requested",
      20_000,
    );
    await cable.unplug();
    await vi.waitFor(() => expect(paymentOf(requested.reference)?.captured).toBe(basket.total), {
      timeout: 20_000,
    });
    await agent?.crash();

    agent = startAgentProcess(system.configFile, logFile());
    await cable.replug();
    const final = await register.waitForSale(basket.saleId, undefined, 30_000);
    assertCapturedOnce(requested.reference, basket.total, final);
  });

  it("while printing: the receipt comes out once, marked COPY", async () => {
    await start();
    printer.state = "silent"; // takes the connection, never answers the status query
    const sessionsBefore = printer.sessions.length;
    const basket = newBasket();
    await register.sell(basket);
    await register.pay(basket.saleId);
    system.sim.control.scan({ msisdn: "4792000004", qrContent: system.qrContent });
    const final = await register.waitForSale(basket.saleId, undefined, 20_000);
    await vi.waitFor(() => expect(printer.sessions.length).toBeGreaterThan(sessionsBefore), {
      timeout: 20_000,
      interval: 5,
    });
    await agent?.crash();
    printer.state = "online";

    await start();
    await vi.waitFor(() => expect(receiptsFor(final.reference ?? "?")).toHaveLength(1), { timeout: 30_000 });
    expect(receiptsFor(final.reference ?? "?")[0]).toContain("COPY");
    const receipt = await register.waitForReceipt(basket.saleId, 20_000);
    expect(receipt).toMatchObject({ printed: true, copy: true });
    assertCapturedOnce(final.reference, basket.total, final);
  }, 90_000);
});
