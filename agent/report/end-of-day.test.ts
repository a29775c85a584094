import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAgentError } from "../../lib/errors.js";
import { JOURNAL_FILE, withJournal } from "../journal/journal-access.js";
import { Journal } from "../journal/journal.js";
import { openDatabase } from "../store/database.js";
import { tempDir } from "../../test/helpers/temp-dir.js";
import { openTillJournal, vatLine } from "../../test/helpers/till-journal.js";
import { localDay, readJournalDay, summarizeDay, type EndOfDaySummary } from "./index.js";

// The till's local day: Oslo (UTC+1 in winter, UTC+2 from the last Sunday of March).
process.env.TZ = "Europe/Oslo";

const HOUR = 3_600_000;
/** Monday 2 March 2026, 08:00 in Oslo. */
const MONDAY_8 = Date.UTC(2026, 2, 2, 7);

function summary(directory: string, date: string): EndOfDaySummary {
  const day = localDay(date);
  return withJournal(directory, "read", (_journal, db) =>
    summarizeDay(day, readJournalDay(db, day.from, day.to), { id: "kasse1", currency: "NOK" }),
  );
}

describe("localDay", () => {
  it("is the local calendar day, 23 hours long on the day the clocks go forward", () => {
    const monday = localDay("2026-03-02");
    expect(new Date(monday.from).toISOString()).toBe("2026-03-01T23:00:00.000Z");
    expect(monday.to - monday.from).toBe(24 * HOUR);
    const dst = localDay("2026-03-29");
    expect(dst.to - dst.from).toBe(23 * HOUR);
    expect(localDay("2026-10-25").to - localDay("2026-10-25").from).toBe(25 * HOUR);
  });

  it("refuses what is not a real YYYY-MM-DD day", () => {
    for (const bad of ["2026-02-30", "2026-13-01", "02.03.2026", "2026-3-2", "", "today"]) {
      let code = "accepted";
      try {
        localDay(bad);
      } catch (error) {
        code = isAgentError(error) ? error.code : String(error);
      }
      expect(code, bad).toBe("REPORT_BAD_DATE");
    }
  });
});

describe("end of day from a journal the checkout wrote", () => {
  let dir: ReturnType<typeof tempDir>;
  let storage: string;

  beforeAll(async () => {
    dir = tempDir();
    storage = join(dir.path, "state");
    mkdirSync(storage);
    const till = openTillJournal(storage, MONDAY_8);
    // Monday
    await till.captured("S1", [vatLine("coffee", 4900, 2500), vatLine("bun", 1250, 1500)]);
    till.advance(10 * 60_000);
    await till.captured("S2", [vatLine("bread", 3000, 1500)]);
    till.advance(60_000);
    await till.failed("S3", [vatLine("x", 2000, 2500)], "ABORTED");
    await till.cancelled("S4", [vatLine("y", 1500, 2500)]);
    await till.refund("S2", "R-S2", 500);
    till.opened("S5", [vatLine("z", 999, 2500)]);
    // Tuesday: S1's refund, a sale a second before midnight …
    till.advance(24 * HOUR);
    await till.refund("S1", "R-S1", 2000);
    till.advance(Date.UTC(2026, 2, 3, 22, 59, 59) - till.clock.now());
    await till.captured("S6", [vatLine("late", 100, 2500)]);
    // … and Wednesday from its first second.
    till.advance(1_000);
    await till.captured("S7", [vatLine("early", 200, 2500)]);
    await till.close();
  });
  afterAll(() => dir.cleanup());

  it("counts Monday's sales by outcome, its refunds, VAT per rate of the captured sales", () => {
    expect(summary(storage, "2026-03-02")).toEqual({
      date: "2026-03-02",
      from: "2026-03-01T23:00:00.000Z",
      to: "2026-03-02T23:00:00.000Z",
      tillId: "kasse1",
      currency: "NOK",
      sales: {
        count: 4,
        captured: { count: 2, total: 9150 },
        failed: 1,
        cancelled: 1,
        failedReasons: { ABORTED: 1 },
      },
      refunds: { count: 1, total: 500 },
      net: 8650,
      // The sum of the receipts: S1 has 4900 at 25 % (VAT 980) and 1250 at 15 % (163.04 → 163), S2
      // 3000 at 15 % (391.30 → 391).
      vat: [
        { rate: 2500, gross: 4900, net: 3920, vat: 980 },
        { rate: 1500, gross: 4250, net: 3696, vat: 554 },
      ],
      otherTenders: {},
      unfinished: 1,
      holds: { count: 0, authorized: 0, sales: [] },
    });
  });

  it("puts a refund on the day Vipps confirmed it, and a sale on the local day it finished", () => {
    const tuesday = summary(storage, "2026-03-03");
    expect(tuesday.sales).toEqual({
      count: 1,
      captured: { count: 1, total: 100 },
      failed: 0,
      cancelled: 0,
      failedReasons: {},
    });
    expect(tuesday.refunds).toEqual({ count: 1, total: 2000 });
    expect(tuesday.net).toBe(-1900);
    expect(tuesday.unfinished).toBe(0);
    expect(summary(storage, "2026-03-04").sales.captured).toEqual({ count: 1, total: 200 });
  });

  it("is empty for a day without sales", () => {
    const sunday = summary(storage, "2026-03-01");
    expect(sunday.sales.count).toBe(0);
    expect(sunday.refunds).toEqual({ count: 0, total: 0 });
    expect(sunday.vat).toEqual([]);
  });

  it("is the same after migrating a journal written before sales had finished_at", () => {
    const days = ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"];
    const before = days.map((d) => summary(storage, d));
    const old = join(dir.path, "old");
    mkdirSync(old);
    copyFileSync(join(storage, JOURNAL_FILE), join(old, JOURNAL_FILE));
    // Back to schema version 3, as a journal of the previous release is.
    const db = openDatabase(join(old, JOURNAL_FILE));
    db.exec(`
      DROP INDEX journal_sales_finished; DROP INDEX journal_sales_created; DROP INDEX journal_sales_reference;
      DROP INDEX journal_register_outbox_done; DROP INDEX journal_sales_unfinished; DROP INDEX journal_sales_held;
      ALTER TABLE journal_sales DROP COLUMN finished_at;
      DELETE FROM schema_migrations WHERE namespace = 'journal' AND version >= 4;
    `);
    new Journal(db);
    expect(db.prepare("SELECT COUNT(*) AS n FROM journal_sales WHERE finished_at IS NOT NULL").get()).toEqual(
      {
        n: 6,
      },
    );
    db.close();
    expect(days.map((d) => summary(old, d))).toEqual(before);
  });
});

