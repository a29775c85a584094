/**
 * Time as a dependency. Pure code takes `now` as an argument; code that waits takes a `Clock`
 * so tests can drive it with a `ManualClock` (or vitest fake timers) and never sleep for real.
 */
export interface TimerHandle {
  /** Opaque; only for `Clock.clearTimeout`. */
  readonly id: unknown;
}

export interface Clock {
  /** Milliseconds since the epoch (wall clock, for timestamps). */
  now(): number;
  /** Monotonic milliseconds, for measuring durations; unaffected by NTP steps. */
  monotonic(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  monotonic: () => performance.now(),
  setTimeout: (callback, ms) => {
    const id = setTimeout(callback, ms);
    return { id };
  },
  clearTimeout: (handle) => {
    if (handle !== undefined) clearTimeout(handle.id as NodeJS.Timeout);
  },
};

/** Resolves after `ms` on the given clock; rejects with the signal's reason when aborted. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason as Error);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
