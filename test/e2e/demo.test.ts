import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { DEMO_BIN, runCli } from "../helpers/cli.js";
import { decodeQrPixels, rasterise, replayFrame, screenText } from "../helpers/terminal-screen.js";
import { EXIT } from "../../lib/exit-codes.js";
import { SCENARIO_NAMES, scenarioFor } from "../../demo/scenarios.js";

/**
 * The demo (`npm start`) in a real terminal of `rows × columns`: a pty made by script(1) (util-linux),
 * sized with stty before node starts. Returns everything the demo drew on it.
 */
function demoOnTerminal(rows: number, columns: number, args = "--sales 1"): Promise<string> {
  return new Promise((resolve, reject) => {
    const command = `stty rows ${rows} cols ${columns}; exec "${process.execPath}" "${DEMO_BIN}" ${args}`;
    const child = spawn("script", ["-qec", command, "/dev/null"], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    // Decoded as a stream: a chunk may end inside a UTF-8 character (the QR's half blocks).
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (d: string) => (out += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** Every QR a phone can read on the terminal, frame by frame (undefined: a frame without one). */
function qrsDrawn(drawn: string, rows: number, columns: number): (string | undefined)[] {
  const frames: number[] = [];
  for (let i = drawn.indexOf("\u001b[H\u001b[2J"); i !== -1; i = drawn.indexOf("\u001b[H\u001b[2J", i + 1))
    frames.push(i);
  return frames.map(
    (start, n) =>
      decodeQrPixels(rasterise(replayFrame(drawn.slice(0, frames[n + 1] ?? drawn.length), rows, columns)))
        ?.data,
  );
}

/** `npm start` / `npm run demo -- <options>`: the built demo, on embedded defaults, as a user runs it. */
describe("the demo (npm start)", () => {
  it("--sales 2 --scenario mixed: every sale ends as its scenario expects, exit 0", async () => {
    const result = await runCli(["--sales", "2", "--scenario", "mixed"], {
      bin: DEMO_BIN,
      timeoutMs: 120_000,
    });
    expect(result.stdout).toContain("2 of 2 sale(s) ended as expected");
    expect(result.stdout).toMatch(/register: captured kr 86,50 .*final/);
    expect(result.stdout).toContain("receipt printed");
    expect(result.stdout).toContain("KVITTERING");
    expect(result.code).toBe(EXIT.OK);
  }, 130_000);

  it("--scenario age: a 17-year-old's beer is refused, AGE_NOT_VERIFIED, exit 0", async () => {
    const result = await runCli(["--sales", "1", "--scenario", "age"], { bin: DEMO_BIN, timeoutMs: 120_000 });
    expect(result.stdout).toMatch(/register: failed kr 131,40 \(AGE_NOT_VERIFIED\).*final/);
    expect(result.stdout).toContain("1 of 1 sale(s) ended as expected");
    expect(result.code).toBe(EXIT.OK);
  }, 130_000);

  it("--scenario split: half in cash, Vipps captures the rest, the receipt shows both, exit 0", async () => {
    const result = await runCli(["--sales", "1", "--scenario", "split"], {
      bin: DEMO_BIN,
      timeoutMs: 120_000,
    });
    expect(result.stdout).toContain("cashier takes kr 43,00 in cash");
    expect(result.stdout).toMatch(/register: captured kr 43,50 .*final/);
    expect(result.stdout).toMatch(/Kontant +kr 43,00/);
    expect(result.stdout).toContain("1 of 1 sale(s) ended as expected");
    expect(result.code).toBe(EXIT.OK);
  }, 130_000);

  it("--scenario hold: the money is held, then a smaller final basket is captured, exit 0", async () => {
    const result = await runCli(["--sales", "1", "--scenario", "hold"], {
      bin: DEMO_BIN,
      timeoutMs: 120_000,
    });
    expect(result.stdout).toContain("→ register: held kr 86,50");
    expect(result.stdout).toContain("final basket kr 78,00: capture it");
    expect(result.stdout).toMatch(/→ register: captured kr 78,00.*final/);
    expect(result.stdout).toContain("1 of 1 sale(s) ended as expected");
    expect(result.code).toBe(EXIT.OK);
  }, 130_000);

  it("--scenario refund-elsewhere: paid at till kasse2, refunded here by its reference, the receipt says so, exit 0", async () => {
    const result = await runCli(["--sales", "1", "--scenario", "refund-elsewhere"], {
      bin: DEMO_BIN,
      timeoutMs: 120_000,
    });
    const reference = /paid kr 86,50 at the next till \(reference (kasse2-[0-9a-f]+-1)\)/.exec(
      result.stdout,
    )?.[1];
    expect(reference).toBeDefined();
    expect(result.stdout).toContain(`refund kr 86,50 of ${reference}`);
    expect(result.stdout).toMatch(/register: refunded kr 86,50 .*final/);
    expect(result.stdout).toContain("Retur av kjøp gjort ved en annen kasse");
    expect(result.stdout).toMatch(/TILBAKEBETALT +kr 86,50/);
    expect(result.stdout).toContain("1 of 1 sale(s) ended as expected");
    expect(result.code).toBe(EXIT.OK);
  }, 130_000);

  it("--scenario mixed goes round every scenario, refund-elsewhere included", () => {
    // Checked on the list the demo runs from, not by running every scenario (a minute of sales).
    const round = Array.from({ length: SCENARIO_NAMES.length - 1 }, (_, n) => scenarioFor("mixed", n).name);
    expect(new Set(round)).toEqual(new Set(SCENARIO_NAMES.filter((name) => name !== "mixed")));
    expect(round).toContain("refund-elsewhere");
  });

  it.each(["member", "enroll"])(
    "--loyalty %s shows the seed's sequence: identified member, member prices, paid",
    async (flow) => {
      const result = await runCli(["--sales", "1", "--loyalty", flow], { bin: DEMO_BIN, timeoutMs: 120_000 });
      expect(result.stdout).toMatch(/customer_identified kr 86,50 — member \S+/);
      expect(result.stdout).toContain("member prices: kr 77,85");
      expect(result.stdout).toMatch(/captured kr 77,85 — member \S+.*final/);
      expect(result.code).toBe(EXIT.OK);
    },
    130_000,
  );

  it.each([
    [24, 80],
    [30, 100],
  ])(
    "in a %i-row, %i-column terminal every screen that asks the customer to scan has a QR a phone can read",
    async (rows, columns) => {
      const drawn = await demoOnTerminal(rows, columns);
      expect(drawn).toContain("1 of 1 sale(s) ended as expected");
      // The terminal as it looked after each frame and the story lines that followed it.
      const frames: number[] = [];
      for (
        let i = drawn.indexOf("\u001b[H\u001b[2J");
        i !== -1;
        i = drawn.indexOf("\u001b[H\u001b[2J", i + 1)
      )
        frames.push(i);
      const decoded: (string | undefined)[] = [];
      const unreadable: string[] = [];
      for (const [n] of frames.entries()) {
        const screen = replayFrame(drawn.slice(0, frames[n + 1] ?? drawn.length), rows, columns);
        const text = screenText(screen).join("\n");
        if (!/Skann for å betale|Å betale/.test(text)) continue;
        // Not asking to scan: the code comes when paying (per-sale QR until a bridge's heartbeat
        // is seen, right after start), is being made, or expired (DISPLAY_TEXTS.nb).
        if (/Betalingskoden kommer|Lager betalingskoden|Koden er utløpt/.test(text)) continue;
        const data = decodeQrPixels(rasterise(screen))?.data;
        decoded.push(data);
        if (data === undefined) unreadable.push(`frame ${n}:\n${text}`);
      }
      // Idle before the sale, the amount while it is paid, idle after it: all the till's QR.
      expect(decoded.length).toBeGreaterThanOrEqual(2);
      expect(unreadable, "screens asking to scan without a readable QR").toEqual([]);
      expect(decoded[0]).toMatch(/^https:\/\/qr\.vipps\.no\/c\/[A-Za-z0-9_-]{16}$/);
      expect(new Set(decoded)).toEqual(new Set([decoded[0]]));
    },
    130_000,
  );

  it("--scenario bridge-down: the bridge stops, the sale is paid by a QR made for it, the bridge returns and the till is back on its own QR", async () => {
    const drawn = await demoOnTerminal(24, 80, "--sales 1 --scenario bridge-down");
    // The scenario expects the sale captured: the demo counts it only then.
    expect(drawn).toContain("1 of 1 sale(s) ended as expected");
    const story = drawn.replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;?]*[A-Za-z]`, "g"), "");
    expect(story).toContain("identification per-sale");
    expect(story).toContain("scans the QR made for this sale");
    expect(story).toContain("identification callback");
    // What a camera read off the display, in order: the till's QR, then this payment's own QR,
    // never the two on one screen.
    const kinds = qrsDrawn(drawn, 24, 80)
      .filter((q): q is string => q !== undefined)
      .map((q) =>
        /^https:\/\/qr\.vipps\.no\/c\//.test(q)
          ? "till"
          : /^https:\/\/landing\.vipps\.no\/\?token=/.test(q)
            ? "sale"
            : q,
      )
      .filter((k, i, all) => i === 0 || all[i - 1] !== k);
    expect(kinds).toEqual(["till", "sale"]);
  }, 130_000);

  it("refuses a bad --sales", async () => {
    const result = await runCli(["--sales", "0"], { bin: DEMO_BIN });
    expect(result.code).toBe(EXIT.USAGE);
  });
});
