import { describe, expect, it } from "vitest";
import { saleEventSchema } from "../../lib/mqtt-contract/index.js";
import { basket, effectsOf, TillHarness } from "../checkout/testing/harness.js";
import { saleEventOf } from "./sale-events.js";

/** The fleet hears of an open hold (sale.held) and of its end, as the contract says (docs/mqtt-contract.md). */
describe("sale events of a hold", () => {
  it("sale.held with the authorized amount and the deadline when held; sale.captured of the final amount when captured", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket() });
    h.send({ type: "pay", saleId: "S1", total: 4900, hold: true });
    h.advance(1_000);
    h.send({ type: "checkin", checkIn: { customerToken: "tok", initiatedAt: h.now - 500 } });
    const reference = h.reference();
    h.send({ type: "create_result", saleId: "S1", reference, result: { ok: true, value: {} } });
    const snapshot = {
      state: "AUTHORIZED" as const,
      authorizedAmount: 4900,
      capturedAmount: 0,
      cancelledAmount: 0,
      refundedAmount: 0,
      captureGuaranteedUntil: Date.UTC(2027, 4, 1),
    };
    const held = h.send({
      type: "poll_result",
      saleId: "S1",
      reference,
      result: { ok: true, value: snapshot },
    });
    const [completed] = effectsOf(held, "sale_completed");
    const event = saleEventOf(completed?.sale ?? h.sale(), h.now);
    expect(saleEventSchema.parse(event)).toMatchObject({
      type: "sale.held",
      eventId: `${reference}-held`,
      reference,
      amount: { currency: "NOK", value: 4900 },
      holdUntil: "2027-05-01T00:00:00.000Z",
    });

    h.send({ type: "capture", saleId: "S1", total: 4900 });
    const done = h.send({
      type: "capture_result",
      saleId: "S1",
      reference,
      result: { ok: true, value: { capturedAmount: 4900 } },
    });
    const [end] = effectsOf(done, "sale_completed");
    expect(saleEventOf(end?.sale ?? h.sale(), h.now)).toMatchObject({
      type: "sale.captured",
      eventId: `${reference}-captured`,
      amount: { value: 4900 },
    });
  });
});
