import { capturedAmount } from "../checkout/sale.js";
import type { VatRate } from "../checkout/vat.js";
import type { JournalDay } from "./journal-day.js";
import type { LocalDay } from "./local-day.js";

/**
 * The end-of-day report of one till (`pos-agent report`). Amounts are integer minor units of
 * `currency`. VAT per rate is the sum of the day's captured sales' own VAT per rate — the
 * figures on their receipts and in their Vipps order lines (checkout/vat.ts) — so the report
 * adds up to the receipts to the minor unit; a refund is an amount without lines, so refunds
 * are a total of their own.
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
  /** Highest rate first. */
  readonly vat: readonly VatRate[];
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
  const vat = new Map<number, VatRate>();
  for (const { sale } of journal.finished) {
    if (sale.phase.kind !== "final") continue;
    const outcome = sale.phase.outcome;
    switch (outcome.state) {
      case "captured":
        capturedCount++;
        capturedTotal += capturedAmount(sale);
        for (const r of sale.vat.rates) vat.set(r.rate, addRates(vat.get(r.rate), r));
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
    vat: [...vat.values()].sort((a, b) => b.rate - a.rate),
    unfinished: journal.unfinished,
  };
}

function addRates(sum: VatRate | undefined, r: VatRate): VatRate {
  if (sum === undefined) return r;
  return { rate: r.rate, gross: sum.gross + r.gross, net: sum.net + r.net, vat: sum.vat + r.vat };
}
