import { capturedAmount, currentAttempt, type Sale } from "../checkout/sale.js";
import type { VatRate } from "../checkout/vat.js";
import type { JournalDay } from "./journal-day.js";
import type { LocalDay } from "./local-day.js";
import { tendersByKind } from "../checkout/tenders.js";
import { TENDER_KINDS, type Tender, type TenderKind } from "../../drivers/register/index.js";

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
  /**
   * Highest rate first. The captured sales' whole baskets: with split tender that is
   * `sales.captured.total` (Vipps MobilePay's money) plus `otherTenders`.
   */
  readonly vat: readonly VatRate[];
  /**
   * Split tender: what the register declared it took besides Vipps MobilePay in the captured
   * sales, per kind (cash, card, giftCard, voucher), kinds without any left out.
   */
  readonly otherTenders: Readonly<Partial<Record<TenderKind, number>>>;
  /** Sales begun this day that had not finished by its end. */
  readonly unfinished: number;
  /**
   * Held sales (docs/register-protocol.md §7.13) at the day's end: authorized, nothing captured
   * yet, so in none of the figures above; `authorized` is their sum.
   */
  readonly holds: {
    readonly count: number;
    readonly authorized: number;
    readonly sales: readonly {
      readonly saleId: string;
      readonly reference?: string;
      readonly authorizedAmount: number;
      readonly holdUntil?: string;
    }[];
  };
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
  const otherTenders: Partial<Record<TenderKind, number>> = {};
  for (const { sale } of journal.finished) {
    if (sale.phase.kind !== "final") continue;
    const outcome = sale.phase.outcome;
    switch (outcome.state) {
      case "captured":
        capturedCount++;
        capturedTotal += capturedAmount(sale);
        for (const r of sale.vat.rates) vat.set(r.rate, addRates(vat.get(r.rate), r));
        for (const [kind, amount] of Object.entries(tendersByKind(sale.tenders)) as [TenderKind, number][])
          otherTenders[kind] = (otherTenders[kind] ?? 0) + amount;
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
    otherTenders,
    unfinished: journal.unfinished,
    holds: heldSummary(journal.held),
  };
}

/** The summary's other tenders as a list, in TENDER_KINDS order: the paper's and the register's. */
export function otherTendersOf(summary: EndOfDaySummary): Tender[] {
  return TENDER_KINDS.flatMap((kind) => {
    const amount = summary.otherTenders[kind];
    return amount === undefined ? [] : [{ kind, amount }];
  });
}

function heldSummary(held: readonly Sale[]): EndOfDaySummary["holds"] {
  const sales = held.map((sale) => {
    const reference =
      currentAttempt(sale.phase)?.reference ??
      (sale.phase.kind === "final" ? sale.phase.outcome.reference : undefined);
    const until = sale.hold?.until;
    return {
      saleId: sale.saleId,
      ...(reference === undefined ? {} : { reference }),
      authorizedAmount: sale.hold?.authorizedAmount ?? 0,
      ...(until === undefined ? {} : { holdUntil: new Date(until).toISOString() }),
    };
  });
  return { count: sales.length, authorized: sales.reduce((sum, s) => sum + s.authorizedAmount, 0), sales };
}

function addRates(sum: VatRate | undefined, r: VatRate): VatRate {
  if (sum === undefined) return r;
  return { rate: r.rate, gross: sum.gross + r.gross, net: sum.net + r.net, vat: sum.vat + r.vat };
}
