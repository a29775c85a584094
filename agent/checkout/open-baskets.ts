import type { Effect, Transition } from "./io.js";
import type { Sale } from "./sale.js";
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
  // One copy of the sales map for the whole batch (a first start may drop hundreds), not one per
  // basket: each is finished on a till holding only itself, then put in the shared copy.
  const sales: Record<string, Sale> = { ...till.sales };
  let current: TillState = till;
  const effects: Effect[] = [];
  const changed: string[] = [];
  for (const saleId of new Set(saleIds)) {
    const sale = sales[saleId];
    if (sale?.phase.kind !== "open") continue;
    const t = finish({ ...current, sales: {} }, sale, { state: "cancelled", reason: "BASKET_DROPPED" }, ctx);
    const dropped = t.till.sales[saleId];
    if (dropped !== undefined) sales[saleId] = dropped;
    current = t.till;
    effects.push(...t.effects);
    changed.push(...t.changed);
  }
  return changed.length === 0 ? noChange(till) : { till: { ...current, sales }, effects, changed };
}
