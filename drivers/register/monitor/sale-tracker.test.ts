import { describe, expect, it } from "vitest";
import type { Basket, RegisterCommand, SaleCommand } from "../messages.js";
import { SaleTracker } from "./sale-tracker.js";

const basket = (saleId: string, total = 4900): Basket => ({
  saleId,
  currency: "NOK",
  lines: [{ id: "k", name: "Kaffe", quantity: "1", unitPrice: total, total, vatRate: 1500 }],
  total,
});
const b = (saleId: string, total?: number): SaleCommand => ({ type: "basket", ...basket(saleId, total) });

function run(tracker: SaleTracker, ...commands: RegisterCommand[]) {
  return commands.map((c) => tracker.handle(c));
}

describe("SaleTracker (register-monitor's stand-in for the checkout)", () => {
  it("creates and replaces an open basket, locks it on pay and reports waiting_for_customer", () => {
    const t = new SaleTracker();
    const [first, second, pay] = run(t, b("S-1"), b("S-1", 5900), {
      type: "pay",
      saleId: "S-1",
      total: 5900,
    });
    expect(first).toEqual({ acceptance: { ok: true }, reports: [] });
    expect(second?.acceptance).toEqual({ ok: true });
    expect(pay).toEqual({
      acceptance: { ok: true },
      reports: [{ type: "sale", saleId: "S-1", state: "waiting_for_customer", final: false, amount: 5900 }],
    });
    expect(t.get("S-1")).toMatchObject({ locked: true, basket: basket("S-1", 5900) });
  });

  it.each<[string, RegisterCommand[], SaleCommand, string]>([
    [
      "a basket after pay",
      [b("S-1"), { type: "pay", saleId: "S-1", total: 4900 }],
      b("S-1", 100),
      "SALE_LOCKED",
    ],
    ["pay for an unknown sale", [], { type: "pay", saleId: "S-9", total: 4900 }, "UNKNOWN_SALE"],
    [
      "pay with another total",
      [b("S-1")],
      { type: "pay", saleId: "S-1", total: 4800 },
      "BASKET_TOTAL_MISMATCH",
    ],
    [
      "pay below the minimum (NOK 1.00)",
      [b("S-1", 99)],
      { type: "pay", saleId: "S-1", total: 99 },
      "AMOUNT_OUT_OF_RANGE",
    ],
    [
      "a second sale paid at once",
      [b("S-1"), b("S-2"), { type: "pay", saleId: "S-1", total: 4900 }],
      { type: "pay", saleId: "S-2", total: 4900 },
      "SALE_BUSY",
    ],
    ["cancel of an unknown sale", [], { type: "cancel", saleId: "S-9" }, "UNKNOWN_SALE"],
    [
      "refund of a sale never captured",
      [b("S-1")],
      { type: "refund", saleId: "S-1", refundId: "R1", amount: 100 },
      "NOT_CAPTURED",
    ],
    ["status of an unknown sale", [], { type: "status", saleId: "S-9" }, "UNKNOWN_SALE"],
    [
      "a basket for a cancelled sale",
      [b("S-1"), { type: "cancel", saleId: "S-1" }],
      b("S-1"),
      "SALE_FINISHED",
    ],
    [
      "pay for a cancelled sale",
      [b("S-1"), { type: "cancel", saleId: "S-1" }],
      { type: "pay", saleId: "S-1", total: 4900 },
      "SALE_FINISHED",
    ],
  ])("refuses %s, changing nothing", (_what, before, command, code) => {
    const t = new SaleTracker();
    run(t, ...before);
    const snapshot = t.get(command.saleId);
    const outcome = t.handle(command);
    expect(outcome.acceptance).toMatchObject({ ok: false, code });
    expect(outcome.reports).toEqual([]);
    expect(t.get(command.saleId)).toEqual(snapshot);
  });

  it("a split-tender pay reports Vipps MobilePay's part as the amount, and refuses a part below the minimum", () => {
    const t = new SaleTracker();
    const [, pay] = run(t, b("S-1", 14000), {
      type: "pay",
      saleId: "S-1",
      total: 14000,
      amount: 9000,
      tenders: [{ kind: "cash", amount: 5000 }],
    });
    expect(pay?.reports).toEqual([
      { type: "sale", saleId: "S-1", state: "waiting_for_customer", final: false, amount: 9000 },
    ]);
    const [, tooLittle] = run(t, b("S-2", 14000), {
      type: "pay",
      saleId: "S-2",
      total: 14000,
      amount: 0,
      tenders: [{ kind: "card", amount: 14000 }],
    });
    expect(tooLittle?.acceptance).toMatchObject({ ok: false, code: "AMOUNT_OUT_OF_RANGE" });
  });

  it("accepts a repeated pay and a repeated cancel as the same request", () => {
    const t = new SaleTracker();
    run(t, b("S-1"), { type: "pay", saleId: "S-1", total: 4900 });
    expect(t.handle({ type: "pay", saleId: "S-1", total: 4900 })).toEqual({
      acceptance: { ok: true },
      reports: [],
    });
    const cancelled = { type: "sale", saleId: "S-1", state: "cancelled", final: true, amount: 4900 };
    expect(t.handle({ type: "cancel", saleId: "S-1" }).reports).toEqual([cancelled]);
    expect(t.handle({ type: "cancel", saleId: "S-1" })).toEqual({
      acceptance: { ok: true },
      reports: [cancelled],
    });
    // Another sale may now be paid.
    run(t, b("S-2"));
    expect(t.handle({ type: "pay", saleId: "S-2", total: 4900 }).acceptance).toEqual({ ok: true });
  });

  it("takes no payments, so it holds none: capture and release are refused NOT_HELD (UNKNOWN_SALE without a sale)", () => {
    const t = new SaleTracker();
    run(t, b("S-1"), { type: "pay", saleId: "S-1", total: 4900, hold: true });
    expect(t.handle({ type: "capture", saleId: "S-1", total: 4900 }).acceptance).toMatchObject({
      ok: false,
      code: "NOT_HELD",
    });
    expect(t.handle({ type: "release", saleId: "S-1" }).acceptance).toMatchObject({ code: "NOT_HELD" });
    expect(t.handle({ type: "release", saleId: "S-9" }).acceptance).toMatchObject({ code: "UNKNOWN_SALE" });
  });

  it("answers status with the tracked state", () => {
    const t = new SaleTracker();
    run(t, b("S-1"));
    expect(t.handle({ type: "status", saleId: "S-1" }).reports).toEqual([
      { type: "sale", saleId: "S-1", state: "open", final: false, amount: 4900 },
    ]);
  });

  it("answers a refund from another till as the agent does for a payment Vipps does not know", () => {
    const t = new SaleTracker();
    const command = {
      type: "refund",
      saleId: "R-1",
      refundId: "R-1-1",
      amount: 100,
      reference: "kasse2-mf3k0a1b-1",
    } as const;
    expect(t.handle(command)).toEqual({
      acceptance: { ok: true },
      reports: [
        {
          type: "sale",
          saleId: "R-1",
          state: "failed",
          final: true,
          amount: 0,
          reference: "kasse2-mf3k0a1b-1",
          reason: "REFERENCE_UNKNOWN",
          refundId: "R-1-1",
        },
      ],
    });
    // Without a reference it is still an unknown sale.
    expect(t.handle({ ...command, reference: undefined }).acceptance).toMatchObject({ code: "UNKNOWN_SALE" });
  });
});

