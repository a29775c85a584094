import type { Currency } from "../../../lib/money.js";

/**
 * ePayment API v1 shapes, hand-written from test/contract/vipps-openapi/epayment.yaml (1.4.1)
 * plus the live fields listed in its SOURCES.md (cancel body, captureGuaranteedUntil) and
 * docs/vipps-api.md §6. Amounts are integers in minor units (øre, cent).
 */
export interface Amount {
  readonly currency: Currency;
  /** Minor units, 0–65 000 000. */
  readonly value: number;
}

/** No CAPTURED/REFUNDED state exists: after AUTHORIZED, read `aggregate` (docs/vipps-api.md §6.3). */
type PaymentState = "CREATED" | "ABORTED" | "EXPIRED" | "AUTHORIZED" | "TERMINATED";

/**
 * The ePayment event names (the webhooks `epayments.payment.<name>.v1`):
 * https://developer.vippsmobilepay.com/docs/APIs/epayment-api/api-guide/webhooks/
 */
export const PAYMENT_EVENT_NAMES = [
  "CREATED",
  "AUTHORIZED",
  "ABORTED",
  "EXPIRED",
  "TERMINATED",
  "CANCELLED",
  "CAPTURED",
  "REFUNDED",
] as const;
export type PaymentEventName = (typeof PAYMENT_EVENT_NAMES)[number];

/** Exactly one way to name the customer; more than one is an error at Vipps. */
export type Customer =
  { readonly customerToken: string } | { readonly phoneNumber: string } | { readonly personalQr: string };

type UserFlow = "PUSH_MESSAGE" | "NATIVE_REDIRECT" | "WEB_REDIRECT" | "QR";
type CustomerInteraction = "CUSTOMER_PRESENT" | "CUSTOMER_NOT_PRESENT";
type PaymentMethodType = "WALLET" | "CARD";
export const QUANTITY_UNITS = ["PCS", "KG", "KM", "MINUTE", "LITRE", "KWH"] as const;
export type QuantityUnit = (typeof QUANTITY_UNITS)[number];

/** Order Management `OrderLine` (the ePayment receipt is that schema). */
export interface OrderLine {
  readonly name: string;
  readonly id: string;
  /** Including tax and discount, minor units. */
  readonly totalAmount: number;
  readonly totalAmountExcludingTax: number;
  readonly totalTaxAmount: number;
  /** Hundredths of a percent: 2500 = 25 %. 0–10000. */
  readonly taxRate?: number;
  /** Deprecated whole percent, 0–100; use `taxRate`. */
  readonly taxPercentage?: number;
  readonly unitInfo?: {
    readonly unitPrice: number;
    /** Decimal text, e.g. "2.5" (cosmetic). */
    readonly quantity: string;
    readonly quantityUnit?: QuantityUnit;
  };
  readonly discount?: number;
  readonly productUrl?: string;
  /** Counts negative towards the sums. */
  readonly isReturn?: boolean;
  readonly isShipping?: boolean;
}

export interface BottomLine {
  readonly currency: Currency;
  readonly tipAmount?: number;
  readonly posId?: string;
  readonly paymentSources?: {
    readonly giftCard?: number;
    readonly card?: number;
    readonly voucher?: number;
    readonly cash?: number;
  };
  readonly barcode?: { readonly format: "EAN-13" | "CODE 39" | "CODE 128"; readonly data: string };
  readonly receiptNumber?: string;
}

export interface Receipt {
  readonly orderLines: readonly OrderLine[];
  readonly bottomLine: BottomLine;
}

export interface CreatePaymentRequest {
  readonly amount: Amount;
  readonly paymentMethod: { readonly type: PaymentMethodType };
  /** `^[a-zA-Z0-9-]{8,50}$` (≤ 50 satisfies both the copied and the live spec). */
  readonly reference: string;
  readonly userFlow: UserFlow;
  /** Required for PUSH_MESSAGE. */
  readonly customer?: Customer;
  /** Only with userFlow QR: TEXT/TARGETURL makes `redirectUrl` the text to draw as a QR. */
  readonly qrFormat?: {
    readonly format: "TEXT/TARGETURL" | "IMAGE/SVG+XML" | "IMAGE/PNG";
    readonly size?: number;
  };
  /** CUSTOMER_PRESENT for in-store payments (default at Vipps: CUSTOMER_NOT_PRESENT). */
  readonly customerInteraction?: CustomerInteraction;
  /** 3–100 characters, shown in the app and in settlements. */
  readonly paymentDescription?: string;
  readonly receipt?: Receipt;
  readonly receiptUrl?: string;
  /** At most 5 entries; key ≤ 100, value ≤ 500 characters. No personal data. */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly returnUrl?: string;
  /** RFC 3339; long-living payments only (needs approval). */
  readonly expiresAt?: string;
  readonly profile?: { readonly scope: string };
  readonly minimumUserAge?: number;
}

export interface CreatePaymentResponse {
  readonly reference: string;
  /** Absent for PUSH_MESSAGE. */
  readonly redirectUrl?: string;
}

export interface Aggregate {
  readonly authorizedAmount: Amount;
  readonly cancelledAmount: Amount;
  readonly capturedAmount: Amount;
  readonly refundedAmount: Amount;
}

export interface Payment {
  readonly reference: string;
  /** The pspReference of the CREATED event. */
  readonly pspReference: string;
  readonly state: PaymentState;
  readonly amount: Amount;
  readonly aggregate: Aggregate;
  readonly paymentMethod: { readonly type: PaymentMethodType; readonly cardBin?: string };
  readonly profile?: { readonly sub?: string };
  readonly metadata?: Readonly<Record<string, string>> | null;
  readonly redirectUrl?: string;
  /** Live field (Aug 2026): until when a capture is guaranteed. */
  readonly captureGuaranteedUntil?: string;
}

export interface PaymentEvent {
  readonly reference: string;
  /** This operation's own pspReference. */
  readonly pspReference: string;
  readonly name: PaymentEventName;
  readonly amount: Amount;
  readonly timestamp: string;
  readonly idempotencyKey?: string | null;
  /** false = that operation failed. */
  readonly success: boolean;
}

/** Answer of capture, cancel and refund. */
export interface ModificationResponse {
  readonly reference: string;
  readonly pspReference: string;
  readonly state: PaymentState;
  readonly amount: Amount;
  readonly aggregate: Aggregate;
}

export interface CancelOptions {
  /** true: cancel only if not yet authorized (else Vipps error 6060), to avoid racing an approval. */
  readonly cancelTransactionOnly: boolean;
}

/** Test environment only (docs/vipps-api.md §6.7). */
export type ForceApproveRequest = { readonly customer: Customer } | { readonly token: string };
