import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createBody,
  SimApi,
  startTestVippsSim,
  type ApiAnswer,
  type TestVippsSim,
} from "../../../test/helpers/vipps-sim.js";

let t: TestVippsSim;
let api: SimApi;
let n = 0;
beforeEach(async () => {
  // Rate limits have their own tests; here they would only get in the way of long sequences.
  t = await startTestVippsSim({ paymentExpiryMs: 600_000 });
  api = new SimApi(t.sim.url, t.unit);
});
afterEach(async () => {
  await t.close();
});

const REF = "kasse1-life-0001";
const NOK = (value: number) => ({ currency: "NOK", value });
const errorCode = (a: ApiAnswer): string | undefined =>
  (a.body as { extraDetails?: { name: string; reason: string }[] }).extraDetails?.find(
    (d) => d.name === "ErrorCode",
  )?.reason;
const create = (
  customer: Record<string, string> = { phoneNumber: "4791234567" },
  value = 10_000,
  reference = REF,
) =>
  api.call("POST", "/epayment/v1/payments", {
    body: createBody(t.unit, reference, customer, value),
    idempotencyKey: `k${++n}`,
  });
const capture = (value: number, reference = REF) =>
  api.call("POST", `/epayment/v1/payments/${reference}/capture`, {
    body: { modificationAmount: NOK(value) },
    idempotencyKey: `k${++n}`,
  });
const refund = (value: number) =>
  api.call("POST", `/epayment/v1/payments/${REF}/refund`, {
    body: { modificationAmount: NOK(value) },
    idempotencyKey: `k${++n}`,
  });
const cancel = (body?: unknown) =>
  api.call("POST", `/epayment/v1/payments/${REF}/cancel`, {
    ...(body === undefined ? {} : { body }),
    idempotencyKey: `k${++n}`,
  });
const state = () => t.sim.control.payment(REF).state;
interface View {
  state: string;
  pspReference: string;
  aggregate: Record<
    "authorizedAmount" | "capturedAmount" | "refundedAmount" | "cancelledAmount",
    { value: number }
  >;
}
const view = async (): Promise<View> => (await api.call("GET", `/epayment/v1/payments/${REF}`)).body as View;
const totals = (v: View) => [
  v.aggregate.authorizedAmount.value,
  v.aggregate.capturedAmount.value,
  v.aggregate.refundedAmount.value,
  v.aggregate.cancelledAmount.value,
];

describe("the customer's answer", () => {
  it("approves after the configured delay: CREATED → AUTHORIZED", async () => {
    t.sim.control.setCustomer("4791234567", { payment: { action: "approve", afterMs: 3_000 } });
    await create();
    t.clock.advance(2_999);
    expect(state()).toBe("CREATED");
    t.clock.advance(1);
    expect(state()).toBe("AUTHORIZED");
    expect(totals(await view())).toEqual([10_000, 0, 0, 0]);
  });

  it("declines: CREATED → ABORTED", async () => {
    t.sim.control.setCustomer("4791234567", { payment: { action: "decline", afterMs: 500 } });
    await create();
    t.clock.advance(500);
    expect(state()).toBe("ABORTED");
    expect(errorCode(await capture(100))).toBe("6200");
  });

  it("uses the default behaviour for everyone else", async () => {
    t.sim.control.setDefaultBehaviour({ payment: { action: "approve", afterMs: 100 } });
    await create({ phoneNumber: "4512345678" }, 100);
    t.clock.advance(100);
    expect(state()).toBe("AUTHORIZED");
  });

  it("ignores: the payment EXPIRES after the payment window, with an EXPIRED event", async () => {
    t.sim.control.setCustomer("4791234567", { payment: { action: "approve", afterMs: 60_000 } });
    await create();
    t.sim.control.ignorePayment(REF);
    t.clock.advance(599_999);
    expect(state()).toBe("CREATED");
    t.clock.advance(1);
    expect(state()).toBe("EXPIRED");
    const events = (await api.call("GET", `/epayment/v1/payments/${REF}/events`)).body as { name: string }[];
    expect(events.map((e) => e.name)).toEqual(["CREATED", "EXPIRED"]);
    expect(() => t.sim.control.approvePayment(REF)).toThrow(/EXPIRED/);
  });

  it("is played by the control API: approve and decline", async () => {
    await create();
    expect(t.sim.control.approvePayment(REF).state).toBe("AUTHORIZED");
    await create(undefined, 10_000, "kasse1-life-0002");
    expect(t.sim.control.declinePayment("kasse1-life-0002").state).toBe("ABORTED");
    expect(() => t.sim.control.approvePayment("kasse1-life-0404")).toThrow(/no payment/);
  });
});

