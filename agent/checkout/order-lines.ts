import { QUANTITY_UNITS } from "../vipps/types/epayment.js";
import type { OrderLine, Sale } from "./sale.js";

/**
 * The receipt the customer sees in the app: one ePayment order line (Order Management
 * `OrderLine`) per basket line, with the line's VAT from the sale's breakdown (vat.ts), so
 * `totalAmount = totalAmountExcludingTax + totalTaxAmount` on every line and the lines' tax per
 * rate is the paper receipt's.
 */
export function orderLinesOf(sale: Pick<Sale, "basket" | "vat">): OrderLine[] {
  return sale.basket.lines.map((line, i) => {
    const tax = sale.vat.lines[i] ?? 0;
    const unit = QUANTITY_UNITS.find((u) => u === line.unit) ?? "PCS";
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
  });
}
