import type { Sale } from "../checkout/sale.js";

/**
 * The sale's stored JSON, and whether it holds a typed phone number or a merchant-scanned
 * personal QR (which may show the number) inside a create body. That body is kept only while
 * the request may have to be sent again byte for byte (resume.ts); once the sale moves on (Vipps
 * answered, the sale failed or was captured) its phase no longer carries it, and the journal
 * makes sure the old copy is gone from the disk too (journal.ts: secure_delete and a checkpoint).
 */
export function saleData(sale: Sale): { readonly data: string; readonly namesCustomer: boolean } {
  let namesCustomer = false;
  const data = JSON.stringify(sale, function (this: Record<string, unknown>, key, value: unknown) {
    // Only an ePayment create body's `customer` (it sits beside `customerInteraction`).
    if (key === "customer" && "customerInteraction" in this && typeof value === "object" && value !== null)
      if ("phoneNumber" in value || "personalQr" in value) namesCustomer = true;
    return value;
  });
  return { data, namesCustomer };
}
