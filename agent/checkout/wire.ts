import type { SaleState } from "../../drivers/register/index.js";
import type { SaleUpdate } from "./io.js";
import { capturedAmount, currentAttempt, refundedAmount, type Sale } from "./sale.js";
import { vippsAmount } from "./tenders.js";

/** The protocol state the register sees for a sale (docs/register-protocol.md). */
export function wireState(sale: Sale): SaleState {
  const phase = sale.phase;
  switch (phase.kind) {
    // A refund from elsewhere being looked up: nothing is known of it yet (§7.11).
    case "looking_up":
    case "open":
      return "open";
    case "awaiting_customer":
      return "waiting_for_customer";
    case "identifying":
    case "member_window":
    case "enrolling":
    case "creating":
      return "customer_identified";
    case "requested":
    case "cancelling":
    case "capturing":
    case "releasing":
      // A hold being captured or released stays `held` until Vipps answered (§7.13).
      return sale.hold?.authorizedAmount === undefined ? "payment_requested" : "held";
    case "held":
      return "held";
    case "final":
      if (phase.outcome.state === "captured") return refundedAmount(sale) > 0 ? "refunded" : "captured";
      return phase.outcome.state;
  }
}

/** The `sale` message for the current state of a sale. */
export function saleUpdate(sale: Sale): SaleUpdate {
  const state = wireState(sale);
  const final = sale.phase.kind === "final";
  const attempt = currentAttempt(sale.phase);
  const outcome = sale.phase.kind === "final" ? sale.phase.outcome : undefined;
  const reference = attempt?.reference ?? outcome?.reference;
  // The capture's PSP reference, for the register's books; earlier ones mean nothing to it.
  const pspReference = outcome?.state === "captured" ? outcome.pspReference : undefined;
  const captured = capturedAmount(sale);
  const refunded = refundedAmount(sale);
  const reason =
    outcome === undefined ? sale.notice : outcome.state === "captured" ? undefined : outcome.reason;
  return {
    saleId: sale.saleId,
    state,
    final,
    amount: vippsAmount(sale),
    ...(reference === undefined ? {} : { reference }),
    ...(pspReference === undefined ? {} : { pspReference }),
    ...(outcome?.state === "captured" ? { capturedAmount: captured } : {}),
    ...(refunded > 0 ? { refundedAmount: refunded } : {}),
    ...(reason === undefined ? {} : { reason }),
    ...(sale.member === undefined ? {} : { member: sale.member }),
    ...holdFields(sale),
  };
}

/** A held sale's authorized amount and deadline, while it is held (§7.13). */
function holdFields(sale: Sale): { authorizedAmount?: number; holdUntil?: string } {
  const hold = sale.hold;
  if (hold?.authorizedAmount === undefined || sale.phase.kind === "final") return {};
  return {
    authorizedAmount: hold.authorizedAmount,
    ...(hold.until === undefined ? {} : { holdUntil: new Date(hold.until).toISOString() }),
  };
}
