import { describe, expect, it } from "vitest";
import {
  authorized,
  basket,
  effectsOf,
  OK,
  onlyEffect,
  REFUSED,
  SETTINGS,
  TillHarness,
  UNAVAILABLE,
} from "./testing/harness.js";
import type { PaymentSnapshot } from "./io.js";
import { resumeEffects } from "./resume.js";

const snapshot = (over: Partial<PaymentSnapshot>): PaymentSnapshot => ({
  state: "CREATED",
  authorizedAmount: 0,
  capturedAmount: 0,
  cancelledAmount: 0,
  refundedAmount: 0,
  ...over,
});

describe("the happy path", () => {
  it("scan → create with the customer token, push, customer present and receipt lines", () => {
    const h = new TillHarness();
    const t = h.startPayment("S1", "tok-abc");
    const create = onlyEffect(t, "vipps_create");
    expect(create.reference).toMatch(/^kasse1-[0-9a-z]+-1$/);
    expect(create.reference.length).toBeLessThanOrEqual(50);
    expect(create.idempotencyKey).toBe(`${create.reference}-create`);
    expect(create.body).toMatchObject({
      amount: { currency: "NOK", value: 4900 },
      paymentMethod: { type: "WALLET" },
      customer: { customerToken: "tok-abc" },
      customerInteraction: "CUSTOMER_PRESENT",
      userFlow: "PUSH_MESSAGE",
      reference: create.reference,
      paymentDescription: "Kasse 1 S1",
      receipt: {
        orderLines: [
          {
            id: "sku-1",
            name: "Kaffe",
            totalAmount: 4900,
            totalAmountExcludingTax: 3920,
            totalTaxAmount: 980,
            taxRate: 2500,
            unitInfo: { unitPrice: 2450, quantity: "2", quantityUnit: "PCS" },
          },
        ],
        bottomLine: { currency: "NOK", posId: "kasse1", receiptNumber: "000001" },
      },
    });
    expect(onlyEffect(t, "notify_register").update.state).toBe("customer_identified");
  });

  it("create accepted → payment_requested and a poll after the webhook grace period", () => {
    const h = new TillHarness();
    const t = h.requested();
    expect(h.sale().phase.kind).toBe("requested");
    expect(onlyEffect(t, "schedule")).toMatchObject({ timer: "poll", delayMs: SETTINGS.webhookGraceMs });
    expect(onlyEffect(t, "notify_register").update).toMatchObject({
      state: "payment_requested",
      reference: h.reference(),
    });
  });

  it("authorized webhook → capture of the full amount with a derived key (no GET: 2 calls per sale)", () => {
    const h = new TillHarness();
    const t = h.capturing();
    expect(effectsOf(t, "vipps_get")).toEqual([]);
    expect(onlyEffect(t, "vipps_capture")).toMatchObject({
      amount: { currency: "NOK", value: 4900 },
      idempotencyKey: `${h.reference()}-capture`,
    });
    // Capturing looks like payment_requested to the register, which already has it: no repeat.
    expect(effectsOf(t, "notify_register")).toEqual([]);
  });

  it("capture verified → captured, told durably, receipt printed, sale event, paid signal; till free again", () => {
    const h = new TillHarness();
    const t = h.captured();
    expect(onlyEffect(t, "notify_register")).toMatchObject({
      durable: true,
      update: {
        state: "captured",
        final: true,
        capturedAmount: 4900,
        amount: 4900,
        pspReference: "psp-cap",
        reference: h.reference(),
      },
    });
    expect(onlyEffect(t, "print_receipt")).toMatchObject({ kind: "sale", copy: false });
    expect(effectsOf(t, "sale_completed")).toHaveLength(1);
    expect(effectsOf(t, "paid_signal")).toHaveLength(1);
    expect(h.till.activeSaleId).toBeUndefined();
    expect(h.sale().receipt.status).toBe("queued");
  });

  it("reports the captured amount Vipps reports, even if it differs from the basket", () => {
    const h = new TillHarness();
    h.capturing();
    h.send({
      type: "capture_result",
      saleId: "S1",
      reference: h.reference(),
      result: OK({ capturedAmount: 4000 }),
    });
    expect(h.sale().phase).toMatchObject({
      kind: "final",
      outcome: { state: "captured", capturedAmount: 4000 },
    });
  });
});

