import { minimumAgeOf, withPayAge } from "./age-limit.js";
import { MAXIMUM_PAYMENT, MINIMUM_PAYMENT } from "../../lib/money.js";
import type { Basket, Sale } from "./sale.js";
import { capturedAmount, refundableAmount } from "./sale.js";
import type { Effect, Identification, RegisterCustomer, Transition } from "./io.js";
import { nextReferenceBase, refundKey } from "./references.js";
import { refundElsewhere } from "./refund-elsewhere.js";
import { startAttempt } from "./attempts.js";
import { waitForScan } from "./customer-wait.js";
import { cancelDuringLoyalty } from "./loyalty.js";
import { heldScanFor } from "./scans.js";
import { onHeldBasket, onReleaseHeld } from "./hold.js";
import {
  cancelRenewal,
  isPerSaleQr,
  payNamedCustomer,
  renewPerSaleQr,
  startPerSaleQr,
} from "./per-sale-qr.js";
import { saleUpdate } from "./wire.js";
import { saleVat } from "./vat.js";
import { sameTenders, vippsAmount } from "./tenders.js";
import type { Tender } from "../../drivers/register/index.js";
import type { TillState } from "./till.js";
import {
  ACCEPT,
  advance,
  commit,
  finish,
  noChange,
  refuse,
  withdrawEffect,
  type Ctx,
} from "./transitions.js";

/**
 * The register's commands. Each either changes nothing and refuses with a protocol code, or is
 * accepted (plain ack) and moves the sale on. Field-level validation (types, line totals,
 * 200 lines) happened in the register link already; these are the rules that need the state.
 */

