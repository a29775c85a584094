import { describe, expect, it } from "vitest";
import type { Input } from "./io.js";
import { basket, line, onlyEffect, REFUSED, TillHarness } from "./testing/harness.js";

/** Item 1 of issue 20: a minimum age from a basket line or `pay` becomes ePayment's minimumUserAge. */

function pay(h: TillHarness, input: Omit<Input & { type: "pay" }, "type">, lines = [line()]) {
  h.send({ type: "basket", basket: basket(input.saleId, lines) });
  const accepted = h.send({ type: "pay", ...input });
  h.advance(1_000);
  const create = h.send({ type: "checkin", checkIn: { customerToken: "tok-1", initiatedAt: h.now - 500 } });
  return { accepted, create: onlyEffect(create, "vipps_create") };
}

describe("age-restricted goods", () => {
  it("sends the highest age of the lines and pay as minimumUserAge", () => {
    const beer = line({ id: "pils", name: "Pils", minimumAge: 18 });
    const spirits = line({ id: "akevitt", name: "Akevitt", minimumAge: 20 });
    const h = new TillHarness();
    const { create } = pay(h, { saleId: "S1", total: 9800 }, [beer, spirits]);
    expect(create.body.minimumUserAge).toBe(20);

    const fromPay = new TillHarness();
    expect(pay(fromPay, { saleId: "S1", total: 4900, minimumAge: 18 }).create.body.minimumUserAge).toBe(18);
  });

  it("sends no minimumUserAge for a sale without one", () => {
    const h = new TillHarness();
    expect("minimumUserAge" in pay(h, { saleId: "S1", total: 4900 }).create.body).toBe(false);
  });

  it("a create Vipps refuses as 'cannot pay' (7010) on an age-limited sale fails AGE_NOT_VERIFIED; without an age PAYMENT_REFUSED", () => {
    for (const [minimumAge, reason] of [
      [18, "AGE_NOT_VERIFIED"],
      [undefined, "PAYMENT_REFUSED"],
    ] as const) {
      const h = new TillHarness();
      pay(h, { saleId: "S1", total: 4900, ...(minimumAge === undefined ? {} : { minimumAge }) });
      const t = h.send({
        type: "create_result",
        saleId: "S1",
        reference: h.reference(),
        result: REFUSED("7010"),
      });
      expect(onlyEffect(t, "notify_register").update).toMatchObject({ state: "failed", final: true, reason });
    }
  });

  it("another refusal of an age-limited sale stays PAYMENT_REFUSED", () => {
    const h = new TillHarness();
    pay(h, { saleId: "S1", total: 4900, minimumAge: 18 });
    const t = h.send({
      type: "create_result",
      saleId: "S1",
      reference: h.reference(),
      result: REFUSED("5080", 403),
    });
    expect(onlyEffect(t, "notify_register").update.reason).toBe("PAYMENT_REFUSED");
  });

  it("a repeated pay may not add an age the request under way lacks; the same or a lower one changes nothing", () => {
    const h = new TillHarness();
    pay(h, { saleId: "S1", total: 4900, minimumAge: 18 });
    const before = h.till;
    expect(h.send({ type: "pay", saleId: "S1", total: 4900, minimumAge: 20 }).acceptance).toMatchObject({
      ok: false,
      code: "SALE_LOCKED",
    });
    expect(h.till).toBe(before);
    expect(h.send({ type: "pay", saleId: "S1", total: 4900, minimumAge: 18 }).acceptance).toEqual({
      ok: true,
    });
    expect(h.send({ type: "pay", saleId: "S1", total: 4900 }).acceptance).toEqual({ ok: true });
    expect(h.till).toBe(before);
  });

  it("a pay naming its customer and an age sends both: the customer pushed to, and minimumUserAge", () => {
    for (const customer of [
      { phoneNumber: "4791234567" },
      { personalQr: "https://qr.vipps.no/p/4791234567" },
    ]) {
      const h = new TillHarness();
      h.send({ type: "basket", basket: basket("S1", [line()]) });
      const t = h.send({ type: "pay", saleId: "S1", total: 4900, minimumAge: 18, customer });
      expect(t.acceptance).toEqual({ ok: true });
      const create = onlyEffect(t, "vipps_create");
      expect(create.body.customer).toEqual(customer);
      expect(create.body.userFlow).toBe("PUSH_MESSAGE");
      expect(create.body.minimumUserAge).toBe(18);
    }
  });

  it("a per-sale QR carries the age; pay again for a new QR may not raise it (the old one may still be approved)", () => {
    const h = new TillHarness();
    h.send({ type: "basket", basket: basket("S1", [line()]) });
    const t = h.send({ type: "pay", saleId: "S1", total: 4900, minimumAge: 18, identification: "per-sale" });
    const create = onlyEffect(t, "vipps_create");
    expect(create.body.userFlow).toBe("QR");
    expect(create.body.minimumUserAge).toBe(18);
    h.send({
      type: "create_result",
      saleId: "S1",
      reference: create.reference,
      result: { ok: true, value: { redirectUrl: "https://landing.vipps.no/?token=abc" } },
    });
    const before = h.till;
    const higher = h.send({
      type: "pay",
      saleId: "S1",
      total: 4900,
      minimumAge: 20,
      identification: "per-sale",
    });
    expect(higher.acceptance).toMatchObject({ ok: false, code: "SALE_LOCKED" });
    expect(higher.effects).toEqual([]);
    expect(h.till).toBe(before);
    // The same age asks for a new QR as before: the old payment is withdrawn first.
    const renew = h.send({
      type: "pay",
      saleId: "S1",
      total: 4900,
      minimumAge: 18,
      identification: "per-sale",
    });
    expect(renew.acceptance).toEqual({ ok: true });
    expect(onlyEffect(renew, "vipps_cancel").reference).toBe(create.reference);
  });
});
