import type { Db, Statement } from "../../agent/store/database.js";
import { statementCache } from "../../agent/store/database.js";
import type { Currency, Money } from "../../lib/money.js";
import type { SaleEventMessage } from "../../lib/mqtt-contract/index.js";

/** One sale event as the fleet keeps it: references, amounts and outcomes only. */
export interface SaleRecord {
  readonly eventId: string;
  readonly tillId: string;
  readonly type: SaleEventMessage["type"];
  readonly saleId: string;
  readonly reference?: string;
  readonly amount: Money;
  readonly occurredAt: number;
  readonly receivedAt: number;
  readonly receiptNumber?: string;
  readonly reason?: string;
}

/** Per till and currency: captured sales and their sum in a time range. */
export interface CapturedTotal {
  readonly tillId: string;
  readonly currency: Currency;
  readonly sales: number;
  readonly value: number;
}

interface Row {
  event_id: string;
  till_id: string;
  type: SaleEventMessage["type"];
  sale_id: string;
  reference: string | null;
  currency: string;
  amount: number;
  occurred_at: number;
  received_at: number;
  receipt_number: string | null;
  reason: string | null;
}

function record(row: Row): SaleRecord {
  return {
    eventId: row.event_id,
    tillId: row.till_id,
    type: row.type,
    saleId: row.sale_id,
    ...(row.reference === null ? {} : { reference: row.reference }),
    // The table's CHECK constraints hold the currency and amount to the contract's.
    amount: { currency: row.currency as Currency, value: row.amount },
    occurredAt: row.occurred_at,
    receivedAt: row.received_at,
    ...(row.receipt_number === null ? {} : { receiptNumber: row.receipt_number }),
    ...(row.reason === null ? {} : { reason: row.reason }),
  };
}

/** The sale events of the MSN's tills, de-duplicated on eventId (delivery is at least once). */
export class SaleRepository {
  private readonly sql: (text: string) => Statement;

  constructor(db: Db) {
    this.sql = statementCache(db);
  }

  /** Returns false for an eventId already stored (a redelivery). Lines and member ids are not kept. */
  add(event: SaleEventMessage, receivedAt: number): boolean {
    return (
      this.sql(
        `INSERT OR IGNORE INTO fleet_sales
           (event_id, till_id, type, sale_id, reference, currency, amount, occurred_at, received_at, receipt_number, reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        event.eventId,
        event.tillId,
        event.type,
        event.saleId,
        event.reference ?? null,
        event.amount.currency,
        event.amount.value,
        Date.parse(event.occurredAt),
        receivedAt,
        event.receiptNumber ?? null,
        event.reason ?? null,
      ).changes > 0
    );
  }

  /** Captured sales in [from, to) per till and currency (the sums stay exact: amounts are bounded on the way in). */
  captured(from: number, to: number): CapturedTotal[] {
    const rows = this.sql(
      `SELECT till_id, currency, COUNT(*) AS sales, SUM(amount) AS value FROM fleet_sales
       WHERE type = 'sale.captured' AND occurred_at >= ? AND occurred_at < ?
       GROUP BY till_id, currency ORDER BY till_id, currency`,
    ).all(from, to) as { till_id: string; currency: string; sales: number; value: number }[];
    return rows.map((r) => ({
      tillId: r.till_id,
      currency: r.currency as Currency,
      sales: r.sales,
      value: r.value,
    }));
  }

  /** Each till's latest `sale.failed`. */
  lastFailures(): SaleRecord[] {
    return (
      this.sql(
        `SELECT * FROM fleet_sales AS s WHERE type = 'sale.failed' AND occurred_at =
           (SELECT MAX(occurred_at) FROM fleet_sales WHERE till_id = s.till_id AND type = 'sale.failed')
         GROUP BY till_id`,
      ).all() as Row[]
    ).map(record);
  }

  /** A till's newest events first. */
  recent(tillId: string, limit: number): SaleRecord[] {
    return (
      this.sql(
        "SELECT * FROM fleet_sales WHERE till_id = ? ORDER BY occurred_at DESC, event_id DESC LIMIT ?",
      ).all(tillId, limit) as Row[]
    ).map(record);
  }

  count(): number {
    return (this.sql("SELECT COUNT(*) AS n FROM fleet_sales").get() as { n: number }).n;
  }

  /** Removes events that happened before `before`; returns how many. */
  prune(before: number): number {
    return this.sql("DELETE FROM fleet_sales WHERE occurred_at < ?").run(before).changes;
  }
}
