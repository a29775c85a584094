import type { Currency } from "../../lib/money.js";

/** What the pure checkout needs to know about its till; built from the config at start-up. */
export interface CheckoutSettings {
  readonly tillId: string;
  readonly locationDescription: string;
  readonly msn: string;
  /** The sales unit's currency; baskets in another currency are refused. */
  readonly currency: Currency;
  readonly webhookGraceMs: number;
  readonly pollIntervalMs: number;
  /** Check-ins older than this are not used (the customer token lives 15 minutes). */
  readonly checkinMaxAgeMs: number;
  readonly cancelRace: "capture" | "release";
  /** `{location}` and `{saleId}` are replaced. */
  readonly paymentDescription: string;
  /** Delay before retrying a request that Vipps did not answer (after the client's own retries). */
  readonly retryDelayMs: number;
  /** off: pay at once; lookup: recognise members; enroll: also invite non-members (Vipps Login). */
  readonly loyalty: "off" | "lookup" | "enroll";
  /** How long a recognised member's register may take to send member prices. */
  readonly memberBasketWindowMs: number;
}

/**
 * A token must have this much life left when the create request leaves, so Vipps does not see
 * it expire in transit (a create answers in well under a second; 30 s is generous).
 */
export const TOKEN_SAFETY_MARGIN_MS = 30_000;
