import type { Clock } from "../../lib/clock.js";
import type { SaleMessage } from "../../drivers/register/index.js";
import type { ReferenceRegister } from "../../sim/register/reference-register.js";

/** One sale a fleet daemon made: its final report, or why none came. */
export interface SaleRecord {
  readonly saleId: string;
  readonly total: number;
  final?: SaleMessage;
  error?: string;
}

export interface SalesLoopOptions {
  readonly tillId: string;
  readonly register: Pick<ReferenceRegister, "sell" | "pay" | "waitForSale" | "waitUntilUp">;
  /** The customer scans the till's QR (the Vipps simulator's control). */
  readonly scan: () => void;
  /** Where each sale is recorded as it starts. */
  readonly sales: SaleRecord[];
  readonly stopping: () => boolean;
  readonly clock: Clock;
}

/** How long one wait for the register link to come up lasts before `stopping()` is asked again. */
const UP_WAIT_MS = 10_000;
/** The pause after a failed sale before the next one. */
const PAUSE_AFTER_FAILURE_MS = 1_000;

/**
 * Sells at the register, one sale after another, until `stopping()`.
 *
 * A sale starts only on a register link that is up, and a failed one is followed by a pause on
 * the clock: while the link is down it refuses every send at once, and a loop of instant
 * refusals is all resolved promises — it never lets a timer or a socket event run, so the link
 * could never come back and the records grew without end (the fleet bench's 4.3 GB hang after
 * the node kill, issue 18).
 */
export async function sellUntilStopped(o: SalesLoopOptions): Promise<void> {
  const pause = (ms: number): Promise<void> => new Promise((resolve) => o.clock.setTimeout(resolve, ms));
  for (let n = 1; !o.stopping();) {
    try {
      await o.register.waitUntilUp(UP_WAIT_MS);
    } catch {
      continue;
    }
    if (o.stopping()) return;
    const saleId = `${o.tillId}-S${n}`;
    const total = 4_900 + n;
    n += 1;
    const record: SaleRecord = { saleId, total };
    o.sales.push(record);
    try {
      await o.register.sell({
        saleId,
        currency: "NOK",
        total,
        lines: [{ id: "sku-1", name: "Kaffe", quantity: "1", unitPrice: total, total, vatRate: 1500 }],
      });
      await o.register.pay(saleId);
      o.scan();
      record.final = await o.register.waitForSale(saleId, undefined, 120_000);
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      await pause(PAUSE_AFTER_FAILURE_MS);
    }
  }
}
