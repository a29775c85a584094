import type { Clock } from "../../lib/clock.js";
import type { Logger } from "../../lib/log.js";
import { holdActionAt, holdWarnAt } from "../checkout/hold.js";
import type { CheckoutSettings } from "../checkout/settings.js";
import type { Sale } from "../checkout/sale.js";
import type { Journal } from "../journal/journal.js";
import { SweepTimer } from "./sweep-timer.js";

/** How often held sales are checked against their deadlines (hours or days away). */
const HOLD_SWEEP_MS = 60_000;
/** Held sales read per sweep: far more than a till holds at once; the rest wait a minute. */
const HOLD_BATCH = 1_000;

export interface HoldSweepDeps {
  readonly settings: Pick<CheckoutSettings, "holdWarnMs" | "holdDeadlineAction">;
  readonly journal: Pick<Journal, "heldSales">;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Applies a `hold_deadline` input now (the runner's queue), loading the sales first. */
  readonly due: (saleIds: readonly string[]) => void;
  /** Runs a sweep through the runner's queue, in its turn. */
  readonly enqueue: (sweep: () => void) => void;
}

/**
 * Watches the held sales' deadlines (checkout/hold.ts): at start and every minute. A hold whose
 * warning time has come is warned once — the register hears `HOLD_EXPIRING`, the technician
 * reads it in the log — and one whose deadline has come gets the configured action. Timers of
 * days do not survive a restart (nor fit setTimeout), so the journal is the clock's memory.
 */
export class HoldSweep {
  private readonly next: SweepTimer;

  constructor(private readonly deps: HoldSweepDeps) {
    this.next = new SweepTimer(deps.clock, deps.enqueue, () => this.sweep());
  }

  sweep(): void {
    const { journal, clock, logger, settings } = this.deps;
    const now = clock.now();
    const due: string[] = [];
    for (const sale of journal.heldSales(HOLD_BATCH)) {
      const actAt = holdActionAt(sale);
      const warnAt = holdWarnAt(sale, settings.holdWarnMs);
      if (actAt === undefined || warnAt === undefined) continue;
      if (now >= actAt) {
        logger.warn(
          { ...about(sale), action: settings.holdDeadlineAction },
          `held sale at its deadline: nobody captured or released it, so the till does what checkout.holdDeadlineAction says (${settings.holdDeadlineAction})`,
        );
        due.push(sale.saleId);
      } else if (now >= warnAt && sale.hold?.warned !== true) {
        logger.warn(
          { ...about(sale), action: settings.holdDeadlineAction, actAt: new Date(actAt).toISOString() },
          "held sale near its deadline: capture or release it at the register before then",
        );
        due.push(sale.saleId);
      }
    }
    if (due.length > 0) this.deps.due(due);
    this.next.schedule(HOLD_SWEEP_MS);
  }

  stop(): void {
    this.next.stop();
  }
}

/** What the technician needs to find the sale at the register: no customer data. */
function about(sale: Sale): Record<string, unknown> {
  const reference = sale.phase.kind === "held" ? sale.phase.attempt.reference : undefined;
  return {
    saleId: sale.saleId,
    reference,
    authorizedAmount: sale.hold?.authorizedAmount,
    currency: sale.basket.currency,
    holdUntil: sale.hold?.until === undefined ? undefined : new Date(sale.hold.until).toISOString(),
  };
}