export function onBasket(till: TillState, basket: Basket, ctx: Ctx): Transition {
  if (basket.currency !== ctx.settings.currency) {
    return refuse(
      till,
      "BAD_CURRENCY",
      `this sales unit takes ${ctx.settings.currency}, not ${basket.currency}`,
    );
  }
  const existing = till.sales[basket.saleId];
  if (existing !== undefined) {
    if (existing.phase.kind === "final")
      return refuse(till, "SALE_FINISHED", `sale ${basket.saleId} is already finished`);
    // A held sale's final basket, within what was authorized (hold.ts).
    if (existing.phase.kind === "held") return onHeldBasket(till, existing, basket, ctx);
    // A recognised member's register may send member prices during the member window.
    if (existing.phase.kind !== "open" && existing.phase.kind !== "member_window") {
      return refuse(till, "SALE_LOCKED", `sale ${basket.saleId} is being paid; its basket is locked`);
    }
    const replaced: Sale = { ...existing, basket, vat: saleVat(basket.lines) };
    // Member prices of a split sale: the other tenders stay, Vipps MobilePay's part shrinks.
    if (existing.tenders !== undefined) {
      const outOfRange = vippsPartOutOfRange(till, replaced);
      if (outOfRange !== undefined) return outOfRange;
    }
    const updated = existing.phase.kind === "open" ? lastSent(till, existing) : till;
    return commit(updated, replaced, [], ctx, ACCEPT);
  }
  const referenceBase = nextReferenceBase(ctx.now, till.lastReferenceBase);
  const saleNo = till.lastSaleNo + 1;
  const sale: Sale = {
    saleId: basket.saleId,
    saleNo,
    referenceBase,
    basket,
    vat: saleVat(basket.lines),
    phase: { kind: "open" },
    attempts: 0,
    refunds: [],
    receipt: { status: "none", copies: 0 },
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const counted: TillState = { ...till, lastSaleNo: saleNo, lastReferenceBase: referenceBase };
  return commit(lastSent(counted, sale), sale, [], ctx, ACCEPT);
}

/** `sale` is now the basket the register sent last; a scan held for another basket is dropped. */
function lastSent(till: TillState, sale: Sale): TillState {
  const { held, ...rest } = till;
  return {
    ...rest,
    lastBasket: { saleId: sale.saleId, createdAt: sale.createdAt },
    ...(held?.saleId === sale.saleId ? { held } : {}),
  };
}

/** What `pay` says besides the sale and its total (io.ts). */
export interface PayOptions {
  /** Whole years, for the whole sale (age-limit.ts). */
  readonly minimumAge?: number;
  readonly customer?: RegisterCustomer;
  readonly identification?: Identification;
  /** Split tender: what the register took besides Vipps MobilePay (tenders.ts). */
  readonly tenders?: readonly Tender[];
  /** (extension) Authorize only; capture or release later (hold.ts). */
  readonly hold?: true;
}
export function onPay(
  till: TillState,
  saleId: string,
  total: number,
  ctx: Ctx,
  options: PayOptions = {},
): Transition {
  const known = till.sales[saleId];
  if (known === undefined) return refuse(till, "UNKNOWN_SALE", `no basket for sale ${saleId}`);
  const { minimumAge } = options;
  const aged = withPayAge(known, minimumAge);
  if (options.hold === true && options.tenders !== undefined)
    return refuse(till, "BAD_FIELD", "hold: a held payment cannot be split: send tenders without hold");
  const sale: Sale = options.hold === true && aged.phase.kind === "open" ? { ...aged, hold: {} } : aged;
  if (sale.phase.kind === "final") return refuse(till, "SALE_FINISHED", `sale ${saleId} is already finished`);
  // A repeated pay changes nothing, so it may not turn a hold into a sale or back.
  if (sale.phase.kind !== "open" && (options.hold === true) !== (known.hold !== undefined))
    return refuse(
      till,
      "SALE_LOCKED",
      `sale ${saleId} is being paid ${known.hold === undefined ? "without" : "with"} hold; cancel it and start a new sale`,
    );
  if (sale.phase.kind === "held") return noChange(till, ACCEPT);
  if (total !== sale.basket.total) {
    return refuse(
      till,
      "BASKET_TOTAL_MISMATCH",
      `pay total ${total} differs from the basket total ${sale.basket.total}`,
    );
  }
  const split = withTenders(sale, options.tenders);
  const outOfRange = vippsPartOutOfRange(till, split);
  if (outOfRange !== undefined) return outOfRange;
  if (till.activeSaleId !== undefined && till.activeSaleId !== saleId) {
    return refuse(till, "SALE_BUSY", `sale ${till.activeSaleId} is being paid`);
  }
  const perSale = options.identification === "per-sale";
  // Until the payment is requested, `pay` says how the basket is split; after, it may not change it.
  const settled = sale.phase.kind === "open" || sale.phase.kind === "member_window";
  if (!settled && !sameTenders(sale.tenders, options.tenders))
    return refuse(
      till,
      "SALE_LOCKED",
      `sale ${saleId} is being paid with another split of tenders; cancel it and start a new sale`,
    );
  if (options.customer !== undefined) {
    const target = sale.phase.kind === "open" ? activate(till, saleId) : till;
    return payNamedCustomer(target, settled ? split : sale, options.customer, ctx, ACCEPT);
  }
  // In the member window, pay confirms the member-priced basket: request the payment now.
  if (sale.phase.kind === "member_window") return startAttempt(till, split, sale.phase.checkIn, ctx, ACCEPT);
  if (sale.phase.kind !== "open") {
    // A repeated pay changes nothing — so it may not ask for an age the request under way lacks
    // (nor one a renewed per-sale QR would carry while the old one may still be approved).
    if ((minimumAgeOf(sale) ?? 0) > (minimumAgeOf(known) ?? 0))
      return refuse(
        till,
        "SALE_LOCKED",
        `sale ${saleId} is being paid without minimum age ${minimumAge}; cancel it and start a new sale`,
      );
    // Pay again while a per-sale QR is live, or after it expired: a new code for the same basket.
    if (sale.phase.kind === "requested" && isPerSaleQr(sale.phase.attempt))
      return renewPerSaleQr(till, sale, ctx, ACCEPT);
    if (sale.phase.kind === "awaiting_customer" && sale.notice === "QR_EXPIRED")
      return perSale
        ? startPerSaleQr(till, sale, ctx, ACCEPT)
        : waitForScan(till, sale, ctx, { acceptance: ACCEPT });
    return noChange(till, ACCEPT);
  }

  const checkIn = heldScanFor(till, split, ctx);
  const active = activate(till, saleId);
  if (checkIn !== undefined) return startAttempt(active, split, checkIn, ctx, ACCEPT);
  return perSale
    ? startPerSaleQr(active, split, ctx, ACCEPT)
    : waitForScan(active, split, ctx, { acceptance: ACCEPT });
}

/** The sale as this `pay` splits it: its tenders, or none (Vipps MobilePay collects the whole basket). */
function withTenders(sale: Sale, tenders: readonly Tender[] | undefined): Sale {
  const { tenders: _old, ...rest } = sale;
  return tenders === undefined ? rest : { ...rest, tenders };
}

/** AMOUNT_OUT_OF_RANGE unless Vipps MobilePay may collect the sale's part (also 0 of a split). */
function vippsPartOutOfRange(till: TillState, sale: Sale): Transition | undefined {
  const minimum = MINIMUM_PAYMENT[sale.basket.currency];
  const amount = vippsAmount(sale);
  if (amount >= minimum && amount <= MAXIMUM_PAYMENT) return undefined;
  const part = sale.tenders === undefined ? "a payment" : "the Vipps MobilePay part of a split sale";
  return refuse(
    till,
    "AMOUNT_OUT_OF_RANGE",
    `${part} must be from ${minimum} to ${MAXIMUM_PAYMENT} minor units`,
  );
}

/** The sale leaves `open` and is paid now: no scan is held for it or any other basket from now on. */
function activate(till: TillState, saleId: string): TillState {
  const { held: _held, lastBasket, ...rest } = till;
  return {
    ...rest,
    activeSaleId: saleId,
    ...(lastBasket === undefined || lastBasket.saleId === saleId ? {} : { lastBasket }),
  };
}

export function onCancel(till: TillState, saleId: string, ctx: Ctx): Transition {
  const sale = till.sales[saleId];
  if (sale === undefined) return refuse(till, "UNKNOWN_SALE", `no sale ${saleId}`);
  const phase = sale.phase;
  switch (phase.kind) {
    case "open":
    case "awaiting_customer":
      return finish(till, sale, { state: "cancelled" }, ctx, { acceptance: ACCEPT });
    case "identifying":
    case "member_window":
    case "enrolling":
      return cancelDuringLoyalty(till, sale, ctx, ACCEPT);
    case "creating":
      return commit(till, { ...sale, phase: { ...phase, cancelRequested: true } }, [], ctx, ACCEPT);
    case "requested": {
      const reference = phase.attempt.reference;
      const cancel = withdrawEffect(saleId, reference);
      return advance(till, sale, { kind: "cancelling", attempt: phase.attempt }, [cancel], ctx, ACCEPT);
    }
    case "cancelling":
      return phase.renew === true ? cancelRenewal(till, sale, ctx, ACCEPT) : noChange(till, ACCEPT);
    case "releasing":
      return noChange(till, ACCEPT);
    case "held":
      return onReleaseHeld(till, saleId, ctx);
    case "looking_up":
      return refuse(till, "SALE_BUSY", `refund ${phase.refundId} is being looked up at Vipps`);
    case "capturing":
      return refuse(
        till,
        "CANCEL_TOO_LATE",
        "the customer has approved and the payment is being captured; refund it instead",
      );
    case "final":
      if (phase.outcome.state === "captured")
        return refuse(till, "CANCEL_TOO_LATE", `sale ${saleId} was captured; refund it instead`);
      // Already failed or cancelled: accept, and make sure the register has the final state.
      return {
        till,
        effects: [{ type: "notify_register", update: saleUpdate(sale), durable: true }],
        acceptance: ACCEPT,
        changed: [],
      };
  }
}

export function onRefund(
  till: TillState,
  saleId: string,
  refundId: string,
  amount: number,
  ctx: Ctx,
  reference?: string,
): Transition {
  const sale = till.sales[saleId];
  if (sale === undefined) {
    if (reference !== undefined) return refundElsewhere(till, saleId, refundId, amount, reference, ctx);
    return refuse(till, "UNKNOWN_SALE", `no sale ${saleId}`);
  }
  if (sale.phase.kind === "looking_up") {
    return sale.phase.refundId === refundId && sale.phase.amount === amount
      ? noChange(till, ACCEPT)
      : refuse(till, "SALE_BUSY", `refund ${sale.phase.refundId} is being looked up at Vipps`);
  }
  if (sale.phase.kind !== "final" || sale.phase.outcome.state !== "captured") {
    return refuse(till, "NOT_CAPTURED", `sale ${saleId} has no captured payment to refund`);
  }
  const outcome = sale.phase.outcome;
  if (reference !== undefined && reference !== outcome.reference)
    return refuse(till, "BAD_FIELD", `reference: sale ${saleId} was paid with another reference`);
  const existing = sale.refunds.find((r) => r.refundId === refundId);
  if (existing !== undefined) {
    if (existing.amount !== amount)
      return refuse(till, "BAD_FIELD", `refund ${refundId} was requested with another amount`);
    const update =
      existing.status === "failed"
        ? { ...saleUpdate(sale), refundId, reason: "REFUND_FAILED" as const }
        : { ...saleUpdate(sale), refundId };
    const resend: Effect[] =
      existing.status === "requested" ? [] : [{ type: "notify_register", update, durable: true }];
    return { till, effects: resend, acceptance: ACCEPT, changed: [] };
  }
  if (amount <= 0) return refuse(till, "AMOUNT_OUT_OF_RANGE", "a refund must be at least 1 minor unit");
  const refundable = refundableAmount(sale);
  if (amount > refundable) {
    return refuse(
      till,
      "REFUND_TOO_LARGE",
      `at most ${refundable} of ${capturedAmount(sale)} can still be refunded`,
    );
  }
  const n = sale.refunds.length + 1;
  const next: Sale = { ...sale, refunds: [...sale.refunds, { refundId, n, amount, status: "requested" }] };
  const effect: Effect = {
    type: "vipps_refund",
    saleId,
    reference: outcome.reference,
    refundId,
    idempotencyKey: refundKey(sale, outcome.reference, n),
    amount: { currency: sale.basket.currency, value: amount },
  };
  return commit(till, next, [effect], ctx, ACCEPT);
}