/** Which scan may pay for which sale: scans.test.ts. */
describe("check-ins", () => {
  it("ignores a scan whose token is too old to use", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket() });
    h.send({ type: "pay", saleId: "S1", total: 4900 });
    const t = h.send({
      type: "checkin",
      checkIn: { customerToken: "t", initiatedAt: h.now - SETTINGS.checkinMaxAgeMs },
    });
    expect(t.effects).toEqual([]);
    expect(h.sale().phase.kind).toBe("awaiting_customer");
  });

  it("ignores a second scan while a payment is requested, and does not keep it for the next sale", () => {
    const h = new TillHarness();
    h.requested();
    const t = h.send({ type: "checkin", checkIn: { customerToken: "second", initiatedAt: h.now } });
    expect(t.effects).toEqual([]);
    expect(h.till.held).toBeUndefined();
  });

  it("an expired token at create (4050) asks the customer to scan again; the next scan makes a new attempt", () => {
    const h = new TillHarness();
    h.startPayment();
    const first = h.reference();
    const t = h.send({ type: "create_result", saleId: "S1", reference: first, result: REFUSED("4050") });
    expect(h.sale().phase).toEqual({ kind: "awaiting_customer", since: h.now, tokenExpired: true });
    expect(onlyEffect(t, "notify_register").update).toMatchObject({
      state: "waiting_for_customer",
      reason: "TOKEN_EXPIRED",
      final: false,
    });
    const again = h.send({ type: "checkin", checkIn: { customerToken: "fresh", initiatedAt: h.now } });
    const create = onlyEffect(again, "vipps_create");
    expect(create.reference).toBe(first.replace(/-1$/, "-2"));
  });
});

const event = (reference: string, name: "ABORTED" | "EXPIRED" | "TERMINATED") => ({
  type: "payment_event" as const,
  event: {
    reference,
    name,
    pspReference: "p",
    amount: { currency: "NOK" as const, value: 4900 },
    success: true,
  },
});

