import { describe, expect, it } from "vitest";
import type { Payment, PaymentEvent } from "../sim/vipps/epayment/payment.js";
import { checkInvariants, type TrialOutcome } from "./invariants.js";

const AMOUNT = 2_500;

function event(name: PaymentEvent["name"], value = AMOUNT): PaymentEvent {
  return {
    reference: "ref-1",
    pspReference: `psp-${name}`,
    name,
    amount: { currency: "NOK", value },
    timestamp: "2026-03-02T09:00:00.000Z",
    idempotencyKey: null,
    success: true,
  };
}

function payment(changes: Partial<Payment> = {}): Payment {
  return {
    msn: "123456",
    reference: "ref-1",
    pspReference: "psp-1",
    amount: { currency: "NOK", value: AMOUNT },
    state: "AUTHORIZED",
    authorized: AMOUNT,
    captured: AMOUNT,
    refunded: 0,
    cancelled: 0,
    events: [event("CREATED"), event("AUTHORIZED"), event("CAPTURED")],
    userFlow: "PUSH_MESSAGE",
    metadata: { saleId: "S1" },
    createdAt: 0,
    expiresAt: 300_000,
    ...changes,
  };
}

/** One paid sale, told, acked and printed once: every invariant holds. */
function good(changes: Partial<TrialOutcome> = {}): TrialOutcome {
  return {
    payments: [payment()],
    captureRequests: [{ reference: "ref-1", idempotencyKey: "ref-1-capture", status: 200 }],
    sales: [{ saleId: "S1", amount: AMOUNT, finals: [{ state: "captured", capturedAmount: AMOUNT }] }],
    printed: [{ reference: "ref-1", copy: false }],
    outboxPending: 0,
    unfinished: [],
    heldInMemory: [],
    integrity: "ok",
    ...changes,
  };
}

describe("the invariant checker", () => {
  it("passes a trial where everything holds (paid sale; a released one; a reprint marked COPY)", () => {
    const released = payment({
      reference: "ref-2",
      captured: 0,
      cancelled: AMOUNT,
      metadata: { saleId: "S2" },
      events: [event("CREATED"), event("AUTHORIZED"), event("CANCELLED")],
    });
    expect(
      checkInvariants(
        good({
          payments: [payment(), released],
          sales: [...good().sales, { saleId: "S2", amount: AMOUNT, finals: [{ state: "cancelled" }] }],
          printed: [
            { reference: "ref-1", copy: false },
            { reference: "ref-1", copy: true },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it("catches a double capture", () => {
    const twice = payment({ events: [...payment().events, event("CAPTURED")] });
    expect(checkInvariants(good({ payments: [twice] }))).toContain("ref-1: captured 2 times");
  });

  it("catches a partial capture", () => {
    expect(checkInvariants(good({ payments: [payment({ captured: 1_000 })] }))).toContain(
      "ref-1: captured 1000 of 2500 (partly)",
    );
  });

  it("catches a payment left AUTHORIZED, neither captured nor released", () => {
    const problems = checkInvariants(
      good({
        payments: [payment({ captured: 0, events: [event("CREATED"), event("AUTHORIZED")] })],
        sales: [{ saleId: "S1", amount: AMOUNT, finals: [{ state: "cancelled" }] }],
        printed: [],
      }),
    );
    expect(problems).toEqual(["ref-1: left AUTHORIZED, neither captured nor released"]);
  });

  it("catches two payments captured for one sale (charged twice)", () => {
    const other = payment({ reference: "ref-2", pspReference: "psp-2" });
    expect(checkInvariants(good({ payments: [payment(), other] }))).toContain(
      "S1: 2 payments captured (charged twice)",
    );
  });

  it("catches a capture retried under a new key after Vipps captured, not a retry under the same key", () => {
    const request = (idempotencyKey: string, status: number) => ({
      reference: "ref-1",
      idempotencyKey,
      status,
    });
    // Refused as not yet authorized, then a new round (`-capture-2`), then the same key again.
    const sameKey = [
      request("ref-1-capture", 400),
      request("ref-1-capture-2", 200),
      request("ref-1-capture-2", 200),
    ];
    expect(checkInvariants(good({ captureRequests: sameKey }))).toEqual([]);
    const newKey = [
      request("ref-1-capture", 200),
      request("ref-1-capture-x", 400),
      request("ref-1-capture-y", 400),
    ];
    expect(checkInvariants(good({ captureRequests: newKey }))).toEqual([
      "ref-1: capture retried under a new Idempotency-Key after Vipps captured it (ref-1-capture → ref-1-capture-x, answered 400)",
    ]);
  });

  it("catches a register state that disagrees with Vipps", () => {
    expect(
      checkInvariants(good({ sales: [{ saleId: "S1", amount: AMOUNT, finals: [{ state: "cancelled" }] }] })),
    ).toContain("S1: register told cancelled, Vipps captured 2500");
    expect(
      checkInvariants(
        good({
          sales: [{ saleId: "S1", amount: AMOUNT, finals: [{ state: "captured", capturedAmount: 100 }] }],
        }),
      ),
    ).toContain("S1: register told captured 100, Vipps captured 2500");
    const notCaptured = payment({ captured: 0, cancelled: AMOUNT, state: "AUTHORIZED" });
    expect(checkInvariants(good({ payments: [notCaptured], printed: [] }))).toContain(
      "S1: register told captured, Vipps captured 0",
    );
  });

  it("catches a sale the register never heard the end of", () => {
    expect(checkInvariants(good({ sales: [{ saleId: "S1", amount: AMOUNT, finals: [] }] }))).toEqual([
      "S1: the register never heard a final state (Vipps captured 2500)",
    ]);
  });

  it("catches two original receipts, and a paid sale with none", () => {
    const two = [
      { reference: "ref-1", copy: false },
      { reference: "ref-1", copy: false },
    ];
    expect(checkInvariants(good({ printed: two }))).toEqual(["S1: receipt printed 2 times as original"]);
    expect(checkInvariants(good({ printed: [] }))).toEqual(["S1: paid, but no receipt came out"]);
  });

  it("catches an outbox not empty, a sale stuck unfinished or held in memory and a damaged journal", () => {
    expect(checkInvariants(good({ outboxPending: 1 }))).toEqual([
      "1 final state(s) never acked by the register",
    ]);
    expect(checkInvariants(good({ unfinished: ["S1"] }))).toEqual(["S1: stuck unfinished in the journal"]);
    expect(checkInvariants(good({ heldInMemory: ["S1"] }))).toEqual([
      "S1: settled, but still held in the agent's memory",
    ]);
    expect(checkInvariants(good({ integrity: "*** in database main ***" }))).toEqual([
      "journal integrity: *** in database main ***",
    ]);
  });
});
