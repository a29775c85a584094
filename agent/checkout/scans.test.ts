import { describe, expect, it } from "vitest";
import { basket, effectsOf, onlyEffect, TillHarness, tokenOf } from "./testing/harness.js";
import { CHECKIN_CLOCK_SKEW_MS, HELD_SCAN_MS } from "./settings.js";

/**
 * Which sale a scan may pay for (scans.ts): only one it can belong to. Each case is something a
 * customer, a queue, an outage or a photo of the QR can make happen.
 */
const scan = (h: TillHarness, token: string, initiatedAt = h.now) =>
  h.send({ type: "checkin", checkIn: { customerToken: token, initiatedAt } });
const pay = (h: TillHarness, saleId = "S1") => h.send({ type: "pay", saleId, total: 4900 });
const createdFor = (t: ReturnType<TillHarness["send"]>) =>
  effectsOf(t, "vipps_create").map((e) => tokenOf(e.body));

describe("a scan before pay", () => {
  it("is held for the open basket the register sent last, journalled, and used by its pay", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    h.advance(5_000);
    const held = scan(h, "early");
    expect(held).toMatchObject({ effects: [], changed: [], tillChanged: true });
    expect(h.till.held).toEqual({ saleId: "S1", checkIn: { customerToken: "early", initiatedAt: h.now } });
    h.advance(HELD_SCAN_MS);
    const t = pay(h);
    expect(createdFor(t)).toEqual(["early"]);
    expect(h.till.held).toBeUndefined();
  });

  it("is dropped while the till is idle: a scan never waits for the next customer", () => {
    const h = new TillHarness();
    expect(scan(h, "photo-of-the-qr")).toMatchObject({ effects: [], changed: [] });
    expect(h.till.held).toBeUndefined();
    h.advance(20_000);
    h.send({ type: "basket", basket: basket("S1") });
    const t = pay(h);
    expect(createdFor(t)).toEqual([]);
    expect(h.sale().phase.kind).toBe("awaiting_customer");
  });

  it("is dropped when it was made before the basket arrived (it was for something else)", () => {
    const h = new TillHarness();
    const before = h.now;
    h.advance(2_000);
    h.send({ type: "basket", basket: basket("S1") });
    expect(scan(h, "old", before).changed).toEqual([]);
    expect(h.till.held).toBeUndefined();
  });

  it("is not used when pay comes more than the hold window after it", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    scan(h, "slow");
    h.advance(HELD_SCAN_MS + 1);
    expect(createdFor(pay(h))).toEqual([]);
    expect(h.till.held).toBeUndefined();
  });

  it("is for its basket only: a new basket drops it, and paying another basket does not use it", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    scan(h, "for-S1");
    h.send({ type: "basket", basket: basket("S2") });
    expect(h.till.held).toBeUndefined();
    expect(createdFor(pay(h, "S2"))).toEqual([]);

    const g = new TillHarness();
    g.send({ type: "basket", basket: basket("S1") });
    g.send({ type: "basket", basket: basket("S2") });
    scan(g, "for-S2");
    expect(g.till.held?.saleId).toBe("S2");
    expect(createdFor(pay(g, "S1"))).toEqual([]);
  });

  it("an update of the basket keeps it; the newest scan wins", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    scan(h, "first");
    h.advance(1_000);
    scan(h, "second");
    h.send({ type: "basket", basket: basket("S1") });
    expect(createdFor(pay(h))).toEqual(["second"]);
  });

  it("is dropped with its basket when the cashier cancels it", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    scan(h, "tok");
    h.send({ type: "cancel", saleId: "S1" });
    expect(h.till.held).toBeUndefined();
    expect(h.till.lastBasket).toBeUndefined();
  });
});

describe("a scan that reaches the till late (queued at the broker through an outage)", () => {
  it("made while the last sale was paid, delivered after the cashier's cancel: not used for the next basket", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    pay(h, "S1");
    const scannedAt = h.now + 1_000; // the customer scans; the link is down
    h.advance(10_000);
    h.send({ type: "cancel", saleId: "S1" });
    h.advance(5_000);
    h.send({ type: "basket", basket: basket("S2") });
    h.advance(5_000);
    expect(scan(h, "late", scannedAt).changed).toEqual([]); // the link is back
    expect(h.till.held).toBeUndefined();
    expect(createdFor(pay(h, "S2"))).toEqual([]);
  });

  it("…also when the next basket was already open during that sale", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S2") }); // a parked basket
    h.send({ type: "basket", basket: basket("S1") });
    pay(h, "S1");
    const scannedAt = h.now + 1_000;
    h.advance(10_000);
    h.send({ type: "cancel", saleId: "S1" });
    h.send({ type: "basket", basket: basket("S2") });
    h.advance(5_000);
    scan(h, "late", scannedAt);
    expect(h.till.held).toBeUndefined();
  });

  it("…also when the next sale is already waiting for its customer", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    pay(h, "S1");
    const scannedAt = h.now + 1_000;
    h.advance(10_000);
    h.send({ type: "cancel", saleId: "S1" });
    h.advance(1_000);
    h.send({ type: "basket", basket: basket("S2") });
    pay(h, "S2");
    h.advance(5_000);
    expect(scan(h, "late", scannedAt)).toMatchObject({ effects: [], changed: [] });
    expect(h.sale("S2").phase.kind).toBe("awaiting_customer");
    // The customer in front of the till scans and pays.
    expect(createdFor(scan(h, "now"))).toEqual(["now"]);
  });
});

describe("scan times", () => {
  it("a scan dated in the future beyond the clock skew is refused; within it, it is used", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    pay(h);
    expect(scan(h, "future", h.now + CHECKIN_CLOCK_SKEW_MS + 1).effects).toEqual([]);
    expect(createdFor(scan(h, "skewed", h.now + CHECKIN_CLOCK_SKEW_MS))).toEqual(["skewed"]);
  });

  it("a future-dated scan is never held either (it would never grow old)", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    scan(h, "year-2099", Date.UTC(2099, 0, 1));
    expect(h.till.held).toBeUndefined();
  });

  it("a scan for the sale waiting for its customer starts the payment request", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    pay(h);
    const t = scan(h, "tok");
    expect(tokenOf(onlyEffect(t, "vipps_create").body)).toBe("tok");
  });
});
