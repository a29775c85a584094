import type { Currency } from "../../lib/money.js";
import type { Brand, Language } from "../../lib/locale/index.js";

/**
 * What can be printed: finished documents. Amounts are integers in minor units of `currency`,
 * VAT included, printed as given — the driver computes no money (VAT per rate comes from the
 * checkout, agent/checkout/vat.ts, so paper, app receipt and reports agree); it only refuses a
 * document whose figures do not add up. Times are epoch milliseconds, printed in the printer's
 * time zone. Header and footer lines come from config (`printer.header`, `printer.footer`).
 */
export type PrintDocument = SaleReceipt | RefundReceipt | EndOfDayReport | TestReceipt | QrSticker;

/** A basket line as the register sent it (register protocol v1). */
export interface ReceiptLine {
  readonly name: string;
  /** Decimal string, e.g. `"2"` or `"0.455"`. */
  readonly quantity: string;
  /** e.g. `PCS`, `KG`; printed after the quantity when it is not `PCS`. */
  readonly unit?: string;
  readonly unitPrice: number;
  /** ≥ 0; `total` is already after it. */
  readonly discount?: number;
  readonly total: number;
  /** Basis points, 0–10000 (`2500` = 25 %). */
  readonly vatRate: number;
}

export interface PaymentInfo {
  readonly brand: Brand;
  /** The ePayment `reference`. */
  readonly reference: string;
  /** Vipps MobilePay's `pspReference` of the capture (or refund). */
  readonly pspReference?: string;
}

interface Letterhead {
  readonly language: Language;
  readonly header: readonly string[];
  readonly footer?: readonly string[];
  readonly time: number;
  readonly till: string;
}

export interface SaleReceipt extends Letterhead {
  readonly kind: "sale";
  readonly currency: Currency;
  readonly receiptNumber: string;
  readonly lines: readonly ReceiptLine[];
  /** Must equal the sum of the line totals. */
  readonly total: number;
  /** VAT per rate of the lines, highest rate first; each rate's gross is the sum of its lines' totals. */
  readonly vat: readonly VatBreakdown[];
  readonly payment: PaymentInfo;
  /**
   * Split tender: what the register took besides Vipps MobilePay, printed under the payment;
   * Vipps MobilePay's part is `total` less these. Their sum is below `total`.
   */
  readonly tenders?: readonly OtherTender[];
  readonly member?: LoyaltyMember;
  /** A reprint: marked COPY at the top and bottom. */
  readonly copy?: boolean;
}

/** One other tender of a split sale, as the register declared it (register protocol §7.14). */
interface OtherTender {
  readonly kind: "cash" | "card" | "giftCard" | "voucher";
  readonly amount: number;
}

interface LoyaltyMember {
  readonly name?: string;
  readonly memberId?: string;
  readonly tier?: string;
}

export interface RefundReceipt extends Letterhead {
  readonly kind: "refund";
  readonly currency: Currency;
  readonly receiptNumber: string;
  readonly refundId: string;
  readonly originalReceiptNumber?: string;
  /**
   * The payment was taken at another till (or before this till's Pi was replaced): this till
   * has no receipt number and no lines of it, only its reference and what was refunded.
   */
  readonly purchasedElsewhere?: boolean;
  /** The refunded lines, when known; their totals must add up to `amount`. */
  readonly lines?: readonly ReceiptLine[];
  /** VAT per rate of `lines`; given exactly when `lines` is. */
  readonly vat?: readonly VatBreakdown[];
  readonly amount: number;
  readonly payment: PaymentInfo;
  readonly copy?: boolean;
}

/** Per VAT rate (basis points): `gross = net + vat`, all in minor units. */
export interface VatBreakdown {
  readonly rate: number;
  readonly gross: number;
  readonly vat: number;
  readonly net: number;
}

export interface EndOfDayReport extends Letterhead {
  readonly kind: "end_of_day";
  readonly currency: Currency;
  readonly from: number;
  readonly to: number;
  readonly sales: { readonly count: number; readonly total: number };
  readonly refunds: { readonly count: number; readonly total: number };
  /** Sales that ended unpaid or cancelled. */
  readonly unpaidCount?: number;
  /**
   * VAT per rate of the day's captured sales: the sum of their receipts' VAT per rate — whole
   * baskets, so with split tender it is of `sales.total` plus `otherTenders`.
   */
  readonly vat: readonly VatBreakdown[];
  /** Split tender: what the registers declared they took besides Vipps MobilePay in those sales. */
  readonly otherTenders?: readonly OtherTender[];
}

/** `pos-agent print-test` and the boot status ticket: free lines, the character test line and a QR. */
export interface TestReceipt extends Letterhead {
  readonly kind: "test";
  readonly lines: readonly string[];
  readonly qrContent?: string;
}

/** The till's callback QR as a sticker: the fallback when the display is down. */
export interface QrSticker {
  readonly kind: "qr_sticker";
  readonly language: Language;
  readonly header: readonly string[];
  readonly till: string;
  readonly brand: Brand;
  /** The QR API's `qrContent`, printed byte for byte. */
  readonly qrContent: string;
  /** The QR API's `locationDescription` ("Kasse 1"). */
  readonly locationDescription: string;
}
