import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * Writes a /sys/class/gpio look-alike under `root`: one `gpiochipN` directory per chip with
 * `base`, `label` and `ngpio`, as the kernel lays them out, plus `export`/`unexport` files.
 */
export function writeFakeSysfsGpio(
  root: string,
  chips: readonly { base: number; label: string; ngpio: number }[],
): string {
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, "export"), "");
  writeFileSync(join(root, "unexport"), "");
  for (const chip of chips) {
    const dir = join(root, `gpiochip${chip.base}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "base"), `${chip.base}\n`);
    writeFileSync(join(dir, "label"), `${chip.label}\n`);
    writeFileSync(join(dir, "ngpio"), `${chip.ngpio}\n`);
  }
  return root;
}

/** Chip sets seen on real boards. */
export const BOARDS = {
  /** Raspberry Pi 4, Raspberry Pi OS kernel ≥ 6.6. */
  pi4: [
    { base: 512, label: "pinctrl-bcm2711", ngpio: 58 },
    { base: 570, label: "raspberrypi-exp-gpio", ngpio: 8 },
  ],
  /** Raspberry Pi 5, kernel ≥ 6.6. */
  pi5: [
    { base: 512, label: "gpio-brcmstb@107d508500", ngpio: 32 },
    { base: 544, label: "gpio-brcmstb@107d508520", ngpio: 4 },
    { base: 548, label: "gpio-brcmstb@107d517c00", ngpio: 17 },
    { base: 565, label: "gpio-brcmstb@107d517c20", ngpio: 6 },
    { base: 571, label: "pinctrl-rp1", ngpio: 54 },
  ],
  /** A Pi 3 on an older kernel: numbers start at 0. */
  old: [
    { base: 0, label: "pinctrl-bcm2835", ngpio: 54 },
    { base: 504, label: "raspberrypi-exp-gpio", ngpio: 8 },
  ],
} as const;
