/**
 * Constants of the register link protocol, version 1 (docs/register-protocol.md). Everything here is part of the wire contract:
 * changing a value breaks registers in the field.
 */

/** The `v` of every JSON object and the `protocol` of `hello`. */
export const PROTOCOL_VERSION = 1;

/** Largest frame in bytes, terminator included (`…*ABCD\r\n`). A full 200-line basket fits. */
export const MAX_FRAME_BYTES = 65_536;

/** Largest `seq`; the next one after it is 1. */
export const MAX_SEQ = 2_147_483_647;

/** `hello` always carries this `seq`: it restarts the sender's numbering (§Link layer). */
export const HELLO_SEQ = 1;

/** Longest `session` in a hello (extension): any text of 1 … 64 characters is accepted. */
export const MAX_SESSION_LENGTH = 64;

/** How many of the peer's `seq` values a receiver remembers for duplicate suppression. */
export const SEQ_MEMORY = 64;

/** Most lines in one basket. */
export const MAX_BASKET_LINES = 200;

/** `saleId` (and `refundId`): 1–32 of A–Z, a–z, 0–9 and `-`. */
export const SALE_ID_PATTERN = /^[A-Za-z0-9-]{1,32}$/;

/** `minimumAge` on a basket line or `pay` (extension): whole years, 1–99 (ours, not Vipps'). */
export const MAX_MINIMUM_AGE = 99;

/**
 * `pay.tenders` (extension, §7.14): what the register took for the rest of a split-tender sale.
 * The kinds are the payment sources a Vipps MobilePay receipt can name
 * (https://developer.vippsmobilepay.com/docs/APIs/order-management-api/order-management-api-guide/):
 * `bottomLine.paymentSources` has exactly these four.
 */
export const TENDER_KINDS = ["cash", "card", "giftCard", "voucher"] as const;
export type TenderKind = (typeof TENDER_KINDS)[number];

/** Most `pay.tenders` entries (ours): a receipt with more is not a till's sale. */
export const MAX_TENDERS = 10;

/** `vatRate` is in basis points: 2500 = 25 %. */
export const MAX_VAT_RATE = 10_000;

/** The sequence number that follows `seq` (wrapping from MAX_SEQ to 1). */
export function nextSeq(seq: number): number {
  return seq >= MAX_SEQ ? 1 : seq + 1;
}

/** A `seq` as the wire allows it: an integer 1 … MAX_SEQ. */
export function isSeq(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 1 && value <= MAX_SEQ;
}
