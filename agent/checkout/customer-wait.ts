import type { Acceptance, Effect, Transition } from "./io.js";
import type { Sale } from "./sale.js";
import type { TillState } from "./till.js";
import { advance, commit, finish, noChange, tell, type Ctx } from "./transitions.js";

/**
 * A sale waiting for the customer's scan has an end, so none can wait forever — e.g. for a scan
 * that was lost with a crash (docs/register-protocol.md §7.1). `scanReminderMs` after the wait
 * began the display asks for a scan again and the register hears `waiting_for_customer` with the
 * notice `NO_SCAN`; `scanTimeoutMs` after it the sale ends `failed NO_SCAN`. A new request to
 * scan (the token expired) starts the wait again.
 */

/** Enters `awaiting_customer` with the wait's timer; `notice` says why the customer must scan again. */
export function waitForScan(
  till: TillState,
  sale: Sale,
  ctx: Ctx,
  options: {
    notice?: "TOKEN_EXPIRED" | "QR_EXPIRED";
    effects?: readonly Effect[];
    acceptance?: Acceptance;
  } = {},
): Transition {
  const { notice: _old, ...rest } = sale;
  const waiting: Sale = options.notice === undefined ? rest : { ...rest, notice: options.notice };
  const effects = [...(options.effects ?? []), scanWaitTimer(sale, ctx.settings.scanReminderMs)];
  return advance(
    till,
    waiting,
    {
      kind: "awaiting_customer",
      since: ctx.now,
      ...(options.notice === "TOKEN_EXPIRED" ? { tokenExpired: true } : {}),
    },
    effects,
    ctx,
    options.acceptance,
  );
}

/** The wait's timer fired (or the agent restarted): remind, end, or look again later. */
export function onScanWaitTimer(till: TillState, sale: Sale, ctx: Ctx): Transition {
  const phase = sale.phase;
  if (phase.kind !== "awaiting_customer") return noChange(till);
  const since = phase.since ?? sale.updatedAt;
  const { scanReminderMs, scanTimeoutMs } = ctx.settings;
  if (ctx.now >= since + scanTimeoutMs)
    return finish(till, sale, { state: "failed", reason: "NO_SCAN" }, ctx);
  if (ctx.now < since + scanReminderMs)
    return { till, effects: [scanWaitTimer(sale, since + scanReminderMs - ctx.now)], changed: [] };
  const end = scanWaitTimer(sale, since + scanTimeoutMs - ctx.now);
  if (sale.notice === "NO_SCAN") return { till, effects: [end], changed: [] };
  const reminded: Sale = { ...sale, notice: "NO_SCAN" };
  return commit(till, reminded, [end, tell(reminded)], ctx);
}

function scanWaitTimer(sale: Sale, delayMs: number): Effect {
  return { type: "schedule", saleId: sale.saleId, reference: "", timer: "scan_wait", delayMs };
}