describe("failures from the customer's side", () => {
  it.each(["ABORTED", "EXPIRED", "TERMINATED"] as const)(
    "%s webhook → a GET confirms it → failed with that reason, durably",
    (name) => {
      const h = new TillHarness();
      h.requested();
      const ref = h.reference();
      const t = h.send(event(ref, name));
      // The webhook alone ends nothing: any till of the MSN could have signed it.
      expect(t.changed).toEqual([]);
      expect(onlyEffect(t, "vipps_get")).toMatchObject({ reference: ref, confirmsEvent: true });
      const end = h.send({
        type: "poll_result",
        saleId: "S1",
        reference: ref,
        result: OK(snapshot({ state: name })),
        confirmsEvent: true,
      });
      expect(onlyEffect(end, "notify_register")).toMatchObject({
        durable: true,
        update: { state: "failed", reason: name, final: true },
      });
      expect(effectsOf(end, "print_receipt")).toEqual([]);
      expect(h.till.activeSaleId).toBeUndefined();
    },
  );

  it("a forged ABORTED: the GET shows CREATED, the sale goes on, the customer approves → captured", () => {
    const h = new TillHarness();
    h.requested();
    const ref = h.reference();
    h.send(event(ref, "ABORTED"));
    const check = h.send({
      type: "poll_result",
      saleId: "S1",
      reference: ref,
      result: OK(snapshot({ state: "CREATED" })),
      confirmsEvent: true,
    });
    expect(check.effects).toEqual([]); // no second poll chain: the sale's own polling goes on
    expect(h.sale().phase.kind).toBe("requested");
    expect(onlyEffect(h.send(authorized(ref)), "vipps_capture").idempotencyKey).toBe(`${ref}-capture`);
    h.send({ type: "capture_result", saleId: "S1", reference: ref, result: OK({ capturedAmount: 4900 }) });
    expect(h.sale().phase).toMatchObject({
      kind: "final",
      outcome: { state: "captured", capturedAmount: 4900 },
    });
  });

  it("a forged AUTHORIZED: Vipps refuses the capture (6080), the sale waits on, nothing is released", () => {
    const h = new TillHarness();
    h.requested();
    const ref = h.reference();
    h.send(authorized(ref));
    const refused = h.send({
      type: "capture_result",
      saleId: "S1",
      reference: ref,
      result: { ok: false, failure: "refused", status: 400, code: "6080" },
    });
    expect(effectsOf(refused, "vipps_cancel")).toEqual([]);
    expect(onlyEffect(refused, "vipps_get").reference).toBe(ref);
    expect(h.sale().phase).toMatchObject({ kind: "requested", cancelRequested: false });
    // Vipps still says CREATED: the poll chain goes on; then the customer really approves.
    const poll = h.send({ type: "poll_result", saleId: "S1", reference: ref, result: OK(snapshot({})) });
    expect(onlyEffect(poll, "schedule").timer).toBe("poll");
    const capture = h.send({
      type: "poll_result",
      saleId: "S1",
      reference: ref,
      result: OK(snapshot({ state: "AUTHORIZED", authorizedAmount: 4900 })),
    });
    // A new key: Vipps answers a repeated key with its first answer, the 6080.
    expect(onlyEffect(capture, "vipps_capture").idempotencyKey).toBe(`${ref}-capture-2`);
    expect(
      resumeEffects(h.sale(), { includeReceipts: false }).find((e) => e.type === "vipps_capture"),
    ).toMatchObject({
      idempotencyKey: `${ref}-capture-2`,
    });
    h.send({ type: "capture_result", saleId: "S1", reference: ref, result: OK({ capturedAmount: 4900 }) });
    expect(h.sale().phase).toMatchObject({
      kind: "final",
      outcome: { state: "captured", capturedAmount: 4900 },
    });
  });

  it("a capture refused for another reason (6090) still releases the reserved money", () => {
    const h = new TillHarness();
    h.requested();
    const ref = h.reference();
    h.send(authorized(ref));
    const refused = h.send({
      type: "capture_result",
      saleId: "S1",
      reference: ref,
      result: { ok: false, failure: "refused", status: 400, code: "6090" },
    });
    expect(onlyEffect(refused, "vipps_cancel").transactionOnly).toBe(false);
    expect(h.sale().phase).toMatchObject({ kind: "releasing", then: { reason: "CAPTURE_FAILED" } });
  });

  it("a forged EXPIRED after the customer approved: the GET shows AUTHORIZED → captured", () => {
    const h = new TillHarness();
    h.requested();
    const ref = h.reference();
    h.send(event(ref, "EXPIRED"));
    const t = h.send({
      type: "poll_result",
      saleId: "S1",
      reference: ref,
      result: OK(snapshot({ state: "AUTHORIZED", authorizedAmount: 4900 })),
      confirmsEvent: true,
    });
    expect(onlyEffect(t, "vipps_capture").amount.value).toBe(4900);
  });

  it("a forged TERMINATED while the cashier cancels and the customer approved: released, not kept", () => {
    const h = new TillHarness();
    h.requested();
    const ref = h.reference();
    h.send({ type: "cancel", saleId: "S1" });
    // While the cancel is in flight its answer decides; the event changes nothing.
    expect(h.send(event(ref, "TERMINATED")).effects).toEqual([]);
    const t = h.send({
      type: "cancel_result",
      saleId: "S1",
      reference: ref,
      transactionOnly: true,
      result: REFUSED("6060"),
    });
    expect(onlyEffect(t, "vipps_cancel")).toMatchObject({
      transactionOnly: false,
      idempotencyKey: `${ref}-release`,
    });
  });

  it("a failure webhook while the create is in flight changes nothing (the create's answer leads to a GET)", () => {
    const h = new TillHarness();
    h.startPayment();
    const t = h.send(event(h.reference(), "ABORTED"));
    expect(t.effects).toEqual([]);
    expect(h.sale().phase.kind).toBe("creating");
  });

  it("a confirming GET that fails changes nothing and starts no poll of its own", () => {
    const h = new TillHarness();
    h.requested();
    const ref = h.reference();
    for (const result of [UNAVAILABLE, REFUSED("404", 404)]) {
      const t = h.send({ type: "poll_result", saleId: "S1", reference: ref, result, confirmsEvent: true });
      expect(t).toMatchObject({ effects: [], changed: [] });
    }
  });

  it("ignores events for other references and unsuccessful events", () => {
    const h = new TillHarness();
    h.requested();
    expect(h.send(authorized("kasse1-other-1")).effects).toEqual([]);
    const failed = authorized(h.reference());
    expect(h.send({ ...failed, event: { ...failed.event, success: false } }).effects).toEqual([]);
    expect(h.sale().phase.kind).toBe("requested");
  });

  it("a refused create (e.g. 5080) fails the sale without clean-up", () => {
    const h = new TillHarness();
    h.startPayment();
    const t = h.send({
      type: "create_result",
      saleId: "S1",
      reference: h.reference(),
      result: REFUSED("5080", 403),
    });
    expect(onlyEffect(t, "notify_register").update).toMatchObject({
      state: "failed",
      reason: "PAYMENT_REFUSED",
    });
    expect(effectsOf(t, "vipps_cancel")).toEqual([]);
  });
});

