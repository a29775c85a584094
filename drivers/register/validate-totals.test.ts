import { describe, expect, it } from "vitest";
import { validateAgentMessage } from "./validate-agent.js";
import { validateRegisterMessage } from "./validate-register.js";
import { describeMessage } from "./describe-message.js";

/** `totals` (extension, docs/register-protocol.md §4): the request and the answer. */

const answer = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  v: 1,
  seq: 9,
  type: "totals",
  date: "2026-03-02",
  from: "2026-03-01T23:00:00.000Z",
  to: "2026-03-02T23:00:00.000Z",
  currency: "NOK",
  sales: { count: 4, captured: { count: 2, total: 9150 }, failed: 1, cancelled: 1 },
  refunds: { count: 1, total: 500 },
  net: 8650,
  vat: [
    { rate: 2500, gross: 4900, net: 3920, vat: 980 },
    { rate: 1500, gross: 4250, net: 3696, vat: 554 },
  ],
  unfinished: 1,
  ...over,
});

describe("totals from the register", () => {
  it("accepts today (no date) and a real day", () => {
    expect(validateRegisterMessage({ v: 1, seq: 2, type: "totals" })).toMatchObject({ ok: true });
    expect(validateRegisterMessage({ v: 1, seq: 2, type: "totals", date: "2024-02-29" })).toMatchObject({
      ok: true,
    });
  });

  it.each([
    ["2026-02-30"],
    ["2025-02-29"],
    ["2026-13-01"],
    ["2026-3-2"],
    ["02.03.2026"],
    [""],
    [20260302],
    [null],
  ])("refuses date %j with BAD_FIELD naming the field", (date) => {
    expect(validateRegisterMessage({ v: 1, seq: 2, type: "totals", date })).toEqual({
      ok: false,
      code: "BAD_FIELD",
      message: "date: expected a real day as YYYY-MM-DD",
    });
  });
});

describe("totals from the agent", () => {
  it("accepts the end-of-day figures, a negative net and a day without sales", () => {
    expect(validateAgentMessage(answer())).toMatchObject({ ok: true });
    expect(validateAgentMessage(answer({ net: -1500 }))).toMatchObject({ ok: true });
    expect(validateAgentMessage(answer({ vat: [] }))).toMatchObject({ ok: true });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["a missing date", { date: undefined }, "date: "],
    ["another currency", { currency: "SEK" }, "currency: "],
    [
      "a fractional total",
      { sales: { count: 1, captured: { count: 1, total: 1.5 }, failed: 0, cancelled: 0 } },
      "sales.captured.total: ",
    ],
    ["a negative count", { refunds: { count: -1, total: 0 } }, "refunds.count: "],
    ["a net as text", { net: "8650" }, "net: "],
    [
      "VAT rows that do not add up",
      { vat: [{ rate: 2500, gross: 4900, net: 3920, vat: 981 }] },
      "vat[0]: expected gross = net + vat",
    ],
    ["a rate beyond 100 %", { vat: [{ rate: 10001, gross: 0, net: 0, vat: 0 }] }, "vat[0].rate: "],
    ["no unfinished count", { unfinished: undefined }, "unfinished: "],
  ])("refuses %s", (_what, over, message) => {
    const result = validateAgentMessage(answer(over));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.startsWith(message), result.message).toBe(true);
  });

  it("is described in one line for the technician's tools", () => {
    expect(describeMessage({ type: "totals", date: "2026-03-02" })).toBe("totals 2026-03-02?");
    expect(describeMessage({ type: "totals" })).toBe("totals today?");
    expect(describeMessage(answer())).toBe(
      "totals 2026-03-02: 2 captured 91.50 NOK, 1 refunds 5.00, net 86.50, 1 failed, 1 cancelled, 1 unfinished",
    );
  });
});