describe("capture, cancel and refund", () => {
  it("refuses to capture before authorization (6080)", async () => {
    await create();
    const a = await capture(100);
    expect(a.status).toBe(400);
    expect(errorCode(a)).toBe("6080");
  });

  it("captures in parts up to the authorized amount (6090 beyond), state stays AUTHORIZED", async () => {
    await create();
    t.sim.control.approvePayment(REF);
    const first = await capture(4_000);
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("application/problem+json");
    expect(first.body).toMatchObject({
      reference: REF,
      state: "AUTHORIZED",
      amount: NOK(10_000),
      aggregate: { capturedAmount: NOK(4_000) },
    });
    const over = await capture(6_001);
    expect(over.status).toBe(400);
    expect(errorCode(over)).toBe("6090");
    expect((await capture(6_000)).status).toBe(200);
    expect(totals(await view())).toEqual([10_000, 10_000, 0, 0]);
    expect(errorCode(await capture(1))).toBe("6090");
    expect(errorCode(await cancel())).toBe("6040");
  });

  it("cancels before authorization: TERMINATED, then nothing more", async () => {
    await create();
    const a = await cancel();
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ state: "TERMINATED" });
    expect(errorCode(await capture(100))).toBe("6200");
    expect(errorCode(await cancel())).toBe("6190");
    expect(() => t.sim.control.approvePayment(REF)).toThrow(/TERMINATED/);
  });

  it("cancelTransactionOnly terminates a pending payment but is refused once authorized (6060)", async () => {
    await create();
    expect(((await cancel({ cancelTransactionOnly: true })).body as View).state).toBe("TERMINATED");
    await create(undefined, 10_000, "kasse1-life-0002");
    t.sim.control.approvePayment("kasse1-life-0002");
    const refused = await api.call("POST", "/epayment/v1/payments/kasse1-life-0002/cancel", {
      body: { cancelTransactionOnly: true },
      idempotencyKey: "race",
    });
    expect(refused.status).toBe(400);
    expect(errorCode(refused)).toBe("6060");
    expect(t.sim.control.payment("kasse1-life-0002")).toMatchObject({ state: "AUTHORIZED", cancelled: 0 });
  });

  it("cancel after authorization releases what is not captured; state stays AUTHORIZED", async () => {
    await create();
    t.sim.control.approvePayment(REF);
    await capture(2_500);
    const a = await cancel({ cancelTransactionOnly: false });
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({
      state: "AUTHORIZED",
      aggregate: { cancelledAmount: NOK(7_500), capturedAmount: NOK(2_500) },
    });
    expect(errorCode(await capture(1))).toBe("6070");
    expect(errorCode(await cancel())).toBe("6040");
  });

  it("an authorized payment's GET says until when its capture is guaranteed: 180 days in Norway (none before approval)", async () => {
    await create();
    const get = () => api.call("GET", `/epayment/v1/payments/${REF}`);
    expect((await get()).body).not.toHaveProperty("captureGuaranteedUntil");
    t.sim.control.approvePayment(REF);
    const view = (await get()).body as { captureGuaranteedUntil?: string };
    const authorizedAt = t.sim.control.payment(REF).events.find((e) => e.name === "AUTHORIZED")?.timestamp;
    expect(authorizedAt).toBeDefined();
    expect(Date.parse(view.captureGuaranteedUntil ?? "")).toBe(
      Date.parse(authorizedAt ?? "") + 180 * 86_400_000,
    );
  });

  it("refunds up to what was captured and not refunded (6150 beyond); 6020 before authorization", async () => {
    await create();
    expect(errorCode(await refund(100))).toBe("6020");
    t.sim.control.approvePayment(REF);
    expect(errorCode(await refund(100))).toBe("6150");
    await capture(6_000);
    expect((await refund(2_000)).status).toBe(200);
    expect(errorCode(await refund(4_001))).toBe("6150");
    expect((await refund(4_000)).status).toBe(200);
    expect(totals(await view())).toEqual([10_000, 6_000, 6_000, 0]);
  });

  it.each([
    ["decimals", { modificationAmount: NOK(10.5) }, 400, "4040"],
    ["zero", { modificationAmount: NOK(0) }, 400, "4040"],
    ["another currency", { modificationAmount: { currency: "DKK", value: 100 } }, 400, "5040"],
    ["no modificationAmount", {}, 400, undefined],
  ])("refuses a capture of %s", async (_name, body, status, code) => {
    await create();
    t.sim.control.approvePayment(REF);
    const a = await api.call("POST", `/epayment/v1/payments/${REF}/capture`, {
      body,
      idempotencyKey: `k${++n}`,
    });
    expect(a.status).toBe(status);
    expect(errorCode(a)).toBe(code);
    expect(t.sim.control.payment(REF).captured).toBe(0);
  });

  it("answers 404 (5090) for an unknown reference and 400 for a malformed one", async () => {
    for (const a of [
      await api.call("GET", "/epayment/v1/payments/kasse1-life-0404"),
      await api.call("GET", "/epayment/v1/payments/kasse1-life-0404/events"),
      await capture(100, "kasse1-life-0404"),
    ]) {
      expect(a.status).toBe(404);
      expect(errorCode(a)).toBe("5090");
    }
    expect((await api.call("GET", "/epayment/v1/payments/short")).status).toBe(400);
  });

  it("keeps an event log with a pspReference, idempotency key and amount per operation", async () => {
    await create();
    t.sim.control.approvePayment(REF);
    await api.call("POST", `/epayment/v1/payments/${REF}/capture`, {
      body: { modificationAmount: NOK(3_000) },
      idempotencyKey: "cap-1",
    });
    await api.call("POST", `/epayment/v1/payments/${REF}/refund`, {
      body: { modificationAmount: NOK(1_000) },
      idempotencyKey: "ref-1",
    });
    await api.call("POST", `/epayment/v1/payments/${REF}/cancel`, { idempotencyKey: "can-1" });
    const events = (await api.call("GET", `/epayment/v1/payments/${REF}/events`)).body as {
      name: string;
      amount: { value: number };
      idempotencyKey: string | null;
      pspReference: string;
      success: boolean;
      reference: string;
      timestamp: string;
    }[];
    expect(events.map((e) => [e.name, e.amount.value, e.idempotencyKey, e.success])).toEqual([
      ["CREATED", 10_000, `k${n}`, true],
      ["AUTHORIZED", 10_000, null, true],
      ["CAPTURED", 3_000, "cap-1", true],
      ["REFUNDED", 1_000, "ref-1", true],
      ["CANCELLED", 7_000, "can-1", true],
    ]);
    expect(new Set(events.map((e) => e.pspReference)).size).toBe(5);
    expect(
      events.every((e) => e.reference === REF && e.timestamp === new Date(t.clock.now()).toISOString()),
    ).toBe(true);
    expect((await view()).pspReference).toBe(events[0]?.pspReference);
  });
});

