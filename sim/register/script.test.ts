import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMemoryCable } from "../../drivers/register/index.js";
import { createMonitorSession, type MonitorSession } from "../../drivers/register/monitor/monitor-session.js";
import { runInteractive } from "./interactive.js";
import { createReferenceRegister, type ReferenceRegister } from "./reference-register.js";
import { runScript } from "./script.js";

/** The reference register against register-monitor's session, in one process, real time. */
let monitor: MonitorSession;
let register: ReferenceRegister;
let monitorLines: string[];
beforeEach(async () => {
  const cable = createMemoryCable({ reopenDelayMs: 50 });
  const timing = { ackTimeoutMs: 500, maxRetransmits: 3, heartbeatIntervalMs: 0 };
  monitorLines = [];
  monitor = createMonitorSession({
    ...timing,
    transport: cable.a,
    tillId: "kasse1",
    print: (l) => monitorLines.push(l),
  });
  register = createReferenceRegister({ ...timing, transport: cable.b });
  monitor.start();
  register.start();
  await register.waitUntilUp(10_000);
});
afterEach(async () => {
  await register.stop();
  await monitor.stop();
});

describe("the scripted register", () => {
  it("runs its sales; with nobody paying, the cashier cancels each and the last asks for status", async () => {
    const printed: string[] = [];
    const result = await runScript(register, {
      sales: 3,
      waitMs: 100,
      currency: "NOK",
      print: (l) => printed.push(l),
      salePrefix: "T-",
    });
    expect(result).toEqual({
      ok: true,
      outcomes: [
        { saleId: "T-1", state: "cancelled" },
        { saleId: "T-2", state: "cancelled" },
        { saleId: "T-3", state: "cancelled" },
      ],
    });
    expect(printed).toContain("▶ basket T-1: 2 lines, total 137.00 NOK");
    expect(printed).toContain("  status acked");
    expect(printed.at(-1)).toBe("■ T-3: cancelled");
    expect(register.sale("T-3")?.reports.map((r) => r.state)).toEqual([
      "waiting_for_customer",
      "cancelled",
      "cancelled",
    ]);
    // The monitor printed each frame both ways, the basket with its lines.
    expect(
      monitorLines.some((l) => /^← #\d+ basket T-2: 3 lines, total 60\.88 NOK\n +0\.455 KG Epler/.test(l)),
    ).toBe(true);
    expect(monitorLines.some((l) => /^→ #\d+ sale T-3: cancelled \(final\)/.test(l))).toBe(true);
  });
});

describe("the interactive register", () => {
  it("builds a basket, pays, cancels, shows refusals, and sends raw frames", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let text = "";
    output.on("data", (d: Buffer) => (text += d.toString("utf8")));
    const done = runInteractive(register, { input, output, currency: "NOK", salePrefix: "I-" });
    input.write("add kaffe 2\nadd epler 0.455\npay\n");
    input.write("add bolle\nsend\n");
    input.write("cancel\nstatus\nrefund I-1 100\nnew\nadd nothing\n");
    input.write(
      'raw {"type":"basket","saleId":"I-9","currency":"SEK","lines":[],"total":0}\nsales\nbogus\nquit\n',
    );
    input.end();
    await done;
    expect(text).toContain("basket I-1: 2 lines, total 113.88 NOK");
    expect(text).toContain("pay ✓ acked");
    expect(text).toContain("basket ✗ refused SALE_LOCKED: sale I-1 is locked: pay was received");
    expect(text).toContain("cancel ✓ acked");
    expect(text).toContain("refund ✗ refused NOT_CAPTURED: sale I-1 was not captured");
    expect(text).toContain("new sale I-2");
    expect(text).toContain('no article "nothing"');
    expect(text).toContain("raw ✗ refused BAD_CURRENCY: currency: expected one of NOK, DKK, EUR");
    expect(text).toMatch(/I-1: cancelled \(final\), refused: SALE_LOCKED, NOT_CAPTURED/);
    expect(text).toContain('unknown command "bogus"');
  });
});
