import type { CheckIn, Sale } from "./sale.js";

/**
 * The state of the whole till that the pure machine works on. `sales` holds the sales with work
 * left and any sale an input refers to (the runner loads it from the journal first); the runner
 * evicts the others from memory — open baskets included, which wait in the journal until the
 * register names them — and the machine never depends on their absence.
 */
export interface TillState {
  readonly sales: Readonly<Record<string, Sale>>;
  /** The sale being paid: from `pay` until its outcome is final. One at a time per till. */
  readonly activeSaleId?: string;
  /** A scan that came before `pay`, kept for one basket (see scans.ts). Journalled. */
  readonly held?: HeldScan;
  /** The basket the register sent last, while it is still open: the only one a scan is held for. */
  readonly lastBasket?: { readonly saleId: string; readonly createdAt: number };
  /** When the last payment ended (its sale became final): scans made before it are never used. */
  readonly paymentEndedAt?: number;
  /** The last sale number and reference base handed out (both strictly increase). */
  readonly lastSaleNo: number;
  readonly lastReferenceBase?: string;
}

/** A scan before `pay`, for the basket `saleId` only. */
export interface HeldScan {
  readonly saleId: string;
  readonly checkIn: CheckIn;
}

export const EMPTY_TILL: TillState = { sales: {}, lastSaleNo: 0 };

export function withSale(till: TillState, sale: Sale): TillState {
  return { ...till, sales: { ...till.sales, [sale.saleId]: sale } };
}
