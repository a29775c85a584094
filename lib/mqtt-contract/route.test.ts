import { describe, expect, it } from "vitest";
import { routeWebhook } from "./route.js";

const checkIn = {
  customerToken: "tok",
  merchantQrId: "kasse1",
  msn: "123456",
  initiatedAt: "2023-10-06T10:45:40.3061965Z",
};
const payment = {
  msn: "123456",
  reference: "kasse1-20260821-000042",
  pspReference: "psp-1",
  name: "AUTHORIZED",
  amount: { currency: "NOK", value: 4900 },
  timestamp: "2026-01-19T16:26:32.099Z",
  success: true,
};

describe("routeWebhook", () => {
  it("routes a check-in by merchantQrId", () => {
    expect(routeWebhook(checkIn)).toEqual({
      routed: true,
      msn: "123456",
      tillId: "kasse1",
      event: "user.checked-in.v1",
    });
  });

  it("routes an ePayment event by the till id that starts its reference", () => {
    expect(routeWebhook(payment)).toEqual({
      routed: true,
      msn: "123456",
      tillId: "kasse1",
      event: "epayments.payment.authorized.v1",
    });
    expect(routeWebhook({ ...payment, name: "CAPTURED", reference: "K7-x-y" })).toMatchObject({
      tillId: "K7",
      event: "epayments.payment.captured.v1",
    });
  });

  it("accepts the legacy merchantSerialNumber", () => {
    const { msn: _msn, ...legacy } = checkIn;
    expect(routeWebhook({ ...legacy, merchantSerialNumber: "123456" })).toMatchObject({
      routed: true,
      msn: "123456",
    });
  });

  it("leaves unroutable webhooks unrouted, with the MSN when it is usable and a reason", () => {
    expect(routeWebhook({ ...checkIn, merchantQrId: "d8b7d76d-49aa-48b8-90c6-38779372c163" })).toEqual({
      routed: false,
      msn: "123456",
      event: "user.checked-in.v1",
      reason: "merchantQrId is not a till id (2–20 letters or digits)",
    });
    expect(routeWebhook({ ...payment, reference: "nodashreference" })).toMatchObject({
      routed: false,
      msn: "123456",
    });
    expect(routeWebhook({ ...payment, reference: "kasse/1-x" })).toMatchObject({ routed: false });
    expect(routeWebhook({ ...payment, msn: "12/34" })).toEqual({
      routed: false,
      event: "epayments.payment.authorized.v1",
      reason: "msn missing or not 4–10 digits",
    });
    expect(routeWebhook({ hello: "world", msn: "123456" })).toEqual({
      routed: false,
      msn: "123456",
      reason: "neither a check-in nor an ePayment event",
    });
    expect(routeWebhook([1, 2])).toMatchObject({ routed: false });
    expect(routeWebhook("text")).toMatchObject({ routed: false });
    expect(routeWebhook(null)).toMatchObject({ routed: false });
  });
});
