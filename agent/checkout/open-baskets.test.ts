import { describe, expect, it } from "vitest";
import { basket, effectsOf, onlyEffect, TillHarness } from "./testing/harness.js";

/** Open baskets past the till's limits are dropped (open-baskets.ts); the runner picks which. */
describe("dropping open baskets", () => {
  it("ends each open basket cancelled BASKET_DROPPED, told durably; no sale event, nothing at Vipps", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    h.send({ type: "basket", basket: basket("S2") });
    const t = h.send({ type: "drop_baskets", saleIds: ["S1", "S2"] });
    expect(t.changed).toEqual(["S1", "S2"]);
    expect(effectsOf(t, "notify_register").map((e) => [e.durable, e.update])).toEqual([
      [true, { saleId: "S1", state: "cancelled", final: true, amount: 4900, reason: "BASKET_DROPPED" }],
      [true, { saleId: "S2", state: "cancelled", final: true, amount: 4900, reason: "BASKET_DROPPED" }],
    ]);
    expect(t.effects.filter((e) => e.type !== "notify_register")).toEqual([]);
    expect(h.sale("S1").phase).toEqual({
      kind: "final",
      outcome: { state: "cancelled", reason: "BASKET_DROPPED" },
    });
  });

  it("leaves alone a basket that is being paid, one already final, and one it does not know", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    h.send({ type: "pay", saleId: "S1", total: 4900 });
    h.send({ type: "basket", basket: basket("S2") });
    h.send({ type: "cancel", saleId: "S2" });
    const before = h.till;
    const t = h.send({ type: "drop_baskets", saleIds: ["S1", "S2", "S9"] });
    expect(t).toMatchObject({ effects: [], changed: [] });
    expect(h.till).toBe(before);
  });

  it("a scan held for a dropped basket goes with it", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    h.send({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: h.now } });
    expect(h.till.held?.saleId).toBe("S1");
    h.send({ type: "drop_baskets", saleIds: ["S1"] });
    expect(h.till.held).toBeUndefined();
    expect(h.till.lastBasket).toBeUndefined();
  });

  it("a dropped basket is finished for the register: basket and pay are refused SALE_FINISHED", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1") });
    h.send({ type: "drop_baskets", saleIds: ["S1"] });
    expect(h.send({ type: "basket", basket: basket("S1") }).acceptance).toMatchObject({
      code: "SALE_FINISHED",
    });
    expect(h.send({ type: "pay", saleId: "S1", total: 4900 }).acceptance).toMatchObject({
      code: "SALE_FINISHED",
    });
    expect(onlyEffect(h.send({ type: "cancel", saleId: "S1" }), "notify_register").update.reason).toBe(
      "BASKET_DROPPED",
    );
  });
});
