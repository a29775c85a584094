import { describe, expect, it } from "vitest";
import { parseVippsInstant, parseWebhookPayload } from "./vipps-events.js";

describe("parseVippsInstant", () => {
  it("reads Vipps' 7 fractional digits and other ISO 8601 forms", () => {
    const ms = Date.UTC(2023, 9, 6, 10, 45, 40, 306);
    expect(parseVippsInstant("2023-10-06T10:45:40.3061965Z")).toBe(ms);
    expect(parseVippsInstant("2023-10-06T10:45:40.306Z")).toBe(ms);
    expect(parseVippsInstant("2023-10-06T10:45:40.3Z")).toBe(ms - 6);
    expect(parseVippsInstant("2023-10-06T10:45:40Z")).toBe(ms - 306);
    expect(parseVippsInstant("2023-10-06T10:45:40.3061965")).toBe(ms);
    expect(parseVippsInstant("2023-10-06T12:45:40.306+02:00")).toBe(ms);
    expect(parseVippsInstant("2023-10-06T05:15:40.306-0530")).toBe(ms);
  });

  it("refuses what is not a real instant", () => {
    for (const text of [
      "",
      "yesterday",
      "2023-10-06",
      "2023-02-30T10:00:00Z",
      "2023-13-01T10:00:00Z",
      "2023-10-06T24:00:00Z",
      "2023-10-06T10:60:00Z",
      "2023-10-06T10:45:40.3Zjunk",
    ]) {
      expect(parseVippsInstant(text)).toBeUndefined();
    }
  });
});

describe("parseWebhookPayload", () => {
  const checkIn = {
    customerToken: "tok",
    merchantQrId: "kasse1",
    msn: "123456",
    initiatedAt: "2023-10-06T10:45:40.3061965Z",
  };
  const payment = {
    msn: "123456",
    reference: "kasse1-000042",
    pspReference: "psp-1",
    name: "CAPTURED",
    amount: { currency: "NOK", value: 4900 },
    timestamp: "2026-01-19T16:26:32.099Z",
    success: true,
    captureGuaranteedUntil: "2026-02-01T00:00:00Z",
  };

  it("types a check-in, accepting the legacy merchantSerialNumber", () => {
    expect(parseWebhookPayload(checkIn)).toEqual({
      kind: "check-in",
      checkIn: {
        merchantQrId: "kasse1",
        customerToken: "tok",
        msn: "123456",
        initiatedAt: Date.UTC(2023, 9, 6, 10, 45, 40, 306),
      },
    });
    const { msn: _m, ...legacy } = checkIn;
    expect(parseWebhookPayload({ ...legacy, merchantSerialNumber: "123456" })).toMatchObject({
      kind: "check-in",
      checkIn: { msn: "123456" },
    });
    expect(parseWebhookPayload(legacy)).toEqual({ kind: "invalid", problem: "msn: msn missing" });
  });

  it("types an ePayment event with integer minor units", () => {
    expect(parseWebhookPayload(payment)).toEqual({
      kind: "payment",
      payment: {
        msn: "123456",
        reference: "kasse1-000042",
        pspReference: "psp-1",
        name: "CAPTURED",
        amount: { currency: "NOK", value: 4900 },
        timestamp: Date.UTC(2026, 0, 19, 16, 26, 32, 99),
        success: true,
      },
    });
    expect(parseWebhookPayload({ ...payment, idempotencyKey: "k1" })).toMatchObject({
      payment: { idempotencyKey: "k1" },
    });
    expect(parseWebhookPayload({ ...payment, idempotencyKey: null })).toMatchObject({ kind: "payment" });
  });

  it("refuses money that is not integer minor units, unknown names and currencies", () => {
    const bad: [unknown, string][] = [
      [{ ...payment, amount: { currency: "NOK", value: 49.5 } }, "amount.value"],
      [{ ...payment, amount: { currency: "NOK", value: -1 } }, "amount.value"],
      [{ ...payment, amount: { currency: "NOK", value: "4900" } }, "amount.value"],
      [{ ...payment, amount: { currency: "SEK", value: 4900 } }, "amount.currency"],
      [{ ...payment, name: "SETTLED" }, "name"],
      [{ ...payment, success: "yes" }, "success"],
      [{ ...payment, timestamp: "soon" }, "timestamp"],
      [{ ...checkIn, initiatedAt: "2023-10-06" }, "initiatedAt"],
      [{ ...checkIn, customerToken: "" }, "customerToken"],
      [{ hello: 1 }, "neither"],
      [[checkIn], "not a JSON object"],
    ];
    for (const [input, problem] of bad) {
      const parsed = parseWebhookPayload(input);
      expect(parsed.kind).toBe("invalid");
      if (parsed.kind === "invalid") expect(parsed.problem).toContain(problem);
    }
  });
});
