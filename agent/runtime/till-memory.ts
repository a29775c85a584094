import { needsResume } from "../checkout/resume.js";
import type { Sale } from "../checkout/sale.js";
import type { TillState } from "../checkout/till.js";

/**
 * Which sales the runner keeps in memory: those with something left to do. Settled sales and
 * open baskets waiting for the register live only in the journal, so the work per input does
 * not grow with how many exist; a command for one brings it back first.
 */

/** `till` with the sales `saleIds` brought in from the journal (unchanged when all are in). */
export function withLoaded(
  till: TillState,
  saleIds: readonly string[],
  stored: (saleId: string) => Sale | undefined,
): TillState {
  let sales: Record<string, Sale> | undefined;
  for (const saleId of saleIds) {
    if (till.sales[saleId] !== undefined) continue;
    const sale = stored(saleId);
    if (sale !== undefined) (sales ??= { ...till.sales })[saleId] = sale;
  }
  return sales === undefined ? till : { ...till, sales };
}

/** `till` without the sales that need nothing more (unchanged when there are none). */
export function withoutSettled(till: TillState): TillState {
  let sales: Record<string, Sale> | undefined;
  for (const sale of Object.values(till.sales)) {
    if (!needsResume(sale)) {
      sales ??= { ...till.sales };
      delete sales[sale.saleId];
    }
  }
  return sales === undefined ? till : { ...till, sales };
}
