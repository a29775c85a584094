import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { captureFrom, openDevicePty, type DevicePty } from "../../test/helpers/device-pty.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { replayFrame, screenText } from "../../test/helpers/terminal-screen.js";
import type { CustomerDisplay, FrameStream, Screen } from "./index.js";
import { openTerminalDisplay, renderScreen } from "./index.js";

const QR = "https://qr.vipps.no/28/2/01/031/display-test";
const IDLE: Screen = { kind: "idle", qrContent: QR };
const LOOK = { language: "nb", brand: "auto", currency: "NOK" } as const;

async function rejection(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return isAgentError(error) ? error.code : String(error);
  }
  return undefined;
}

describe("openTerminalDisplay on a file (SSH preview)", () => {
  let dir: ReturnType<typeof tempDir>;
  let display: CustomerDisplay | undefined;
  beforeEach(() => (dir = tempDir()));
  afterEach(async () => {
    await display?.close();
    dir.cleanup();
  });

  it("replaces the file with each frame, 80×24 unless configured", async () => {
    const path = join(dir.path, "screen.txt");
    display = openTerminalDisplay({ target: { path }, ...LOOK });
    await display.show(IDLE);
    expect(readFileSync(path, "utf8")).toBe(renderScreen(IDLE, { rows: 24, columns: 80, ...LOOK }));
    const paid: Screen = { kind: "paid", amount: { currency: "NOK", value: 4_900 } };
    await display.show(paid);
    const text = screenText(replayFrame(readFileSync(path, "utf8"), 24, 80)).join("\n");
    expect(text).toContain("Betalt");
    expect(text).not.toContain("Skann for å betale");
  });

  it("uses the configured size", async () => {
    const path = join(dir.path, "screen.txt");
    display = openTerminalDisplay({ target: { path }, ...LOOK, rows: 67, columns: 240 });
    await display.show(IDLE);
    expect(readFileSync(path, "utf8")).toBe(renderScreen(IDLE, { rows: 67, columns: 240, ...LOOK }));
  });

  it("refuses a bad screen without touching the file", async () => {
    const path = join(dir.path, "screen.txt");
    writeFileSync(path, "before");
    display = openTerminalDisplay({ target: { path }, ...LOOK });
    expect(await rejection(display.show({ kind: "paid", amount: { currency: "NOK", value: -5 } }))).toBe(
      "DISPLAY_BAD_SCREEN",
    );
    expect(readFileSync(path, "utf8")).toBe("before");
  });

  it("reports DISPLAY_WRITE_FAILED and recovers when the path becomes writable", async () => {
    const path = join(dir.path, "missing", "screen.txt");
    display = openTerminalDisplay({ target: { path }, ...LOOK });
    expect(await rejection(display.show(IDLE))).toBe("DISPLAY_WRITE_FAILED");
    mkdirSync(join(dir.path, "missing"));
    await display.show(IDLE);
    expect(readFileSync(path, "utf8")).toContain("\u001b[2J");
  });

  it("refuses to draw after close", async () => {
    display = openTerminalDisplay({ target: { path: join(dir.path, "s") }, ...LOOK });
    await display.close();
    expect(await rejection(display.show(IDLE))).toBe("DISPLAY_CLOSED");
  });
});

describe("openTerminalDisplay on a real TTY (pty from socat)", () => {
  let dir: ReturnType<typeof tempDir>;
  let pty: DevicePty;
  beforeEach(async () => {
    dir = tempDir();
    pty = await openDevicePty(dir.path, "tty1");
  });
  afterEach(async () => {
    await pty.close();
    dir.cleanup();
  });

  it("reads the size from the TTY and writes the frame to it", async () => {
    execFileSync("stty", ["-F", pty.devicePath, "rows", "67", "cols", "240"]);
    const peer = captureFrom(pty.peerPath);
    const display = openTerminalDisplay({ target: { path: pty.devicePath }, ...LOOK });
    try {
      await display.show(IDLE);
      const expected = renderScreen(IDLE, { rows: 67, columns: 240, ...LOOK });
      await vi.waitFor(() => expect(peer.text()).toContain(expected), { timeout: 15_000 });
      // The console is told not to blank first; close shows the cursor again.
      expect(peer.text().startsWith("\u001b[9;0]")).toBe(true);
    } finally {
      await display.close();
    }
    await vi.waitFor(() => expect(peer.text().endsWith("\u001b[0m\u001b[?25h\u001b[?7h")).toBe(true), {
      timeout: 15_000,
    });
    peer.stop();
  });

  it("never blocks the event loop on a TTY nobody drains; the frame times out instead", async () => {
    execFileSync("stty", ["-F", pty.devicePath, "rows", "67", "cols", "240"]);
    const display = openTerminalDisplay({ target: { path: pty.devicePath }, ...LOOK, writeTimeoutMs: 500 });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    try {
      // Several large frames overflow the pty's buffers (nobody reads the peer end).
      const results = await Promise.all([1, 2, 3, 4, 5, 6].map(() => rejection(display.show(IDLE))));
      expect(results).toContain("DISPLAY_WRITE_FAILED");
      expect(ticks).toBeGreaterThan(10);
    } finally {
      clearInterval(ticker);
      await display.close();
    }
  });

  it("falls back to 80×24 when the TTY reports no size", async () => {
    execFileSync("stty", ["-F", pty.devicePath, "rows", "0", "cols", "0"]);
    const peer = captureFrom(pty.peerPath);
    const display = openTerminalDisplay({ target: { path: pty.devicePath }, ...LOOK });
    try {
      await display.show(IDLE);
      const expected = renderScreen(IDLE, { rows: 24, columns: 80, ...LOOK });
      await vi.waitFor(() => expect(peer.text()).toContain(expected), { timeout: 15_000 });
    } finally {
      await display.close();
      peer.stop();
    }
  });
});

describe("openTerminalDisplay on a stream (the demo's terminal)", () => {
  it("draws at the stream's size, in order", async () => {
    const written: string[] = [];
    const stream: FrameStream = {
      isTTY: true,
      columns: 100,
      rows: 30,
      write: (chunk, callback) => {
        written.push(chunk);
        setTimeout(() => callback(null), 5);
        return true;
      },
    };
    const display = openTerminalDisplay({ target: { stream }, ...LOOK });
    const paid: Screen = { kind: "paid", amount: { currency: "NOK", value: 100 } };
    await Promise.all([display.show(IDLE), display.show(paid)]);
    expect(written).toEqual([
      renderScreen(IDLE, { rows: 30, columns: 100, ...LOOK }),
      renderScreen(paid, { rows: 30, columns: 100, ...LOOK }),
    ]);
    await display.close();
  });

  it("reports a failing stream as DISPLAY_WRITE_FAILED", async () => {
    const stream: FrameStream = { write: (_chunk, callback) => (callback(new Error("EIO")), false) };
    const display = openTerminalDisplay({ target: { stream }, ...LOOK });
    expect(await rejection(display.show(IDLE))).toBe("DISPLAY_WRITE_FAILED");
    await display.close();
  });
});
