import type { CheckIn, Sale } from "./sale.js";

/**
 * The state of the whole till that the pure machine works on. `sales` holds the live sales and
 * any final sale an input refers to (the runner loads it from the journal first); the runner
 * evicts finished sales from memory, the machine never depends on their absence.
 */
export interface TillState {
  readonly sales: Readonly<Record<string, Sale>>;
  /** The sale being paid: from `pay` until its outcome is final. One at a time per till. */
  readonly activeSaleId?: string;
  /** A scan that arrived when no sale was waiting for one ("scan before pay"). */
  readonly held?: CheckIn;
  /** The last sale number and reference base handed out (both strictly increase). */
  readonly lastSaleNo: number;
  readonly lastReferenceBase?: string;
}

export const EMPTY_TILL: TillState = { sales: {}, lastSaleNo: 0 };

export function withSale(till: TillState, sale: Sale): TillState {
  return { ...till, sales: { ...till.sales, [sale.saleId]: sale } };
}
