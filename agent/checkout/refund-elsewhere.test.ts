import { describe, expect, it } from "vitest";
import { effectsOf, OK, onlyEffect, REFUSED, TillHarness, UNAVAILABLE } from "./testing/harness.js";
import type { PaymentRecord, PaymentSnapshot } from "./io.js";
import { REFUND_WINDOW_MS } from "./refund-elsewhere.js";
import { resumeEffects } from "./resume.js";

const FOREIGN = "kasse2-mf3k2x9a-1";
const DAY = 24 * 3_600_000;

function record(over: Partial<PaymentSnapshot> = {}, capturedAt?: number): PaymentRecord {
  return {
    snapshot: {
      state: "AUTHORIZED",
      authorizedAmount: 13200,
      capturedAmount: 13200,
      cancelledAmount: 0,
      refundedAmount: 0,
      pspReference: "3343121302",
      ...over,
    },
    ...(capturedAt === undefined ? {} : { capturedAt }),
  };
}

function askRefund(h: TillHarness, amount = 4900, reference = FOREIGN) {
  return h.send({ type: "refund", saleId: "R-77", refundId: "R-77-1", amount, reference });
}

describe("a refund of a payment another till took", () => {
  it("is accepted, journalled as looking up, and looked up at Vipps before anything is refunded", () => {
    const h = new TillHarness();
    const t = askRefund(h);
    expect(t.acceptance).toEqual({ ok: true });
    expect(t.changed).toEqual(["R-77"]);
    expect(effectsOf(t, "vipps_refund")).toEqual([]);
    expect(onlyEffect(t, "vipps_lookup")).toEqual({
      type: "vipps_lookup",
      saleId: "R-77",
      reference: FOREIGN,
    });
    // A crash now: the start-up looks it up again.
    expect(resumeEffects(h.sale("R-77"), { includeReceipts: true })).toEqual([
      { type: "vipps_lookup", saleId: "R-77", reference: FOREIGN },
    ]);
  });

  it("refunds what Vipps says is captured and not refunded, with a key of this till's own that survives a crash", () => {
    const h = new TillHarness();
    askRefund(h, 4900);
    const t = h.send({
      type: "lookup_result",
      saleId: "R-77",
      result: OK(record({ refundedAmount: 8000 }, h.now - 10 * DAY)),
    });
    const refund = onlyEffect(t, "vipps_refund");
    expect(refund.reference).toBe(FOREIGN);
    expect(refund.amount).toEqual({ currency: "NOK", value: 4900 });
    // Not `{reference}-refund-1`: the other till may have used that key for its own refund.
    expect(refund.idempotencyKey).not.toContain(FOREIGN);
    expect(refund.idempotencyKey).toMatch(/^kasse1-[0-9a-z]+-0-refund-1$/);
    const resumed = resumeEffects(h.sale("R-77"), { includeReceipts: true });
    expect(effectsOf({ ...t, effects: resumed }, "vipps_refund")).toEqual([refund]);

    const done = h.send({ type: "refund_result", saleId: "R-77", refundId: "R-77-1", result: OK({}) });
    const update = onlyEffect(done, "notify_register").update;
    expect(update).toMatchObject({
      saleId: "R-77",
      state: "refunded",
      final: true,
      reference: FOREIGN,
      capturedAmount: 13200,
      refundedAmount: 4900,
      refundId: "R-77-1",
    });
    // The fleet hears of the refund as of any other.
    expect(onlyEffect(done, "sale_completed").sale.refunds).toMatchObject([
      { refundId: "R-77-1", status: "done" },
    ]);
  });

  it("refuses more than captured − refunded at Vipps: nothing is refunded", () => {
    const h = new TillHarness();
    askRefund(h, 5300);
    const t = h.send({
      type: "lookup_result",
      saleId: "R-77",
      result: OK(record({ refundedAmount: 8000 }, h.now - DAY)),
    });
    expect(effectsOf(t, "vipps_refund")).toEqual([]);
    expect(onlyEffect(t, "notify_register").update).toMatchObject({
      state: "failed",
      final: true,
      reason: "REFUND_TOO_LARGE",
      refundId: "R-77-1",
      reference: FOREIGN,
    });
  });

  it("refuses a payment never captured", () => {
    const h = new TillHarness();
    askRefund(h);
    const t = h.send({ type: "lookup_result", saleId: "R-77", result: OK(record({ capturedAmount: 0 })) });
    expect(effectsOf(t, "vipps_refund")).toEqual([]);
    expect(onlyEffect(t, "notify_register").update.reason).toBe("REFUND_TOO_LARGE");
  });

  it("respects the 365-day limit counted from the capture", () => {
    const inside = new TillHarness();
    askRefund(inside);
    const ok = inside.send({
      type: "lookup_result",
      saleId: "R-77",
      result: OK(record({}, inside.now - REFUND_WINDOW_MS)),
    });
    expect(effectsOf(ok, "vipps_refund")).toHaveLength(1);

    const outside = new TillHarness();
    askRefund(outside);
    const old = outside.send({
      type: "lookup_result",
      saleId: "R-77",
      result: OK(record({}, outside.now - REFUND_WINDOW_MS - 1)),
    });
    expect(effectsOf(old, "vipps_refund")).toEqual([]);
    expect(onlyEffect(old, "notify_register").update.reason).toBe("REFUND_TOO_OLD");
  });

  it.each([404, 403])("another merchant's reference (Vipps %i) is REFERENCE_UNKNOWN", (status) => {
    const h = new TillHarness();
    askRefund(h);
    const t = h.send({ type: "lookup_result", saleId: "R-77", result: REFUSED("", status) });
    expect(effectsOf(t, "vipps_refund")).toEqual([]);
    expect(onlyEffect(t, "notify_register").update).toMatchObject({
      state: "failed",
      reason: "REFERENCE_UNKNOWN",
    });
  });

  it("Vipps not answering ends it VIPPS_UNAVAILABLE: nothing was refunded, the register may ask again", () => {
    const h = new TillHarness();
    askRefund(h);
    const t = h.send({ type: "lookup_result", saleId: "R-77", result: UNAVAILABLE });
    expect(effectsOf(t, "vipps_refund")).toEqual([]);
    expect(onlyEffect(t, "notify_register").update.reason).toBe("VIPPS_UNAVAILABLE");
  });

  it("the same refund again while looking up is the same refund; another on that saleId is SALE_BUSY", () => {
    const h = new TillHarness();
    askRefund(h);
    const again = askRefund(h);
    expect(again.acceptance).toEqual({ ok: true });
    expect(again.effects).toEqual([]);
    const other = h.send({
      type: "refund",
      saleId: "R-77",
      refundId: "R-77-2",
      amount: 100,
      reference: FOREIGN,
    });
    expect(other.acceptance).toMatchObject({ ok: false, code: "SALE_BUSY" });
  });

  it("refuses a reference this till has a record of under another saleId, and a malformed one", () => {
    const h = new TillHarness();
    h.captured("S1");
    const own = h.reference("S1");
    const t = h.send({ type: "refund", saleId: "R-1", refundId: "R-1-1", amount: 100, reference: own });
    expect(t.acceptance).toMatchObject({ ok: false, code: "BAD_FIELD" });
    expect(t.changed).toEqual([]);
    const bad = h.send({
      type: "refund",
      saleId: "R-2",
      refundId: "R-2-1",
      amount: 100,
      reference: "x/../y",
    });
    expect(bad.acceptance).toMatchObject({ ok: false, code: "BAD_FIELD" });
    // On a known sale a reference must be that sale's.
    const wrong = h.send({
      type: "refund",
      saleId: "S1",
      refundId: "S1-R1",
      amount: 100,
      reference: FOREIGN,
    });
    expect(wrong.acceptance).toMatchObject({ ok: false, code: "BAD_FIELD" });
  });

  it("a lookup that ended without a refund does not block a later refund of that payment; a refunding record does", () => {
    const h = new TillHarness();
    askRefund(h, 99_999);
    h.send({ type: "lookup_result", saleId: "R-77", result: OK(record({}, h.now - DAY)) });
    expect(h.sale("R-77").phase).toMatchObject({ kind: "final", outcome: { state: "failed" } });
    const next = h.send({
      type: "refund",
      saleId: "R-78",
      refundId: "R-78-1",
      amount: 100,
      reference: FOREIGN,
    });
    expect(next.acceptance).toEqual({ ok: true });
    h.send({ type: "lookup_result", saleId: "R-78", result: OK(record({}, h.now - DAY)) });
    const third = h.send({
      type: "refund",
      saleId: "R-79",
      refundId: "R-79-1",
      amount: 100,
      reference: FOREIGN,
    });
    expect(third.acceptance).toMatchObject({ ok: false, code: "BAD_FIELD" });
    expect(third.acceptance?.ok === false && third.acceptance.message).toContain("sale R-78");
    // …and that record takes further refunds, under its own saleId, within Vipps' figures.
    const more = h.send({
      type: "refund",
      saleId: "R-78",
      refundId: "R-78-2",
      amount: 100,
      reference: FOREIGN,
    });
    expect(onlyEffect(more, "vipps_refund").idempotencyKey).toMatch(/-0-refund-2$/);
  });

  it("without a reference an unknown saleId is still UNKNOWN_SALE", () => {
    const h = new TillHarness();
    const t = h.send({ type: "refund", saleId: "R-77", refundId: "R-77-1", amount: 100 });
    expect(t.acceptance).toMatchObject({ ok: false, code: "UNKNOWN_SALE" });
  });
});
