import type { Clock } from "../../lib/clock.js";
import type { SaleMessage, SaleReport } from "../../drivers/register/index.js";
import type { ReferenceRegister } from "../../sim/register/reference-register.js";

/** One sale a fleet daemon made: its final report, or why none came. */
export interface SaleRecord {
  readonly saleId: string;
  readonly total: number;
  final?: SaleMessage;
  error?: string;
}

/**
 * The simulated customer in front of a fleet till, through the Vipps simulator's control: what
 * they scan depends on what the till's display shows (docs/register-protocol.md §7.12).
 */
export interface FleetCustomer {
  /** Scans the till's own (static) QR. */
  scanTillQr(): void;
  /**
   * Scans the per-sale QR of the payment `reference` if it is one (a `userFlow: "QR"` payment still
   * waiting for its customer); false when it is not, e.g. a push to the customer who scanned.
   */
  scanPaymentQr(reference: string): boolean;
}

export interface SalesLoopOptions {
  readonly tillId: string;
  readonly register: Pick<ReferenceRegister, "sell" | "pay" | "waitForSale" | "waitUntilUp" | "onReport">;
  readonly customer: FleetCustomer;
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
      const stopFollowing = followDisplay(o.register, o.customer, saleId);
      try {
        await o.register.pay(saleId);
        record.final = await o.register.waitForSale(saleId, undefined, 120_000);
      } finally {
        stopFollowing();
      }
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
      await pause(PAUSE_AFTER_FAILURE_MS);
    }
  }
}

/**
 * The customer acts on what the till shows for the sale, as the register hears it: waiting for
 * a scan (`waiting_for_customer` without a reason) → the till's QR; a per-sale QR on the display
 * (`payment_requested` for a `userFlow: "QR"` payment, `checkout.identification: auto` with the
 * bridge not seen) → that QR. Each at most once; a push after the till's QR needs nothing here.
 * Returns the unsubscribe.
 */
function followDisplay(
  register: Pick<ReferenceRegister, "onReport">,
  customer: FleetCustomer,
  saleId: string,
): () => void {
  let scannedTill = false;
  const scannedPayments = new Set<string>();
  const act = (report: SaleMessage): void => {
    if (report.final) return;
    if (report.state === "waiting_for_customer" && report.reason === undefined && !scannedTill) {
      scannedTill = true;
      customer.scanTillQr();
    } else if (
      report.state === "payment_requested" &&
      report.reference !== undefined &&
      !scannedPayments.has(report.reference)
    ) {
      scannedPayments.add(report.reference);
      customer.scanPaymentQr(report.reference);
    }
  };
  return register.onReport((report: SaleReport) => {
    if (report.type !== "sale" || report.saleId !== saleId) return;
    try {
      act(report);
    } catch {
      // A scan the simulated app refuses (the payment ended meanwhile) leaves the sale to end
      // on its own: the loop records whatever final state comes, or its absence.
    }
  });
}
