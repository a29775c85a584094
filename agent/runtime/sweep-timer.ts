import type { Clock, TimerHandle } from "../../lib/clock.js";

/**
 * When a journal sweep (basket-sweep.ts, hold-sweep.ts) runs next: one pending timer at a time,
 * whose sweep goes through the runner's queue in its turn; none once stopped.
 */
export class SweepTimer {
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly enqueue: (sweep: () => void) => void,
    private readonly sweep: () => void,
  ) {}

  /** The next sweep in `delayMs`, replacing one already planned. */
  schedule(delayMs: number): void {
    this.clock.clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.enqueue(this.sweep);
    }, delayMs);
  }

  stop(): void {
    this.stopped = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