describe("polling (the webhook never came)", () => {
  it("polls after the grace period, every 2 s while CREATED, and captures when AUTHORIZED", () => {
    const h = new TillHarness();
    h.requested();
    const ref = h.reference();
    const get = h.advance(5_000).send({ type: "timer", saleId: "S1", reference: ref, timer: "poll" });
    expect(onlyEffect(get, "vipps_get").reference).toBe(ref);
    const again = h.send({
      type: "poll_result",
      saleId: "S1",
      reference: ref,
      result: OK(snapshot({ state: "CREATED" })),
    });
    expect(onlyEffect(again, "schedule")).toMatchObject({ timer: "poll", delayMs: 2_000 });
    const cap = h.send({
      type: "poll_result",
      saleId: "S1",
      reference: ref,
      result: OK(snapshot({ state: "AUTHORIZED", authorizedAmount: 4900 })),
    });
    expect(onlyEffect(cap, "vipps_capture").idempotencyKey).toBe(`${ref}-capture`);
  });

  it("a poll that finds the money already captured ends the sale as captured (no second capture)", () => {
    const h = new TillHarness();
    h.requested();
    const t = h.send({
      type: "poll_result",
      saleId: "S1",
      reference: h.reference(),
      result: OK(snapshot({ state: "AUTHORIZED", authorizedAmount: 4900, capturedAmount: 4900 })),
    });
    expect(effectsOf(t, "vipps_capture")).toEqual([]);
    expect(onlyEffect(t, "notify_register").update).toMatchObject({
      state: "captured",
      capturedAmount: 4900,
    });
  });

  it("a poll timer that fires after the webhook won does nothing", () => {
    const h = new TillHarness();
    h.capturing();
    expect(h.send({ type: "timer", saleId: "S1", reference: h.reference(), timer: "poll" }).effects).toEqual(
      [],
    );
  });

  it("an authorization after Vipps was unreachable clears the notice", () => {
    const h = new TillHarness();
    h.requested();
    h.send({ type: "poll_result", saleId: "S1", reference: h.reference(), result: UNAVAILABLE });
    h.send(authorized(h.reference()));
    expect(h.sale().notice).toBeUndefined();
    const done = h.send({
      type: "capture_result",
      saleId: "S1",
      reference: h.reference(),
      result: OK({ capturedAmount: 4900 }),
    });
    expect(onlyEffect(done, "notify_register").update.reason).toBeUndefined();
  });

  it("Vipps unavailable while polling: the register is told once, polling goes on", () => {
    const h = new TillHarness();
    h.requested();
    const ref = h.reference();
    const first = h.send({ type: "poll_result", saleId: "S1", reference: ref, result: UNAVAILABLE });
    expect(onlyEffect(first, "notify_register").update).toMatchObject({
      state: "payment_requested",
      reason: "VIPPS_UNAVAILABLE",
      final: false,
    });
    expect(onlyEffect(first, "schedule").timer).toBe("retry");
    const second = h.send({ type: "poll_result", saleId: "S1", reference: ref, result: UNAVAILABLE });
    expect(effectsOf(second, "notify_register")).toEqual([]);
    const back = h.send({
      type: "poll_result",
      saleId: "S1",
      reference: ref,
      result: OK(snapshot({ state: "CREATED" })),
    });
    expect(onlyEffect(back, "notify_register").update.reason).toBeUndefined();
  });
});

