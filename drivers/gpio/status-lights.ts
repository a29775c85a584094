/**
 * The status lights as the checkout uses them. Never throws: GPIO is optional and never on the
 * money path. One LED per state (`off` = all dark).
 */
export type LightState = "ready" | "busy" | "error" | "off";

/** What the button does (config `gpio.buttonAction`); the checkout acts on it. */
export type ButtonAction = "reprint" | "cancel";

export interface StatusLights {
  /** False when GPIO was not accessible and these lights do nothing (for `pos-agent status`). */
  readonly available: boolean;
  show(state: LightState): void;
  /** A short beep on "paid". */
  beep(): void;
  /** Called once per debounced press with the configured action. */
  onButton(callback: (action: ButtonAction) => void): void;
  /** Lights off, pins released. */
  close(): Promise<void>;
}
