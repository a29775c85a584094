import { chmodSync, chownSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startControlServer } from "../../control/index.js";
import { ControlApiDouble } from "../../../test/helpers/control-api-double.js";
import { decodeEscPos } from "../../../test/helpers/escpos-decode.js";
import { startTcpTestPrinter, type TcpTestPrinter } from "../../../test/helpers/escpos-test-printer.js";
import { runCommand, writeAgentConfig } from "../../../test/helpers/technician-cli.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { openTillJournal, vatLine } from "../../../test/helpers/till-journal.js";
import { EXIT } from "../../../lib/exit-codes.js";
import { registerReportCommand } from "./report.js";

process.env.TZ = "Europe/Oslo";

describe("pos-agent report", () => {
  let dir: ReturnType<typeof tempDir>;
  let storage: string;
  let printer: TcpTestPrinter;
  let configFile: string;

  beforeAll(async () => {
    dir = tempDir();
    storage = join(dir.path, "state");
    mkdirSync(storage);
    const till = openTillJournal(storage, Date.UTC(2026, 2, 2, 9));
    await till.captured("S1", [vatLine("coffee", 4900, 2500), vatLine("bun", 1250, 1500)]);
    await till.failed("S2", [vatLine("x", 2000, 2500)], "EXPIRED");
    await till.refund("S1", "R1", 1250);
    await till.close();
    printer = await startTcpTestPrinter();
    configFile = writeAgentConfig(dir.path, { printer: { uri: `tcp://127.0.0.1:${printer.port}` } });
  });
  afterAll(async () => {
    await printer.close();
    dir.cleanup();
  });
  afterEach(() => {
    printer.sessions.length = 0;
  });

  it("shows the day: captured, refunded, net, failed with reasons, VAT per rate", async () => {
    const io = await runCommand(registerReportCommand, [
      "report",
      "--date",
      "2026-03-02",
      "--config",
      configFile,
    ]);
    expect(io.exitCode).toBe(EXIT.OK);
    expect(io.stdout).toContain(
      "end of day 2026-03-02 — till kasse1 (2026-03-02 00:00:00 to 2026-03-03 00:00:00)",
    );
    expect(io.stdout).toMatch(/captured +1 +NOK 61\.50/);
    expect(io.stdout).toMatch(/refunded +1 +-NOK 12\.50/);
    expect(io.stdout).toMatch(/net +NOK 49\.00/);
    expect(io.stdout).toMatch(/failed +1 +EXPIRED 1/);
    expect(io.stdout).toMatch(/25 % +NOK 39\.20 +NOK 9\.80 +NOK 49\.00/);
    expect(io.stdout).toMatch(/15 % +NOK 10\.87 +NOK 1\.63 +NOK 12\.50/);
  });

  it("--json gives the same numbers for scripts", async () => {
    const io = await runCommand(registerReportCommand, [
      "report",
      "--date",
      "2026-03-02",
      "--json",
      "--config",
      configFile,
    ]);
    expect(JSON.parse(io.stdout)).toMatchObject({
      sales: { captured: { count: 1, total: 6150 }, failed: 1 },
      refunds: { count: 1, total: 1250 },
      net: 4900,
    });
  });

  it("--print prints it directly when the agent is not running", async () => {
    const io = await runCommand(registerReportCommand, [
      "report",
      "--date",
      "2026-03-02",
      "--print",
      "--config",
      configFile,
    ]);
    expect(io.exitCode).toBe(EXIT.OK);
    expect(io.stderr).toContain(`✓ report printed on tcp://127.0.0.1:${printer.port}`);
    const printed = printer.sessions.map((s) => decodeEscPos(s)).find((d) => d.cuts > 0);
    expect(printed?.lines.join("\n")).toContain("DAGSOPPGJØR");
    expect(printed?.lines.join("\n")).toContain("kasse1");
  });

  it("--print goes through the running agent, which owns the printer", async () => {
    const api = new ControlApiDouble();
    const server = await startControlServer({ socketPath: join(dir.path, "control.sock"), api });
    try {
      const io = await runCommand(registerReportCommand, [
        "report",
        "--date",
        "2026-03-02",
        "--print",
        "--config",
        configFile,
      ]);
      expect(io.exitCode).toBe(EXIT.OK);
      expect(io.stderr).toContain("✓ report queued on the agent's printer (job manual:1)");
      expect(api.printed).toMatchObject([
        {
          kind: "end_of_day",
          till: "kasse1",
          currency: "NOK",
          sales: { count: 1, total: 6150 },
          refunds: { count: 1, total: 1250 },
          unpaidCount: 1,
        },
      ]);
      expect(printer.sessions).toEqual([]);
    } finally {
      await server.close();
    }
  });

  it("exits 69 when the printer is out of paper, after showing the report", async () => {
    printer.state = "paper_out";
    try {
      const io = await runCommand(registerReportCommand, [
        "report",
        "--date",
        "2026-03-02",
        "--print",
        "--config",
        configFile,
      ]);
      expect(io.stdout).toContain("end of day 2026-03-02");
      expect(io.stderr).toContain("PRINTER_PAPER_OUT");
      expect(io.exitCode).toBe(EXIT.UNAVAILABLE);
    } finally {
      printer.state = "online";
    }
  });

  it("exits 64 for a bad date and 69 when there is no journal", async () => {
    const bad = await runCommand(registerReportCommand, [
      "report",
      "--date",
      "2026-02-30",
      "--config",
      configFile,
    ]);
    expect(bad.exitCode).toBe(EXIT.USAGE);
    expect(bad.stderr).toContain("REPORT_BAD_DATE");
    const other = tempDir();
    try {
      const io = await runCommand(registerReportCommand, [
        "report",
        "--config",
        writeAgentConfig(other.path),
      ]);
      expect(io.exitCode).toBe(EXIT.UNAVAILABLE);
      expect(io.stderr).toContain("JOURNAL_MISSING");
    } finally {
      other.cleanup();
    }
  });

  it.runIf(process.geteuid?.() === 0)(
    "run by root, leaves the journal's files to the agent's user",
    async () => {
      chmodSync(dir.path, 0o755);
      for (const name of readdirSync(storage)) chownSync(join(storage, name), 65534, 65534);
      chownSync(storage, 65534, 65534);
      const io = await runCommand(registerReportCommand, [
        "report",
        "--date",
        "2026-03-02",
        "--json",
        "--config",
        configFile,
      ]);
      expect(io.exitCode).toBe(EXIT.OK);
      expect(JSON.parse(io.stdout)).toMatchObject({ net: 4900 });
      for (const name of readdirSync(storage))
        expect({ name, uid: statSync(join(storage, name)).uid }).toEqual({ name, uid: 65534 });
    },
  );
});
