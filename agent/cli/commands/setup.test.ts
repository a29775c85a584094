import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import jsqrModule from "jsqr";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startVippsSimulator, type SalesUnit, type VippsSimulator } from "../../../sim/vipps/index.js";
import { startControlServer } from "../../control/index.js";
import { ControlApiDouble } from "../../../test/helpers/control-api-double.js";
import { decodeEscPos } from "../../../test/helpers/escpos-decode.js";
import { startTcpTestPrinter, type TcpTestPrinter } from "../../../test/helpers/escpos-test-printer.js";
import { runCommand, writeAgentConfig, type SectionOverrides } from "../../../test/helpers/technician-cli.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { rasterise, replayFrame } from "../../../test/helpers/terminal-screen.js";
import { withJournal } from "../../journal/journal-access.js";
import { EXIT } from "../../../lib/exit-codes.js";
import { registerSetupCommand } from "./setup.js";

const jsQR = jsqrModule as unknown as typeof jsqrModule.default;

/** Decodes the QR drawn in the command's output, as a phone would read it off the screen. */
function scanTerminal(output: string): string | undefined {
  const lines = output.split("\n");
  const first = lines.findIndex((l) => l.includes("\u001b[30;47m"));
  const qrLines = lines.slice(first).filter((l) => l.includes("\u001b[30;47m"));
  const columns = Math.max(
    ...qrLines.map((l) => [...l.split("\u001b[30;47m").join("").split("\u001b[0m").join("")].length),
  );
  const screen = replayFrame(qrLines.join("\n"), qrLines.length, columns);
  const image = rasterise(screen);
  return jsQR(image.data, image.width, image.height)?.data;
}

