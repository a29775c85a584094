import { describe, expect, it } from "vitest";
import { basket, effectsOf, onlyEffect, REFUSED, SETTINGS, TillHarness, tokenOf } from "./testing/harness.js";
import { resumeEffects } from "./resume.js";

/** A sale waiting for its customer has an end (customer-wait.ts). SETTINGS: reminder 60 s, end 300 s. */
const waiting = (): TillHarness => {
  const h = new TillHarness();
  h.send({ type: "basket", basket: basket("S1") });
  h.send({ type: "pay", saleId: "S1", total: 4900 });
  return h;
};
const timer = (h: TillHarness) => h.send({ type: "timer", saleId: "S1", reference: "", timer: "scan_wait" });

describe("waiting for the customer's scan", () => {
  it("pay starts the wait and its timer", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    const t = h.send({ type: "pay", saleId: "S1", total: 4900 });
    expect(h.sale().phase).toEqual({ kind: "awaiting_customer", since: h.now });
    expect(onlyEffect(t, "schedule")).toMatchObject({ timer: "scan_wait", delayMs: SETTINGS.scanReminderMs });
  });

  it("after the reminder time the register hears NO_SCAN (ask the customer to scan again)", () => {
    const h = waiting();
    h.advance(SETTINGS.scanReminderMs);
    const t = timer(h);
    expect(onlyEffect(t, "notify_register")).toMatchObject({
      durable: false,
      update: { state: "waiting_for_customer", reason: "NO_SCAN", final: false },
    });
    expect(onlyEffect(t, "schedule")).toMatchObject({
      timer: "scan_wait",
      delayMs: SETTINGS.scanTimeoutMs - SETTINGS.scanReminderMs,
    });
    expect(h.sale().notice).toBe("NO_SCAN");
    // A repeated timer tells nothing new.
    expect(effectsOf(timer(h), "notify_register")).toEqual([]);
  });

  it("after the timeout the sale ends failed NO_SCAN, durably, and the till is free", () => {
    const h = waiting();
    h.advance(SETTINGS.scanReminderMs);
    timer(h);
    h.advance(SETTINGS.scanTimeoutMs - SETTINGS.scanReminderMs);
    const t = timer(h);
    expect(onlyEffect(t, "notify_register")).toMatchObject({
      durable: true,
      update: { state: "failed", reason: "NO_SCAN", final: true },
    });
    expect(h.till.activeSaleId).toBeUndefined();
    expect(h.till.paymentEndedAt).toBe(h.now);
  });

  it("a scan after the reminder pays as usual and ends the notice", () => {
    const h = waiting();
    h.advance(SETTINGS.scanReminderMs);
    timer(h);
    const t = h.send({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: h.now } });
    expect(tokenOf(onlyEffect(t, "vipps_create").body)).toBe("tok");
    expect(onlyEffect(t, "notify_register").update.reason).toBeUndefined();
    h.advance(SETTINGS.scanTimeoutMs);
    expect(timer(h).effects).toEqual([]); // no longer waiting: the timer changes nothing
  });

  it("a request to scan again (token expired) starts the wait again", () => {
    const h = waiting();
    h.advance(SETTINGS.scanTimeoutMs - 1_000);
    h.send({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: h.now } });
    const ref = h.reference();
    const t = h.send({ type: "create_result", saleId: "S1", reference: ref, result: REFUSED("4050") });
    expect(h.sale().phase).toEqual({ kind: "awaiting_customer", since: h.now, tokenExpired: true });
    expect(onlyEffect(t, "schedule")).toMatchObject({ timer: "scan_wait", delayMs: SETTINGS.scanReminderMs });
    h.advance(SETTINGS.scanReminderMs - 1);
    expect(onlyEffect(timer(h), "schedule").delayMs).toBe(1); // early: looks again when due
  });

  it("after a restart the wait is resumed from when it began, not from the restart", () => {
    const h = waiting();
    expect(resumeEffects(h.sale(), { includeReceipts: true })).toEqual([
      { type: "schedule", saleId: "S1", reference: "", timer: "scan_wait", delayMs: 0 },
    ]);
    h.advance(SETTINGS.scanTimeoutMs + 3_600_000); // the till was off for an hour
    expect(onlyEffect(timer(h), "notify_register").update).toMatchObject({
      state: "failed",
      reason: "NO_SCAN",
    });
  });

  it("a waiting sale journalled before `since` was kept counts from its last update", () => {
    const h = waiting();
    const sale = h.sale();
    h.till = { ...h.till, sales: { S1: { ...sale, phase: { kind: "awaiting_customer" } } } };
    h.advance(SETTINGS.scanTimeoutMs);
    expect(onlyEffect(timer(h), "notify_register").update.reason).toBe("NO_SCAN");
  });
});
