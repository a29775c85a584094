import { SCAN_TO_PAY, type Language } from "../../lib/locale/index.js";

/** Every label printed on receipts and reports, per language. `{brand}` is Vipps or MobilePay. */
export interface ReceiptTexts {
  readonly receipt: string;
  readonly refund: string;
  readonly copy: string;
  readonly date: string;
  readonly till: string;
  readonly receiptNumber: string;
  readonly originalReceipt: string;
  readonly refundId: string;
  /** A refund of a payment another till took (register protocol §7.11): no lines to show. */
  readonly purchasedElsewhere: string;
  readonly discount: string;
  readonly total: string;
  readonly refunded: string;
  readonly vat: string;
  readonly vatRate: string;
  readonly net: string;
  readonly gross: string;
  readonly paidWith: string;
  /** Split tender: the other tenders' labels (register protocol §7.14). */
  readonly tender: Readonly<Record<"cash" | "card" | "giftCard" | "voucher", string>>;
  readonly refundedTo: string;
  readonly reference: string;
  readonly pspReference: string;
  readonly member: string;
  readonly memberId: string;
  readonly endOfDay: string;
  readonly from: string;
  readonly to: string;
  readonly printed: string;
  readonly sales: string;
  readonly refunds: string;
  readonly netTotal: string;
  readonly unpaid: string;
  readonly testPrint: string;
  readonly scanToPay: string;
}

export const RECEIPT_TEXTS: Readonly<Record<Language, ReceiptTexts>> = {
  nb: {
    receipt: "KVITTERING",
    refund: "RETUR",
    copy: "KOPI",
    date: "Dato",
    till: "Kasse",
    receiptNumber: "Kvittering nr.",
    originalReceipt: "Opprinnelig kvittering",
    refundId: "Retur-ID",
    purchasedElsewhere: "Retur av kjøp gjort ved en annen kasse",
    discount: "Rabatt",
    total: "TOTALT",
    refunded: "TILBAKEBETALT",
    vat: "MVA",
    vatRate: "MVA-sats",
    net: "Grunnlag",
    gross: "Sum",
    paidWith: "Betalt med {brand}",
    tender: { cash: "Kontant", card: "Kort", giftCard: "Gavekort", voucher: "Tilgodelapp" },
    refundedTo: "Tilbakebetalt til {brand}",
    reference: "Referanse",
    pspReference: "PSP-referanse",
    member: "Medlem",
    memberId: "Medlemsnr.",
    endOfDay: "DAGSOPPGJØR",
    from: "Fra",
    to: "Til",
    printed: "Utskrevet",
    sales: "Salg",
    refunds: "Returer",
    netTotal: "Netto",
    unpaid: "Ikke betalt/avbrutt",
    testPrint: "TESTUTSKRIFT",
    scanToPay: SCAN_TO_PAY.nb,
  },
  da: {
    receipt: "KVITTERING",
    refund: "RETUR",
    copy: "KOPI",
    date: "Dato",
    till: "Kasse",
    receiptNumber: "Kvitteringsnr.",
    originalReceipt: "Oprindelig kvittering",
    refundId: "Retur-ID",
    purchasedElsewhere: "Retur af køb foretaget ved en anden kasse",
    discount: "Rabat",
    total: "I ALT",
    refunded: "REFUNDERET",
    vat: "Moms",
    vatRate: "Momssats",
    net: "Grundlag",
    gross: "Beløb",
    paidWith: "Betalt med {brand}",
    tender: { cash: "Kontant", card: "Kort", giftCard: "Gavekort", voucher: "Tilgodebevis" },
    refundedTo: "Refunderet til {brand}",
    reference: "Reference",
    pspReference: "PSP-reference",
    member: "Medlem",
    memberId: "Medlemsnr.",
    endOfDay: "DAGSAFSLUTNING",
    from: "Fra",
    to: "Til",
    printed: "Udskrevet",
    sales: "Salg",
    refunds: "Returer",
    netTotal: "Netto",
    unpaid: "Ikke betalt/annulleret",
    testPrint: "TESTUDSKRIFT",
    scanToPay: SCAN_TO_PAY.da,
  },
  fi: {
    receipt: "KUITTI",
    refund: "PALAUTUS",
    copy: "KOPIO",
    date: "Päivämäärä",
    till: "Kassa",
    receiptNumber: "Kuitin nro",
    originalReceipt: "Alkuperäinen kuitti",
    refundId: "Palautustunnus",
    purchasedElsewhere: "Palautus toisen kassan ostoksesta",
    discount: "Alennus",
    total: "YHTEENSÄ",
    refunded: "PALAUTETTU",
    vat: "ALV",
    vatRate: "ALV %",
    net: "Veroton",
    gross: "Verollinen",
    paidWith: "Maksettu: {brand}",
    tender: { cash: "Käteinen", card: "Kortti", giftCard: "Lahjakortti", voucher: "Hyvityskuponki" },
    refundedTo: "Palautettu: {brand}",
    reference: "Viite",
    pspReference: "PSP-viite",
    member: "Jäsen",
    memberId: "Jäsennumero",
    endOfDay: "PÄIVÄRAPORTTI",
    from: "Alkaen",
    to: "Päättyen",
    printed: "Tulostettu",
    sales: "Myynnit",
    refunds: "Palautukset",
    netTotal: "Netto",
    unpaid: "Maksamatta/peruttu",
    testPrint: "TESTITULOSTE",
    scanToPay: SCAN_TO_PAY.fi,
  },
  en: {
    receipt: "RECEIPT",
    refund: "REFUND",
    copy: "COPY",
    date: "Date",
    till: "Till",
    receiptNumber: "Receipt no.",
    originalReceipt: "Original receipt",
    refundId: "Refund ID",
    purchasedElsewhere: "Refund of a purchase made at another till",
    discount: "Discount",
    total: "TOTAL",
    refunded: "REFUNDED",
    vat: "VAT",
    vatRate: "VAT rate",
    net: "Net",
    gross: "Gross",
    paidWith: "Paid with {brand}",
    tender: { cash: "Cash", card: "Card", giftCard: "Gift card", voucher: "Voucher" },
    refundedTo: "Refunded to {brand}",
    reference: "Reference",
    pspReference: "PSP reference",
    member: "Member",
    memberId: "Member no.",
    endOfDay: "END OF DAY",
    from: "From",
    to: "To",
    printed: "Printed",
    sales: "Sales",
    refunds: "Refunds",
    netTotal: "Net",
    unpaid: "Unpaid/cancelled",
    testPrint: "TEST PRINT",
    scanToPay: SCAN_TO_PAY.en,
  },
};
