import type { Tender, TenderKind } from "../../drivers/register/index.js";
import type { BottomLine } from "../vipps/types/epayment.js";
import type { Sale } from "./sale.js";

/**
 * Split tender (docs/register-protocol.md §7.14): `pay` may name the other tenders the register
 * took — cash, card, gift card, voucher — and Vipps MobilePay collects the rest of the basket.
 * The sale keeps the basket whole (its lines and VAT are the purchase's, whoever paid) and the
 * tenders as the register declared them; this is the one computation of the Vipps part, used for
 * the create, the capture, the display, the register's `sale` messages and every report.
 */

/** The other tenders' total, minor units (0 for a sale paid by Vipps MobilePay alone). */
function otherTendersTotal(sale: Pick<Sale, "tenders">): number {
  return (sale.tenders ?? []).reduce((sum, t) => sum + t.amount, 0);
}

/** What Vipps MobilePay collects for the sale: the basket total less the other tenders. */
export function vippsAmount(sale: Pick<Sale, "basket" | "tenders">): number {
  return sale.basket.total - otherTendersTotal(sale);
}

/** The other tenders per kind, in TENDER_KINDS order, kinds absent left out. */
export function tendersByKind(tenders: readonly Tender[] | undefined): Partial<Record<TenderKind, number>> {
  const sums: Partial<Record<TenderKind, number>> = {};
  for (const t of tenders ?? []) sums[t.kind] = (sums[t.kind] ?? 0) + t.amount;
  return sums;
}

/**
 * The receipt's `bottomLine.paymentSources` for a split sale. Vipps derives the receipt's total
 * from its order lines, so the lines stay the whole basket and the parts not paid through Vipps
 * MobilePay are named here — the receipt schema's payment sources are gift card, card, voucher
 * and cash (https://developer.vippsmobilepay.com/docs/APIs/order-management-api/order-management-api-guide/):
 * lines = the payment's amount + paymentSources, to the minor unit. Undefined without tenders.
 */
export function paymentSources(sale: Pick<Sale, "tenders">): BottomLine["paymentSources"] {
  if (sale.tenders === undefined || sale.tenders.length === 0) return undefined;
  return tendersByKind(sale.tenders);
}

/** Two declarations of the same split: a repeated `pay` must not change what is being collected. */
export function sameTenders(a: readonly Tender[] | undefined, b: readonly Tender[] | undefined): boolean {
  const x = tendersByKind(a);
  const y = tendersByKind(b);
  const kinds = new Set([...Object.keys(x), ...Object.keys(y)]) as Set<TenderKind>;
  return [...kinds].every((k) => x[k] === y[k]);
}
