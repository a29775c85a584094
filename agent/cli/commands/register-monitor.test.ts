import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AGENT_BIN } from "../../../test/helpers/cli.js";
import { createPtyPair, type PtyPair } from "../../../test/helpers/pty-pair.js";
import { testSerial } from "../../../test/helpers/register-rig.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { runOnTerminal, TERMINAL_CONTROLS } from "../../../test/helpers/terminal-run.js";
import { silentLogger } from "../../../lib/log.js";
import { CATALOGUE, lineFor, makeBasket } from "../../../sim/register/catalogue.js";
import { createReferenceRegister, type ReferenceRegister } from "../../../sim/register/reference-register.js";
import { EXIT } from "../../../lib/exit-codes.js";

/** The built `pos-agent register-monitor` on one end of a real pty pair, the reference register on the other. */

const WAIT = { timeout: 20_000, interval: 50 };
const article = CATALOGUE[0];
if (article === undefined) throw new Error("empty catalogue");

let dir: ReturnType<typeof tempDir>;
let pair: PtyPair;
let monitor: ChildProcessWithoutNullStreams | undefined;
let register: ReferenceRegister | undefined;
let stdout = "";

beforeEach(async () => {
  dir = tempDir("register-monitor-");
  pair = await createPtyPair({ a: join(dir.path, "agent"), b: join(dir.path, "register") });
  stdout = "";
});
afterEach(async () => {
  if (monitor !== undefined && monitor.exitCode === null) {
    const exited = new Promise((resolve) => monitor?.once("exit", resolve));
    monitor.kill("SIGKILL");
    await exited;
  }
  monitor = undefined;
  await register?.stop();
  register = undefined;
  await pair.close();
  dir.cleanup();
});

function startMonitor(args: string[] = []): ChildProcessWithoutNullStreams {
  const child = spawn(
    process.execPath,
    [AGENT_BIN, "register-monitor", "--port", pair.a, "--till", "kasse1", ...args],
    { stdio: "pipe" },
  );
  child.stdout.setEncoding("utf8"); // a chunk may end inside a UTF-8 character
  child.stdout.on("data", (d: string) => (stdout += d));
  monitor = child;
  return child;
}

describe("pos-agent register-monitor", () => {
  it("shakes hands, acks and validates what the register sends, prints it, answers status and ping", async () => {
    const child = startMonitor(["--show-heartbeat"]);
    register = createReferenceRegister({
      transport: testSerial(pair.b, silentLogger()),
      heartbeatIntervalMs: 1000,
    });
    register.start();
    await register.waitUntilUp(20_000);
    expect(register.link.peer).toMatchObject({ role: "agent", till: "kasse1" });

    const basket = makeBasket("M-1", "NOK", [lineFor(article, "2")]);
    await expect(register.sell(basket)).resolves.toEqual({ acked: true });
    await expect(
      register.sendRaw({ type: "basket", ...basket, saleId: "M-2", total: 1 }),
    ).resolves.toMatchObject({
      refused: { code: "BASKET_TOTAL_MISMATCH" },
    });
    await expect(register.pay("M-1")).resolves.toEqual({ acked: true });
    await expect(register.sell({ ...basket, total: basket.total })).resolves.toMatchObject({
      refused: { code: "SALE_LOCKED" },
    });
    await expect(register.status("M-1")).resolves.toEqual({ acked: true });
    await vi.waitFor(() => expect(register?.sale("M-1")?.reports.length).toBe(2), WAIT);
    expect(register.sale("M-1")?.reports.map((r) => r.state)).toEqual([
      "waiting_for_customer",
      "waiting_for_customer",
    ]);
    // Totals (extension): a day of zeros, since the monitor takes no payments; not a future day.
    const totals = await register.totals("2026-03-02");
    expect(totals).toMatchObject({ acked: true, totals: { date: "2026-03-02", net: 0, currency: "NOK" } });
    await expect(register.totals("2999-01-01")).resolves.toMatchObject({
      refused: { code: "DAY_OUT_OF_RANGE" },
    });
    // The register's heartbeat ping is answered with pong.
    await vi.waitFor(() => expect(stdout).toMatch(/→ #\d+ pong/), WAIT);

    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGINT");
    expect(await exited).toBe(EXIT.OK);
    expect(stdout).toMatch(/● link up — hello from register reference-register/);
    expect(stdout).toMatch(
      /← #\d+ basket M-1: 1 lines, total 98\.00 NOK\n +2 PCS Kaffe latte à 49\.00 = 98\.00 NOK \(VAT 15 %\)/,
    );
    expect(stdout).toMatch(
      /→ refused \d+: BASKET_TOTAL_MISMATCH total 1 is not the sum of the line totals \(9800\)/,
    );
    expect(stdout).toMatch(/→ refused \d+: SALE_LOCKED sale M-1 is locked: pay was received/);
    expect(stdout).toMatch(/← #\d+ status M-1\?/);
    expect(stdout).toMatch(/← #\d+ totals 2026-03-02\?/);
    expect(stdout).toMatch(/→ #\d+ totals 2026-03-02: 0 captured 0\.00 NOK, 0 refunds 0\.00, net 0\.00/);
    expect(stdout).toMatch(/← #\d+ ping/);
    expect(stdout).toMatch(/stopped: \d+ frames in, \d+ out/);
  });

  it("keeps trying while nothing answers, and stops on --duration", async () => {
    const child = startMonitor(["--duration", "5", "--ack-timeout", "200"]);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(EXIT.OK);
    expect(stdout).toMatch(/→ #1 hello from agent register-monitor-kasse1/);
    expect(stdout).toMatch(/the register does not answer; reopening and saying hello again/);
  });

  it("shows what the register sends on a terminal without obeying its control characters", async () => {
    const ESC = "\u001b";
    // Clear screen, window title, hidden text, 8-bit CSI: a register's hello id and a line name.
    const hostile = `${ESC}[2J${ESC}]0;pwned\u0007${ESC}[8m\u009b2J`;
    const run = runOnTerminal(["register-monitor", "--port", pair.a, "--till", "kasse1", "--duration", "4"]);
    register = createReferenceRegister({
      transport: testSerial(pair.b, silentLogger()),
      id: `${hostile}KASSE-01`,
      heartbeatIntervalMs: 1000,
    });
    register.start();
    await register.waitUntilUp(20_000);
    const line = { ...lineFor(article, "1"), name: `${hostile}Kaffe på kanna${ESC}[0m` };
    await expect(register.sell(makeBasket("M-1", "NOK", [line]))).resolves.toEqual({ acked: true });
    const { screen, code } = await run;
    expect(code).toBe(EXIT.OK);
    expect([...screen].filter((c) => TERMINAL_CONTROLS.test(c))).toEqual([]);
    expect(screen).toContain("● link up — hello from register KASSE-01");
    expect(screen).toContain("1 PCS Kaffe på kanna à");
  });

  it("refuses a bad option with the usage exit code", async () => {
    const child = spawn(
      process.execPath,
      [AGENT_BIN, "register-monitor", "--port", pair.a, "--baud", "fast"],
      { stdio: "pipe" },
    );
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(EXIT.USAGE);
  });
});
