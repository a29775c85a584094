import { z } from "zod";
import { CURRENCIES } from "../money.js";

/**
 * A sale event from a till to the merchant's back office, published QoS 1 on
 * `<prefix>/<msn>/<tillId>/sales` from the till's durable outbox (docs/mqtt-contract.md §Sale
 * events). Delivery is at least once: consumers de-duplicate on `eventId`.
 *
 * No personal data: no customer token, phone number or name ever goes in here.
 */
export const SALE_EVENT_VERSION = 1;

/**
 * `sale.held` (docs/register-protocol.md §7.13): authorized and held, nothing captured yet; its
 * `amount` is what was authorized. A `sale.captured`, `sale.cancelled` or `sale.failed` of the
 * same `reference` follows when it ends: until then the hold is open.
 */
export const SALE_EVENT_TYPES = [
  "sale.captured",
  "sale.refunded",
  "sale.cancelled",
  "sale.failed",
  "sale.held",
] as const;

const minorUnits = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const isoInstant = z.iso.datetime({ offset: true });

const saleLineSchema = z.strictObject({
  id: z.string().min(1).max(100).optional(),
  name: z.string().min(1).max(100),
  /** Decimal string, as on the register ("1", "2.5"). */
  quantity: z.string().regex(/^\d{1,9}(\.\d{1,6})?$/),
  /** Line total including VAT, minor units. */
  totalAmount: minorUnits,
  /** The VAT contained in `totalAmount`, minor units: the line's VAT on the receipts. */
  totalTaxAmount: minorUnits.optional(),
  /** VAT rate in basis points: 2500 = 25.00 %. */
  taxRate: z.int().min(0).max(10_000),
});

/**
 * The sale's VAT at one rate, as on its paper receipt and in the customer's app:
 * `totalAmount = totalAmountExcludingTax + totalTaxAmount`, the rate's lines add up to it.
 */
const saleVatRateSchema = z.strictObject({
  taxRate: z.int().min(0).max(10_000),
  totalAmount: minorUnits,
  totalAmountExcludingTax: minorUnits,
  totalTaxAmount: minorUnits,
});

/** One other tender of a split sale: the kinds a Vipps MobilePay receipt names as payment sources. */
const saleTenderSchema = z.strictObject({
  kind: z.enum(["cash", "card", "giftCard", "voucher"]),
  amount: minorUnits.min(1),
});

/** What the checkout hands to `MqttLink.publishSaleEvent`. */
export const saleEventSchema = z.strictObject({
  /** Stable and unique per event (e.g. `<reference>-captured`); the back office de-duplicates on it. */
  eventId: z.string().regex(/^[A-Za-z0-9._:-]{1,100}$/),
  type: z.enum(SALE_EVENT_TYPES),
  /** The register's sale id. */
  saleId: z.string().regex(/^[A-Za-z0-9-]{1,32}$/),
  /** The Vipps payment reference, when a payment was created. */
  reference: z
    .string()
    .regex(/^[A-Za-z0-9-]{8,64}$/)
    .optional(),
  /** Vipps' PSP reference of the operation (capture, refund …). */
  pspReference: z.string().min(1).max(100).optional(),
  /** The captured (or refunded, …) amount, integer minor units. */
  amount: z.strictObject({ currency: z.enum(CURRENCIES), value: minorUnits }),
  /** When it happened, ISO 8601 with a zone. */
  occurredAt: isoInstant,
  receiptNumber: z.string().min(1).max(64).optional(),
  /** For `sale.failed`: a reason code such as ABORTED or EXPIRED. */
  reason: z
    .string()
    .regex(/^[A-Z_]{1,64}$/)
    .optional(),
  /** For `sale.held`: until when Vipps guarantees the capture. */
  holdUntil: isoInstant.optional(),
  /** The loyalty member the sale was made for: the merchant's member id (never a phone number). */
  memberId: z.string().min(1).max(64).optional(),
  lines: z.array(saleLineSchema).max(200).optional(),
  /** The VAT of `lines` per rate, highest rate first (of the sale, also on `sale.refunded`). */
  vat: z.array(saleVatRateSchema).max(200).optional(),
  /**
   * Split tender (docs/register-protocol.md §7.14): what the register took besides Vipps
   * MobilePay, as it declared it. `lines` and `vat` stay the whole basket; Vipps' part is the
   * lines' total less these (on `sale.captured`, `amount`).
   */
  tenders: z.array(saleTenderSchema).min(1).max(10).optional(),
});

export type SaleEvent = z.output<typeof saleEventSchema>;

/** The published message: the event plus where it comes from. */
export interface SaleEventMessage extends SaleEvent {
  readonly v: typeof SALE_EVENT_VERSION;
  readonly msn: string;
  readonly tillId: string;
}

export const saleEventMessageSchema = saleEventSchema.extend({
  v: z.literal(SALE_EVENT_VERSION),
  msn: z.string().regex(/^\d{4,10}$/),
  tillId: z.string().regex(/^[A-Za-z0-9]{2,20}$/),
});
