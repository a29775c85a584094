import { describe, expect, it } from "vitest";
import { needsResume, resumeEffects } from "./resume.js";
import { basket, OK, TillHarness, UNAVAILABLE } from "./testing/harness.js";

describe("resumeEffects (what start-up re-sends, with the same keys)", () => {
  it("creating → the identical create request", () => {
    const h = new TillHarness();
    const t = h.startPayment();
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual(
      t.effects.filter((e) => e.type === "vipps_create"),
    );
  });

  it("requested → ask Vipps (GET) at once", () => {
    const h = new TillHarness();
    h.requested();
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual([
      { type: "vipps_get", saleId: "S1", reference: h.reference() },
    ]);
  });

  it("capturing → the same capture", () => {
    const h = new TillHarness();
    const t = h.capturing();
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual(
      t.effects.filter((e) => e.type === "vipps_capture"),
    );
  });

  it("cancelling and releasing → the same cancel requests", () => {
    const h = new TillHarness();
    h.requested();
    const cancel = h.send({ type: "cancel", saleId: "S1" });
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual(
      cancel.effects.filter((e) => e.type === "vipps_cancel"),
    );
    const release = h.send({
      type: "cancel_result",
      saleId: "S1",
      reference: h.reference(),
      transactionOnly: true,
      result: { ok: false, failure: "refused", status: 400, code: "6060" },
    });
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual(
      release.effects.filter((e) => e.type === "vipps_cancel"),
    );
  });

  it("captured with the receipt queued → print it as the original; printing → print a COPY", () => {
    const h = new TillHarness();
    h.captured();
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual([
      { type: "print_receipt", saleId: "S1", kind: "sale", copy: false },
    ]);
    h.send({ type: "receipt_started", saleId: "S1" });
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual([
      { type: "print_receipt", saleId: "S1", kind: "sale", copy: true },
    ]);
    h.send({ type: "receipt_result", saleId: "S1", printed: true });
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual([]);
  });

  it("a pending refund and a pending clean-up are re-sent", () => {
    const h = new TillHarness();
    h.captured();
    h.send({ type: "receipt_result", saleId: "S1", printed: true });
    const refund = h.send({ type: "refund", saleId: "S1", refundId: "R1", amount: 100 });
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual(refund.effects);

    const other = new TillHarness();
    other.startPayment();
    other.send({ type: "create_result", saleId: "S1", reference: other.reference(), result: UNAVAILABLE });
    expect(resumeEffects(other.sale(), { includeReceipts: true })).toMatchObject([
      { type: "vipps_cancel", cleanup: true },
    ]);
  });

  it("open and settled sales need nothing, so neither is kept in memory or loaded at start-up", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: { saleId: "S1", currency: "NOK", lines: [], total: 0 } });
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual([]);
    expect(needsResume(h.sale())).toBe(false);
    h.send({ type: "cancel", saleId: "S1" });
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual([]);
    expect(needsResume(h.sale())).toBe(false);
  });

  it("a sale waiting for its customer needs its wait's timer back", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    h.send({ type: "pay", saleId: "S1", total: 4900 });
    expect(needsResume(h.sale())).toBe(true);
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual([
      { type: "schedule", saleId: "S1", reference: "", timer: "scan_wait", delayMs: 0 },
    ]);
  });
});

describe("receipts", () => {
  it("tells the register each outcome and marks later prints as copies", () => {
    const h = new TillHarness();
    h.captured();
    h.send({ type: "receipt_started", saleId: "S1" });
    const failed = h.send({ type: "receipt_result", saleId: "S1", printed: false });
    expect(failed.effects).toEqual([{ type: "receipt_outcome", saleId: "S1", printed: false, copy: false }]);
    expect(h.sale().receipt.status).toBe("queued");
    const ok = h.send({ type: "receipt_result", saleId: "S1", printed: true });
    expect(ok.effects).toEqual([{ type: "receipt_outcome", saleId: "S1", printed: true, copy: false }]);
    const reprint = h.send({ type: "receipt_result", saleId: "S1", printed: true });
    expect(reprint.effects).toEqual([{ type: "receipt_outcome", saleId: "S1", printed: true, copy: true }]);
    expect(h.sale().receipt.copies).toBe(2);
  });

  it("ignores receipt results for sales without a receipt", () => {
    const h = new TillHarness();
    h.requested();
    expect(h.send({ type: "receipt_result", saleId: "S1", printed: true }).effects).toEqual([]);
    void OK;
  });
});

describe("receipts without a printer", () => {
  it("an abandoned receipt is terminal: nothing to resume", () => {
    const h = new TillHarness();
    h.captured();
    h.send({ type: "receipt_result", saleId: "S1", printed: false, abandoned: true });
    expect(h.sale().receipt.status).toBe("failed");
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual([]);
  });
});

describe("a receipt whose print was interrupted", () => {
  it("is re-printed as COPY and reported to the register as a copy", () => {
    const h = new TillHarness();
    h.captured();
    h.send({ type: "receipt_started", saleId: "S1" });
    // The agent died here. After the restart the queue starts the job again:
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual([
      { type: "print_receipt", saleId: "S1", kind: "sale", copy: true },
    ]);
    h.send({ type: "receipt_started", saleId: "S1" });
    const failed = h.send({ type: "receipt_result", saleId: "S1", printed: false });
    expect(failed.effects).toEqual([{ type: "receipt_outcome", saleId: "S1", printed: false, copy: true }]);
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual([
      { type: "print_receipt", saleId: "S1", kind: "sale", copy: true },
    ]);
    h.send({ type: "receipt_started", saleId: "S1" });
    const t = h.send({ type: "receipt_result", saleId: "S1", printed: true });
    expect(t.effects).toEqual([{ type: "receipt_outcome", saleId: "S1", printed: true, copy: true }]);
  });
});
