import type { Logger } from "../../lib/log.js";
import type { Sale } from "../checkout/sale.js";
import type { Transition } from "../checkout/io.js";

/** What `pos-agent status` and the control API count since the agent started. */
export interface RunnerCounters {
  transitions: number;
  refused: number;
  captured: number;
  failed: number;
  cancelled: number;
  /** Open baskets dropped past the limits (not counted as cancelled sales). */
  basketsDropped: number;
  vippsCalls: number;
}

/** Counts the runner's transitions and the sales that end, and logs each ending. */
export class SaleCounters {
  private readonly counts: RunnerCounters = {
    transitions: 0,
    refused: 0,
    captured: 0,
    failed: 0,
    cancelled: 0,
    basketsDropped: 0,
    vippsCalls: 0,
  };

  constructor(private readonly logger: Logger) {}

  snapshot(): Readonly<RunnerCounters> {
    return { ...this.counts };
  }

  refused(): void {
    this.counts.refused++;
  }

  vippsCall(): void {
    this.counts.vippsCalls++;
  }

  /**
   * A journalled transition. Returns the sales it finished for the customer — final, the
   * register told durably, not a refund's end, not a dropped basket — for the result screen.
   */
  transition(t: Transition): Sale[] {
    this.counts.transitions++;
    const finished: Sale[] = [];
    for (const saleId of t.changed) {
      const sale = t.till.sales[saleId];
      if (sale?.phase.kind !== "final") continue;
      if (!t.effects.some((e) => e.type === "notify_register" && e.durable && e.update.saleId === saleId))
        continue;
      // Refunds (also from elsewhere, which were no sale here) are no finished sale.
      if (sale.refunds.length > 0 || sale.imported !== undefined) continue;
      const outcome = sale.phase.outcome;
      if (outcome.state === "cancelled" && outcome.reason === "BASKET_DROPPED") {
        this.counts.basketsDropped++;
        continue;
      }
      const state = outcome.state;
      this.counts[state === "captured" ? "captured" : state === "failed" ? "failed" : "cancelled"]++;
      this.logger.info({ saleId, outcome: state, reference: outcome.reference }, "sale finished");
      finished.push(sale);
    }
    return finished;
  }
}
