import type { InputPin, OutputPin, PinFactory, PinLevel } from "./pins.js";

/**
 * sysfs GPIO through onoff, loaded on first use: onoff needs the native epoll module, which
 * exists only on Linux, and the agent must start (without lights) where it cannot load.
 * Throws when onoff cannot be loaded; the lights treat that as "GPIO not accessible".
 */
export async function onoffPins(): Promise<PinFactory> {
  const { Gpio } = await import("onoff");
  return {
    accessible: () => Gpio.accessible,
    output(sysfs: number): OutputPin {
      const gpio = new Gpio(sysfs, "low");
      return {
        write: (value: PinLevel) => gpio.writeSync(value),
        release: () => gpio.unexport(),
      };
    },
    input(sysfs, onChange, onError): InputPin {
      const gpio = new Gpio(sysfs, "in", "both", { activeLow: true });
      gpio.watch((error, value) => (error ? onError(error) : onChange(value)));
      return { release: () => gpio.unexport() };
    },
  };
}