describe("pos-agent setup against the Vipps simulator over HTTP", () => {
  let sim: VippsSimulator;
  let unit: SalesUnit;
  let printer: TcpTestPrinter;
  let dir: ReturnType<typeof tempDir>;

  beforeAll(async () => {
    sim = await startVippsSimulator();
    unit = sim.salesUnits[0] as SalesUnit;
    printer = await startTcpTestPrinter();
  });
  afterAll(async () => {
    await printer.close();
    await sim.close();
    dir?.cleanup();
  });
  beforeEach(() => {
    dir?.cleanup();
    dir = tempDir();
    printer.sessions.length = 0;
    printer.state = "online";
  });

  // The agent ran once already: its storage directory exists (as root, setup never creates it).
  const config = (overrides: SectionOverrides = {}, secrets: { clientSecret?: string } = {}): string => {
    mkdirSync(join(dir.path, "state"), { recursive: true });
    return writeAgentConfig(
      dir.path,
      {
        ...overrides,
        vipps: {
          baseUrl: sim.url,
          clientId: unit.clientId,
          msn: unit.msn,
          currency: unit.currency,
          ...overrides.vipps,
        },
        till: { id: "kasse7", locationDescription: "Kasse 7", ...overrides.till },
      },
      { clientSecret: secrets.clientSecret ?? unit.clientSecret, subscriptionKey: unit.subscriptionKey },
    );
  };
  const cached = (): string | undefined =>
    withJournal(join(dir.path, "state"), "read", (journal) => journal.meta("qrContent"));

  it("creates the QR at Vipps, caches its qrContent, and draws a QR that scans", async () => {
    const io = await runCommand(registerSetupCommand, ["setup", "--config", config()]);
    expect(io.stderr).toBe("");
    expect(io.exitCode).toBe(EXIT.OK);
    const atVipps = sim.control.qrs(unit.msn).find((q) => q.merchantQrId === "kasse7");
    expect(atVipps?.locationDescription).toBe("Kasse 7");
    const qrContent = cached();
    expect(qrContent).toMatch(/^https:\/\//);
    expect(io.stdout).toContain(
      `✓ QR of till kasse7 at Vipps (MSN ${unit.msn}): "Kasse 7"\n  ${qrContent ?? ""}`,
    );
    expect(scanTerminal(io.stdout)).toBe(qrContent);
    expect(io.stdout).toContain("- the agent is not running; it reads the QR when it starts");
    expect(io.stdout).toContain("- no printer configured (printer.uri): no sticker");
  });

  it("is idempotent, and updates the location text without changing the QR", async () => {
    await runCommand(registerSetupCommand, ["setup", "--config", config()]);
    const first = cached();
    const again = await runCommand(registerSetupCommand, [
      "setup",
      "--config",
      config({ till: { locationDescription: "Kasse 7 (ved døra)" } }),
    ]);
    expect(again.exitCode).toBe(EXIT.OK);
    expect(again.stdout).toContain("✓ cached in the journal (unchanged)");
    expect(cached()).toBe(first);
    const qrs = sim.control.qrs(unit.msn).filter((q) => q.merchantQrId === "kasse7");
    expect(qrs.map((q) => q.locationDescription)).toEqual(["Kasse 7 (ved døra)"]);
  });

  it("prints the sticker with the QR and tells the running agent to refresh", async () => {
    const api = new ControlApiDouble();
    api.printing = false;
    const file = config({ printer: { uri: `tcp://127.0.0.1:${printer.port}` } });
    const server = await startControlServer({ socketPath: join(dir.path, "control.sock"), api });
    try {
      // The agent says it has no printer: nothing is printed, and setup says so (exit 69).
      const refused = await runCommand(registerSetupCommand, ["setup", "--config", file]);
      expect(api.qrRefreshes).toBe(1);
      expect(refused.stdout).toContain("✓ the running agent shows the new QR");
      expect(refused.stderr).toContain(
        "the QR is set up and cached, but the sticker was not printed: NO_PRINTER",
      );
      expect(refused.exitCode).toBe(EXIT.UNAVAILABLE);
      api.printing = true;
      const io = await runCommand(registerSetupCommand, ["setup", "--config", file]);
      expect(io.exitCode).toBe(EXIT.OK);
      expect(api.printed).toMatchObject([
        {
          kind: "qr_sticker",
          till: "kasse7",
          brand: "vipps",
          qrContent: cached(),
          locationDescription: "Kasse 7",
        },
      ]);
    } finally {
      await server.close();
    }
    const direct = await runCommand(registerSetupCommand, ["setup", "--config", file]);
    expect(direct.stdout).toContain(`✓ sticker printed on tcp://127.0.0.1:${printer.port}`);
    const job = printer.sessions.map((s) => decodeEscPos(s)).find((d) => d.cuts > 0);
    expect(job?.qrPayloads.map((p) => p.toString())).toEqual([cached()]);
  });

  it("keeps the QR set up when only the sticker fails (paper out: exit 69)", async () => {
    printer.state = "paper_out";
    const io = await runCommand(registerSetupCommand, [
      "setup",
      "--config",
      config({ printer: { uri: `tcp://127.0.0.1:${printer.port}` } }),
    ]);
    expect(io.exitCode).toBe(EXIT.UNAVAILABLE);
    expect(io.stderr).toContain("PRINTER_PAPER_OUT");
    expect(cached()).toMatch(/^https:\/\//);
    const skipped = await runCommand(registerSetupCommand, [
      "setup",
      "--no-print",
      "--config",
      config({ printer: { uri: `tcp://127.0.0.1:${printer.port}` } }),
    ]);
    expect(skipped.exitCode).toBe(EXIT.OK);
  });

  it("changes nothing when Vipps refuses the credentials (exit 1) or cannot be reached (exit 69)", async () => {
    const refused = await runCommand(registerSetupCommand, [
      "setup",
      "--config",
      config({}, { clientSecret: "wrong" }),
    ]);
    expect(refused.exitCode).toBe(EXIT.FAILURE);
    expect(refused.stderr).toContain("VIPPS_UNAUTHORIZED");
    expect(refused.stderr).toContain("vipps-client-secret");
    expect(refused.stderr).not.toContain("wrong");
    const down = await runCommand(registerSetupCommand, [
      "setup",
      "--config",
      config({ vipps: { baseUrl: "http://127.0.0.1:1", maxRetries: 0, requestTimeoutMs: 1_000 } }),
    ]);
    expect(down.exitCode).toBe(EXIT.UNAVAILABLE);
    expect(down.stderr).toContain("VIPPS_NETWORK");
    expect(() => cached()).toThrow(/no journal/);
  });

  it.runIf(process.geteuid?.() === 0)(
    "as root, refuses to create the agent's storage directory (exit 77) but the QR is set up",
    async () => {
      const file = config();
      rmSync(join(dir.path, "state"), { recursive: true });
      const io = await runCommand(registerSetupCommand, ["setup", "--config", file]);
      expect(io.exitCode).toBe(EXIT.NOPERM);
      expect(io.stderr).toContain("JOURNAL_NO_ACCESS");
      expect(io.stderr).toContain("sudo systemctl start pos-agent");
      expect(sim.control.qrs(unit.msn).some((q) => q.merchantQrId === "kasse7")).toBe(true);
    },
  );

  it("exits 78 when a secret is missing, before calling Vipps", async () => {
    const file = config();
    rmSync(join(dir.path, "secrets", "vipps-client-secret"));
    const before = sim.control.requests().length;
    const io = await runCommand(registerSetupCommand, ["setup", "--config", file]);
    expect(io.exitCode).toBe(EXIT.CONFIG);
    expect(io.stderr).toMatch(/vipps-client-secret: missing/);
    expect(sim.control.requests()).toHaveLength(before);
  });
});
