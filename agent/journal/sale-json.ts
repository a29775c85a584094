import type { Sale } from "../checkout/sale.js";
import { saleVat, type SaleVat } from "../checkout/vat.js";

/**
 * A sale as stored in `journal_sales.data`. Sales journalled by a version from before the VAT
 * breakdown was part of the sale get it from their basket, by the same rule (checkout/vat.ts).
 */
export function saleFromJson(data: string): Sale {
  const stored = JSON.parse(data) as Omit<Sale, "vat"> & { readonly vat?: SaleVat };
  return stored.vat === undefined
    ? { ...stored, vat: saleVat(stored.basket.lines) }
    : { ...stored, vat: stored.vat };
}
