import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startControlServer, type ControlServer } from "../../control/index.js";
import { ControlApiDouble } from "../../../test/helpers/control-api-double.js";
import { runCommand, writeAgentConfig } from "../../../test/helpers/technician-cli.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { EXIT } from "../../../lib/exit-codes.js";
import { registerStatusCommand } from "./status.js";

describe("pos-agent status", () => {
  let dir: ReturnType<typeof tempDir>;
  let configFile: string;
  let api: ControlApiDouble;
  let server: ControlServer | undefined;

  beforeEach(async () => {
    dir = tempDir();
    configFile = writeAgentConfig(dir.path);
    api = new ControlApiDouble();
    server = await startControlServer({ socketPath: join(dir.path, "control.sock"), api });
  });
  afterEach(async () => {
    await server?.close();
    dir.cleanup();
  });

  it("shows the links, the current sale, the last sales and the counters", async () => {
    api.statusValue = {
      ...api.statusValue,
      degraded: ["printer offline"],
      links: { ...api.statusValue.links, printer: { state: "offline", queued: 2 } },
      currentSale: {
        saleId: "S-1003",
        saleNo: 3,
        state: "waiting_for_customer",
        amount: 12_345,
        currency: "NOK",
        updatedAt: "2026-03-02T10:07:00.000Z",
      },
    };
    const io = await runCommand(registerStatusCommand, ["status", "--config", configFile]);
    expect(io.exitCode).toBe(EXIT.OK);
    expect(io.stdout).toContain("till kasse1 (MSN 123456), pid 4242, up 2 h 05 min");
    expect(io.stdout).toContain("! serving degraded: printer offline");
    expect(io.stdout).toMatch(/✓ +register +up \(reference-register\)/);
    expect(io.stdout).toMatch(/✗ +printer +offline, 2 queued/);
    expect(io.stdout).toMatch(/- +gpio +disabled/);
    expect(io.stdout).toMatch(/#3 +S-1003 +waiting_for_customer +NOK 123.45/);
    expect(io.stdout).toMatch(/#2 +S-1002 +captured +NOK 61.50, captured NOK 61.50 +kasse1-1002-aaaa/);
    expect(io.stdout).toMatch(/#1 +S-1001 +failed \(ABORTED\) +NOK 49.00 +kasse1-1001-bbbb/);
    expect(io.stdout).toContain("counters: captured 1 · failed 1 · cancelled 0");
  });

  it("lists the open holds over the real control socket: amount held, reference, deadline and what the till does then", async () => {
    api.statusValue = {
      ...api.statusValue,
      openHolds: [
        {
          saleId: "S-0998",
          saleNo: 998,
          reference: "kasse1-0998-hold",
          authorizedAmount: 98_550,
          currency: "NOK",
          holdUntil: "2026-08-29T06:02:11.000Z",
          actAt: "2026-08-29T00:02:11.000Z",
          action: "release",
        },
      ],
    };
    const io = await runCommand(registerStatusCommand, ["status", "--config", configFile]);
    expect(io.exitCode).toBe(EXIT.OK);
    expect(io.stdout).toContain("open holds (authorized, not captured");
    expect(io.stdout).toMatch(/#998 +S-0998 +NOK 985.50 +kasse1-0998-hold +capture by \S+ \S+ +release at /);
    // Without holds, no such section.
    api.statusValue = { ...api.statusValue, openHolds: [] };
    const none = await runCommand(registerStatusCommand, ["status", "--config", configFile]);
    expect(none.stdout).not.toContain("open holds");
  });

  it("--json prints the status as the agent sent it", async () => {
    const io = await runCommand(registerStatusCommand, ["status", "--config", configFile, "--json"]);
    expect(io.exitCode).toBe(EXIT.OK);
    expect(JSON.parse(io.stdout)).toEqual(api.statusValue);
  });

  it("exits 69 with what to do when the agent is not running", async () => {
    await server?.close();
    server = undefined;
    const io = await runCommand(registerStatusCommand, ["status", "--config", configFile]);
    expect(io.exitCode).toBe(EXIT.UNAVAILABLE);
    expect(io.stdout).toBe("");
    expect(io.stderr).toContain(
      `the agent is not running: nothing answers on ${join(dir.path, "control.sock")}`,
    );
    expect(io.stderr).toContain("systemctl status pos-agent");
  });

  it("exits 78 on a config it cannot read, unless --socket says where the agent is", async () => {
    const missing = join(dir.path, "nope.yaml");
    const bad = await runCommand(registerStatusCommand, ["status", "--config", missing]);
    expect(bad.exitCode).toBe(EXIT.CONFIG);
    expect(bad.stderr).toContain("cannot read: ENOENT");
    const direct = await runCommand(registerStatusCommand, [
      "status",
      "--config",
      missing,
      "--socket",
      join(dir.path, "control.sock"),
    ]);
    expect(direct.exitCode).toBe(EXIT.OK);
    expect(direct.stdout).toContain("till kasse1");
  });
});
