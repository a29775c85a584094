import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withJournal } from "../../agent/journal/journal-access.js";
import { localDayOf, readJournalDay, summarizeDay } from "../../agent/report/index.js";
import { totalsTicket } from "../../sim/register/totals-ticket.js";
import { newBasket, scan, startE2E, type E2E } from "./harness.js";

/**
 * Item 5 of issue 20: the register asks for a day's totals over the real cable (a pty) and gets
 * the end-of-day report's figures, read from the agent's real SQLite journal after real sales
 * at the Vipps simulator.
 */
describe("end to end: totals at the register", () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  }, 60_000);
  afterAll(async () => {
    await e2e?.stop();
  });

  it("answers today's totals with the end-of-day report's figures", async () => {
    const today = localDayOf(Date.now()).date;
    const empty = await e2e.register.totals();
    expect(empty).toMatchObject({ acked: true, totals: { date: today, sales: { count: 0 }, vat: [] } });

    // A paid sale (2 × 24.50 + 12.50 at 15 %), partly refunded; an open basket cancelled.
    const paid = newBasket();
    await e2e.register.sell(paid);
    await e2e.register.pay(paid.saleId);
    scan(e2e);
    await e2e.register.waitForSale(paid.saleId, (m) => m.state === "captured", 20_000);
    expect(await e2e.register.refund(paid.saleId, "R1", 500)).toEqual({ acked: true });
    await e2e.register.waitForSale(paid.saleId, (m) => m.state === "refunded", 20_000);
    const voided = newBasket(1000);
    await e2e.register.sell(voided);
    await e2e.register.cancel(voided.saleId);
    await e2e.register.waitForSale(voided.saleId);

    const answer = await e2e.register.totals(today);
    if (!("acked" in answer)) throw new Error(`refused: ${answer.refused.code}`);
    expect(answer.totals).toMatchObject({
      type: "totals",
      date: today,
      currency: "NOK",
      sales: { count: 2, captured: { count: 1, total: 6150 }, failed: 0, cancelled: 1 },
      refunds: { count: 1, total: 500 },
      net: 5650,
      // 6150 at 15 % contains 802.17 → 802 (agent/checkout/vat.ts).
      vat: [{ rate: 1500, gross: 6150, net: 5348, vat: 802 }],
      unfinished: 0,
    });
    // …which are `pos-agent report`'s figures, read from the same journal.
    const config = e2e.system.loaded.config;
    const day = localDayOf(Date.now());
    const report = withJournal(config.storage.directory, "read", (_journal, db) =>
      summarizeDay(day, readJournalDay(db, day.from, day.to), { id: config.till.id, currency: "NOK" }),
    );
    const { tillId: _till, sales, otherTenders, holds, ...rest } = report;
    const { failedReasons: _reasons, ...salesFigures } = sales;
    expect(answer.totals).toEqual({ type: "totals", ...rest, sales: salesFigures });
    // No split tender and no hold today: the message carries `tenders` only when there are some,
    // and open holds are not part of it (docs/register-protocol.md §7.9).
    expect(otherTenders).toEqual({});
    expect(holds.count).toBe(0);
    // The reference register prints them on its own printer.
    expect(totalsTicket(answer.totals).join("\n")).toMatch(
      /Captured \(1\) +61\.50 NOK\nRefunded \(1\) +5\.00 NOK\nNet +56\.50 NOK\nVAT 15 % of 61\.50 +8\.02 NOK/,
    );
  }, 60_000);

  it("refuses a day in the future, one older than the journal keeps, and a day that does not exist", async () => {
    expect(await e2e.register.totals("2999-01-01")).toMatchObject({ refused: { code: "DAY_OUT_OF_RANGE" } });
    expect(await e2e.register.totals("2001-01-01")).toEqual({
      refused: {
        code: "DAY_OUT_OF_RANGE",
        message: "date: 2001-01-01 is older than the 400 days the agent keeps",
      },
    });
    // Not YYYY-MM-DD, or no such day: refused by the agent's link (the reference register would
    // not send it, hence raw).
    for (const date of ["2026-02-30", "02.03.2026", 20260302, ""]) {
      expect(await e2e.register.sendRaw({ type: "totals", date }), String(date)).toMatchObject({
        refused: { code: "BAD_FIELD", message: "date: expected a real day as YYYY-MM-DD" },
      });
    }
  }, 30_000);
});
