import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, vi } from "vitest";
import { startSystem, type RunningSystem, type SystemOptions } from "../../demo/system.js";
import { createReferenceRegister, type ReferenceRegister } from "../../sim/register/reference-register.js";
import { decodeEscPos } from "../helpers/escpos-decode.js";
import { startTcpTestPrinter, type TcpTestPrinter } from "../helpers/escpos-test-printer.js";
import { startMosquitto, type MosquittoBroker } from "../helpers/mosquitto.js";
import { createPtyPair, type PtyPair } from "../helpers/pty-pair.js";
import type { FaultRule } from "../../sim/vipps/http/faults.js";
import { tempDir } from "../helpers/temp-dir.js";
import { startAgentProcess, type AgentProcess } from "./agent-process.js";

/**
 * The parts the kill -9 tests share: a real mosquitto, the simulator, the reference register on
 * a pty, a TCP test printer, and the daemon as a real child process (`start`, `agent.crash()`),
 * always restarted on the same journal. The crash points are reached from outside — faults in
 * the simulator, a pulled cable, a printer that does not answer — so the agent's code knows
 * nothing about these tests.
 */
export interface CrashRig {
  readonly system: RunningSystem;
  readonly register: ReferenceRegister;
  readonly cable: PtyPair;
  readonly printer: TcpTestPrinter;
  /** The running daemon, if any. */
  agent: AgentProcess | undefined;
  readonly logFile: string;
  /** Starts the daemon and waits until it and the register have said hello to each other. */
  start(): Promise<void>;
  /** Starts the daemon without waiting for the register (e.g. while the cable is unplugged). */
  spawn(): void;
  requestsFor(endpoint: string, reference?: string): ReturnType<RunningSystem["sim"]["control"]["requests"]>;
  paymentOf(
    reference: string | undefined,
  ): ReturnType<RunningSystem["sim"]["control"]["payments"]>[number] | undefined;
  /** Every payment Vipps holds for one sale (the agent puts the sale id in its metadata). */
  paymentsForSale(saleId: string): ReturnType<RunningSystem["sim"]["control"]["payments"]>;
  /** The printed receipts naming a reference, as text. */
  receiptsFor(reference: string): string[];
  /** The money and the register agree, and the capture happened exactly once. */
  assertCapturedOnce(
    reference: string | undefined,
    total: number,
    final: { state: string; capturedAmount?: number },
  ): void;
  /**
   * Installs a fault dropping every request to `endpoint` before or after Vipps acted on it;
   * the answer waits until one more such request was dropped (earlier tests' drops do not count).
   */
  dropRequests(endpoint: FaultRule["endpoint"], drop: "before" | "after"): () => Promise<void>;
  /** After each test: faults off, daemon stopped, printer online. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export async function startCrashRig(
  options: {
    prefix: string;
    config?: SystemOptions["config"];
    /** The daemon from another copy of the CLI, with node flags (startAgentProcess). */
    agent?: { bin: string; nodeArgs: readonly string[] };
  } = { prefix: "pos-crash-" },
): Promise<CrashRig> {
  const dir = tempDir(options.prefix);
  const broker: MosquittoBroker = await startMosquitto({ saveOnEveryChange: true });
  const cable = await createPtyPair({ a: join(dir.path, "agent-tty"), b: join(dir.path, "register-tty") });
  const printer = await startTcpTestPrinter("online");
  const system = await startSystem({
    directory: dir.path,
    brokerUrl: broker.url,
    mqttProtocol: 5,
    registerPath: cable.a,
    config: {
      register: { heartbeatIntervalMs: 1_000, reopenMinMs: 100, reopenMaxMs: 1_000 },
      printer: { uri: `tcp://127.0.0.1:${printer.port}`, statusTimeoutMs: 8_000, retryIntervalMs: 1_000 },
      vipps: { maxRetries: 10 },
      log: { level: "debug" },
      ...options.config,
    },
  });
  const register = createReferenceRegister({
    path: cable.b,
    heartbeatIntervalMs: 1_000,
    reopenMinMs: 100,
    reopenMaxMs: 1_000,
  });
  /** Completed hello exchanges seen by the register: a new agent process makes a new one. */
  let helloExchanges = 0;
  register.link.onStateChange((state) => {
    if (state === "up") helloExchanges++;
  });
  register.start();
  const logFile = join(dir.path, "agent.log");
  const control = system.sim.control;

  const rig: CrashRig = {
    system,
    register,
    cable,
    printer,
    agent: undefined,
    logFile,
    async start() {
      const before = helloExchanges;
      rig.spawn();
      await vi.waitFor(() => expect(helloExchanges).toBeGreaterThan(before), { timeout: 20_000 });
    },
    spawn() {
      rig.agent = startAgentProcess(system.configFile, logFile, options.agent?.nodeArgs, options.agent?.bin);
    },
    requestsFor: (endpoint, reference) =>
      control
        .requests()
        .filter((r) => r.endpoint === endpoint && (reference === undefined || r.reference === reference)),
    paymentOf: (reference) => control.payments().find((p) => p.reference === reference),
    paymentsForSale: (saleId) => control.payments().filter((p) => p.metadata?.saleId === saleId),
    receiptsFor: (reference) =>
      printer.sessions
        .map((s) => decodeEscPos(s).lines.join("\n"))
        .filter((text) => text.includes(reference)),
    assertCapturedOnce(reference, total, final) {
      const payment = rig.paymentOf(reference);
      expect(payment?.captured).toBe(total);
      expect(payment?.events.filter((e) => e.name === "CAPTURED")).toHaveLength(1);
      expect(final).toMatchObject({ state: "captured", capturedAmount: payment?.captured });
    },
    dropRequests(endpoint, drop) {
      const dropped = (): number => rig.requestsFor(endpoint).filter((r) => r.status === "dropped").length;
      const before = dropped();
      control.addFault({ endpoint, drop });
      return () =>
        vi.waitFor(() => expect(dropped()).toBeGreaterThan(before), { timeout: 20_000, interval: 5 });
    },
    async reset() {
      control.clearFaults();
      await rig.agent?.stop();
      rig.agent = undefined;
      printer.state = "online";
    },
    async close() {
      await rig.agent?.stop();
      await register.stop();
      await system.stop();
      await cable.close();
      await printer.close();
      await broker.cleanup();
      dir.cleanup();
    },
  };
  return rig;
}

/** Check-ins the daemon has handled and so acknowledged to the broker, from its log. */
export function checkInsDelivered(logFile: string): number {
  return readFileSync(logFile, "utf8")
    .split("\n")
    .filter((l) => l.includes('"msg":"webhook event delivered"') && l.includes('"kind":"check-in"')).length;
}
