import type {
  Basket,
  ReceiptMessage,
  SaleMessage,
  SaleReport,
  SaleState,
} from "../../drivers/register/index.js";

/**
 * What the reference register remembers about its sales: the basket it sent, whether it asked
 * for payment, and every report the agent sent — so tests and the demo can check that the
 * register ends up knowing the outcome.
 */
export interface SaleRecord {
  readonly saleId: string;
  basket: Basket | undefined;
  payRequested: boolean;
  /** The latest state the agent reported. */
  state: SaleState | undefined;
  final: boolean;
  readonly reports: SaleMessage[];
  /** Every receipt report, repeats included (the agent re-sends stored ones after each hello). */
  readonly receipts: ReceiptMessage[];
  /** The receipt's outcome: the last receipt report (a repeat or a newer one replaces it). */
  receipt: ReceiptMessage | undefined;
  /** Our messages the agent refused: `{ type, code, message }`. */
  readonly refusals: { type: string; code: string; message: string }[];
}

/** Most sales remembered; the oldest are forgotten first. */
const MAX_SALES = 1000;

export class SaleBook {
  private readonly records = new Map<string, SaleRecord>();

  get(saleId: string): SaleRecord | undefined {
    return this.records.get(saleId);
  }

  all(): SaleRecord[] {
    return [...this.records.values()];
  }

  /** The record of `saleId`, created if new. */
  touch(saleId: string): SaleRecord {
    let record = this.records.get(saleId);
    if (record === undefined) {
      record = {
        saleId,
        basket: undefined,
        payRequested: false,
        state: undefined,
        final: false,
        reports: [],
        receipts: [],
        receipt: undefined,
        refusals: [],
      };
      this.records.set(saleId, record);
      if (this.records.size > MAX_SALES) {
        const oldest = this.records.keys().next().value;
        if (oldest !== undefined) this.records.delete(oldest);
      }
    }
    return record;
  }

  /** Records a report from the agent (also for sales this register does not know). */
  record(report: SaleReport): SaleRecord {
    const record = this.touch(report.saleId);
    if (report.type === "sale") {
      record.reports.push(report);
      record.state = report.state;
      record.final = report.final;
    } else {
      record.receipts.push(report);
      record.receipt = report;
    }
    return record;
  }
}
