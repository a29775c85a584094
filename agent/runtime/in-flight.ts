import { errorMessage } from "../../lib/errors.js";
import type { Logger } from "../../lib/log.js";

/**
 * The requests a part of the runner has started and not yet seen answered. Once stopped, an
 * answer is dropped rather than handed on: nothing is journalled after stop.
 */
export class InFlight {
  private readonly pending = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(private readonly logger: Logger) {}

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Calls `then` with the answer, unless stopped by then; a rejection is logged. */
  track<T>(promise: Promise<T>, then: (value: T) => void): void {
    const p = promise.then(
      (value) => {
        this.pending.delete(p);
        if (!this.stopped) then(value);
      },
      (error: unknown) => {
        this.pending.delete(p);
        this.logger.error({ err: errorMessage(error) }, "effect rejected");
      },
    );
    this.pending.add(p);
  }

  /** Drops answers from now on and waits (bounded by the requests' own timeouts) for those pending. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.pending]);
  }
}
