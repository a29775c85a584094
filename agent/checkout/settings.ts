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
  /** Waiting for a scan this long, the display and the register ask for one again (customer-wait.ts). */
  readonly scanReminderMs: number;
  /** Waiting for a scan this long, the sale ends `failed NO_SCAN`: no sale waits forever. */
  readonly scanTimeoutMs: number;
  /** A held sale: the register and the technician are warned this long before its deadline. */
  readonly holdWarnMs: number;
  /** What the till does at a held sale's deadline: the safe default is release (hold.ts). */
  readonly holdDeadlineAction: "capture" | "release";
}

/**
 * A token must have this much life left when the create request leaves, so Vipps does not see
 * it expire in transit (a create answers in well under a second; 30 s is generous).
 */
export const TOKEN_SAFETY_MARGIN_MS = 30_000;

/**
 * How far in the future a scan's `initiatedAt` (Vipps' clock) may lie on our clock. Both clocks
 * follow NTP, so more than this is a broken clock or a forged check-in, and such a scan is
 * refused: it would otherwise never grow too old. Kept within TOKEN_SAFETY_MARGIN_MS, so a token
 * from a clock that far ahead still has life left when its create request leaves.
 */
export const CHECKIN_CLOCK_SKEW_MS = 30_000;

/**
 * A scan before `pay` is used only if `pay` comes within this long of the scan: long enough for
 * a customer who scans while the cashier rings up the last items, short enough that a scan can
 * never wait for a customer who comes later (docs/architecture.md, "A scan before pay").
 */
export const HELD_SCAN_MS = 60_000;
