import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { openDatabase, type Db } from "../store/database.js";
import { TillHarness } from "../checkout/testing/harness.js";
import type { Input } from "../checkout/io.js";
import { Journal } from "./journal.js";

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

  it("reloads exactly the live sales and the counters after a reopen", () => {
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
    expect(Object.keys(till.sales).sort()).toEqual(["S1", "S2"]);
    expect(till.sales.S2).toEqual(h.sale("S2"));
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
      result: { ok: true, value: undefined },
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

  it("prunes settled sales and abandoned baskets, never live ones", () => {
    const h = new TillHarness();
    const journal = new Journal(db);
    const send = journalled(h, journal);
    send({ type: "basket", basket: { saleId: "OLD", currency: "NOK", lines: [], total: 0 } });
    send({ type: "basket", basket: { saleId: "GONE", currency: "NOK", lines: [], total: 0 } });
    send({ type: "cancel", saleId: "GONE" });
    h.advance(1000);
    send({ type: "basket", basket: { saleId: "NEW", currency: "NOK", lines: [], total: 0 } });
    expect(journal.prune(h.now)).toBe(2);
    expect(journal.getSale("OLD")).toBeUndefined();
    expect(journal.getSale("NEW")).toBeDefined();
    expect(journal.integrityCheck()).toEqual(["ok"]);
  });
});
