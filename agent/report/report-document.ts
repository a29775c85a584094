import type { Config } from "../../config/schema.js";
import { isCurrency } from "../../lib/money.js";
import type { EndOfDayReport } from "../../drivers/printer/index.js";
import type { EndOfDaySummary } from "./end-of-day.js";
import { otherTendersOf } from "./end-of-day.js";

/** The summary as the printer driver's end-of-day document, in the receipts' language with the merchant's header and footer. */
export function endOfDayDocument(
  summary: EndOfDaySummary,
  config: Config,
  printedAt: number,
): EndOfDayReport {
  const others = otherTendersOf(summary);
  const currency = isCurrency(summary.currency) ? summary.currency : config.vipps.currency;
  return {
    kind: "end_of_day",
    language: config.display.language,
    header: config.printer.header,
    footer: config.printer.footer,
    time: printedAt,
    till: summary.tillId,
    currency,
    from: Date.parse(summary.from),
    to: Date.parse(summary.to),
    sales: { count: summary.sales.captured.count, total: summary.sales.captured.total },
    refunds: { count: summary.refunds.count, total: summary.refunds.total },
    unpaidCount: summary.sales.failed + summary.sales.cancelled,
    vat: summary.vat,
    ...(others.length === 0 ? {} : { otherTenders: others }),
  };
}
