import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT, runCli } from "../../test/helpers/cli.js";
import { createPtyPair, type PtyPair } from "../../test/helpers/pty-pair.js";
import { testSerial } from "../../test/helpers/register-rig.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { silentLogger } from "../../lib/log.js";
import { createMonitorSession, type MonitorSession } from "../../drivers/register/monitor/monitor-session.js";

/** The built `register-sim` (npm run register-sim) on a real pty pair, register-monitor's session on the other end. */

const SIM = `${REPO_ROOT}dist/sim/register/main.js`;

let dir: ReturnType<typeof tempDir>;
let pair: PtyPair;
let monitor: MonitorSession | undefined;
beforeEach(async () => {
  dir = tempDir("register-sim-");
  pair = await createPtyPair({ a: join(dir.path, "agent"), b: join(dir.path, "register") });
});
afterEach(async () => {
  await monitor?.stop();
  monitor = undefined;
  await pair.close();
  dir.cleanup();
});

describe("register-sim", () => {
  it("runs the scripted sales over a serial device and exits 0 when each reached a final state", async () => {
    const lines: string[] = [];
    monitor = createMonitorSession({
      transport: testSerial(pair.a, silentLogger()),
      tillId: "kasse1",
      ackTimeoutMs: 1000,
      maxRetransmits: 3,
      heartbeatIntervalMs: 5000,
      print: (l) => lines.push(l),
    });
    monitor.start();
    const result = await runCli(["--port", pair.b, "--sales", "2", "--wait", "1"], {
      bin: SIM,
      timeoutMs: 60_000,
    });
    const transcript = `${result.stdout}\n--- stderr\n${result.stderr}\n--- monitor\n${lines.join("\n")}`;
    expect(result.code, transcript).toBe(0);
    expect(result.stderr, transcript).toBe("");
    expect(result.stdout).toMatch(/● link up: hello from agent register-monitor-kasse1/);
    expect(result.stdout).toMatch(/▶ basket R[0-9A-Z]+-1: 2 lines, total 137\.00 NOK\n {2}basket acked\n/);
    // The agent's report may be printed before or after the register saw its pay acked.
    expect(result.stdout.match(/\n {2}pay acked\n/g)).toHaveLength(2);
    expect(result.stdout).toMatch(/← sale R[0-9A-Z]+-1: waiting_for_customer/);
    expect(result.stdout).toMatch(/no outcome after 1 s: the cashier cancels/);
    expect(result.stdout).toMatch(/■ R[0-9A-Z]+-2: cancelled/);
    expect(lines.some((l) => l.includes("status R"))).toBe(true);
  });

  it("exits 69 when no agent answers", async () => {
    const result = await runCli(["--port", pair.b, "--up-timeout", "2", "--ack-timeout", "200"], {
      bin: SIM,
      timeoutMs: 30_000,
    });
    expect(result.code).toBe(69);
    expect(result.stdout).toContain(`no agent answered on ${pair.b} within 2 s`);
  });

  it("exits 64 on bad usage", async () => {
    expect((await runCli([], { bin: SIM })).code).toBe(64);
    expect((await runCli(["--port", pair.b, "--currency", "SEK"], { bin: SIM })).code).toBe(64);
  });
});
