import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gpioError } from "./errors.js";

export const SYSFS_GPIO_ROOT = "/sys/class/gpio";

/**
 * Labels of the GPIO controller that drives the 40-pin header: BCM2835/6/7 (Pi 1–3, Zero),
 * BCM2711 (Pi 4, 400, CM4), RP1 (Pi 5). Other chips (the firmware expander, brcmstb banks)
 * are not the header.
 */
const HEADER_CHIP_LABELS = ["pinctrl-bcm2835", "pinctrl-bcm2711", "pinctrl-rp1"] as const;

export interface GpioChip {
  /** e.g. `/sys/class/gpio/gpiochip512`. */
  readonly path: string;
  readonly label: string;
  /** sysfs number of line 0: 0 on old kernels, 512 on a Pi 4 and 571 on a Pi 5 with kernel ≥ 6.6. */
  readonly base: number;
  readonly ngpio: number;
}

export type BcmPins = Readonly<Partial<Record<"ready" | "busy" | "error" | "buzzer" | "button", number>>>;

function readChip(path: string): GpioChip | undefined {
  try {
    const read = (name: string): string => readFileSync(join(path, name), "utf8").trim();
    const base = Number(read("base"));
    const ngpio = Number(read("ngpio"));
    if (!Number.isInteger(base) || base < 0 || !Number.isInteger(ngpio) || ngpio < 1) return undefined;
    return { path, label: read("label"), base, ngpio };
  } catch {
    return undefined;
  }
}

/**
 * Finds the header's GPIO controller under `sysfsRoot` by its label. The sysfs numbers moved in
 * Raspberry Pi OS kernels ≥ 6.6 (fivdi/onoff#199, #200), so they are never hard-coded.
 * Throws `GPIO_CHIP_NOT_FOUND` naming the chips it saw.
 */
export function resolveGpioChip(sysfsRoot: string = SYSFS_GPIO_ROOT): GpioChip {
  let entries: string[];
  try {
    entries = readdirSync(sysfsRoot).filter((name) => /^gpiochip\d+$/.test(name));
  } catch (error) {
    throw gpioError("GPIO_CHIP_NOT_FOUND", `cannot list ${sysfsRoot}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const chips = entries
    .map((name) => readChip(join(sysfsRoot, name)))
    .filter((chip): chip is GpioChip => chip !== undefined);
  for (const label of HEADER_CHIP_LABELS) {
    const chip = chips.find((c) => c.label === label);
    if (chip !== undefined) return chip;
  }
  const seen = chips.map((c) => `${c.label}@${c.base}`).join(", ") || "none";
  throw gpioError(
    "GPIO_CHIP_NOT_FOUND",
    `no Raspberry Pi header GPIO controller in ${sysfsRoot} (chips: ${seen})`,
  );
}

/** The sysfs number of BCM line `bcm` (as on pinout diagrams). Throws `GPIO_BAD_PIN`. */
export function resolveBcmPin(chip: GpioChip, bcm: number): number {
  if (!Number.isInteger(bcm) || bcm < 0 || bcm > 27 || bcm >= chip.ngpio) {
    throw gpioError("GPIO_BAD_PIN", `BCM ${bcm} is not a header GPIO (0–27) of ${chip.label}`);
  }
  return chip.base + bcm;
}

/** Every configured pin resolved; the same BCM line may not serve two roles. */
export function resolveBcmPins(
  pins: BcmPins,
  sysfsRoot: string = SYSFS_GPIO_ROOT,
): { chip: GpioChip; sysfs: BcmPins } {
  const chip = resolveGpioChip(sysfsRoot);
  const sysfs: Record<string, number> = {};
  const used = new Map<number, string>();
  for (const [role, bcm] of Object.entries(pins)) {
    if (bcm === undefined) continue;
    const other = used.get(bcm);
    if (other !== undefined)
      throw gpioError("GPIO_BAD_PIN", `BCM ${bcm} is configured for both ${other} and ${role}`);
    used.set(bcm, role);
    sysfs[role] = resolveBcmPin(chip, bcm);
  }
  return { chip, sysfs };
}
