import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ApiResult, Input, PaymentSnapshot } from "./io.js";
import { currentAttempt, refundedAmount, capturedAmount, type Sale } from "./sale.js";
import { basket, SETTINGS, TillHarness, tokenOf } from "./testing/harness.js";

/**
 * Random interleavings of everything the outside world can do — register commands, scans,
 * webhooks, Vipps answers (good, refused, missing), timers, printer results — checked against
 * the money invariants after every step.
 */

const SALES = ["S1", "S2"] as const;
const snapshot = (state: PaymentSnapshot["state"], captured = 0): PaymentSnapshot => ({
  state,
  authorizedAmount: state === "AUTHORIZED" ? 4900 : 0,
  capturedAmount: captured,
  cancelledAmount: 0,
  refundedAmount: 0,
});

const resultArb = <T>(value: T): fc.Arbitrary<ApiResult<T>> =>
  fc.oneof(
    fc.constant({ ok: true as const, value }),
    fc.constant({ ok: false as const, failure: "unavailable" as const }),
    fc
      .constantFrom("4050", "6060", "6090", "6040", "5080")
      .map((code) => ({ ok: false as const, failure: "refused" as const, status: 400, code })),
  );

type Action = (h: TillHarness) => Input | undefined;

const saleArb = fc.constantFrom(...SALES);
const refOf = (h: TillHarness, saleId: string): string | undefined => {
  const sale = h.till.sales[saleId];
  if (sale === undefined) return undefined;
  const attempt = currentAttempt(sale.phase);
  return attempt?.reference ?? (sale.phase.kind === "final" ? sale.phase.outcome.reference : undefined);
};

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  saleArb.map((s): Action => () => ({ type: "basket", basket: basket(s) })),
  fc
    .tuple(saleArb, fc.constantFrom(4900, 4800))
    .map(([s, total]): Action => () => ({ type: "pay", saleId: s, total })),
  saleArb.map((s): Action => () => ({ type: "cancel", saleId: s })),
  fc
    .tuple(saleArb, fc.constantFrom("R1", "R2"), fc.integer({ min: 0, max: 6000 }))
    .map(([s, refundId, amount]): Action => () => ({ type: "refund", saleId: s, refundId, amount })),
  fc.integer({ min: -40_000, max: 1_000_000 }).map((age): Action => (h) => ({
    type: "checkin",
    checkIn: { customerToken: `t${h.now - age}`, initiatedAt: h.now - age },
  })),
  saleArb.map((s): Action => () => ({ type: "drop_baskets", saleIds: [s] })),
  fc
    .tuple(
      saleArb,
      fc.constantFrom("AUTHORIZED", "ABORTED", "EXPIRED", "TERMINATED", "CAPTURED"),
      fc.boolean(),
    )
    .map(([s, name, success]): Action => (h) => {
      const reference = refOf(h, s);
      return reference === undefined
        ? undefined
        : {
            type: "payment_event",
            event: { reference, name, pspReference: "p", amount: { currency: "NOK", value: 4900 }, success },
          };
    }),
  fc.tuple(saleArb, resultArb({})).map(([s, result]): Action => (h) => {
    const reference = refOf(h, s);
    return reference === undefined ? undefined : { type: "create_result", saleId: s, reference, result };
  }),
  fc
    .tuple(
      saleArb,
      fc.constantFrom("CREATED", "AUTHORIZED", "ABORTED", "EXPIRED", "TERMINATED"),
      fc.constantFrom(0, 4900),
    )
    .chain(([s, state, captured]) =>
      resultArb(snapshot(state, captured)).map((result): Action => (h) => {
        const reference = refOf(h, s);
        return reference === undefined ? undefined : { type: "poll_result", saleId: s, reference, result };
      }),
    ),
  fc.tuple(saleArb, resultArb({ capturedAmount: 4900 })).map(([s, result]): Action => (h) => {
    const reference = refOf(h, s);
    return reference === undefined ? undefined : { type: "capture_result", saleId: s, reference, result };
  }),
  fc
    .tuple(saleArb, fc.boolean(), fc.constantFrom("TERMINATED", "AUTHORIZED"))
    .chain(([s, transactionOnly, state]) =>
      resultArb(snapshot(state)).map((result): Action => (h) => {
        const reference = refOf(h, s);
        return reference === undefined
          ? undefined
          : { type: "cancel_result", saleId: s, reference, transactionOnly, result };
      }),
    ),
  fc
    .tuple(saleArb, fc.constantFrom("R1", "R2"), resultArb({}))
    .map(([s, refundId, result]): Action => () => ({ type: "refund_result", saleId: s, refundId, result })),
  fc.tuple(saleArb, fc.constantFrom<"poll" | "retry">("poll", "retry")).map(([s, timer]): Action => (h) => {
    const reference = refOf(h, s);
    return reference === undefined ? undefined : { type: "timer", saleId: s, reference, timer };
  }),
  fc
    .tuple(saleArb, fc.boolean())
    .map(([s, printed]): Action => () => ({ type: "receipt_result", saleId: s, printed })),
  fc
    .tuple(
      saleArb,
      fc.constantFrom<"member" | "not_member" | "unavailable">("member", "not_member", "unavailable"),
    )
    .map(([s, kind]): Action => () => ({
      type: "loyalty_identified",
      saleId: s,
      result:
        kind === "member"
          ? { kind, member: { id: "M1" } }
          : kind === "not_member"
            ? { kind, candidate: "c" }
            : { kind },
    })),
  fc.tuple(saleArb, fc.boolean()).map(([s, joined]): Action => () => ({
    type: "loyalty_enrolled",
    saleId: s,
    ...(joined ? { member: { id: "M2" } } : {}),
  })),
  fc
    .tuple(
      saleArb,
      fc.constantFrom<"loyalty" | "token_deadline" | "scan_wait">("loyalty", "token_deadline", "scan_wait"),
    )
    .map(([s, timer]): Action => () => ({ type: "timer", saleId: s, reference: "", timer })),
  fc.integer({ min: 0, max: 120_000 }).map((ms): Action => (h) => {
    h.advance(ms);
    return undefined;
  }),
);

