import type { Db, Statement } from "../store/database.js";
import { migrate, statementCache } from "../store/database.js";
import type { DurableRegisterMessage, Effect, Input, Transition } from "../checkout/io.js";
import { needsResume } from "../checkout/resume.js";
import { capturedAmount, currentAttempt, refundedAmount, type Sale } from "../checkout/sale.js";
import { EMPTY_TILL, type TillState } from "../checkout/till.js";
import { JOURNAL_MIGRATIONS } from "./schema.js";
import { saleData } from "./typed-customer.js";
import { saleFromJson } from "./sale-json.js";
import { tillFromMeta, tillMeta } from "./till-meta.js";

/** A final `sale` or a `receipt` message waiting for the register's ack (re-sent after every hello). */
export interface PendingRegisterMessage {
  readonly id: number;
  readonly saleId: string;
  readonly message: DurableRegisterMessage;
}

/** The register messages of a transition that must survive a crash. */
export function durableMessages(effects: readonly Effect[]): DurableRegisterMessage[] {
  const messages: DurableRegisterMessage[] = [];
  for (const e of effects) {
    if (!isDurable(e)) continue;
    if (e.type === "notify_register") messages.push({ type: "sale", ...e.update });
    if (e.type === "receipt_outcome") {
      messages.push({
        type: "receipt",
        saleId: e.saleId,
        printed: e.printed,
        copy: e.copy,
        ...(e.printed ? {} : { error: "PRINTER_UNAVAILABLE" }),
      });
    }
  }
  return messages;
}

/** An effect that becomes a durable register message (see durableMessages). */
function isDurable(e: Effect): boolean {
  return (e.type === "notify_register" && e.durable) || e.type === "receipt_outcome";
}

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

/**
 * The durable record of the checkout. `record` writes a transition — the changed sales, the
 * input that caused it, the durable register messages — in ONE SQLite transaction, and returns
 * only after it is on disk (synchronous=FULL). The runner performs the transition's effects
 * only after that: a power cut can then lose an effect, never the decision to perform it, and
 * start-up re-derives the lost effect from the journal (checkout/resume.ts).
 */
export class Journal {
  private readonly upsertSale;
  private readonly insertTransition;
  private readonly insertMessage;
  private readonly supersedeMessages;
  private readonly setMeta;
  private readonly deleteMeta;
  /** The till's fields as last written (or loaded), so a transition writes only what changed. */
  private readonly writtenMeta = new Map<string, string | undefined>();
  /** Sales whose stored create body holds a typed number or personal QR (typed-customer.ts). */
  private readonly namingCustomer = new Set<string>();
  /** One of them just moved on without it: checkpoint, so no copy stays in the WAL. */
  private customerErased = false;
  /** Every other query, prepared on first use (see statementCache). */
  private readonly sql: (sql: string) => Statement;
  private readonly recordTransaction: (
    input: Input,
    transition: Transition,
    now: number,
    alsoInTransaction?: () => void,
  ) => void;

