import { startAttempt, tokenIsFresh } from "./attempts.js";
import { waitForScan } from "./customer-wait.js";
import type { Acceptance, Effect, LoyaltyIdentified, Member, Transition } from "./io.js";
import type { CheckIn, Sale } from "./sale.js";
import { TOKEN_SAFETY_MARGIN_MS } from "./settings.js";
import type { TillState } from "./till.js";
import { advance, commit, finish, noChange, type Ctx } from "./transitions.js";

/**
 * The loyalty steps between a scan and the payment request (issue 7, the seed's "flow with
 * lookup, enrollment, and payment"): identify the customer by phone number, give the register
 * a window to send member prices, or ask a non-member to join through Vipps Login. Every step
 * gives way to the payment: a failure, a decline or a timeout only means "pay without loyalty".
 * The customer token lives 15 minutes; if loyalty outlasts it, the customer scans again.
 */

function isLoyaltyPhase(kind: Sale["phase"]["kind"]): kind is "identifying" | "member_window" | "enrolling" {
  return kind === "identifying" || kind === "member_window" || kind === "enrolling";
}

/** A scan for a waiting sale: look the customer up first, unless loyalty is off. */
export function onScanForSale(till: TillState, sale: Sale, checkIn: CheckIn, ctx: Ctx): Transition {
  if (ctx.settings.loyalty === "off" || !tokenIsFresh(checkIn, ctx))
    return startAttempt(till, sale, checkIn, ctx);
  const deadline = checkIn.initiatedAt + ctx.settings.checkinMaxAgeMs - TOKEN_SAFETY_MARGIN_MS - ctx.now;
  const effects: Effect[] = [
    { type: "loyalty_identify", saleId: sale.saleId, customerToken: checkIn.customerToken },
    {
      type: "schedule",
      saleId: sale.saleId,
      reference: "",
      timer: "token_deadline",
      delayMs: Math.max(0, deadline),
    },
  ];
  return advance(till, sale, { kind: "identifying", checkIn }, effects, ctx);
}

export function onIdentified(
  till: TillState,
  saleId: string,
  result: LoyaltyIdentified,
  ctx: Ctx,
): Transition {
  const sale = till.sales[saleId];
  if (sale?.phase.kind !== "identifying") return noChange(till);
  const checkIn = sale.phase.checkIn;
  switch (result.kind) {
    case "member":
      return memberFound(till, sale, checkIn, result.member, ctx);
    case "not_member":
      if (ctx.settings.loyalty === "enroll") {
        return advance(
          till,
          sale,
          { kind: "enrolling", checkIn },
          [{ type: "loyalty_enroll", saleId, candidate: result.candidate }],
          ctx,
        );
      }
      return startAttempt(till, sale, checkIn, ctx);
    case "unavailable":
      return startAttempt(till, sale, checkIn, ctx);
  }
}

/** The register hears who the customer is; it may answer with member prices within the window. */
function memberFound(till: TillState, sale: Sale, checkIn: CheckIn, member: Member, ctx: Ctx): Transition {
  const withMember: Sale = { ...sale, member };
  const window = ctx.settings.memberBasketWindowMs;
  if (window === 0) return startAttempt(till, withMember, checkIn, ctx);
  const timer: Effect = {
    type: "schedule",
    saleId: sale.saleId,
    reference: "",
    timer: "loyalty",
    delayMs: window,
  };
  return advance(till, withMember, { kind: "member_window", checkIn, until: ctx.now + window }, [timer], ctx);
}

export function onBindingMessage(
  till: TillState,
  saleId: string,
  bindingMessage: string,
  ctx: Ctx,
): Transition {
  const sale = till.sales[saleId];
  if (sale?.phase.kind !== "enrolling") return noChange(till);
  return commit(till, { ...sale, phase: { ...sale.phase, bindingMessage } }, [], ctx);
}

export function onEnrolled(
  till: TillState,
  saleId: string,
  member: Member | undefined,
  ctx: Ctx,
): Transition {
  const sale = till.sales[saleId];
  if (sale?.phase.kind !== "enrolling") return noChange(till);
  const checkIn = sale.phase.checkIn;
  return member === undefined
    ? startAttempt(till, sale, checkIn, ctx)
    : memberFound(till, sale, checkIn, member, ctx);
}

/** The member window closed, or a loyalty step must give way (e.g. after a restart). */
export function onLoyaltyTimer(till: TillState, sale: Sale, ctx: Ctx): Transition {
  const phase = sale.phase;
  if (!isLoyaltyPhase(phase.kind) || !("checkIn" in phase)) return noChange(till);
  const abort: Effect[] = phase.kind === "enrolling" ? [{ type: "loyalty_abort", saleId: sale.saleId }] : [];
  const next = startAttempt(till, sale, phase.checkIn, ctx);
  return { ...next, effects: [...abort, ...next.effects] };
}

/** The scan's token is about to expire while loyalty still runs: keep the sale, ask for a new scan. */
export function onTokenDeadline(till: TillState, sale: Sale, ctx: Ctx): Transition {
  const kind = sale.phase.kind;
  if (!isLoyaltyPhase(kind)) return noChange(till);
  const abort: Effect[] = kind === "enrolling" ? [{ type: "loyalty_abort", saleId: sale.saleId }] : [];
  return waitForScan(till, sale, ctx, { notice: "TOKEN_EXPIRED", effects: abort });
}

/** The cashier cancels during a loyalty step: nothing was requested from Vipps yet. */
export function cancelDuringLoyalty(
  till: TillState,
  sale: Sale,
  ctx: Ctx,
  acceptance: Acceptance,
): Transition {
  const t = finish(till, sale, { state: "cancelled" }, ctx, { acceptance });
  return sale.phase.kind === "enrolling"
    ? { ...t, effects: [{ type: "loyalty_abort", saleId: sale.saleId }, ...t.effects] }
    : t;
}
