import type { Config } from "../../config/schema.js";
import { resolveBrand } from "../../lib/locale/index.js";
import type { PrintDocument, ReceiptLine } from "../../drivers/printer/index.js";
import type { Sale } from "../checkout/sale.js";
import type { ReceiptJob } from "./ports.js";

/** The receipt number printed and sent to Vipps (`bottomLine.receiptNumber`). */
function receiptNumber(sale: Sale): string {
  return String(sale.saleNo).padStart(6, "0");
}

/**
 * The paper receipt of a job: the sale (or one of its refunds) as the printer driver's document,
 * with the merchant's header and footer from the config. Personal data stays off paper except
 * the member id and tier.
 */
export function receiptDocument(job: ReceiptJob, config: Config, time: number): PrintDocument | undefined {
  const { sale } = job;
  if (sale.phase.kind !== "final" || sale.phase.outcome.state !== "captured") return undefined;
  const outcome = sale.phase.outcome;
  const letterhead = {
    language: config.display.language,
    header: config.printer.header,
    footer: config.printer.footer,
    time,
    till: config.till.id,
  };
  const brand = resolveBrand(config.display.brand, sale.basket.currency);
  const lines: ReceiptLine[] = sale.basket.lines.map((l) => ({
    name: l.name,
    quantity: l.quantity,
    unitPrice: l.unitPrice,
    total: l.total,
    vatRate: l.vatRate,
    ...(l.unit === undefined ? {} : { unit: l.unit }),
    ...(l.discount === undefined || l.discount === 0 ? {} : { discount: l.discount }),
  }));
  if (job.kind === "refund") {
    const refund = sale.refunds.find((r) => r.refundId === job.refundId);
    if (refund === undefined) return undefined;
    return {
      kind: "refund",
      ...letterhead,
      currency: sale.basket.currency,
      receiptNumber: `${receiptNumber(sale)}-R${refund.n}`,
      refundId: refund.refundId,
      // A refund from elsewhere (§7.11) is on a record of its own: its number is not the
      // purchase's, which this till never saw — the reference is what ties them together.
      ...(sale.imported === undefined
        ? { originalReceiptNumber: receiptNumber(sale) }
        : { purchasedElsewhere: true }),
      amount: refund.amount,
      payment: {
        brand,
        reference: outcome.reference,
        ...(refund.pspReference === undefined ? {} : { pspReference: refund.pspReference }),
      },
      ...(job.copy ? { copy: true } : {}),
    };
  }
  return {
    kind: "sale",
    ...letterhead,
    currency: sale.basket.currency,
    receiptNumber: receiptNumber(sale),
    lines,
    total: sale.basket.total,
    vat: sale.vat.rates,
    ...(sale.tenders === undefined ? {} : { tenders: sale.tenders }),
    payment: {
      brand,
      reference: outcome.reference,
      ...(outcome.pspReference === undefined ? {} : { pspReference: outcome.pspReference }),
    },
    ...(sale.member === undefined
      ? {}
      : {
          member: {
            memberId: sale.member.id,
            ...(sale.member.tier === undefined ? {} : { tier: sale.member.tier }),
          },
        }),
    ...(job.copy ? { copy: true } : {}),
  };
}
