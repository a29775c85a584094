import { join } from "node:path";
import { Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger, type Logger } from "../../lib/log.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { BOARDS, writeFakeSysfsGpio } from "../../test/helpers/fake-sysfs-gpio.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import type { ButtonAction, PinFactory, PinLevel } from "./index.js";
import { FakeStatusLights, onoffPins, openStatusLights } from "./index.js";

/** A logger whose lines the test can read. */
function capturingLogger(): { logger: Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    logger: createLogger({ level: "info", destination }),
    lines: () =>
      chunks
        .join("")
        .split("\n")
        .filter((l) => l !== "")
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

/** GPIO lines in memory: what a board would do with each sysfs number. */
function recordingPins(options: { accessible?: boolean; failExport?: number; failWrites?: boolean } = {}) {
  const levels = new Map<number, PinLevel>();
  const released: number[] = [];
  const exported: number[] = [];
  const inputs = new Map<number, (value: PinLevel) => void>();
  const factory: PinFactory = {
    accessible: () => options.accessible ?? true,
    output(sysfs) {
      if (sysfs === options.failExport)
        throw Object.assign(new Error("EINVAL: invalid argument, write"), { code: "EINVAL" });
      exported.push(sysfs);
      levels.set(sysfs, 0);
      return {
        write: (value) => {
          if (options.failWrites === true) throw new Error("EIO");
          levels.set(sysfs, value);
        },
        release: () => released.push(sysfs),
      };
    },
    input(sysfs, onChange) {
      exported.push(sysfs);
      inputs.set(sysfs, onChange);
      return { release: () => released.push(sysfs) };
    },
  };
  return { factory, levels, released, exported, inputs };
}

const PINS = { ready: 17, busy: 27, error: 22, buzzer: 23, button: 24 };

describe("openStatusLights", () => {
  let dir: ReturnType<typeof tempDir>;
  let root: string;
  beforeEach(() => {
    dir = tempDir();
    root = writeFakeSysfsGpio(join(dir.path, "gpio"), BOARDS.pi5);
  });
  afterEach(() => dir.cleanup());

  it("drives the LEDs at the resolved sysfs numbers (Pi 5: base 571), one at a time", async () => {
    const pins = recordingPins();
    const lights = await openStatusLights({
      pins: PINS,
      buttonAction: "reprint",
      debounceMs: 50,
      sysfsRoot: root,
      pinFactory: pins.factory,
      clock: new ManualClock(),
    });
    expect(pins.exported.sort()).toEqual([571 + 17, 571 + 22, 571 + 23, 571 + 24, 571 + 27].sort());
    lights.show("ready");
    expect([pins.levels.get(588), pins.levels.get(598), pins.levels.get(593)]).toEqual([1, 0, 0]);
    lights.show("busy");
    expect([pins.levels.get(588), pins.levels.get(598), pins.levels.get(593)]).toEqual([0, 1, 0]);
    lights.show("error");
    expect([pins.levels.get(588), pins.levels.get(598), pins.levels.get(593)]).toEqual([0, 0, 1]);
    lights.show("off");
    expect([pins.levels.get(588), pins.levels.get(598), pins.levels.get(593)]).toEqual([0, 0, 0]);
    await lights.close();
    expect(pins.released.sort()).toEqual([588, 593, 594, 595, 598]);
  });

  it("beeps for 150 ms", async () => {
    const clock = new ManualClock();
    const pins = recordingPins();
    const lights = await openStatusLights({
      pins: PINS,
      buttonAction: "reprint",
      debounceMs: 50,
      sysfsRoot: root,
      pinFactory: pins.factory,
      clock,
    });
    lights.beep();
    expect(pins.levels.get(594)).toBe(1);
    clock.advance(149);
    expect(pins.levels.get(594)).toBe(1);
    clock.advance(1);
    expect(pins.levels.get(594)).toBe(0);
    await lights.close();
  });

  it("reports one press per debounced press, with the configured action", async () => {
    const clock = new ManualClock();
    const pins = recordingPins();
    const lights = await openStatusLights({
      pins: PINS,
      buttonAction: "cancel",
      debounceMs: 50,
      sysfsRoot: root,
      pinFactory: pins.factory,
      clock,
    });
    const actions: ButtonAction[] = [];
    lights.onButton((action) => actions.push(action));
    const line = pins.inputs.get(595);
    if (line === undefined) throw new Error("button not watched");
    // Contact bounce: several edges within a few milliseconds, then steady.
    for (const level of [1, 0, 1, 0, 1] as const) {
      line(level);
      clock.advance(3);
    }
    expect(actions).toEqual([]);
    clock.advance(50);
    expect(actions).toEqual(["cancel"]);
    // Held down: no repeat. A release shorter than the debounce does not count either.
    clock.advance(1_000);
    line(0);
    clock.advance(10);
    line(1);
    clock.advance(100);
    expect(actions).toEqual(["cancel"]);
    line(0);
    clock.advance(60);
    line(1);
    clock.advance(60);
    expect(actions).toEqual(["cancel", "cancel"]);
    await lights.close();
  });

  it("says once that GPIO is not accessible and runs without it (onoff on this machine)", async () => {
    const { logger, lines } = capturingLogger();
    const lights = await openStatusLights({
      pins: PINS,
      buttonAction: "reprint",
      debounceMs: 50,
      pinFactory: onoffPins,
      logger,
    });
    lights.show("ready");
    lights.beep();
    lights.onButton(() => undefined);
    lights.show("error");
    await lights.close();
    const warnings = lines().filter((l) => l.level === "warn");
    expect(warnings).toHaveLength(1);
    expect(String(warnings[0]?.msg)).toContain("GPIO not accessible");
  });

  it("runs without lights when the chip is missing, or a pin will not export (EINVAL on a new kernel)", async () => {
    const missing = capturingLogger();
    await openStatusLights({
      pins: PINS,
      buttonAction: "reprint",
      debounceMs: 50,
      sysfsRoot: join(dir.path, "none"),
      pinFactory: recordingPins().factory,
      logger: missing.logger,
    });
    expect(missing.lines().filter((l) => l.level === "warn")).toHaveLength(1);

    const einval = capturingLogger();
    const pins = recordingPins({ failExport: 571 + 22 });
    const lights = await openStatusLights({
      pins: PINS,
      buttonAction: "reprint",
      debounceMs: 50,
      sysfsRoot: root,
      pinFactory: pins.factory,
      logger: einval.logger,
    });
    lights.show("ready");
    expect(einval.lines().filter((l) => l.level === "warn")).toHaveLength(1);
    expect(pins.released.sort()).toEqual([...pins.exported].sort());
    expect(pins.levels.get(588)).toBe(0);
  });

  it("logs the first write failure once and stops touching GPIO", async () => {
    const { logger, lines } = capturingLogger();
    const pins = recordingPins({ failWrites: true });
    const lights = await openStatusLights({
      pins: PINS,
      buttonAction: "reprint",
      debounceMs: 50,
      sysfsRoot: root,
      pinFactory: pins.factory,
      logger,
      clock: new ManualClock(),
    });
    lights.show("ready");
    lights.show("busy");
    lights.beep();
    await lights.close();
    expect(lines().filter((l) => l.level === "warn")).toHaveLength(1);
  });
});

describe("FakeStatusLights", () => {
  it("records states and beeps and presses its button", async () => {
    const lights = new FakeStatusLights("cancel");
    const actions: ButtonAction[] = [];
    lights.onButton((a) => actions.push(a));
    lights.show("busy");
    lights.beep();
    lights.press();
    expect(lights.current).toBe("busy");
    expect(lights.beeps).toBe(1);
    expect(actions).toEqual(["cancel"]);
    await lights.close();
    expect(lights.closed).toBe(true);
  });
});
