import type { Db, Statement } from "../store/database.js";
import { lazyWriter, migrate, statementCache } from "../store/database.js";
import type { DurableRegisterMessage, Input, Transition } from "../checkout/io.js";
import type { Sale } from "../checkout/sale.js";
import { EMPTY_TILL, type TillState } from "../checkout/till.js";
import { needsDurableCommit } from "./durability.js";
import { JOURNAL_MIGRATIONS } from "./schema.js";
import { saleData } from "./typed-customer.js";
import { saleFromJson } from "./sale-json.js";
import { tillFromMeta, tillMeta } from "./till-meta.js";
import { AUTOCHECKPOINT_PAGES, fillFinishedAt, WAL_SIZE_LIMIT_BYTES } from "./opening.js";
import { durableMessages, isDurable, type PendingRegisterMessage } from "./register-messages.js";
import { redactInput, ROW_COLUMNS, saleRow, type SaleRow } from "./rows.js";

/**
 * The durable record of the checkout. `record` writes a transition — the changed sales, the
 * input that caused it, the durable register messages — in ONE SQLite transaction. When the
 * transition promises something outside (durability.ts) it returns only after the commit is on
 * disk (synchronous=FULL); otherwise the commit is lazy and made durable by the next durable one.
 * The runner performs the transition's effects only after `record`: a power cut can then lose
 * an effect, never the decision to perform it, and start-up re-derives the lost effect from
 * the journal (checkout/resume.ts).
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
  private readonly lazily: <T>(write: () => T) => T;
  private readonly recordTransaction: (
    input: Input,
    transition: Transition,
    now: number,
    alsoInTransaction?: () => void,
  ) => void;

  constructor(private readonly db: Db) {
    migrate(db, "journal", JOURNAL_MIGRATIONS);
    fillFinishedAt(db);
    db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    this.sql = statementCache(db);
    this.lazily = lazyWriter(db);
    this.upsertSale = db.prepare(`
      INSERT INTO journal_sales (sale_id, sale_no, phase, outcome, currency, total, captured, refunded, reference, live, created_at, updated_at, finished_at, data)
      VALUES (@saleId, @saleNo, @phase, @outcome, @currency, @total, @captured, @refunded, @reference, @live, @createdAt, @updatedAt, @finishedAt, @data)
      ON CONFLICT (sale_id) DO UPDATE SET phase = excluded.phase, outcome = excluded.outcome, total = excluded.total,
        captured = excluded.captured, refunded = excluded.refunded, reference = excluded.reference, live = excluded.live,
        updated_at = excluded.updated_at, finished_at = COALESCE(journal_sales.finished_at, excluded.finished_at),
        data = excluded.data`);
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
            const { namesCustomer, ...row } = saleRow(sale, now);
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
    const write = (): void => this.recordTransaction(input, transition, now, alsoInTransaction);
    try {
      if (needsDurableCommit(input, transition)) write();
      else this.lazily(write);
      // The WAL still holds the page images with the number until a checkpoint rewrites the
      // database and the log is reset; a typed number is rare, so pay for one now. Not inside a
      // caller's transaction (the MQTT link's dedupe record): the next record outside one does it.
      if (this.customerErased && !this.db.inTransaction) {
        this.customerErased = false;
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

  /** The held sales (§7.13), at most `limit`, oldest first: the hold sweep watches their deadlines. */
  heldSales(limit: number): Sale[] {
    const rows = this.sql("SELECT data FROM journal_sales WHERE phase = 'held' ORDER BY sale_no LIMIT ?").all(
      limit,
    ) as { data: string }[];
    return rows.map((r) => saleFromJson(r.data));
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

  /**
   * The record of a payment. Refunds from elsewhere that ended without a refund share the
   * reference with the record that can refund it (checkout/refund-elsewhere.ts): that one first.
   */
  getSaleByReference(reference: string): Sale | undefined {
    const row = this.sql(
      "SELECT data FROM journal_sales WHERE reference = ? ORDER BY (phase = 'final' AND captured = 0), sale_no LIMIT 1",
    ).get(reference) as { data: string } | undefined;
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

  /**
   * The register acked (or definitively refused) a final message. Lazy: if a power cut loses
   * it, the message is sent again after the next hello and the register acks the repeat
   * (docs/register-protocol.md: reports are re-sent until acked).
   */
  registerMessageDone(id: number, how: "acked" | "refused", now: number): void {
    this.lazily(() =>
      this.sql(
        "UPDATE journal_register_outbox SET done_at = ?, done_how = ? WHERE id = ? AND done_at IS NULL",
      ).run(now, how, id),
    );
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
    this.writtenMeta.delete(key);
  }

  /**
   * One step of the retention prune (prune.ts): up to `batch` settled sales and baskets never
   * paid, last changed before `olderThan`, and up to ROWS_PER_SALE × `batch` transitions and
   * acknowledged register messages of that age, oldest first. Lazy: a prune a power cut undoes
   * is done again the next day. 0 sales and 0 rows: nothing of that age is left.
   */
  pruneStep(olderThan: number, batch: number): { sales: number; rows: number } {
    return this.lazily(() => {
      const sales = this.sql(
        `DELETE FROM journal_sales WHERE sale_id IN (
           SELECT sale_id FROM journal_sales WHERE (live = 0 OR phase = 'open') AND updated_at < ?
            ORDER BY updated_at LIMIT ?)`,
      ).run(olderThan, batch).changes;
      const rows = batch * ROWS_PER_SALE;
      const transitions = this.sql(
        "DELETE FROM journal_transitions WHERE id IN (SELECT id FROM journal_transitions WHERE at < ? ORDER BY at LIMIT ?)",
      ).run(olderThan, rows).changes;
      const messages = this.sql(
        `DELETE FROM journal_register_outbox WHERE id IN (
           SELECT id FROM journal_register_outbox WHERE done_at < ? ORDER BY done_at LIMIT ?)`,
      ).run(olderThan, rows).changes;
      return { sales, rows: transitions + messages };
    });
  }

  /**
   * Copies the WAL's committed pages into the database file (PASSIVE: it never waits for a
   * reader) and syncs both. The agent calls it between customers (CheckoutRunner) and between
   * prune steps: SQLite's automatic checkpoint runs inside whichever commit crosses
   * AUTOCHECKPOINT_PAGES — a sale's, as likely as not — so it is left as a fallback only.
   */
  checkpoint(): void {
    this.db.exec("PRAGMA wal_checkpoint(PASSIVE)");
  }

  /** SQLite's own consistency check, for `pos-agent doctor`. */
  integrityCheck(): string[] {
    return (this.sql("PRAGMA integrity_check").all() as { integrity_check: string }[]).map(
      (r) => r.integrity_check,
    );
  }
}

/** A sale journals about eight transitions and two register messages. */
const ROWS_PER_SALE = 10;
