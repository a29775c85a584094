import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { migrate, openDatabase, type Db } from "../store/database.js";
import { authorized, basket, TillHarness } from "../checkout/testing/harness.js";
import type { Input } from "../checkout/io.js";
import { ManualClock } from "../../lib/manual-clock.js";
import { Journal } from "./journal.js";
import { pruneJournal } from "./prune.js";
import { JOURNAL_MIGRATIONS } from "./schema.js";

describe("Journal", () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  let db: Db;
  beforeEach(() => {
    dir = tempDir();
    file = join(dir.path, "journal.db");
    db = openDatabase(file);
  });
  afterEach(() => {
    if (db.open) db.close();
    dir.cleanup();
  });

  /** Drives a harness and journals every transition, as the runner does. */
  function journalled(h: TillHarness, journal: Journal): (input: Input) => void {
    return (input) => {
      const t = h.send(input);
      journal.record(input, t, h.now);
    };
  }

  it("reloads exactly the sales with work left and the counters after a reopen; open baskets stay in the journal", () => {
    const h = new TillHarness();
    let journal = new Journal(db);
    const send = journalled(h, journal);
    send({ type: "basket", basket: { saleId: "S1", currency: "NOK", lines: [], total: 0 } });
    h.requested("S2");
    // Journal what the harness did for S2 by replaying its sale through record():
    journal.record(
      { type: "pay", saleId: "S2", total: 4900 },
      { till: h.till, effects: [], changed: ["S2"] },
      h.now,
    );
    db.close();

    db = openDatabase(file);
    journal = new Journal(db);
    const till = journal.load();
    expect(Object.keys(till.sales).sort()).toEqual(["S2"]);
    expect(till.sales.S2).toEqual(h.sale("S2"));
    expect(journal.getSale("S1")).toEqual(h.sale("S1"));
    expect(till.activeSaleId).toBe("S2");
    expect(till.lastSaleNo).toBe(h.till.lastSaleNo);
    expect(till.lastReferenceBase).toBe(h.till.lastReferenceBase);
  });

  it("keeps final sales out of the live set once nothing is left to do", () => {
    const h = new TillHarness();
    const journal = new Journal(db);
    const send = journalled(h, journal);
    send({
      type: "basket",
      basket: {
        saleId: "S1",
        currency: "NOK",
        lines: [{ id: "a", name: "A", quantity: "1", unitPrice: 4900, total: 4900, vatRate: 2500 }],
        total: 4900,
      },
    });
    send({ type: "pay", saleId: "S1", total: 4900 });
    send({ type: "checkin", checkIn: { customerToken: "secret-token", initiatedAt: h.now } });
    send({
      type: "create_result",
      saleId: "S1",
      reference: h.reference(),
      result: { ok: true, value: {} },
    });
    send({
      type: "payment_event",
      event: {
        reference: h.reference(),
        name: "AUTHORIZED",
        pspReference: "p",
        amount: { currency: "NOK", value: 4900 },
        success: true,
      },
    });
    send({
      type: "capture_result",
      saleId: "S1",
      reference: h.reference(),
      result: { ok: true, value: { capturedAmount: 4900 } },
    });
    expect(Object.keys(journal.load().sales)).toEqual(["S1"]); // receipt still to print
    send({ type: "receipt_result", saleId: "S1", printed: true });
    expect(journal.load().sales).toEqual({});
    expect(journal.getSale("S1")?.phase).toMatchObject({ kind: "final", outcome: { state: "captured" } });
    expect(journal.recentSales(5)).toMatchObject([
      { saleId: "S1", outcome: "captured", captured: 4900, total: 4900 },
    ]);

    // The transitions log tells the story without the customer token.
    const inputs = db.prepare("SELECT input FROM journal_transitions ORDER BY id").all() as {
      input: string;
    }[];
    expect(inputs.map((r) => (JSON.parse(r.input) as { type: string }).type)).toEqual([
      "basket",
      "pay",
      "checkin",
      "create_result",
      "payment_event",
      "capture_result",
      "receipt_result",
    ]);
    expect(JSON.stringify(inputs)).not.toContain("secret-token");
  });

  it("stores final register messages until acked, newest per sale only", () => {
    const h = new TillHarness();
    const journal = new Journal(db);
    const send = journalled(h, journal);
    h.captured("S1");
    journal.record(
      { type: "pay", saleId: "S1", total: 4900 },
      {
        till: h.till,
        effects: [
          {
            type: "notify_register",
            update: { saleId: "S1", state: "captured", final: true, capturedAmount: 4900 },
            durable: true,
          },
        ],
        changed: ["S1"],
      },
      h.now,
    );
    send({ type: "refund", saleId: "S1", refundId: "R1", amount: 100 });
    send({ type: "refund_result", saleId: "S1", refundId: "R1", result: { ok: true, value: {} } });
    const pending = journal.pendingRegisterMessages();
    expect(pending).toHaveLength(1);
    expect(pending[0]?.message).toMatchObject({ type: "sale", state: "refunded", refundedAmount: 100 });
    journal.registerMessageDone(pending[0]?.id ?? -1, "acked", h.now);
    expect(journal.pendingRegisterMessages()).toEqual([]);
  });

  it("after a rollback and back, fills in when a sale finished that the older release did not record", () => {
    const h = new TillHarness();
    const journal = new Journal(db);
    const send = journalled(h, journal);
    send({ type: "basket", basket: basket("S1") });
    send({ type: "cancel", saleId: "S1" });
    const cancelledAt = h.now;
    h.advance(5_000);
    send({ type: "basket", basket: basket("S2") });
    const finishedAt = (): unknown[] =>
      db.prepare("SELECT sale_id, finished_at FROM journal_sales ORDER BY sale_no").all();
    expect(finishedAt()).toEqual([
      { sale_id: "S1", finished_at: cancelledAt },
      { sale_id: "S2", finished_at: null },
    ]);
    // What the release before migration 4 leaves: the column there (it stays), never written.
    db.exec("UPDATE journal_sales SET finished_at = NULL");
    const plan = db
      .prepare(
        "EXPLAIN QUERY PLAN SELECT 1 FROM journal_sales WHERE finished_at IS NULL AND phase = 'final' LIMIT 1",
      )
      .all()
      .map((r) => (r as { detail: string }).detail);
    expect(plan.join()).toContain("journal_sales_unfinished");
    db.close();

    db = openDatabase(file);
    new Journal(db);
    // S2 is still open: it has not finished, so nothing to fill in.
    expect(finishedAt()).toEqual([
      { sale_id: "S1", finished_at: cancelledAt },
      { sale_id: "S2", finished_at: null },
    ]);
  });

  it("prunes settled sales and abandoned baskets, never live ones", async () => {
    const h = new TillHarness();
    const journal = new Journal(db);
    const send = journalled(h, journal);
    send({ type: "basket", basket: { saleId: "OLD", currency: "NOK", lines: [], total: 0 } });
    send({ type: "basket", basket: { saleId: "GONE", currency: "NOK", lines: [], total: 0 } });
    send({ type: "cancel", saleId: "GONE" });
    h.advance(1000);
    send({ type: "basket", basket: { saleId: "NEW", currency: "NOK", lines: [], total: 0 } });
    expect(await pruneJournal(journal, h.now, new ManualClock(h.now))).toMatchObject({ sales: 2 });
    expect(journal.getSale("OLD")).toBeUndefined();
    expect(journal.getSale("NEW")).toBeDefined();
    expect(journal.integrityCheck()).toEqual(["ok"]);
  });

  it("prunes in steps of `batch` sales: all that is past retention, nothing newer, no unacked message", async () => {
    const h = new TillHarness();
    const journal = new Journal(db);
    const send = journalled(h, journal);
    const capture = (saleId: string): void => {
      send({ type: "basket", basket: basket(saleId) });
      send({ type: "pay", saleId, total: 4900 });
      send({ type: "checkin", checkIn: { customerToken: `tok-${saleId}`, initiatedAt: h.now } });
      const reference = h.reference(saleId);
      send({ type: "create_result", saleId, reference, result: { ok: true, value: {} } });
      send(authorized(reference));
      send({
        type: "capture_result",
        saleId,
        reference,
        result: { ok: true, value: { capturedAmount: 4900, pspReference: "psp" } },
      });
      send({ type: "receipt_result", saleId, printed: false, abandoned: true });
      h.advance(60_000);
    };
    for (let n = 1; n <= 7; n++) capture(`OLD${n}`);
    // The register acked all but the last sale's reports.
    const pending = journal.pendingRegisterMessages();
    for (const m of pending.filter((p) => p.saleId !== "OLD7"))
      journal.registerMessageDone(m.id, "acked", h.now);
    h.advance(1_000);
    const cutoff = h.now;
    h.advance(60_000);
    capture("NEW1");
    const count = (table: string): number =>
      (db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
    const transitionsBefore = count("journal_transitions");

    const result = await pruneJournal(journal, cutoff, new ManualClock(h.now), { batch: 2 });

    expect(result).toMatchObject({ sales: 7, steps: 5 });
    expect(
      (db.prepare("SELECT sale_id FROM journal_sales").all() as { sale_id: string }[]).map((r) => r.sale_id),
    ).toEqual(["NEW1"]);
    expect(count("journal_transitions")).toBe(7);
    // Their transitions, and the six acked sales' two reports each.
    expect(result.rows).toBe(transitionsBefore - 7 + 12);
    // OLD7's reports were never acked: they stay to be re-sent, whatever their age.
    expect(journal.pendingRegisterMessages().map((m) => m.saleId)).toEqual(["OLD7", "OLD7", "NEW1", "NEW1"]);
    expect(journal.integrityCheck()).toEqual(["ok"]);
  });
});

