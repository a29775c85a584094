import type { Clock, TimerHandle } from "../lib/clock.js";

/**
 * The simulated time of a trial: one timer fires at a time (`fireNext`), so the caller can let
 * every promise it caused settle before time moves on. Ties fire in order of creation.
 */
export class SimClock implements Clock {
  private nextId = 0;
  private readonly timers = new Map<number, { due: number; callback: () => void }>();

  constructor(private current: number) {}

  now(): number {
    return this.current;
  }

  monotonic(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.set(id, { due: this.current + Math.max(0, Number.isFinite(ms) ? ms : 0), callback });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) this.timers.delete(handle.id as number);
  }

  /** Fires the earliest timer due no later than `until`; false (time moved to `until`) when none is. */
  fireNext(until: number): boolean {
    let nextId: number | undefined;
    let nextDue = Infinity;
    for (const [id, timer] of this.timers) {
      if (timer.due < nextDue) {
        nextDue = timer.due;
        nextId = id;
      }
    }
    if (nextId === undefined || nextDue > until) {
      this.current = Math.max(this.current, until);
      return false;
    }
    const timer = this.timers.get(nextId);
    this.timers.delete(nextId);
    this.current = Math.max(this.current, nextDue);
    timer?.callback();
    return true;
  }
}

/**
 * One agent process's view of the clock: its timers die with it. A crash calls `kill`, so a
 * timer the dead process set never fires into the world again.
 */
export class ProcessClock implements Clock {
  private readonly mine = new Set<TimerHandle>();
  private alive = true;

  constructor(private readonly base: SimClock) {}

  now(): number {
    return this.base.now();
  }

  monotonic(): number {
    return this.base.monotonic();
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    if (!this.alive) return { id: -1 };
    const handle: TimerHandle = this.base.setTimeout(() => {
      this.mine.delete(handle);
      if (!this.alive) return;
      try {
        callback();
      } catch (error) {
        // A crash thrown out of the process's own code: the process is gone, the world goes on.
        if (this.alive) throw error;
      }
    }, ms);
    this.mine.add(handle);
    return handle;
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle === undefined) return;
    this.mine.delete(handle);
    this.base.clearTimeout(handle);
  }

  kill(): void {
    this.alive = false;
    for (const handle of this.mine) this.base.clearTimeout(handle);
    this.mine.clear();
  }
}
