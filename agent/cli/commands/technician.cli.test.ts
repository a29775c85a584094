import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../test/helpers/cli.js";
import { ControlApiDouble, serveAgentSockets } from "../../../test/helpers/control-api-double.js";
import { writeAgentConfig } from "../../../test/helpers/technician-cli.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { openTillJournal, vatLine } from "../../../test/helpers/till-journal.js";
import { EXIT } from "../../../lib/exit-codes.js";

/**
 * The technician's commands as the built `pos-agent` (plain node, a separate process, as over
 * SSH): wiring in main.ts, exit codes and streams. The commands' behaviour is covered in depth
 * by their in-process tests.
 */
describe("pos-agent technician commands (built CLI)", () => {
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  let api: ControlApiDouble;
  let server: { close(): Promise<void> };

  beforeAll(async () => {
    dir = tempDir();
    const storage = join(dir.path, "state");
    mkdirSync(storage);
    const till = openTillJournal(storage, Date.UTC(2026, 2, 2, 9));
    await till.captured("S1", [vatLine("coffee", 4900, 2500)]);
    await till.close();
    configFile = writeAgentConfig(dir.path);
    api = new ControlApiDouble();
    server = await serveAgentSockets(dir.path, api);
  });
  afterAll(async () => {
    await server.close();
    dir.cleanup();
  });

  it("lists the commands in --help", async () => {
    const help = await runCli(["--help"]);
    for (const command of ["doctor", "status", "setup", "report", "reprint", "refund", "config"])
      expect(help.stdout).toContain(command);
    const config = await runCli(["config", "--help"]);
    for (const command of ["check", "get", "set"]) expect(config.stdout).toContain(command);
  });

  it("status, reprint and refund talk to the running agent over its socket", async () => {
    const status = await runCli(["status", "--config", configFile]);
    expect(status.code).toBe(EXIT.OK);
    expect(status.stdout).toContain("till kasse1 (MSN 123456)");
    const reprint = await runCli(["reprint", "2", "--config", configFile]);
    expect(reprint.stdout).toContain("✓ copy of sale S-1002 queued");
    const refund = await runCli(["refund", "kasse1-1002-aaaa", "10.00", "--yes", "--config", configFile]);
    expect(refund.code).toBe(EXIT.OK);
    expect(refund.stdout).toContain("refunded NOK 10.00 in total");
    const noTerminal = await runCli(["refund", "kasse1-1002-aaaa", "10.00", "--config", configFile]);
    expect(noTerminal.code).toBe(EXIT.USAGE);
    const badAmount = await runCli(["refund", "kasse1-1002-aaaa", "10.5", "--yes", "--config", configFile]);
    expect(badAmount.code).toBe(EXIT.USAGE);
    expect(api.calls.filter((c) => c.method === "refund").map((c) => c.args)).toEqual([
      ["kasse1-1002-aaaa", 1000],
    ]);
  });

  it("exits 69 for status when no agent runs", async () => {
    const result = await runCli([
      "status",
      "--socket",
      join(dir.path, "nobody.sock"),
      "--config",
      configFile,
    ]);
    expect(result.code).toBe(EXIT.UNAVAILABLE);
    expect(result.stderr).toContain("the agent is not running");
  });

  it("config get and set edit the file", async () => {
    const set = await runCli(["config", "set", "printer.columns", "48", "--config", configFile]);
    expect(set.code).toBe(EXIT.OK);
    expect(readFileSync(configFile, "utf8")).toContain("columns: 48");
    expect((await runCli(["config", "get", "printer.columns", "--config", configFile])).stdout).toBe("48\n");
    expect((await runCli(["config", "set", "printer.columns", "7", "--config", configFile])).code).toBe(
      EXIT.CONFIG,
    );
    expect((await runCli(["config", "get", "vipps.clientSecret", "--config", configFile])).code).toBe(
      EXIT.USAGE,
    );
  });

  it("report reads the journal", async () => {
    const result = await runCli(["report", "--date", "2026-03-02", "--json", "--config", configFile], {
      env: { TZ: "Europe/Oslo" },
    });
    expect(result.code).toBe(EXIT.OK);
    expect(JSON.parse(result.stdout)).toMatchObject({ sales: { captured: { count: 1, total: 4900 } } });
  });

  it("doctor exits 1 with every problem of a broken config", async () => {
    const result = await runCli(["doctor", "--config", join(dir.path, "missing.yaml")]);
    expect(result.code).toBe(EXIT.FAILURE);
    expect(result.stdout).toMatch(/^✗ config +.*missing\.yaml: cannot read: ENOENT/m);
    expect(result.stdout).toContain("NOT healthy");
  });
});
