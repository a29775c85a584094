/** A sale's timers firing: loyalty, token and scan deadlines, and the poll and retry chains. */
import type { TimerName, Transition } from "./io.js";
import { onScanWaitTimer } from "./customer-wait.js";
import { onLoyaltyTimer, onTokenDeadline } from "./loyalty.js";
import { resumeEffects } from "./resume.js";
import { currentAttempt } from "./sale.js";
import type { TillState } from "./till.js";
import { noChange, type Ctx } from "./transitions.js";

export function onTimer(
  till: TillState,
  saleId: string,
  reference: string,
  timer: TimerName,
  ctx: Ctx,
): Transition {
  const sale = till.sales[saleId];
  if (sale === undefined) return noChange(till);
  if (timer === "loyalty") return onLoyaltyTimer(till, sale, ctx);
  if (timer === "token_deadline") return onTokenDeadline(till, sale, ctx);
  if (timer === "scan_wait") return onScanWaitTimer(till, sale, ctx);
  const attempt = currentAttempt(sale.phase);
  const matches =
    attempt?.reference === reference || sale.cleanup?.reference === reference || sale.phase.kind === "final";
  if (!matches) return noChange(till);
  if (timer === "poll" && sale.phase.kind !== "requested") return noChange(till);
  return { till, effects: resumeEffects(sale, { includeReceipts: false }), changed: [] };
}