describe("end of day with held sales (docs/register-protocol.md §7.13)", () => {
  let dir: ReturnType<typeof tempDir>;
  let storage: string;

  beforeAll(async () => {
    dir = tempDir();
    storage = join(dir.path, "state");
    mkdirSync(storage);
    const till = openTillJournal(storage, MONDAY_8);
    // Monday: two holds, nothing captured.
    await till.held("H1", [vatLine("fuel", 10_000, 2500)]);
    await till.held("H2", [vatLine("deposit", 5_000, 2500)]);
    // Tuesday: H1 captured for less (its final basket), H2 released, H3 held and left open.
    till.advance(24 * HOUR);
    await till.captureHeld("H1", [vatLine("fuel", 6_250, 2500)]);
    await till.releaseHeld("H2");
    await till.held("H3", [vatLine("tab", 2_000, 1500)]);
    await till.close();
  });
  afterAll(() => dir.cleanup());

  it("a hold counts as held (not captured) at the end of its day, and as captured or cancelled on the day it ends", () => {
    const monday = summary(storage, "2026-03-02");
    expect(monday.sales.captured).toEqual({ count: 0, total: 0 });
    expect(monday.vat).toEqual([]);
    expect(monday.holds.count).toBe(2);
    expect(monday.holds.authorized).toBe(15_000);
    expect(monday.holds.sales.map((h) => [h.saleId, h.authorizedAmount])).toEqual([
      ["H1", 10_000],
      ["H2", 5_000],
    ]);
    expect(monday.holds.sales[0]?.holdUntil).toMatch(/^2026-08-2\dT/);

    const tuesday = summary(storage, "2026-03-03");
    expect(tuesday.sales.captured).toEqual({ count: 1, total: 6_250 });
    expect(tuesday.sales.cancelled).toBe(1);
    // The VAT is the final basket's, as on the receipt.
    expect(tuesday.vat).toEqual([{ rate: 2500, gross: 6_250, net: 5_000, vat: 1_250 }]);
    expect(tuesday.holds.sales.map((h) => h.saleId)).toEqual(["H3"]);
    expect(tuesday.holds.authorized).toBe(2_000);
  });
});
