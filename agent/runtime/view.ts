import type { Money } from "../../lib/money.js";
import type { NotPaidReason, Screen } from "../../drivers/display/index.js";
import type { FailureReason, Sale } from "../checkout/sale.js";
import type { TillState } from "../checkout/till.js";
import type { Identification } from "../checkout/io.js";
import { isPerSaleQr } from "../checkout/per-sale-qr.js";
import { vippsAmount } from "../checkout/tenders.js";

/** How long "paid" / "not paid" stays on the display before the idle screen returns. */
export const RESULT_SCREEN_MS = 6_000;

type LightsState = "ready" | "busy" | "error" | "off";

export interface ViewInput {
  readonly till: TillState;
  /** The last sale that ended, and when. */
  readonly lastFinished?: { readonly sale: Sale; readonly at: number };
  readonly registerUp: boolean;
  /** The till's QR text (`qrContent`); undefined until the till is set up. */
  readonly qrContent?: string;
  /**
   * How a `pay` identifies the customer now (identification.ts). `per-sale`: a scan of the till's
   * QR cannot reach the till, so the QR is not shown until the sale's own appears.
   */
  readonly identification?: Identification;
  /** The active sale's member's first name, if loyalty found one (kept only in memory). */
  readonly memberName?: string;
  readonly now: number;
}

export interface View {
  readonly screen: Screen;
  readonly lights: LightsState;
  /** When the view changes by itself (a result screen timing out). */
  readonly refreshAt?: number;
}

/**
 * What the customer display and the status lights show: a pure function of the till's state,
 * recomputed after every transition (so a restart shows the right thing without any memory).
 */
export function viewOf(input: ViewInput): View {
  const { till, now } = input;
  if (!input.registerUp || input.qrContent === undefined)
    return { screen: { kind: "out_of_service" }, lights: "error" };

  const tillQr = input.identification === "per-sale" ? undefined : input.qrContent;
  const active = till.activeSaleId === undefined ? undefined : till.sales[till.activeSaleId];
  if (active !== undefined) {
    // What the customer pays in the app: with split tender, Vipps MobilePay's part only.
    const amount: Money = { currency: active.basket.currency, value: vippsAmount(active) };
    const phase = active.phase;
    switch (phase.kind) {
      case "awaiting_customer":
      case "identifying": {
        if (active.notice === "QR_EXPIRED")
          return { screen: { kind: "payment_qr", amount, expired: true }, lights: "busy" };
        // A notice (token expired, no scan yet) means the customer must scan again.
        const scanAgain = phase.kind === "awaiting_customer" && active.notice !== undefined;
        return {
          screen: {
            kind: "amount",
            amount,
            ...(tillQr === undefined ? {} : { qrContent: tillQr }),
            ...(scanAgain ? { scanAgain } : {}),
          },
          lights: "busy",
        };
      }
      case "member_window": {
        const member = active.member;
        const screen: Screen = {
          kind: "member",
          ...(input.memberName === undefined ? {} : { memberName: input.memberName }),
          ...(member?.tier === undefined ? {} : { tier: member.tier }),
        };
        return { screen, lights: "busy" };
      }
      case "enrolling":
        return phase.bindingMessage === undefined
          ? { screen: { kind: "waiting", amount }, lights: "busy" }
          : { screen: { kind: "loyalty_login", bindingMessage: phase.bindingMessage }, lights: "busy" };
      case "creating":
      case "requested":
      case "cancelling":
        // A per-sale QR is the only QR shown while it lives (never the till's own beside it).
        if (isPerSaleQr(phase.attempt)) {
          const url = phase.kind === "requested" ? phase.attempt.qrUrl : undefined;
          return {
            screen: { kind: "payment_qr", amount, ...(url === undefined ? {} : { qrContent: url }) },
            lights: "busy",
          };
        }
        return { screen: { kind: "waiting", amount }, lights: "busy" };
      // A held sale leaves the till free (hold.ts): never the active one; "waiting" if it were.
      case "capturing":
      case "releasing":
      case "held":
      case "open":
      case "looking_up":
      case "final":
        return { screen: { kind: "waiting", amount }, lights: "busy" };
    }
  }

  const idle: View = {
    screen: { kind: "idle", ...(tillQr === undefined ? {} : { qrContent: tillQr }) },
    lights: "ready",
  };
  const last = input.lastFinished;
  if (last === undefined || now >= last.at + RESULT_SCREEN_MS || last.sale.phase.kind !== "final")
    return idle;
  const outcome = last.sale.phase.outcome;
  const refreshAt = last.at + RESULT_SCREEN_MS;
  switch (outcome.state) {
    case "captured":
      return {
        screen: {
          kind: "paid",
          amount: { currency: last.sale.basket.currency, value: outcome.capturedAmount },
        },
        lights: "ready",
        refreshAt,
      };
    case "failed":
      return {
        screen: { kind: "not_paid", reason: notPaidReason(outcome.reason) },
        lights: "ready",
        refreshAt,
      };
    case "cancelled":
      // Only worth telling the customer when a payment request had reached their phone.
      return last.sale.attempts > 0
        ? { screen: { kind: "not_paid", reason: "CANCELLED" }, lights: "ready", refreshAt }
        : idle;
  }
}

function notPaidReason(reason: FailureReason): NotPaidReason {
  switch (reason) {
    case "ABORTED":
    case "EXPIRED":
    case "TERMINATED":
    case "TOKEN_EXPIRED":
    case "CAPTURE_FAILED":
    case "VIPPS_UNAVAILABLE":
    case "NO_SCAN":
      return reason;
    // AGE_NOT_VERIFIED: not the customer's age on a screen the queue can read; the register has it.
    // A refund from elsewhere is no sale of the customer's (the runner does not show it).
    case "REFERENCE_UNKNOWN":
    case "PAYMENT_REFUSED":
    case "AGE_NOT_VERIFIED":
    case "REFUND_TOO_OLD":
    case "REFUND_TOO_LARGE":
      return "PAYMENT_REFUSED";
  }
}
