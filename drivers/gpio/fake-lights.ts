import type { ButtonAction, LightState, StatusLights } from "./status-lights.js";

/** Status lights without hardware: records what was shown and beeped; `press()` is the button. */
export class FakeStatusLights implements StatusLights {
  readonly available = true;
  readonly states: LightState[] = [];
  beeps = 0;
  closed = false;
  private readonly listeners: ((action: ButtonAction) => void)[] = [];

  constructor(private readonly action: ButtonAction = "reprint") {}

  get current(): LightState {
    return this.states.at(-1) ?? "off";
  }

  show(state: LightState): void {
    this.states.push(state);
  }

  beep(): void {
    this.beeps++;
  }

  onButton(callback: (action: ButtonAction) => void): void {
    this.listeners.push(callback);
  }

  /** A debounced button press. */
  press(): void {
    for (const listener of this.listeners) listener(this.action);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}
