import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../../test/helpers/cli.js";
import { tempDir } from "../../../test/helpers/temp-dir.js";
import { decodeQrPixels, rasterise, replayFrame, screenText } from "../../../test/helpers/terminal-screen.js";
import { EXIT } from "../../../lib/exit-codes.js";

/** The built `pos-agent display-test` drawing into a file, read back like a terminal would show it. */
describe("pos-agent display-test", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir("display-test-")));
  afterEach(() => dir.cleanup());

  it("draws the idle screen by default, with a QR that scans to the default content", async () => {
    const path = join(dir.path, "screen");
    const result = await runCli(["display-test", "--display", path]);
    expect(result.stdout).toContain("idle screen drawn");
    expect(result.code).toBe(EXIT.OK);
    const screen = replayFrame(readFileSync(path, "utf8"), 24, 80);
    expect(screenText(screen).join("\n")).toContain("Skann for å betale");
    expect(decodeQrPixels(rasterise(screen))?.data).toBe("https://qr.vipps.no/display-test");
  });

  it("draws the amount screen with the given content, size and language", async () => {
    const path = join(dir.path, "screen");
    const content = "https://qr.vipps.no/28/2/05/031/kasse1?v=1";
    const result = await runCli([
      "display-test",
      "--display",
      path,
      "--screen",
      "amount",
      "--content",
      content,
      "--language",
      "da",
      "--currency",
      "DKK",
      "--amount",
      "123450",
      "--rows",
      "67",
      "--columns",
      "240",
    ]);
    expect(result.code).toBe(EXIT.OK);
    const screen = replayFrame(readFileSync(path, "utf8"), 67, 240);
    const text = screenText(screen).join("\n");
    expect(text).toContain("At betale");
    expect(text).toContain("MobilePay");
    expect(decodeQrPixels(rasterise(screen))?.data).toBe(content);
  });

  it("refuses an unknown screen name with the usage code and draws nothing", async () => {
    const path = join(dir.path, "screen");
    const result = await runCli(["display-test", "--display", path, "--screen", "disco"]);
    expect(result.code).toBe(EXIT.USAGE);
    expect(result.stderr).toContain("expected one of idle, amount");
    expect(() => readFileSync(path)).toThrow();
  });

  it("exits 69 when the display cannot be written", async () => {
    const result = await runCli(["display-test", "--display", join(dir.path, "no", "such", "dir")]);
    expect(result.code).toBe(EXIT.UNAVAILABLE);
    expect(result.stderr).toContain("DISPLAY_WRITE_FAILED");
  });
});
