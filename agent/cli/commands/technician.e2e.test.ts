import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { payAtAnotherTill } from "../../../demo/another-till.js";
import { startSystem, type RunningSystem } from "../../../demo/system.js";
import { controlRequest } from "../../control/index.js";
import { createReferenceRegister, type ReferenceRegister } from "../../../sim/register/reference-register.js";
import { runCli } from "../../../test/helpers/cli.js";
import { decodeEscPos } from "../../../test/helpers/escpos-decode.js";
import { startTcpTestPrinter, type TcpTestPrinter } from "../../../test/helpers/escpos-test-printer.js";
import { startMosquitto, type MosquittoBroker } from "../../../test/helpers/mosquitto.js";
import { createPtyPair, type PtyPair } from "../../../test/helpers/pty-pair.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { startAgentProcess, type AgentProcess } from "../../../test/e2e/agent-process.js";
import { newBasket } from "../../../test/e2e/harness.js";
import { EXIT } from "../../../lib/exit-codes.js";

/**
 * The technician's commands against the real daemon: `pos-agent run` as a child process with
 * the Vipps simulator over HTTP, a real mosquitto and bridge, the reference register on a real
 * pty pair and a printer on loopback TCP — and the built `pos-agent` for every command.
 */
describe("technician commands against the running agent (end to end)", () => {
  let dir: ReturnType<typeof tempDir>;
  let broker: MosquittoBroker;
  let cable: PtyPair;
  let printer: TcpTestPrinter;
  let system: RunningSystem;
  let register: ReferenceRegister;
  let agent: AgentProcess | undefined;
  let reference: string;
  let saleTime: number;
  const cli = (...args: string[]) =>
    runCli([...args, "--config", system.configFile], { timeoutMs: 60_000, env: { TZ: "Europe/Oslo" } });
  const printed = (): string[] => printer.sessions.map((s) => decodeEscPos(s).lines.join("\n"));

  beforeAll(async () => {
    dir = tempDir("pos-tech-e2e-");
    broker = await startMosquitto();
    cable = await createPtyPair({ a: join(dir.path, "agent-tty"), b: join(dir.path, "register-tty") });
    printer = await startTcpTestPrinter("online");
    system = await startSystem({
      directory: dir.path,
      brokerUrl: broker.url,
      mqttProtocol: 5,
      registerPath: cable.a,
      config: {
        register: { reopenMinMs: 100, reopenMaxMs: 1_000 },
        printer: { uri: `tcp://127.0.0.1:${printer.port}`, retryIntervalMs: 1_000 },
      },
    });
    register = createReferenceRegister({
      path: cable.b,
      reopenMinMs: 100,
      reopenMaxMs: 1_000,
    });
    register.start();
    agent = startAgentProcess(system.configFile, join(dir.path, "agent.log"));
    const socketPath = system.loaded.config.control.socketPath;
    await vi.waitFor(
      async () => {
        const status = await controlRequest(socketPath, { method: "status" }, { timeoutMs: 2_000 });
        expect(status.links.register.state).toBe("up");
        expect(status.links.mqtt.state).toBe("connected");
      },
      { timeout: 30_000, interval: 200 },
    );
    // The agent's side can be up a moment before the register's own hello exchange is done.
    await register.waitUntilUp(30_000);
  }, 90_000);

  afterAll(async () => {
    await agent?.stop();
    await register?.stop();
    await system?.stop();
    await cable?.close();
    await printer?.close();
    await broker?.cleanup();
    dir?.cleanup();
  });

  it("status shows the links; a sale appears in it with its reference", async () => {
    const basket = newBasket();
    await register.sell(basket);
    await register.pay(basket.saleId);
    system.sim.control.setCustomer("4793000001", { payment: { action: "approve", afterMs: 300 } });
    system.sim.control.scan({ msisdn: "4793000001", qrContent: system.qrContent });
    const final = await register.waitForSale(basket.saleId, undefined, 30_000);
    expect(final.state).toBe("captured");
    reference = final.reference ?? "";
    saleTime = Date.now();

    const text = await cli("status");
    expect(text.code).toBe(EXIT.OK);
    expect(text.stdout).toMatch(/✓ +register +up \(reference-register\)/);
    expect(text.stdout).toMatch(/✓ +mqtt +connected/);
    const json = await cli("status", "--json");
    const status = JSON.parse(json.stdout) as {
      lastSales: { saleId: string; reference?: string; state: string }[];
    };
    expect(status.lastSales[0]).toMatchObject({ saleId: basket.saleId, reference, state: "captured" });
  }, 60_000);

  it("reprint prints a COPY of the last sale on the agent's printer (receipts in English here)", async () => {
    await vi.waitFor(() => expect(printed().filter((t) => t.includes(reference))).toHaveLength(1), {
      timeout: 20_000,
    });
    const result = await cli("reprint");
    expect(result.code).toBe(EXIT.OK);
    await vi.waitFor(
      () => expect(printed().filter((t) => t.includes(reference) && t.includes("COPY"))).toHaveLength(1),
      { timeout: 20_000 },
    );
  }, 60_000);

  it("refund moves the money at Vipps and the agent's state; too much is refused", async () => {
    const part = await cli("refund", reference, "10.00", "--yes");
    expect(part.stderr).toBe("");
    expect(part.code).toBe(EXIT.OK);
    expect(system.sim.control.payments().find((p) => p.reference === reference)?.refunded).toBe(1000);
    const tooMuch = await cli("refund", reference, "1000.00", "--yes");
    expect(tooMuch.code).toBe(EXIT.FAILURE);
    expect(tooMuch.stderr).toContain("REFUND_TOO_LARGE");
    expect(system.sim.control.payments().find((p) => p.reference === reference)?.refunded).toBe(1000);
    // The agent logged who asked, both times, as the kernel names the CLI's process (the last
    // line may reach the log file a moment after the CLI had its answer).
    const audit = () =>
      readFileSync(join(dir.path, "agent.log"), "utf8")
        .split("\n")
        .filter((line) => line.includes('"audit":"refund"'))
        .map((line) => JSON.parse(line) as { msg: string; peer: { uid: number }; outcome?: string })
        .map((a) => [a.msg, a.peer.uid, a.outcome]);
    await vi.waitFor(
      () =>
        expect(audit()).toEqual([
          ["refund requested", process.getuid?.(), undefined],
          ["refund answered", process.getuid?.(), "done"],
          ["refund requested", process.getuid?.(), undefined],
          ["refund answered", process.getuid?.(), "refused"],
        ]),
      { timeout: 5_000 },
    );
  }, 60_000);

  it("doctor finds the running till healthy, asking the agent about the register and printer", async () => {
    const result = await cli("doctor", "--json");
    const report = JSON.parse(result.stdout) as {
      healthy: boolean;
      checks: { id: string; status: string; detail: string }[];
    };
    const byId = Object.fromEntries(report.checks.map((c) => [c.id, c]));
    expect(report.checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(result.code).toBe(EXIT.OK);
    expect(byId.agent?.status).toBe("ok");
    expect(byId.register?.detail).toContain("the agent's link is up (reference-register)");
    expect(byId.printer?.detail).toContain("(the agent's)");
    expect(byId["vipps-qr"]?.status).toBe("ok");
    expect(byId.journal?.status).toBe("ok");
  }, 60_000);

  it("setup while running tells the agent to show the QR; report counts the day's sale", async () => {
    const setup = await cli("setup", "--no-print");
    expect(setup.code).toBe(EXIT.OK);
    expect(setup.stdout).toContain("✓ the running agent shows the new QR");
    // The day the sale was made, in the till's time zone (TZ of the CLI process).
    const day = new Intl.DateTimeFormat("sv-SE", {
      timeZone: "Europe/Oslo",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(saleTime);
    const report = await cli("report", "--date", day, "--json");
    expect(report.code).toBe(EXIT.OK);
    expect(JSON.parse(report.stdout)).toMatchObject({
      sales: { captured: { count: 1, total: 6150 } },
      refunds: { count: 1, total: 1000 },
    });
  }, 60_000);

  it("refunds another till's payment by its reference and amount, prints so; another merchant's is refused", async () => {
    const [unit, otherMerchant] = system.sim.salesUnits;
    const elsewhere = await payAtAnotherTill(system.sim, unit!, {
      tillId: "kasse2",
      amount: 3_000,
      msisdn: "4792000009",
    });
    const paymentOf = (ref: string) => system.sim.control.payments().find((p) => p.reference === ref);
    // What is left to refund is Vipps' to say: the technician must name the amount.
    const noAmount = await cli("refund", elsewhere, "--yes");
    expect(noAmount.code).toBe(EXIT.FAILURE);
    expect(noAmount.stderr).toContain("AMOUNT_REQUIRED");
    const part = await cli("refund", elsewhere, "12.00", "--yes");
    expect(part.stderr).toBe("");
    expect(part.code).toBe(EXIT.OK);
    expect(part.stdout).toContain(`✓ refunded: sale T`);
    expect(part.stdout).toContain(
      `${elsewhere} — captured NOK 30.00, refunded NOK 12.00 in total, now refunded`,
    );
    expect(paymentOf(elsewhere)?.refunded).toBe(1_200);
    await vi.waitFor(
      () =>
        expect(
          printed().filter(
            (t) => t.includes(elsewhere) && t.includes("Refund of a purchase made at another till"),
          ),
        ).toHaveLength(1),
      { timeout: 20_000 },
    );

    const foreign = await payAtAnotherTill(system.sim, otherMerchant!, {
      tillId: "kasse1",
      amount: 3_000,
      msisdn: "4792000009",
    });
    const refused = await cli("refund", foreign, "1.00", "--yes");
    expect(refused.code).toBe(EXIT.FAILURE);
    expect(refused.stderr).toContain("REFERENCE_UNKNOWN");
    expect(system.sim.control.payment(foreign, otherMerchant!.msn).refunded).toBe(0);
  }, 60_000);
});
