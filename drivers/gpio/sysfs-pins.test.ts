import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { BOARDS, writeFakeSysfsGpio } from "../../test/helpers/fake-sysfs-gpio.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { resolveBcmPin, resolveBcmPins, resolveGpioChip } from "./index.js";

describe("BCM → sysfs pin resolution against fake sysfs trees", () => {
  let dir: ReturnType<typeof tempDir>;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => dir.cleanup());

  it.each([
    ["Pi 4, kernel ≥ 6.6", BOARDS.pi4, "pinctrl-bcm2711", 512],
    ["Pi 5, kernel ≥ 6.6", BOARDS.pi5, "pinctrl-rp1", 571],
    ["old kernel", BOARDS.old, "pinctrl-bcm2835", 0],
  ] as const)("%s: the header controller is %s at base %d", (_name, chips, label, base) => {
    const root = writeFakeSysfsGpio(join(dir.path, "gpio"), chips);
    const chip = resolveGpioChip(root);
    expect(chip).toMatchObject({ label, base });
    expect(resolveBcmPin(chip, 17)).toBe(base + 17);
    expect(resolveBcmPins({ ready: 17, busy: 27, error: 22, buzzer: 23, button: 24 }, root).sysfs).toEqual({
      ready: base + 17,
      busy: base + 27,
      error: base + 22,
      buzzer: base + 23,
      button: base + 24,
    });
  });

  it("refuses a tree without a Raspberry Pi header controller, naming what it found", () => {
    const root = writeFakeSysfsGpio(join(dir.path, "gpio"), [{ base: 0, label: "gpio-mockup-A", ngpio: 8 }]);
    let caught: unknown;
    try {
      resolveGpioChip(root);
    } catch (error) {
      caught = error;
    }
    expect(isAgentError(caught, "GPIO_CHIP_NOT_FOUND")).toBe(true);
    expect((caught as Error).message).toContain("gpio-mockup-A@0");
    expect(isAgentErrorCode(() => resolveGpioChip(join(dir.path, "missing")))).toBe("GPIO_CHIP_NOT_FOUND");
  });

  it("refuses pins outside the header and a pin used twice", () => {
    const root = writeFakeSysfsGpio(join(dir.path, "gpio"), BOARDS.pi4);
    const chip = resolveGpioChip(root);
    expect(isAgentErrorCode(() => resolveBcmPin(chip, 28))).toBe("GPIO_BAD_PIN");
    expect(isAgentErrorCode(() => resolveBcmPin(chip, -1))).toBe("GPIO_BAD_PIN");
    expect(isAgentErrorCode(() => resolveBcmPins({ ready: 17, busy: 17 }, root))).toBe("GPIO_BAD_PIN");
  });
});

function isAgentErrorCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return isAgentError(error) ? error.code : "not an AgentError";
  }
  return undefined;
}
