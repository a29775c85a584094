import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { startSystem, type RunningSystem } from "../../demo/system.js";
import { JOURNAL_FILE } from "../../agent/journal/journal-access.js";
import { createReferenceRegister, type ReferenceRegister } from "../../sim/register/reference-register.js";
import { AGENT_BIN } from "../helpers/cli.js";
import { startTcpTestPrinter, type TcpTestPrinter } from "../helpers/escpos-test-printer.js";
import { startMosquitto, type MosquittoBroker } from "../helpers/mosquitto.js";
import { createPtyPair, type PtyPair } from "../helpers/pty-pair.js";
import { tempDir } from "../helpers/temp-dir.js";
import { newBasket } from "./harness.js";

/**
 * How many times the real daemon waits for the disk per sale: every fsync it makes, seen by
 * strace, while the register sells through real parts (simulator, mosquitto, bridge, a pty, a
 * TCP printer). docs/architecture.md "Durable writes" lists the seven and why each is needed;
 * everything else a sale writes (the create's answer, webhooks that change nothing, the
 * register's and the broker's acks) is committed lazily and rides on the next fsync.
 */
const DURABLE_WRITES_PER_SALE = 7;
const SALES = 5;

describe("durable writes per sale", () => {
  let dir: ReturnType<typeof tempDir>;
  let broker: MosquittoBroker;
  let cable: PtyPair;
  let printer: TcpTestPrinter;
  let system: RunningSystem;
  let register: ReferenceRegister;
  let daemon: ChildProcess;
  const trace = (): string => join(dir.path, "fsync.trace");
  const tracedPid = (): number =>
    Number(readFileSync(`/proc/${daemon.pid}/task/${daemon.pid}/children`, "utf8").trim());

  beforeAll(async () => {
    dir = tempDir("pos-fsync-");
    broker = await startMosquitto();
    cable = await createPtyPair({ a: join(dir.path, "agent-tty"), b: join(dir.path, "register-tty") });
    printer = await startTcpTestPrinter("online");
    system = await startSystem({
      directory: dir.path,
      brokerUrl: broker.url,
      mqttProtocol: 5,
      registerPath: cable.a,
      simulator: { defaultBehaviour: { payment: { action: "approve", afterMs: 0 } } },
      config: { printer: { uri: `tcp://127.0.0.1:${printer.port}` } },
    });
    // -y names each descriptor's file, so the journal's WAL and database can be told apart.
    daemon = spawn(
      "strace",
      [
        ...["-f", "-qq", "-y", "-e", "trace=fsync,fdatasync", "-o", trace()],
        ...[process.execPath, AGENT_BIN, "run", "--config", system.configFile],
      ],
      { stdio: "ignore", env: { ...process.env, NOTIFY_SOCKET: "", CREDENTIALS_DIRECTORY: "" } },
    );
    register = createReferenceRegister({ path: cable.b });
    register.start();
    await register.waitUntilUp(30_000);
  }, 60_000);

  afterAll(async () => {
    await register?.stop();
    if (daemon !== undefined && daemon.exitCode === null) {
      const exited = new Promise((resolve) => daemon.once("exit", resolve));
      // The daemon is strace's child: stopping strace would leave it running, untraced.
      process.kill(tracedPid(), "SIGTERM");
      await exited;
    }
    await system?.stop();
    await cable?.close();
    await printer?.close();
    await broker?.cleanup();
    dir?.cleanup();
  });

  /** fsyncs of the journal's WAL minus checkpoints (each checkpoint also syncs the WAL once). */
  const durableCommits = (): number => {
    const lines = readFileSync(trace(), "utf8").split("\n");
    const wal = lines.filter((l) => l.includes(`${JOURNAL_FILE}-wal>`)).length;
    const checkpoints = lines.filter((l) => l.includes(`${JOURNAL_FILE}>`)).length;
    return wal - checkpoints;
  };

  const sell = async (): Promise<void> => {
    const basket = newBasket();
    await register.sell(basket);
    await register.pay(basket.saleId);
    system.sim.control.scan({ msisdn: "4792000001", qrContent: system.qrContent });
    const final = await register.waitForSale(basket.saleId, undefined, 20_000);
    expect(final.state).toBe("captured");
    await register.waitForReceipt(basket.saleId, 20_000);
  };

  it(`is ${DURABLE_WRITES_PER_SALE} with a printer: the ones the guarantees need, no more`, async () => {
    await sell(); // the first sale also fetches what start-up left for later
    // Settled: the last sale's lazy acks and webhooks are in before counting starts.
    await vi.waitFor(() => expect(system.sim.control.deliveries({ state: "pending" })).toEqual([]));
    const before = durableCommits();
    for (let n = 0; n < SALES; n++) await sell();
    await vi.waitFor(() => expect(system.sim.control.deliveries({ state: "pending" })).toEqual([]));
    // Per sale exactly the seven; one housekeeping commit that is no sale's (a timer's, such as
    // a checkpoint that found no pages to copy) may fall into the window now and then.
    const perSale = (durableCommits() - before) / SALES;
    expect(perSale).toBeGreaterThanOrEqual(DURABLE_WRITES_PER_SALE);
    expect(perSale).toBeLessThanOrEqual(DURABLE_WRITES_PER_SALE + 1 / SALES);
  });
});