describe("Journal: the till's own state and open baskets", () => {
  let dir: ReturnType<typeof tempDir>;
  let file: string;
  beforeEach(() => {
    dir = tempDir();
    file = join(dir.path, "journal.db");
  });
  afterEach(() => dir.cleanup());

  it("a held scan is journalled when it is held (no sale changes) and comes back after a reopen", () => {
    let db = openDatabase(file);
    const h = new TillHarness();
    const journal = new Journal(db);
    const record = (input: Input) => journal.record(input, h.send(input), h.now);
    record({ type: "basket", basket: { saleId: "S1", currency: "NOK", lines: [], total: 0 } });
    record({ type: "checkin", checkIn: { customerToken: "tok-held", initiatedAt: h.now } });
    db.close();

    db = openDatabase(file);
    const till = new Journal(db).load();
    expect(till.held).toEqual({ saleId: "S1", checkIn: { customerToken: "tok-held", initiatedAt: h.now } });
    expect(till.lastBasket).toEqual(h.till.lastBasket);
    // The transitions log names the check-in, without its token.
    const rows = db.prepare("SELECT sale_id, input FROM journal_transitions ORDER BY id").all() as {
      sale_id: string | null;
      input: string;
    }[];
    expect(rows.at(-1)).toEqual({
      sale_id: null,
      input: JSON.stringify({ type: "checkin", initiatedAt: h.now }),
    });
    db.close();
  });

  it("a held scan that was used or dropped is gone from the journal, and so is its token", () => {
    const db = openDatabase(file);
    const h = new TillHarness();
    const journal = new Journal(db);
    const record = (input: Input) => journal.record(input, h.send(input), h.now);
    record({ type: "basket", basket: { saleId: "S1", currency: "NOK", lines: [], total: 0 } });
    record({ type: "checkin", checkIn: { customerToken: "tok-gone", initiatedAt: h.now } });
    record({ type: "cancel", saleId: "S1" });
    expect(new Journal(db).load().held).toBeUndefined();
    const meta = JSON.stringify(db.prepare("SELECT * FROM journal_meta").all());
    expect(meta).not.toContain("tok-gone");
    db.close();
  });

  it("a corrupt held scan in the journal is ignored, never half used", () => {
    const db = openDatabase(file);
    const journal = new Journal(db);
    journal.setMetaValue("heldScan", '{"saleId":"S1","customerToken":42}');
    journal.setMetaValue("lastBasket", "not json");
    const till = journal.load();
    expect(till.held).toBeUndefined();
    expect(till.lastBasket).toBeUndefined();
    db.close();
  });

  it("migrates a journal from before open baskets left memory: they stay reachable, not loaded", () => {
    const db = openDatabase(file);
    migrate(db, "journal", JOURNAL_MIGRATIONS.slice(0, 2));
    const h = new TillHarness();
    h.send({ type: "basket", basket: { saleId: "OLD-OPEN", currency: "NOK", lines: [], total: 0 } });
    const sale = h.sale("OLD-OPEN");
    // A row as version 2 wrote it: open baskets were live.
    db.prepare(
      `INSERT INTO journal_sales (sale_id, sale_no, phase, outcome, currency, total, live, created_at, updated_at, data)
       VALUES (?, 1, 'open', NULL, 'NOK', 0, 1, ?, ?, ?)`,
    ).run(sale.saleId, sale.createdAt, sale.updatedAt, JSON.stringify(sale));
    db.prepare(
      "INSERT INTO journal_register_outbox (sale_id, message, created_at) VALUES ('X', '{}', 0)",
    ).run();

    const journal = new Journal(db);
    expect(journal.load().sales).toEqual({});
    expect(journal.getSale("OLD-OPEN")).toEqual(sale);
    expect(journal.openBasketsBeyond(0, 0, 10)).toEqual(["OLD-OPEN"]);
    expect(journal.pendingRegisterMessages()).toHaveLength(1);
    expect(journal.integrityCheck()).toEqual(["ok"]);
    db.close();
  });

  it("finds the baskets past the limits through the open-basket index, oldest first", () => {
    const db = openDatabase(file);
    const h = new TillHarness();
    const journal = new Journal(db);
    for (const id of ["A", "B", "C", "D"]) {
      journal.record(
        { type: "basket", basket: basket(id) },
        h.send({ type: "basket", basket: basket(id) }),
        h.now,
      );
      h.advance(1_000);
    }
    h.send({ type: "pay", saleId: "B", total: 4900 }); // paid baskets are not open
    journal.record(
      { type: "pay", saleId: "B", total: 4900 },
      { till: h.till, effects: [], changed: ["B"] },
      h.now,
    );
    expect(journal.openBasketsBeyond(2, 0, 10).sort()).toEqual(["A"]);
    expect(journal.openBasketsBeyond(10, h.now - 1_500, 10).sort()).toEqual(["A", "C"]);
    expect(journal.openBasketsBeyond(0, 0, 2)).toHaveLength(2);
    const plan = (sql: string) =>
      JSON.stringify(
        db
          .prepare(`EXPLAIN QUERY PLAN ${sql}`)
          .all(0, 10)
          .map((r) => (r as { detail: string }).detail),
      );
    expect(
      plan(
        "SELECT sale_id FROM journal_sales WHERE phase = 'open' AND updated_at < ? ORDER BY updated_at, sale_no LIMIT ?",
      ),
    ).toContain("journal_sales_open");
    db.close();
  });
});
