import type { Clock, TimerHandle } from "../../lib/clock.js";

/**
 * Turns a bouncing button line into presses: a press counts once the line has stayed pressed
 * for `debounceMs` after its last change, and the next one only after it was released (for
 * `debounceMs`) again. Contact bounce on a cheap button lasts 1–20 ms; config default 50 ms.
 */
export class ButtonDebouncer {
  private level = false;
  private stable = false;
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly debounceMs: number,
    private readonly onPress: () => void,
  ) {}

  /** Feed every edge: `pressed` is the line's new logical level. */
  input(pressed: boolean): void {
    this.level = pressed;
    this.clock.clearTimeout(this.timer);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.level === this.stable) return;
      this.stable = this.level;
      if (this.stable) this.onPress();
    }, this.debounceMs);
  }

  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
