import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { connect, connectAsync } from "mqtt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../config/load.js";
import { systemClock } from "../../lib/clock.js";
import { tillTopic } from "../../lib/mqtt-contract/index.js";
import { startVippsSimulator, type SalesUnit, type VippsSimulator } from "../../sim/vipps/index.js";
import { createReferenceRegister, type ReferenceRegister } from "../../sim/register/reference-register.js";
import { withJournal } from "../journal/journal-access.js";
import { startControlServer } from "../control/index.js";
import { VippsClient, vippsClientOptions } from "../vipps/index.js";
import { ControlApiDouble } from "../../test/helpers/control-api-double.js";
import { startTcpTestPrinter, type TcpTestPrinter } from "../../test/helpers/escpos-test-printer.js";
import { BOARDS, writeFakeSysfsGpio } from "../../test/helpers/fake-sysfs-gpio.js";
import { startMosquitto, type MosquittoBroker } from "../../test/helpers/mosquitto.js";
import { createPtyPair, type PtyPair } from "../../test/helpers/pty-pair.js";
import { writeAgentConfig, type SectionOverrides } from "../../test/helpers/technician-cli.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import type { DoctorEnvironment } from "./context.js";
import { runDoctor, type CheckResult, type DoctorReport } from "./index.js";
import type { Command } from "commander";
import { registerDoctorCommand } from "../cli/commands/doctor.js";
import type { CliIo } from "../cli/support/cli-io.js";
import { EXIT } from "../../lib/exit-codes.js";
import { runCommand } from "../../test/helpers/technician-cli.js";
import { AGENT_BIN } from "../../test/helpers/cli.js";

/**
 * The doctor against real parts: the Vipps simulator over HTTP, a real mosquitto, the reference
 * register on a real pty pair, a printer on loopback TCP, a GPIO sysfs look-alike, a journal.
 */
