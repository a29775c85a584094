import { describe, expect, it } from "vitest";
import type { Input } from "../checkout/io.js";
import { authorized, basket, REFUSED, TillHarness, UNAVAILABLE } from "../checkout/testing/harness.js";
import { needsDurableCommit } from "./durability.js";

/** Which transitions of real checkouts wait for the disk (docs/architecture.md "Durable writes"). */
function durability(h: TillHarness, input: Input): [string, boolean] {
  const t = h.send(input);
  const name = input.type === "payment_event" ? `payment_event ${input.event.name}` : input.type;
  return [name, needsDurableCommit(input, t)];
}

describe("needsDurableCommit", () => {
  it("a paid sale: what the register, the broker, Vipps or the printer rely on is durable, the create's answer is not", () => {
    const h = new TillHarness();
    const steps: [string, boolean][] = [durability(h, { type: "basket", basket: basket("S1") })];
    h.advance(1_000);
    steps.push(
      // A scan before pay is held for the basket (a till field, no sale changes): the broker
      // hears PUBACK, so it must survive a power cut as surely as one that starts a payment.
      durability(h, { type: "checkin", checkIn: { customerToken: "tok-0", initiatedAt: h.now - 500 } }),
      durability(h, { type: "pay", saleId: "S1", total: 4900 }),
    );
    const reference = h.reference();
    steps.push(
      durability(h, {
        type: "create_result",
        saleId: "S1",
        reference,
        result: { ok: true, value: {} },
      }),
      durability(h, { type: "timer", saleId: "S1", reference, timer: "poll" }),
      durability(h, authorized(reference)),
      durability(h, {
        type: "capture_result",
        saleId: "S1",
        reference,
        result: { ok: true, value: { capturedAmount: 4900, pspReference: "psp-cap" } },
      }),
      durability(h, { type: "receipt_started", saleId: "S1" }),
      durability(h, { type: "receipt_result", saleId: "S1", printed: true }),
    );
    expect(steps).toEqual([
      ["basket", true],
      ["checkin", true],
      ["pay", true],
      ["create_result", false],
      ["timer", false],
      ["payment_event AUTHORIZED", true],
      ["capture_result", true],
      ["receipt_started", true],
      ["receipt_result", true],
    ]);
  });

  it("a create without a definite answer ends the sale (durable); its background cancel is money (durable)", () => {
    const h = new TillHarness();
    h.startPayment();
    const reference = h.reference();
    const [, unavailable] = durability(h, {
      type: "create_result",
      saleId: "S1",
      reference,
      result: UNAVAILABLE,
    });
    expect(unavailable).toBe(true);
  });

  it("a poll that finds the payment still waiting is lazy; one that finds it authorized starts the capture (durable)", () => {
    const h = new TillHarness();
    h.requested();
    const reference = h.reference();
    const snapshot = (state: "CREATED" | "AUTHORIZED") => ({
      ok: true as const,
      value: {
        state,
        authorizedAmount: state === "AUTHORIZED" ? 4900 : 0,
        capturedAmount: 0,
        cancelledAmount: 0,
        refundedAmount: 0,
      },
    });
    expect(
      durability(h, { type: "poll_result", saleId: "S1", reference, result: snapshot("CREATED") })[1],
    ).toBe(false);
    expect(
      durability(h, { type: "poll_result", saleId: "S1", reference, result: snapshot("AUTHORIZED") })[1],
    ).toBe(true);
  });

  it("a refused capture releases the money (durable)", () => {
    const h = new TillHarness();
    h.capturing();
    const reference = h.reference();
    expect(durability(h, { type: "capture_result", saleId: "S1", reference, result: REFUSED("61") })[1]).toBe(
      true,
    );
  });
});