describe("the test-only approve endpoint", () => {
  const approve = (body: unknown, reference = REF) =>
    api.call("POST", `/epayment/v1/test/payments/${reference}/approve`, { body });

  it("approves with the payment's customer, and only once (6230)", async () => {
    await create();
    expect((await approve({ customer: { phoneNumber: "4798765432" } })).status).toBe(400);
    const a = await approve({ customer: { phoneNumber: "4791234567" } });
    expect(a.status).toBe(200);
    expect(a.text).toBe("");
    expect(state()).toBe("AUTHORIZED");
    expect(errorCode(await approve({ customer: { phoneNumber: "4791234567" } }))).toBe("6230");
  });

  it("approves a customer-token payment with that customer's token", async () => {
    await api.call("PUT", "/qr/v1/merchant-callback/kasse1", { body: { locationDescription: "Kasse 1" } });
    const { customerToken } = t.sim.control.scan({
      msisdn: "4791234567",
      msn: t.unit.msn,
      merchantQrId: "kasse1",
    });
    await create({ customerToken });
    expect((await approve({ customer: { customerToken } })).status).toBe(200);
  });

  it("approves a landing-page payment with the token from its redirectUrl", async () => {
    const created = await api.call("POST", "/epayment/v1/payments", {
      body: {
        ...createBody(t.unit, REF, { phoneNumber: "4791234567" }),
        customer: undefined,
        userFlow: "WEB_REDIRECT",
        returnUrl: "https://example.com/r",
      },
      idempotencyKey: "web",
    });
    const token = new URL((created.body as { redirectUrl: string }).redirectUrl).searchParams.get("token");
    expect(errorCode(await approve({ token: "wrong" }))).toBe("10010");
    expect((await approve({ token })).status).toBe(200);
  });

  it("refuses an empty body, and an expired payment (10010)", async () => {
    await create();
    expect(errorCode(await approve({}))).toBe("10010");
    t.clock.advance(600_000);
    expect(errorCode(await approve({ customer: { phoneNumber: "4791234567" } }))).toBe("10010");
  });
});

describe("profile sharing", () => {
  it("sets profile.sub at authorization, stable per sales unit and user, and serves its userinfo", async () => {
    await api.call("POST", "/epayment/v1/payments", {
      body: {
        ...createBody(t.unit, REF, { phoneNumber: "4791234567" }),
        profile: { scope: "name phoneNumber" },
      },
      idempotencyKey: "p1",
    });
    expect((await view()) as unknown).toMatchObject({ profile: {} });
    t.sim.control.approvePayment(REF);
    const sub = ((await view()) as unknown as { profile: { sub: string } }).profile.sub;
    expect(sub).toMatch(/^[0-9a-f-]{36}$/);
    const info = await api.call("GET", `/vipps-userinfo-api/userinfo/${sub}`);
    expect(info.status).toBe(200);
    expect(Object.keys(info.body as object).sort()).toEqual([
      "family_name",
      "given_name",
      "name",
      "phone_number",
      "sub",
    ]);
    expect((info.body as { phone_number: string }).phone_number).toBe("4791234567");
    expect(
      (await api.call("GET", "/vipps-userinfo-api/userinfo/00000000-0000-4000-8000-000000000000")).status,
    ).toBe(404);
  });
});