describe("pos-agent doctor on a till built from real parts", () => {
  let dir: ReturnType<typeof tempDir>;
  let sim: VippsSimulator;
  let unit: SalesUnit;
  let broker: MosquittoBroker;
  let cable: PtyPair;
  let register: ReferenceRegister;
  let printer: TcpTestPrinter;
  let qrContent: string;
  let sysfs: string;

  beforeAll(async () => {
    dir = tempDir("pos-doctor-");
    sim = await startVippsSimulator();
    unit = sim.salesUnits[0] as SalesUnit;
    broker = await startMosquitto();
    cable = await createPtyPair({ a: join(dir.path, "agent-tty"), b: join(dir.path, "register-tty") });
    // The same link timers on both ends, as a commissioned till has.
    register = createReferenceRegister({
      path: cable.b,
      ackTimeoutMs: 300,
      maxRetransmits: 2,
      heartbeatIntervalMs: 1_000,
      reopenMinMs: 100,
      reopenMaxMs: 1_000,
    });
    register.start();
    printer = await startTcpTestPrinter();
    sysfs = writeFakeSysfsGpio(join(dir.path, "sysfs-gpio"), BOARDS.pi4);
    writeFileSync(join(dir.path, "synchronized"), "");
    const file = config("base");
    const vipps = new VippsClient(vippsClientOptions(loadConfig(file, {})));
    await vipps.qr.putMerchantCallback("kasse1", { locationDescription: "Kasse 1" });
    qrContent = (await vipps.qr.getMerchantCallback("kasse1")).qrContent;
    withJournal(join(dir.path, "base", "state"), "write", (journal) =>
      journal.setMetaValue("qrContent", qrContent),
    );
    // The till's agent has connected once, so the broker holds its session.
    const once = await connectAsync(broker.url, {
      clientId: `pos-agent-${unit.msn}-kasse1`,
      clean: false,
      protocolVersion: 5,
      properties: { sessionExpiryInterval: 3_600 },
      reconnectPeriod: 0,
    });
    await once.subscribeAsync(tillTopic("vipps-pos", unit.msn, "kasse1", "webhook"), { qos: 1 });
    await once.endAsync();
  }, 60_000);

  afterAll(async () => {
    await register?.stop().catch(() => undefined);
    await cable?.close();
    await printer?.close();
    await broker?.cleanup();
    await sim?.close();
    dir?.cleanup();
  });

  /** A till directory `name` with its config (healthy unless overridden) and secrets. */
  function config(name: string, overrides: SectionOverrides = {}, clientSecret = unit.clientSecret): string {
    const base = join(dir.path, name);
    mkdirSync(join(base, "state"), { recursive: true });
    return writeAgentConfig(
      base,
      {
        ...overrides,
        vipps: {
          baseUrl: sim.url,
          clientId: unit.clientId,
          msn: unit.msn,
          currency: unit.currency,
          requestTimeoutMs: 2_000,
          ...overrides.vipps,
        },
        mqtt: { url: broker.url, protocolVersion: 5, ...overrides.mqtt },
        register: { path: cable.a, ackTimeoutMs: 300, maxRetransmits: 2, ...overrides.register },
        printer: { uri: `tcp://127.0.0.1:${printer.port}`, ...overrides.printer },
        display: { path: join(base, "display.txt"), ...overrides.display },
        gpio: { enabled: true, pins: { ready: 17, busy: 27, error: 22, button: 24 }, ...overrides.gpio },
      },
      { clientSecret, subscriptionKey: unit.subscriptionKey },
    );
  }

  function environment(configFile: string, over: Partial<DoctorEnvironment> = {}): DoctorEnvironment {
    return {
      configFile,
      env: {},
      clock: systemClock,
      timesyncFlag: join(dir.path, "synchronized"),
      sysfsGpioRoot: sysfs,
      // Its exec below runs nothing: the code cache check cannot tell (code-cache-check.test.ts runs it).
      cli: [process.execPath, AGENT_BIN],
      exec: () => Promise.resolve({ error: "spawn timedatectl ENOENT" }),
      ...over,
    };
  }

  const byId = (report: DoctorReport): Record<string, CheckResult> =>
    Object.fromEntries(report.checks.map((c) => [c.id, c]));

  it("finds a healthy till healthy, saying the agent is not running and answering hello itself", async () => {
    const report = await runDoctor(environment(join(dir.path, "base", "pos-agent.yaml")));
    const c = byId(report);
    expect(report.checks.map((r) => [r.id, r.status])).toEqual([
      ["config", "ok"],
      ["secrets", "ok"],
      ["clock", "ok"],
      ["agent", "warn"],
      ["register", "ok"],
      ["printer", "ok"],
      ["display", "ok"],
      ["gpio", "ok"],
      ["mqtt", "ok"],
      ["vipps-token", "ok"],
      ["vipps-qr", "ok"],
      ["disk", "ok"],
      ["journal", "ok"],
      ["code-cache", "warn"],
    ]);
    expect(report.healthy).toBe(true);
    expect(c.agent?.detail).toContain("not running");
    expect(c.register?.detail).toMatch(/answered hello on .*agent-tty: reference-register/);
    expect(c.gpio?.detail).toBe(
      "pinctrl-bcm2711 at 512: ready BCM17→529, busy BCM27→539, error BCM22→534, button BCM24→536",
    );
    expect(c.mqtt?.detail).toContain(`as the till (client id pos-agent-${unit.msn}-kasse1)`);
    expect(c["vipps-qr"]?.detail).toContain(qrContent);
    expect(c.journal?.detail).toContain("integrity ok");
  }, 30_000);

  it("names each broken part with its fix", async () => {
    const file = config(
      "broken",
      {
        register: { path: join(dir.path, "no-such-tty") },
        mqtt: { url: "mqtt://127.0.0.1:1" },
        gpio: { pins: { ready: 17, busy: 17 } },
        display: { path: "/dev/pos-no-display" },
      },
      "wrong-secret",
    );
    printer.state = "paper_out";
    try {
      const report = await runDoctor(environment(file));
      const c = byId(report);
      expect(report.healthy).toBe(false);
      expect(c.register).toMatchObject({
        status: "fail",
        detail: expect.stringContaining("no device at") as unknown,
        hint: expect.stringContaining("udev-rule.sh") as unknown,
      });
      expect(c.printer).toMatchObject({ status: "fail", hint: "put in a new paper roll" });
      expect(c.display).toMatchObject({ status: "fail", detail: "no device /dev/pos-no-display" });
      expect(c.gpio).toMatchObject({
        status: "fail",
        detail: "BCM 17 is configured for both ready and busy",
      });
      expect(c.mqtt).toMatchObject({
        status: "fail",
        detail: expect.stringContaining("ECONNREFUSED") as unknown,
      });
      expect(c["vipps-token"]).toMatchObject({
        status: "fail",
        detail: expect.stringContaining("VIPPS_UNAUTHORIZED") as unknown,
        hint: expect.stringContaining("vipps-client-secret") as unknown,
      });
      expect(c["vipps-qr"]).toMatchObject({ status: "skip", detail: "skipped: needs vipps token" });
      expect(JSON.stringify(report)).not.toContain("wrong-secret");
      // No journal in this till's directory yet.
      expect(c.journal).toMatchObject({
        status: "warn",
        hint: expect.stringContaining("first start") as unknown,
      });
    } finally {
      printer.state = "online";
    }
  }, 30_000);

  it("checks every node of a broker cluster: all answering is ok, some down a warning, none a failure", async () => {
    const dead = "mqtt://127.0.0.1:1";
    const mqttOf = async (urls: string[]): Promise<CheckResult | undefined> => {
      const file = config(`nodes-${urls.length}-${urls.indexOf(dead)}`, { mqtt: { url: undefined, urls } });
      return byId(await runDoctor(environment(file))).mqtt;
    };
    const all = await mqttOf([broker.url, broker.url]);
    expect(all).toMatchObject({
      status: "ok",
      detail: expect.stringMatching(/^all 2 broker nodes answer: /) as unknown,
    });
    const some = await mqttOf([dead, broker.url]);
    expect(some).toMatchObject({
      status: "warn",
      detail: expect.stringMatching(
        /^1 of 2 broker nodes answer: mqtt:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/,
      ) as unknown,
      hint: expect.stringContaining("the till fails over to the others") as unknown,
    });
    expect(await mqttOf([dead, dead])).toMatchObject({
      status: "fail",
      detail: expect.stringMatching(/^no broker node answers: /) as unknown,
    });
  }, 30_000);

  it("fails a register that does not answer hello, within the configured ack timeouts", async () => {
    const silent = await createPtyPair({ a: join(dir.path, "silent-a"), b: join(dir.path, "silent-b") });
    try {
      const report = await runDoctor(environment(config("silent", { register: { path: silent.a } })));
      expect(byId(report).register).toMatchObject({
        status: "fail",
        detail: expect.stringContaining("no answer to hello") as unknown,
      });
    } finally {
      await silent.close();
    }
  }, 30_000);

  it("says the QR must be set up when the journal does not cache it, or caches another", async () => {
    const file = config("uncached");
    withJournal(join(dir.path, "uncached", "state"), "write", () => undefined);
    const missing = await runDoctor(environment(file));
    expect(byId(missing)["vipps-qr"]).toMatchObject({
      status: "fail",
      hint: expect.stringContaining("pos-agent setup") as unknown,
    });
    withJournal(join(dir.path, "uncached", "state"), "write", (journal) =>
      journal.setMetaValue("qrContent", "https://qr.vipps.no/other"),
    );
    const other = await runDoctor(environment(file));
    expect(byId(other)["vipps-qr"]).toMatchObject({
      status: "fail",
      detail: "the journal caches another QR than Vipps has for this till",
    });
  }, 30_000);

  it("fails secrets that group or others can read, and an unsynchronised clock; warns when it cannot tell", async () => {
    const file = config("loose");
    chmodSync(join(dir.path, "loose", "secrets", "vipps-client-secret"), 0o644);
    const notSynced = await runDoctor(
      environment(file, {
        timesyncFlag: join(dir.path, "absent"),
        exec: () => Promise.resolve({ code: 0, stdout: "no\n" }),
      }),
    );
    const c = byId(notSynced);
    expect(c.secrets).toMatchObject({
      status: "fail",
      detail: "readable by group or others: vipps-client-secret (644)",
    });
    expect(c.secrets?.hint).toContain("chmod 600");
    expect(c.clock).toMatchObject({
      status: "fail",
      detail: expect.stringContaining("NTPSynchronized=no") as unknown,
    });
    // Without the secrets, what needs them is skipped.
    expect(c.mqtt?.status).toBe("skip");
    const cached = { storage: { directory: join(dir.path, "base", "state") } };
    const unknown = await runDoctor(
      environment(config("unknown-clock", cached), { timesyncFlag: join(dir.path, "absent") }),
    );
    expect(byId(unknown).clock).toMatchObject({
      status: "warn",
      detail: expect.stringContaining("cannot tell") as unknown,
    });
    expect(unknown.checks.filter((x) => x.status === "fail")).toEqual([]);
    expect(unknown.healthy).toBe(true);
  }, 30_000);

  it("fails a damaged journal", async () => {
    const file = config("damaged");
    const state = join(dir.path, "damaged", "state");
    copyFileSync(join(dir.path, "base", "state", "journal.db"), join(state, "journal.db"));
    writeFileSync(join(state, "journal.db"), Buffer.alloc(4096, 0x42), { flag: "r+" });
    const report = await runDoctor(environment(file));
    expect(byId(report).journal).toMatchObject({
      status: "fail",
      hint: expect.stringContaining("backup") as unknown,
    });
  }, 30_000);

  it("reports an invalid config and skips everything that needs it", async () => {
    const file = join(dir.path, "invalid.yaml");
    writeFileSync(file, "till:\n  id: kasse-1\n");
    const report = await runDoctor(environment(file));
    const c = byId(report);
    expect(c.config).toMatchObject({ status: "fail", detail: expect.stringContaining("till.id") as unknown });
    expect(report.checks.filter((r) => r.status === "skip").map((r) => r.id)).toEqual(
      expect.arrayContaining([
        "secrets",
        "agent",
        "register",
        "printer",
        "mqtt",
        "vipps-token",
        "vipps-qr",
        "disk",
        "journal",
      ]),
    );
    expect(c.clock?.status).toBe("ok");
  });

  it("asks the running agent about the devices it holds instead of opening them", async () => {
    const file = config("running", { register: { path: join(dir.path, "held-by-agent") } });
    const api = new ControlApiDouble();
    api.statusValue = {
      ...api.statusValue,
      degraded: ["printer offline"],
      links: { ...api.statusValue.links, printer: { state: "offline", queued: 3 }, gpio: { state: "ok" } },
    };
    const server = await startControlServer({ socketPath: join(dir.path, "running", "control.sock"), api });
    const sessionsBefore = printer.sessions.length;
    try {
      const c = byId(await runDoctor(environment(file)));
      expect(c.agent).toMatchObject({
        status: "warn",
        detail: expect.stringContaining("serving degraded: printer offline") as unknown,
      });
      expect(c.register).toMatchObject({
        status: "ok",
        detail: expect.stringContaining("the agent's link is up (reference-register)") as unknown,
      });
      expect(c.printer).toMatchObject({
        status: "fail",
        detail: "offline (the agent's), 3 receipts waiting",
      });
      expect(c.gpio).toMatchObject({ status: "ok", detail: "the agent's lights and button work" });
      expect(printer.sessions.length).toBe(sessionsBefore);
    } finally {
      await server.close();
    }
  }, 30_000);

  it("never disturbs the agent's persistent MQTT session", async () => {
    const file = config("session");
    const loaded = loadConfig(file, {});
    const webhookTopic = tillTopic("vipps-pos", unit.msn, "kasse1", "webhook");
    const clientId = `pos-agent-${unit.msn}-kasse1`;
    const agentSession = {
      clientId,
      clean: false,
      protocolVersion: 5 as const,
      properties: { sessionExpiryInterval: 3_600 },
      reconnectPeriod: 0,
    };
    const agent = await connectAsync(broker.url, agentSession);
    await agent.subscribeAsync(webhookTopic, { qos: 1 });
    await agent.endAsync();
    const bridge = await connectAsync(broker.url, { clientId: "bridge-test", reconnectPeriod: 0 });
    await bridge.publishAsync(webhookTopic, "queued while the agent was away", { qos: 1 });

    const report = await runDoctor(environment(file), {});
    expect(byId(report).mqtt?.status).toBe("ok");
    expect(loaded.config.mqtt.protocolVersion).toBe(5);

    // The listener is in place before the CONNACK: the queued message follows right after it.
    const received: string[] = [];
    const back = connect(broker.url, agentSession);
    back.on("message", (_t, payload) => received.push(payload.toString()));
    try {
      await vi.waitFor(() => expect(received).toEqual(["queued while the agent was away"]), {
        timeout: 10_000,
      });
    } finally {
      await back.endAsync();
      await bridge.endAsync();
    }
  }, 30_000);

  it("as `pos-agent doctor`: ✓ / ! / ✗ with fixes, exit 0 when healthy and 1 when not, --json", async () => {
    const register = (program: Command, io: CliIo): void =>
      registerDoctorCommand(program, io, (file) => environment(file));
    const healthy = await runCommand(register, [
      "doctor",
      "--config",
      join(dir.path, "base", "pos-agent.yaml"),
    ]);
    expect(healthy.exitCode).toBe(EXIT.OK);
    expect(healthy.stdout).toMatch(/^✓ config +.*valid \(till kasse1/m);
    expect(healthy.stdout).toMatch(/^! agent +not running/m);
    expect(healthy.stdout).toMatch(/^ +→ start it when done: sudo systemctl start pos-agent/m);
    expect(healthy.stdout).toMatch(/^✓ till QR +exists at Vipps/m);
    expect(healthy.stdout).toMatch(/healthy: 12 ok, 2 warning\(s\), 0 failed, 0 skipped\n$/);

    const file = config("cli-broken", { mqtt: { url: "mqtt://127.0.0.1:1" } });
    const broken = await runCommand(register, ["doctor", "--json", "--config", file]);
    expect(broken.exitCode).toBe(EXIT.FAILURE);
    const report = JSON.parse(broken.stdout) as DoctorReport;
    expect(report.healthy).toBe(false);
    expect(report.checks.find((c) => c.id === "mqtt")).toMatchObject({
      status: "fail",
      hint: expect.stringContaining("mqtt.url") as unknown,
    });
  }, 30_000);

  it("says why a register device does not open", async () => {
    const file = config("not-a-tty", { register: { path: join(dir.path, "plain-file") } });
    writeFileSync(join(dir.path, "plain-file"), "");
    try {
      const report = await runDoctor(environment(file));
      expect(byId(report).register).toMatchObject({
        status: "fail",
        detail: expect.stringContaining("does not open") as unknown,
      });
    } finally {
      rmSync(join(dir.path, "plain-file"), { force: true });
    }
  }, 30_000);
});
