import type { SaleReceipt, TestReceipt } from "../../drivers/printer/index.js";

/** Receipts for printer tests. 13:03 UTC is 14:03 in Oslo. */
export const RECEIPT_TIME = Date.UTC(2025, 10, 25, 13, 3);

/** A three-line Norwegian sale (two VAT rates, a discount, a weighed item) paid with Vipps. */
export function saleReceipt(overrides: Partial<SaleReceipt> = {}): SaleReceipt {
  return {
    kind: "sale",
    language: "nb",
    currency: "NOK",
    header: ["Kaffebaren Ærø AS", "Org.nr. 999 999 999 MVA"],
    footer: ["Takk for besøket!"],
    time: RECEIPT_TIME,
    till: "kasse1",
    receiptNumber: "000123",
    lines: [
      { name: "Kaffe latte", quantity: "2", unitPrice: 4_900, total: 9_800, vatRate: 2_500 },
      { name: "Skolebolle", quantity: "1", unitPrice: 3_000, discount: 500, total: 2_500, vatRate: 1_500 },
      { name: "Epler", quantity: "0.455", unit: "KG", unitPrice: 3_990, total: 1_815, vatRate: 1_500 },
    ],
    total: 14_115,
    // As the checkout computes it (agent/checkout/vat.ts): 9800 × 25/125 = 1960; 4315 × 15/115 = 562.8 → 563.
    vat: [
      { rate: 2_500, gross: 9_800, net: 7_840, vat: 1_960 },
      { rate: 1_500, gross: 4_315, net: 3_752, vat: 563 },
    ],
    payment: { brand: "vipps", reference: "kasse1-000123", pspReference: "8812345678" },
    member: { name: "Kari Nordmann", tier: "Gull", memberId: "M-1234" },
    ...overrides,
  };
}

export function testReceipt(qrContent = "https://qr.vipps.no/28/2/01/031/test?v=1"): TestReceipt {
  return {
    kind: "test",
    language: "nb",
    header: ["Kaffebaren"],
    time: RECEIPT_TIME,
    till: "kasse1",
    lines: ["print test"],
    qrContent,
  };
}