describe("SaleTracker totals (register-monitor takes no payments)", () => {
  // 2 March 2026, 12:00 local time.
  const noon = new Date(2026, 2, 2, 12).getTime();

  it("answers today's or a past day's totals with zeros, in the currency of the last basket", () => {
    const t = new SaleTracker(() => noon);
    t.handle({ type: "basket", saleId: "S-1", currency: "DKK", lines: [], total: 0 });
    const today = t.handle({ type: "totals" });
    expect(today.acceptance).toEqual({ ok: true });
    expect(today.reports).toEqual([
      {
        type: "totals",
        date: "2026-03-02",
        from: new Date(2026, 2, 2).toISOString(),
        to: new Date(2026, 2, 3).toISOString(),
        currency: "DKK",
        sales: { count: 0, captured: { count: 0, total: 0 }, failed: 0, cancelled: 0 },
        refunds: { count: 0, total: 0 },
        net: 0,
        vat: [],
        unfinished: 0,
      },
    ]);
    expect(t.handle({ type: "totals", date: "2026-03-01" }).reports[0]).toMatchObject({ date: "2026-03-01" });
  });

  it("refuses a day after today, as the agent does", () => {
    const t = new SaleTracker(() => noon);
    expect(t.handle({ type: "totals", date: "2026-03-03" })).toEqual({
      acceptance: {
        ok: false,
        code: "DAY_OUT_OF_RANGE",
        message: "date: 2026-03-03 is after today (2026-03-02)",
      },
      reports: [],
    });
  });
});
