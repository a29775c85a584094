import type { Basket, BasketLine, OrderLine, QuantityUnit } from "./sale.js";

const UNITS: readonly QuantityUnit[] = ["PCS", "KG", "KM", "MINUTE", "LITRE", "KWH"];

/**
 * The VAT part of a VAT-inclusive amount, rounded half up to the minor unit:
 * total · rate / (10000 + rate), with the rate in basis points. Integer arithmetic only.
 */
export function vatOf(totalInclVat: number, vatRateBp: number): number {
  if (vatRateBp === 0) return 0;
  const numerator = totalInclVat * vatRateBp;
  const denominator = 10_000 + vatRateBp;
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** An ePayment receipt order line (Order Management `OrderLine`) from a register basket line. */
export function orderLineOf(line: BasketLine): OrderLine {
  const tax = vatOf(line.total, line.vatRate);
  const unit = UNITS.find((u) => u === line.unit) ?? "PCS";
  return {
    name: line.name,
    id: line.id,
    totalAmount: line.total,
    totalAmountExcludingTax: line.total - tax,
    totalTaxAmount: tax,
    taxRate: line.vatRate,
    ...(line.discount !== undefined && line.discount > 0 ? { discount: line.discount } : {}),
    unitInfo: { unitPrice: line.unitPrice, quantity: line.quantity, quantityUnit: unit },
  };
}

export function orderLinesOf(basket: Basket): OrderLine[] {
  return basket.lines.map(orderLineOf);
}

export interface VatSummary {
  readonly rate: number;
  readonly base: number;
  readonly vat: number;
  readonly total: number;
}

/** VAT per rate for receipts and reports, from the same per-line rounding as the order lines. */
export function vatSummary(lines: readonly BasketLine[]): VatSummary[] {
  const byRate = new Map<number, { vat: number; total: number }>();
  for (const line of lines) {
    const entry = byRate.get(line.vatRate) ?? { vat: 0, total: 0 };
    entry.vat += vatOf(line.total, line.vatRate);
    entry.total += line.total;
    byRate.set(line.vatRate, entry);
  }
  return [...byRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rate, { vat, total }]) => ({ rate, vat, total, base: total - vat }));
}