  constructor(private readonly db: Db) {
    migrate(db, "journal", JOURNAL_MIGRATIONS);
    this.sql = statementCache(db);
    this.upsertSale = db.prepare(`
      INSERT INTO journal_sales (sale_id, sale_no, phase, outcome, currency, total, captured, refunded, reference, live, created_at, updated_at, data)
      VALUES (@saleId, @saleNo, @phase, @outcome, @currency, @total, @captured, @refunded, @reference, @live, @createdAt, @updatedAt, @data)
      ON CONFLICT (sale_id) DO UPDATE SET phase = excluded.phase, outcome = excluded.outcome, total = excluded.total,
        captured = excluded.captured, refunded = excluded.refunded, reference = excluded.reference, live = excluded.live,
        updated_at = excluded.updated_at, data = excluded.data`);
    this.insertTransition = db.prepare(
      "INSERT INTO journal_transitions (at, sale_id, input, phase) VALUES (?, ?, ?, ?)",
    );
    this.insertMessage = db.prepare(
      "INSERT INTO journal_register_outbox (sale_id, kind, message, created_at) VALUES (?, ?, ?, ?)",
    );
    this.supersedeMessages = db.prepare(
      "UPDATE journal_register_outbox SET done_at = ?, done_how = 'superseded' WHERE sale_id = ? AND kind = ? AND done_at IS NULL",
    );
    this.setMeta = db.prepare(
      "INSERT INTO journal_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    );
    this.deleteMeta = db.prepare("DELETE FROM journal_meta WHERE key = ?");
    this.recordTransaction = db.transaction(
      (input: Input, transition: Transition, now: number, alsoInTransaction?: () => void) => {
        for (const saleId of transition.changed) {
          const sale = transition.till.sales[saleId];
          if (sale !== undefined) {
            const { namesCustomer, ...row } = saleRow(sale);
            this.upsertSale.run(row);
            if (namesCustomer) this.namingCustomer.add(saleId);
            else if (this.namingCustomer.delete(saleId)) this.customerErased = true;
          }
          this.insertTransition.run(
            now,
            saleId,
            JSON.stringify(redactInput(input)),
            sale?.phase.kind ?? null,
          );
        }
        // A change to the till alone (a held scan) is a transition of no sale.
        if (transition.changed.length === 0)
          this.insertTransition.run(now, null, JSON.stringify(redactInput(input)), null);
        for (const message of durableMessages(transition.effects)) {
          // Only the newest of each kind matters to the register: older unacked ones are dropped.
          this.supersedeMessages.run(now, message.saleId, message.type);
          this.insertMessage.run(message.saleId, message.type, JSON.stringify(message), now);
        }
        this.writeTill(transition.till);
        alsoInTransaction?.();
      },
    );
  }

  /** The till's own fields (counters, held scan, last basket), each written only when it changed. */
  private writeTill(till: TillState): void {
    for (const [key, value] of Object.entries(tillMeta(till))) {
      if (this.writtenMeta.has(key) && this.writtenMeta.get(key) === value) continue;
      if (value === undefined) this.deleteMeta.run(key);
      else this.setMeta.run(key, value);
      this.writtenMeta.set(key, value);
    }
  }

  /**
   * Persists a transition. `alsoInTransaction` runs inside the same SQLite transaction — used
   * for the MQTT outbox of completed-sale events, so the event exists exactly when the sale does.
   */
  record(input: Input, transition: Transition, now: number, alsoInTransaction?: () => void): void {
    const changes = transition.changed.length > 0 || transition.tillChanged === true;
    if (!changes && !transition.effects.some(isDurable)) return;
    try {
      this.recordTransaction(input, transition, now, alsoInTransaction);
      if (this.customerErased) {
        this.customerErased = false;
        // The WAL still holds the page images with the number until a checkpoint rewrites the
        // database and the log is reset; a typed number is rare, so pay for one now.
        this.db.pragma("wal_checkpoint(TRUNCATE)");
      }
    } catch (error) {
      this.customerErased = false;
      // Rolled back: what the meta cache says was written may not be.
      this.writtenMeta.clear();
      throw error;
    }
  }

  /**
   * The till as it was journalled: every sale that still has work to do (not the open baskets:
   * they stay in the journal until the register names one, see getSale), the counters, and the
   * scan held for the next `pay`.
   */
  load(): TillState {
    const meta = new Map(
      (this.sql("SELECT key, value FROM journal_meta").all() as { key: string; value: string }[]).map((r) => [
        r.key,
        r.value,
      ]),
    );
    const live = (
      this.sql("SELECT data FROM journal_sales WHERE live = 1 ORDER BY sale_no").all() as { data: string }[]
    ).map((r) => saleFromJson(r.data));
    const sales: Record<string, Sale> = {};
    for (const sale of live) {
      sales[sale.saleId] = sale;
      if (saleData(sale).namesCustomer) this.namingCustomer.add(sale.saleId);
    }
    const active = live.find((s) => s.phase.kind !== "open" && s.phase.kind !== "final");
    const till: TillState = {
      ...EMPTY_TILL,
      sales,
      lastSaleNo: Number(meta.get("lastSaleNo") ?? 0),
      ...(active === undefined ? {} : { activeSaleId: active.saleId }),
      ...tillFromMeta(meta),
    };
    this.writtenMeta.clear();
    for (const [key, value] of Object.entries(tillMeta(till))) this.writtenMeta.set(key, value);
    return till;
  }

  /**
   * Open baskets past the till's limits, at most `limit`: those not touched since `olderThan`
   * (ms since the epoch), and those beyond the `keep` most recently touched. Both walk the
   * open-basket index from one end, so the cost does not grow with the journal.
   */
  openBasketsBeyond(keep: number, olderThan: number, limit: number): string[] {
    const old = this.sql(
      "SELECT sale_id FROM journal_sales WHERE phase = 'open' AND updated_at < ? ORDER BY updated_at, sale_no LIMIT ?",
    ).all(olderThan, limit) as { sale_id: string }[];
    const excess = this.sql(
      "SELECT sale_id FROM journal_sales WHERE phase = 'open' ORDER BY updated_at DESC, sale_no DESC LIMIT ? OFFSET ?",
    ).all(limit, keep) as { sale_id: string }[];
    return [...new Set([...old, ...excess].map((r) => r.sale_id))].slice(0, limit);
  }

  getSale(saleId: string): Sale | undefined {
    const row = this.sql("SELECT data FROM journal_sales WHERE sale_id = ?").get(saleId) as
      { data: string } | undefined;
    return row === undefined ? undefined : saleFromJson(row.data);
  }

  getSaleByNo(saleNo: number): Sale | undefined {
    const row = this.sql("SELECT data FROM journal_sales WHERE sale_no = ?").get(saleNo) as
      { data: string } | undefined;
    return row === undefined ? undefined : saleFromJson(row.data);
  }

  getSaleByReference(reference: string): Sale | undefined {
    const row = this.sql("SELECT data FROM journal_sales WHERE reference = ?").get(reference) as
      { data: string } | undefined;
    return row === undefined ? undefined : saleFromJson(row.data);
  }

  pendingRegisterMessages(): PendingRegisterMessage[] {
    const rows = this.sql(
      "SELECT id, sale_id, kind, message FROM journal_register_outbox WHERE done_at IS NULL ORDER BY id",
    ).all() as { id: number; sale_id: string; kind: string; message: string }[];
    return rows.map((r) => {
      const stored = JSON.parse(r.message) as DurableRegisterMessage | Omit<DurableRegisterMessage, "type">;
      // Rows from before receipts were durable hold a bare sale update.
      const message = "type" in stored ? stored : ({ type: "sale", ...stored } as DurableRegisterMessage);
      return { id: r.id, saleId: r.sale_id, message };
    });
  }

  /** The register acked (or definitively refused) a final message. */
  registerMessageDone(id: number, how: "acked" | "refused", now: number): void {
    this.sql(
      "UPDATE journal_register_outbox SET done_at = ?, done_how = ? WHERE id = ? AND done_at IS NULL",
    ).run(now, how, id);
  }

  /** Sales last changed in [from, to), oldest first, for reports. */
  salesBetween(from: number, to: number): SaleRow[] {
    return this.sql(
      `SELECT ${ROW_COLUMNS} FROM journal_sales WHERE updated_at >= ? AND updated_at < ? ORDER BY sale_no`,
    ).all(from, to) as SaleRow[];
  }

  recentSales(limit: number): SaleRow[] {
    return this.sql(`SELECT ${ROW_COLUMNS} FROM journal_sales ORDER BY sale_no DESC LIMIT ?`).all(
      limit,
    ) as SaleRow[];
  }

  meta(key: string): string | undefined {
    const row = this.sql("SELECT value FROM journal_meta WHERE key = ?").get(key) as
      { value: string } | undefined;
    return row?.value;
  }

  setMetaValue(key: string, value: string): void {
    this.setMeta.run(key, value);
  }

  /** Deletes settled sales and journal rows older than the retention period. Returns sales removed. */
  prune(olderThan: number): number {
    return this.db.transaction(() => {
      // Settled sales, and baskets the register opened but never paid or cancelled.
      const removed = this.sql(
        "DELETE FROM journal_sales WHERE (live = 0 OR phase = 'open') AND updated_at < ?",
      ).run(olderThan).changes;
      this.sql("DELETE FROM journal_transitions WHERE at < ?").run(olderThan);
      this.sql("DELETE FROM journal_register_outbox WHERE done_at IS NOT NULL AND done_at < ?").run(
        olderThan,
      );
      return removed;
    })();
  }

  /** SQLite's own consistency check, for `pos-agent doctor`. */
  integrityCheck(): string[] {
    return (this.sql("PRAGMA integrity_check").all() as { integrity_check: string }[]).map(
      (r) => r.integrity_check,
    );
  }
}

const ROW_COLUMNS =
  "sale_id AS saleId, sale_no AS saleNo, phase, outcome, currency, total, captured, refunded, reference, created_at AS createdAt, updated_at AS updatedAt";

function saleRow(sale: Sale): Record<string, unknown> & { namesCustomer: boolean } {
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
    data,
    namesCustomer,
  };
}

/**
 * The journal keeps what happened, not customer tokens: those stay only in the sale itself (and
 * the held scan). A drop names its sales in each row's `sale_id` already.
 */
function redactInput(input: Input): unknown {
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