function finalOutcome(sale: Sale | undefined): string | undefined {
  return sale?.phase.kind === "final" ? JSON.stringify(sale.phase.outcome) : undefined;
}

describe("checkout invariants under random interleavings", () => {
  it("never double-captures, never changes a final outcome, never leaves two sales paying", () => {
    fc.assert(
      fc.property(
        fc.constantFrom<"off" | "lookup" | "enroll">("off", "lookup", "enroll"),
        fc.array(actionArb, { minLength: 1, maxLength: 60 }),
        (loyalty, actions) => {
          const h = new TillHarness({ ...SETTINGS, cancelRace: "release", loyalty });
          const captures = new Map<string, number>();
          for (const action of actions) {
            const before = h.till;
            const input = action(h);
            if (input === undefined) continue;
            const t = h.send(input);

            // A refused command changes nothing at all.
            if (t.acceptance !== undefined && !t.acceptance.ok) expect(t.till).toBe(before);

            for (const saleId of SALES) {
              const was = before.sales[saleId];
              const now = t.till.sales[saleId];
              // A final outcome is forever.
              if (finalOutcome(was) !== undefined) expect(finalOutcome(now)).toBe(finalOutcome(was));
              // Reaching a final state is told to the register durably, exactly once.
              const durable = t.effects.filter(
                (e) => e.type === "notify_register" && e.durable && e.update.saleId === saleId,
              );
              if (finalOutcome(was) === undefined && finalOutcome(now) !== undefined)
                expect(durable).toHaveLength(1);
              // A webhook alone never ends a sale (any till of the MSN can sign one): an end
              // comes from Vipps' own answers.
              if (input.type === "payment_event") expect(finalOutcome(now)).toBe(finalOutcome(was));
              if (now !== undefined) expect(refundedAmount(now)).toBeLessThanOrEqual(capturedAmount(now));
            }
            // A capture is only ever requested for a sale that is capturing, and then for its full total.
            for (const e of t.effects) {
              if (e.type !== "vipps_capture") continue;
              const sale = t.till.sales[e.saleId];
              expect(sale?.phase.kind).toBe("capturing");
              expect(e.amount.value).toBe(sale?.basket.total);
              expect(e.idempotencyKey).toBe(`${e.reference}-capture`);
              captures.set(e.reference, (captures.get(e.reference) ?? 0) + 1);
            }
            // A payment request only ever goes to a scan made after its sale's basket arrived
            // (the token's name is its scan time): never to an earlier or a future-dated one.
            for (const e of t.effects) {
              if (e.type !== "vipps_create") continue;
              const scannedAt = Number(tokenOf(e.body).slice(1));
              const sale = t.till.sales[e.saleId];
              expect(scannedAt).toBeGreaterThanOrEqual(sale?.createdAt ?? Infinity);
              expect(scannedAt).toBeLessThanOrEqual(h.now + 30_000);
            }
            // One sale at a time is being paid.
            const paying = Object.values(t.till.sales).filter(
              (s) => s.phase.kind !== "open" && s.phase.kind !== "final",
            );
            expect(paying.length).toBeLessThanOrEqual(1);
            if (paying[0] !== undefined) expect(t.till.activeSaleId).toBe(paying[0].saleId);
          }
          // Every capture of a reference used the same key (asserted above), so Vipps performs it once.
          return true;
        },
      ),
      { numRuns: 400 },
    );
  });
});
