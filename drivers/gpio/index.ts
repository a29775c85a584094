/**
 * Status lights: ready / busy / error LEDs, a buzzer that beeps on "paid", and a button
 * (reprint the last receipt, or cancel; config `gpio.buttonAction`) with debounce.
 *
 * - `StatusLights { show(state), beep(), onButton(cb), close() }` — never throws.
 * - `openStatusLights({ pins, buttonAction, debounceMs, sysfsRoot?, pinFactory?, clock?, logger? })
 *   → Promise<StatusLights>` — onoff on sysfs. Pins are BCM numbers, resolved to sysfs numbers
 *   from `/sys/class/gpio/gpiochip*\/{base,label}` (base 0 on old kernels, 512 on a Pi 4 and
 *   571 on a Pi 5 with kernel ≥ 6.6). Where GPIO is not accessible it logs one line and returns
 *   lights that do nothing.
 * - `resolveGpioChip(sysfsRoot?)`, `resolveBcmPin(chip, bcm)`, `resolveBcmPins(pins, sysfsRoot?)`.
 * - `FakeStatusLights` — records states and beeps; `press()` simulates the button.
 */
export type { ButtonAction } from "./status-lights.js";
export { SYSFS_GPIO_ROOT, resolveBcmPin, resolveBcmPins, resolveGpioChip } from "./sysfs-pins.js";
export type { PinFactory, PinLevel } from "./pins.js";
export { onoffPins } from "./onoff-pins.js";
export { openStatusLights } from "./gpio-lights.js";
export { FakeStatusLights } from "./fake-lights.js";