describe("the cashier cancels while the customer is approving", () => {
  it("TERMINATED → cancelled", () => {
    const h = new TillHarness();
    h.requested();
    h.send({ type: "cancel", saleId: "S1" });
    const t = h.send({
      type: "cancel_result",
      saleId: "S1",
      reference: h.reference(),
      transactionOnly: true,
      result: OK(snapshot({ state: "TERMINATED" })),
    });
    expect(onlyEffect(t, "notify_register")).toMatchObject({
      durable: true,
      update: { state: "cancelled", final: true },
    });
  });

  it("6060 (the customer approved first) with cancelRace=release → release, then cancelled", () => {
    const h = new TillHarness();
    h.requested();
    const ref = h.reference();
    h.send({ type: "cancel", saleId: "S1" });
    const t = h.send({
      type: "cancel_result",
      saleId: "S1",
      reference: ref,
      transactionOnly: true,
      result: REFUSED("6060"),
    });
    expect(onlyEffect(t, "vipps_cancel")).toMatchObject({
      transactionOnly: false,
      idempotencyKey: `${ref}-release`,
    });
    expect(effectsOf(t, "vipps_capture")).toEqual([]);
    const done = h.send({
      type: "cancel_result",
      saleId: "S1",
      reference: ref,
      transactionOnly: false,
      result: OK(snapshot({ state: "AUTHORIZED", authorizedAmount: 4900, cancelledAmount: 4900 })),
    });
    expect(onlyEffect(done, "notify_register").update).toMatchObject({ state: "cancelled", final: true });
  });

  it("6060 with cancelRace=capture → capture, then the register hears captured", () => {
    const h = new TillHarness({ ...SETTINGS, cancelRace: "capture" });
    h.requested();
    const ref = h.reference();
    h.send({ type: "cancel", saleId: "S1" });
    const t = h.send({
      type: "cancel_result",
      saleId: "S1",
      reference: ref,
      transactionOnly: true,
      result: REFUSED("6060"),
    });
    expect(onlyEffect(t, "vipps_capture").idempotencyKey).toBe(`${ref}-capture`);
  });

  it("an authorized webhook during the cancel does not capture: the cancel's answer decides", () => {
    const h = new TillHarness();
    h.requested();
    h.send({ type: "cancel", saleId: "S1" });
    expect(h.send(authorized(h.reference())).effects).toEqual([]);
    expect(h.sale().phase.kind).toBe("cancelling");
  });

  it("a cancel while the create is in flight waits for the create, then withdraws it", () => {
    const h = new TillHarness();
    h.startPayment();
    const ref = h.reference();
    expect(h.send({ type: "cancel", saleId: "S1" }).effects).toEqual([]);
    const t = h.send({ type: "create_result", saleId: "S1", reference: ref, result: OK({}) });
    expect(onlyEffect(t, "vipps_cancel")).toMatchObject({
      transactionOnly: true,
      idempotencyKey: `${ref}-cancel`,
    });
  });

  it("another refusal → ask Vipps; an expired payment then counts as cancelled", () => {
    const h = new TillHarness();
    h.requested();
    const ref = h.reference();
    h.send({ type: "cancel", saleId: "S1" });
    const t = h.send({
      type: "cancel_result",
      saleId: "S1",
      reference: ref,
      transactionOnly: true,
      result: REFUSED("9999"),
    });
    expect(onlyEffect(t, "vipps_get").reference).toBe(ref);
    const end = h.send({
      type: "poll_result",
      saleId: "S1",
      reference: ref,
      result: OK(snapshot({ state: "EXPIRED" })),
    });
    expect(onlyEffect(end, "notify_register").update).toMatchObject({ state: "cancelled" });
  });
});

