/** How a sale and the input that changed it become journal rows: the sales columns, the redacted input. */
import type { Input } from "../checkout/io.js";
import { needsResume } from "../checkout/resume.js";
import { capturedAmount, currentAttempt, refundedAmount, type Sale } from "../checkout/sale.js";
import { saleData } from "./typed-customer.js";

export interface SaleRow {
  readonly saleId: string;
  readonly saleNo: number;
  readonly phase: string;
  readonly outcome: string | null;
  readonly currency: string;
  readonly total: number;
  readonly captured: number;
  readonly refunded: number;
  readonly reference: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export const ROW_COLUMNS =
  "sale_id AS saleId, sale_no AS saleNo, phase, outcome, currency, total, captured, refunded, reference, created_at AS createdAt, updated_at AS updatedAt";

/** `now`: the transition's time, the sale's `finished_at` if this transition made it final. */
export function saleRow(sale: Sale, now: number): Record<string, unknown> & { namesCustomer: boolean } {
  const { data, namesCustomer } = saleData(sale);
  const outcome = sale.phase.kind === "final" ? sale.phase.outcome : undefined;
  return {
    saleId: sale.saleId,
    saleNo: sale.saleNo,
    phase: sale.phase.kind,
    outcome: outcome?.state ?? null,
    currency: sale.basket.currency,
    total: sale.basket.total,
    captured: capturedAmount(sale),
    refunded: refundedAmount(sale),
    reference: currentAttempt(sale.phase)?.reference ?? outcome?.reference ?? null,
    live: needsResume(sale) ? 1 : 0,
    createdAt: sale.createdAt,
    updatedAt: sale.updatedAt,
    finishedAt: outcome === undefined ? null : now,
    data,
    namesCustomer,
  };
}

/**
 * The journal keeps what happened, not customer tokens: those stay only in the sale itself (and
 * the held scan). A drop names its sales in each row's `sale_id` already.
 */
export function redactInput(input: Input): unknown {
  if (input.type === "checkin") return { type: "checkin", initiatedAt: input.checkIn.initiatedAt };
  if (input.type === "drop_baskets") return { type: "drop_baskets" };
  // A typed number or a personal QR (which may show the number) is kept only in the sale's create
  // request, and only while that request may have to be repeated: the transition log says which.
  if (input.type === "pay" && input.customer !== undefined) {
    const { customer, ...rest } = input;
    return { ...rest, customer: "phoneNumber" in customer ? "phoneNumber" : "personalQr" };
  }
  return input;
}
