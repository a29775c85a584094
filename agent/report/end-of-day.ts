import { vatSummary, type VatSummary } from "../checkout/order-lines.js";
import { capturedAmount, type BasketLine } from "../checkout/sale.js";
import type { JournalDay } from "./journal-day.js";
import type { LocalDay } from "./local-day.js";

/**
 * The end-of-day report of one till (`pos-agent report`). Amounts are integer minor units of
 * `currency`. VAT is per rate of the day's captured sales, from their basket lines with the
 * same per-line rounding as the receipts and the Vipps order lines (vatSummary); a refund is
 * an amount without lines, so refunds are a total of their own.
 */
export interface EndOfDaySummary {
  readonly date: string;
  /** ISO 8601, the local day's bounds. */
  readonly from: string;
  readonly to: string;
  readonly tillId: string;
  readonly currency: string;
  readonly sales: {
    /** Sales finished this day, whatever their outcome. */
    readonly count: number;
    readonly captured: { readonly count: number; readonly total: number };
    readonly failed: number;
    readonly cancelled: number;
    /** Failed sales per reason (ABORTED, EXPIRED …). */
    readonly failedReasons: Readonly<Record<string, number>>;
  };
  readonly refunds: { readonly count: number; readonly total: number };
  /** Captured minus refunded. */
  readonly net: number;
  readonly vat: readonly VatSummary[];
  /** Sales begun this day that had not finished by its end. */
  readonly unfinished: number;
}

export function summarizeDay(
  day: LocalDay,
  journal: JournalDay,
  till: { id: string; currency: string },
): EndOfDaySummary {
  let capturedCount = 0;
  let capturedTotal = 0;
  let failed = 0;
  let cancelled = 0;
  const failedReasons: Record<string, number> = {};
  const lines: BasketLine[] = [];
  for (const { sale } of journal.finished) {
    if (sale.phase.kind !== "final") continue;
    const outcome = sale.phase.outcome;
    switch (outcome.state) {
      case "captured":
        capturedCount++;
        capturedTotal += capturedAmount(sale);
        lines.push(...sale.basket.lines);
        break;
      case "failed":
        failed++;
        failedReasons[outcome.reason] = (failedReasons[outcome.reason] ?? 0) + 1;
        break;
      case "cancelled":
        cancelled++;
        break;
    }
  }
  const refundTotal = journal.refunds.reduce((sum, r) => sum + r.amount, 0);
  return {
    date: day.date,
    from: new Date(day.from).toISOString(),
    to: new Date(day.to).toISOString(),
    tillId: till.id,
    currency: till.currency,
    sales: {
      count: journal.finished.length,
      captured: { count: capturedCount, total: capturedTotal },
      failed,
      cancelled,
      failedReasons,
    },
    refunds: { count: journal.refunds.length, total: refundTotal },
    net: capturedTotal - refundTotal,
    vat: vatSummary(lines),
    unfinished: journal.unfinished,
  };
}
