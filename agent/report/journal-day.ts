import type { Db } from "../store/database.js";
import type { Input } from "../checkout/io.js";
import type { Sale } from "../checkout/sale.js";
import { saleFromJson } from "../journal/sale-json.js";

/**
 * What the journal knows about one day, read-only. A sale belongs to the day it was FINISHED
 * (its first transition into the final phase: captured, failed or cancelled), a refund to the
 * day Vipps confirmed it (its `refund_result`), so a sale paid on Monday and refunded on Tuesday
 * counts in Monday's sales and Tuesday's refunds. Reads the journal's tables as documented in
 * agent/journal/schema.ts (`journal_sales.finished_at` is when the sale first became final,
 * `journal_transitions.input` the input as JSON).
 */
interface FinishedSale {
  readonly sale: Sale;
  readonly finishedAt: number;
}

interface ConfirmedRefund {
  readonly sale: Sale;
  readonly refundId: string;
  readonly amount: number;
  readonly at: number;
}

export interface JournalDay {
  readonly finished: readonly FinishedSale[];
  readonly refunds: readonly ConfirmedRefund[];
  /** Sales started but not finished when the day ended (still open, or being paid). */
  readonly unfinished: number;
  /** Sales held (authorized, not captured: §7.13) when the day ended, oldest first. */
  readonly held: readonly Sale[];
}

export function readJournalDay(db: Db, from: number, to: number): JournalDay {
  // Each query reads only the day's rows, through an index (schema.ts, migration 3).
  const finished = (
    db
      .prepare(
        `SELECT data, finished_at AS finishedAt FROM journal_sales
          WHERE finished_at >= ? AND finished_at < ?
          ORDER BY finished_at, sale_no`,
      )
      .all(from, to) as { data: string; finishedAt: number }[]
  )
    .map((row) => ({ sale: saleFromJson(row.data), finishedAt: row.finishedAt }))
    // A refund from elsewhere has a record here but was no sale here (its refund counts below).
    .filter((f) => f.sale.imported === undefined);

  const seen = new Set<string>();
  const refunds: ConfirmedRefund[] = [];
  const rows = db
    .prepare(
      `SELECT t.at AS at, t.input AS input, s.data AS data
         FROM journal_transitions t JOIN journal_sales s ON s.sale_id = t.sale_id
        WHERE t.at >= ? AND t.at < ? AND json_extract(t.input, '$.type') = 'refund_result'
        ORDER BY t.at`,
    )
    .all(from, to) as { at: number; input: string; data: string }[];
  for (const row of rows) {
    const input = JSON.parse(row.input) as Input;
    if (input.type !== "refund_result" || !input.result.ok) continue;
    const sale = saleFromJson(row.data);
    const refund = sale.refunds.find((r) => r.refundId === input.refundId && r.status === "done");
    const key = `${sale.saleId}\u0000${input.refundId}`;
    if (refund === undefined || seen.has(key)) continue;
    seen.add(key);
    refunds.push({ sale, refundId: refund.refundId, amount: refund.amount, at: row.at });
  }
  // Started before the day ended and not final by then.
  const unfinished = (
    db
      .prepare(
        `SELECT COUNT(*) AS n FROM journal_sales
          WHERE created_at >= ? AND created_at < ? AND (finished_at IS NULL OR finished_at >= ?)`,
      )
      .get(from, to, to) as { n: number }
  ).n;
  return { finished, refunds, unfinished, held: heldAt(db, to) };
}

/**
 * The sales held when the day ended: authorized before it and captured or released (if at all)
 * after it — those still held (an index of their own) and those finished later (the finished
 * index); their own `hold.since` says when they were authorized.
 */
function heldAt(db: Db, to: number): Sale[] {
  const rows = db
    .prepare(
      `SELECT data FROM journal_sales WHERE phase = 'held'
       UNION ALL
       SELECT data FROM journal_sales WHERE finished_at >= ? AND json_extract(data, '$.hold.since') IS NOT NULL`,
    )
    .all(to) as { data: string }[];
  return rows
    .map((row) => saleFromJson(row.data))
    .filter((sale) => sale.hold?.since !== undefined && sale.hold.since < to)
    .sort((a, b) => a.saleNo - b.saleNo);
}