describe("Vipps unreachable", () => {
  it("create unanswered → failed VIPPS_UNAVAILABLE at once, plus a background release of that reference", () => {
    const h = new TillHarness();
    h.startPayment();
    const ref = h.reference();
    const t = h.send({ type: "create_result", saleId: "S1", reference: ref, result: UNAVAILABLE });
    expect(onlyEffect(t, "notify_register")).toMatchObject({
      durable: true,
      update: { state: "failed", reason: "VIPPS_UNAVAILABLE" },
    });
    expect(onlyEffect(t, "vipps_cancel")).toMatchObject({
      cleanup: true,
      transactionOnly: false,
      idempotencyKey: `${ref}-release`,
    });
    expect(h.sale().cleanup).toEqual({ reference: ref });
    const later = h.send({ type: "cleanup_result", saleId: "S1", reference: ref, result: UNAVAILABLE });
    expect(onlyEffect(later, "schedule").timer).toBe("retry");
    const retry = h.send({ type: "timer", saleId: "S1", reference: ref, timer: "retry" });
    expect(onlyEffect(retry, "vipps_cancel").cleanup).toBe(true);
    h.send({ type: "cleanup_result", saleId: "S1", reference: ref, result: REFUSED("404", 404) });
    expect(h.sale().cleanup).toBeUndefined();
  });

  it("capture unanswered → keep the sale, tell the register, retry the same key until Vipps answers", () => {
    const h = new TillHarness();
    h.capturing();
    const ref = h.reference();
    const t = h.send({ type: "capture_result", saleId: "S1", reference: ref, result: UNAVAILABLE });
    expect(h.sale().phase.kind).toBe("capturing");
    expect(onlyEffect(t, "notify_register").update).toMatchObject({
      reason: "VIPPS_UNAVAILABLE",
      final: false,
    });
    const retry = h.send({ type: "timer", saleId: "S1", reference: ref, timer: "retry" });
    expect(onlyEffect(retry, "vipps_capture").idempotencyKey).toBe(`${ref}-capture`);
    const done = h.send({
      type: "capture_result",
      saleId: "S1",
      reference: ref,
      result: OK({ capturedAmount: 4900 }),
    });
    expect(onlyEffect(done, "notify_register").update).toMatchObject({ state: "captured", final: true });
    expect(onlyEffect(done, "notify_register").update.reason).toBeUndefined();
  });

  it("capture refused → the reservation is released and the sale fails with CAPTURE_FAILED", () => {
    const h = new TillHarness();
    h.capturing();
    const ref = h.reference();
    const t = h.send({ type: "capture_result", saleId: "S1", reference: ref, result: REFUSED("6090") });
    expect(onlyEffect(t, "vipps_cancel")).toMatchObject({
      transactionOnly: false,
      idempotencyKey: `${ref}-release`,
    });
    const done = h.send({
      type: "cancel_result",
      saleId: "S1",
      reference: ref,
      transactionOnly: false,
      result: OK(snapshot({ state: "AUTHORIZED" })),
    });
    expect(onlyEffect(done, "notify_register").update).toMatchObject({
      state: "failed",
      reason: "CAPTURE_FAILED",
      final: true,
    });
  });

  it("a release that Vipps refuses because the money was captured ends as captured (the truth)", () => {
    const h = new TillHarness();
    h.capturing();
    const ref = h.reference();
    h.send({ type: "capture_result", saleId: "S1", reference: ref, result: REFUSED("6090") });
    const check = h.send({
      type: "cancel_result",
      saleId: "S1",
      reference: ref,
      transactionOnly: false,
      result: REFUSED("6040"),
    });
    expect(onlyEffect(check, "vipps_get").reference).toBe(ref);
    const t = h.send({
      type: "poll_result",
      saleId: "S1",
      reference: ref,
      result: OK(snapshot({ state: "AUTHORIZED", authorizedAmount: 4900, capturedAmount: 4900 })),
    });
    expect(onlyEffect(t, "notify_register").update).toMatchObject({
      state: "captured",
      capturedAmount: 4900,
    });
  });
});

describe("stale inputs", () => {
  it("ignores results for another attempt's reference", () => {
    const h = new TillHarness();
    h.requested();
    const before = h.till;
    h.send({
      type: "capture_result",
      saleId: "S1",
      reference: "kasse1-zzz-9",
      result: OK({ capturedAmount: 4900 }),
    });
    h.send({ type: "create_result", saleId: "S1", reference: h.reference(), result: OK({}) });
    expect(h.till).toBe(before);
  });
});
