import type { Effect, Transition } from "./io.js";
import type { TillState } from "./till.js";
import { finish, noChange, type Ctx } from "./transitions.js";

/**
 * Drops open baskets the runner found past the till's limits (too old, or more open than
 * allowed: config checkout.openBasketMaxAgeHours and maxOpenBaskets). Each ends `cancelled` with
 * reason BASKET_DROPPED, told to the register durably like any final state
 * (docs/register-protocol.md §7.1). Only baskets still open are dropped — one the register paid
 * meanwhile goes on — so a stale choice never harms a sale.
 */
export function onDropBaskets(till: TillState, saleIds: readonly string[], ctx: Ctx): Transition {
  let current = till;
  const effects: Effect[] = [];
  const changed: string[] = [];
  for (const saleId of new Set(saleIds)) {
    const sale = current.sales[saleId];
    if (sale?.phase.kind !== "open") continue;
    const t = finish(current, sale, { state: "cancelled", reason: "BASKET_DROPPED" }, ctx);
    current = t.till;
    effects.push(...t.effects);
    changed.push(...t.changed);
  }
  return changed.length === 0 ? noChange(till) : { till: current, effects, changed };
}
