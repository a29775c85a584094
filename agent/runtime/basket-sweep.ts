import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/log.js";
import type { Journal } from "../journal/journal.js";
import { SweepTimer } from "./sweep-timer.js";

/** How many open baskets the till keeps, and for how long (config checkout.maxOpenBaskets, …AgeHours). */
export interface OpenBasketLimits {
  readonly maxOpen: number;
  readonly maxAgeMs: number;
}

/** Open baskets dropped per journal transaction (a first start on a big pile drops many). */
const DROP_BATCH = 500;
/** How often open baskets are checked against their age limit. */
const BASKET_SWEEP_MS = 60_000;

export interface BasketSweepDeps {
  readonly limits: OpenBasketLimits;
  readonly journal: Pick<Journal, "openBasketsBeyond">;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Applies a `drop_baskets` input now (the runner's queue); returns how many sales it changed. */
  readonly drop: (saleIds: readonly string[]) => number;
  /** Runs a sweep through the runner's queue, in its turn. */
  readonly enqueue: (sweep: () => void) => void;
}

/**
 * Drops the open baskets past the limits (checkout/open-baskets.ts): at start, right after a new
 * basket's ack (`soon`) and every minute. The register hears each one cancelled (BASKET_DROPPED).
 */
export class BasketSweep {
  private readonly next: SweepTimer;

  constructor(private readonly deps: BasketSweepDeps) {
    this.next = new SweepTimer(deps.clock, deps.enqueue, () => this.sweep());
  }

  /** Drops what is past the limits now, in batches, then sweeps again in a minute. */
  sweep(): void {
    const { limits, journal, clock, logger } = this.deps;
    let dropped = 0;
    for (;;) {
      const saleIds = journal.openBasketsBeyond(limits.maxOpen, clock.now() - limits.maxAgeMs, DROP_BATCH);
      if (saleIds.length === 0) break;
      const changed = this.deps.drop(saleIds);
      dropped += changed;
      if (changed === 0) break;
    }
    if (dropped > 0)
      logger.info(
        { dropped, maxOpenBaskets: limits.maxOpen, maxAgeHours: limits.maxAgeMs / 3_600_000 },
        "open baskets past the limits dropped; the register hears each cancelled (BASKET_DROPPED)",
      );
    this.next.schedule(BASKET_SWEEP_MS);
  }

  /** A new basket may be one too many: swept on the next timer tick, after its ack has gone out. */
  soon(): void {
    this.next.schedule(0);
  }

  stop(): void {
    this.next.stop();
  }
}
