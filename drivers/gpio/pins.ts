/**
 * The narrow GPIO interface the lights use; `onoff-pins.ts` implements it with onoff (sysfs),
 * tests with their own. Numbers are sysfs numbers (already offset by the chip base).
 */
export type PinLevel = 0 | 1;

export interface OutputPin {
  write(value: PinLevel): void;
  release(): void;
}

export interface InputPin {
  release(): void;
}

export interface PinFactory {
  /** False where sysfs GPIO is missing or not writable for this user. */
  accessible(): boolean;
  output(sysfs: number): OutputPin;
  /**
   * An input, active low (button to GND, pull-up enabled in config.txt): `onChange(1)` when
   * pressed. Called on both edges.
   */
  input(sysfs: number, onChange: (value: PinLevel) => void, onError: (error: Error) => void): InputPin;
}
