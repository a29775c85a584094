import type { Clock, TimerHandle } from "../../lib/clock.js";
import { systemClock } from "../../lib/clock.js";
import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";
import { silentLogger } from "../../lib/log.js";
import { ButtonDebouncer } from "./button-debouncer.js";
import { onoffPins } from "./onoff-pins.js";
import type { InputPin, OutputPin, PinFactory } from "./pins.js";
import type { ButtonAction, LightState, StatusLights } from "./status-lights.js";
import type { BcmPins } from "./sysfs-pins.js";
import { SYSFS_GPIO_ROOT, resolveBcmPins } from "./sysfs-pins.js";

export interface GpioLightsOptions {
  /** BCM numbers (config `gpio.pins`); each optional. */
  readonly pins: BcmPins;
  readonly buttonAction: ButtonAction;
  /** Config `gpio.debounceMs`. */
  readonly debounceMs: number;
  /** Length of the "paid" beep, milliseconds; default 150. */
  readonly beepMs?: number;
  /** Where the gpiochip directories are; default /sys/class/gpio. */
  readonly sysfsRoot?: string;
  /** The GPIO access; default onoff, loaded on first use. */
  readonly pinFactory?: PinFactory | (() => Promise<PinFactory>);
  readonly clock?: Clock;
  readonly logger?: Logger;
}

const LEDS = ["ready", "busy", "error"] as const;

/**
 * The real status lights. When GPIO is not accessible (no sysfs GPIO, no permission, not a
 * Raspberry Pi, onoff not loadable, a pin that will not export) it logs one warning and returns
 * lights that do nothing, so the agent runs on without them. A later write failure likewise
 * logs once and turns the lights off for good.
 */
export async function openStatusLights(options: GpioLightsOptions): Promise<StatusLights> {
  const log = (options.logger ?? silentLogger()).child({ module: "gpio" });
  const unavailable = (why: string): StatusLights => {
    log.warn({ reason: why }, "GPIO not accessible: running without status lights, buzzer and button");
    return noLights();
  };
  let factory: PinFactory;
  try {
    factory =
      typeof options.pinFactory === "function"
        ? await options.pinFactory()
        : (options.pinFactory ?? (await onoffPins()));
  } catch (error) {
    return unavailable(`onoff cannot be loaded: ${errorMessage(error)}`);
  }
  if (!factory.accessible()) return unavailable(`${SYSFS_GPIO_ROOT}/export is missing or not writable`);
  let sysfs: BcmPins;
  try {
    sysfs = resolveBcmPins(options.pins, options.sysfsRoot ?? SYSFS_GPIO_ROOT).sysfs;
  } catch (error) {
    return unavailable(errorMessage(error));
  }
  const opened: (OutputPin | InputPin)[] = [];
  const leds = new Map<(typeof LEDS)[number], OutputPin>();
  let buzzer: OutputPin | undefined;
  const listeners: ((action: ButtonAction) => void)[] = [];
  const clock = options.clock ?? systemClock;
  const debouncer = new ButtonDebouncer(clock, options.debounceMs, () => {
    for (const listener of listeners) listener(options.buttonAction);
  });
  try {
    for (const role of LEDS) {
      const number = sysfs[role];
      if (number === undefined) continue;
      const pin = factory.output(number);
      opened.push(pin);
      leds.set(role, pin);
    }
    if (sysfs.buzzer !== undefined) {
      buzzer = factory.output(sysfs.buzzer);
      opened.push(buzzer);
    }
    if (sysfs.button !== undefined) {
      opened.push(
        factory.input(
          sysfs.button,
          (value) => debouncer.input(value === 1),
          (error) => log.warn({ err: error.message }, "button read failed"),
        ),
      );
    }
  } catch (error) {
    for (const pin of opened) safely(() => pin.release());
    return unavailable(`cannot export a pin: ${errorMessage(error)}`);
  }
  log.info({ pins: options.pins, sysfs }, "status lights ready");
  return new GpioLights(leds, buzzer, opened, listeners, debouncer, clock, options.beepMs ?? 150, log);
}

class GpioLights implements StatusLights {
  readonly available = true;
  private broken = false;
  private beepTimer: TimerHandle | undefined;

  constructor(
    private readonly leds: ReadonlyMap<(typeof LEDS)[number], OutputPin>,
    private readonly buzzer: OutputPin | undefined,
    private readonly opened: readonly (OutputPin | InputPin)[],
    private readonly listeners: ((action: ButtonAction) => void)[],
    private readonly debouncer: ButtonDebouncer,
    private readonly clock: Clock,
    private readonly beepMs: number,
    private readonly log: Logger,
  ) {}

  show(state: LightState): void {
    this.guard(() => {
      for (const [role, pin] of this.leds) pin.write(role === state ? 1 : 0);
    });
  }

  beep(): void {
    const buzzer = this.buzzer;
    if (buzzer === undefined) return;
    this.guard(() => buzzer.write(1));
    this.clock.clearTimeout(this.beepTimer);
    this.beepTimer = this.clock.setTimeout(() => {
      this.beepTimer = undefined;
      this.guard(() => buzzer.write(0));
    }, this.beepMs);
  }

  onButton(callback: (action: ButtonAction) => void): void {
    this.listeners.push(callback);
  }

  close(): Promise<void> {
    this.debouncer.stop();
    this.clock.clearTimeout(this.beepTimer);
    this.show("off");
    if (this.buzzer !== undefined) this.guard(() => this.buzzer?.write(0));
    for (const pin of this.opened) safely(() => pin.release());
    this.broken = true;
    return Promise.resolve();
  }

  /** GPIO writes never throw to the caller; the first failure is logged and the lights stop. */
  private guard(write: () => void): void {
    if (this.broken) return;
    try {
      write();
    } catch (error) {
      this.broken = true;
      this.log.warn({ err: errorMessage(error) }, "GPIO write failed: status lights disabled");
    }
  }
}

function safely(action: () => void): void {
  try {
    action();
  } catch {
    // Releasing a pin that is already gone is not worth a second log line.
  }
}

/** Lights that do nothing (GPIO disabled or not accessible). */
function noLights(): StatusLights {
  return {
    available: false,
    show: () => undefined,
    beep: () => undefined,
    onButton: () => undefined,
    close: () => Promise.resolve(),
  };
}
