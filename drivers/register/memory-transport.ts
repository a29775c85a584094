import { systemClock, type Clock, type TimerHandle } from "../../lib/clock.js";
import { registerLinkError } from "./errors.js";
import type { LinkTransport, TransportEvents } from "./transport.js";

/**
 * An in-memory serial cable: two transports whose writes arrive at the other end in order.
 * Good enough to run the agent and the reference register in one process (the demo, tests),
 * with test hooks to unplug the cable and to drop or damage bytes in flight.
 */

export type CableEnd = "a" | "b";

export interface MemoryCable {
  readonly a: LinkTransport;
  readonly b: LinkTransport;
  /** Both ends lose the device; writes fail until `plug`. */
  unplug(): void;
  /** Reconnects; every started end opens again. */
  plug(): void;
  /**
   * Sees each write in flight: return the bytes to deliver (maybe altered) or null to lose
   * them. `from` is the writing end.
   */
  tap: ((bytes: Uint8Array, from: CableEnd) => Uint8Array | null) | undefined;
}

export interface MemoryCableOptions {
  clock?: Clock;
  /** Delay before an end opens again after `reopen`, milliseconds. */
  reopenDelayMs?: number;
}

class MemoryEnd implements LinkTransport {
  events: TransportEvents | undefined;
  open = false;
  private reopenTimer: TimerHandle | undefined;

  constructor(
    readonly description: string,
    private readonly cable: { plugged: boolean; deliver(bytes: Uint8Array, from: MemoryEnd): void },
    private readonly clock: Clock,
    private readonly reopenDelayMs: number,
  ) {}

  start(events: TransportEvents): void {
    this.events = events;
    this.tryOpen();
  }

  tryOpen(): void {
    if (this.events === undefined || this.open || !this.cable.plugged) return;
    this.open = true;
    this.events.onOpen();
  }

  lose(reason: string): void {
    if (!this.open) return;
    this.open = false;
    this.events?.onClose(reason);
  }

  write(bytes: Uint8Array): Promise<void> {
    if (!this.open)
      return Promise.reject(registerLinkError("REGISTER_PORT_CLOSED", `${this.description} is not open`));
    const copy = bytes.slice();
    // A macrotask, as a real device's data event is: a chain of frames never starves timers
    // and setImmediate callbacks of the process.
    return new Promise((resolve) => {
      setImmediate(() => {
        this.cable.deliver(copy, this);
        resolve();
      });
    });
  }

  reopen(reason: string): void {
    this.lose(reason);
    this.clock.clearTimeout(this.reopenTimer);
    this.reopenTimer = this.clock.setTimeout(() => this.tryOpen(), this.reopenDelayMs);
  }

  stop(): Promise<void> {
    this.clock.clearTimeout(this.reopenTimer);
    this.open = false;
    this.events = undefined;
    return Promise.resolve();
  }
}

export function createMemoryCable(options: MemoryCableOptions = {}): MemoryCable {
  const clock = options.clock ?? systemClock;
  const delay = options.reopenDelayMs ?? 100;
  const state = {
    plugged: true,
    deliver(bytes: Uint8Array, from: MemoryEnd): void {
      const to = from === a ? b : a;
      const delivered = cable.tap === undefined ? bytes : cable.tap(bytes, from === a ? "a" : "b");
      if (delivered !== null && state.plugged && to.open) to.events?.onData(delivered);
    },
  };
  const a = new MemoryEnd("memory cable end a", state, clock, delay);
  const b = new MemoryEnd("memory cable end b", state, clock, delay);
  const cable: MemoryCable = {
    a,
    b,
    tap: undefined,
    unplug() {
      state.plugged = false;
      a.lose("cable unplugged");
      b.lose("cable unplugged");
    },
    plug() {
      state.plugged = true;
      a.tryOpen();
      b.tryOpen();
    },
  };
  return cable;
}
